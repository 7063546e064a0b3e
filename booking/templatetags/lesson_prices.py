"""``{% lesson_price teacher %}``: a teacher's lesson price as text, for other apps' pages.

The teacher page (accounts) shows the price through this tag, so the one price rule
(``booking.services.lesson_price_cents``) stays in booking and accounts never imports it.
"""

from django import template
from wagtail.models import Site

from site_config.money import format_cents

from ..models import BookingSettings
from ..services import lesson_price_cents

register = template.Library()


@register.simple_tag(takes_context=True)
def lesson_price(context, teacher):
    """``€18.00``: the teacher's own price if set, else the request's site lesson price."""
    request = context.get("request")
    booking_settings = None
    if request is not None and Site.find_for_request(request) is not None:
        booking_settings = BookingSettings.for_request(request)
    return format_cents(lesson_price_cents(teacher, booking_settings))
