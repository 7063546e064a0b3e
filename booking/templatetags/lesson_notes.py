"""``{% lesson_notes_link booking %}``: in "My bookings" the published notes and homework of
a held lesson; in the teacher's lists a link to write or edit them
(``booking.lesson_cards.notes_link_values``). Costs no query when the booking was read with
``select_related("lesson_note")`` (``booking.selectors``)."""

from django import template
from django.template.loader import render_to_string

from ..lesson_cards import notes_link_values

register = template.Library()


@register.simple_tag(takes_context=True)
def lesson_notes_link(context, booking):
    request = context.get("request")
    link = notes_link_values(booking, getattr(request, "user", None))
    if link is None:
        return ""
    return render_to_string("booking/notes/_link.html", {"link": link})
