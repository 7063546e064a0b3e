"""``{% lesson_price teacher %}``: a teacher's lesson price as text, for other apps' pages;
``{% cheapest_lesson_price %}``: the lowest price of any active teacher ("from €18.00" on
the home page) and ``{% lesson_minutes %}`` (the lesson length), so no page states a price
or a length the data does not give.

The teacher page (accounts) shows the price through this tag, so the one price rule
(``booking.services.lesson_price_cents``) stays in booking and accounts never imports it.
"""

from django import template

from site_config.money import format_cents

from ..finder.services import cheapest_lesson_price_cents
from ..selectors import booking_settings
from ..services import lesson_price_cents

register = template.Library()


@register.simple_tag(takes_context=True)
def lesson_price(context, teacher):
    """``€18.00``: the teacher's own price if set, else the request's site lesson price."""
    return format_cents(lesson_price_cents(teacher, booking_settings(context.get("request"))))


@register.simple_tag(takes_context=True)
def lesson_minutes(context):
    """How long a lesson lasts, from the request's site booking settings (``60``)."""
    return booking_settings(context.get("request")).lesson_minutes


@register.simple_tag(takes_context=True)
def cheapest_lesson_price(context):
    """``€18.00``: the cheapest active teacher's lesson price, worked out once per request
    however many blocks show it (each block renders with a context of its own)."""
    request = context.get("request")
    found = getattr(request, "booking_cheapest_lesson_price", None)
    if found is None:
        found = format_cents(cheapest_lesson_price_cents(booking_settings(request)))
        if request is not None:
            request.booking_cheapest_lesson_price = found
    return found
