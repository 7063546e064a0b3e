"""``{% video_room booking %}``: a confirmed lesson's room on "My bookings" and the teacher
dashboard, for the people who may see it (``Booking.video_url_for``): a Join button from
15 minutes before the start until the end (``Booking.is_joinable``), before that the time the
button appears and the room's address (``booking.lesson_cards.video_room_values``)."""

from django import template
from django.template.loader import render_to_string

from ..lesson_cards import video_room_values

register = template.Library()


@register.simple_tag(takes_context=True)
def video_room(context, booking):
    request = context.get("request")
    room = video_room_values(booking, getattr(request, "user", None))
    if room is None:
        return ""
    return render_to_string("booking/_video_room.html", {"room": room})
