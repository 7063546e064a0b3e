"""``{% lesson_price teacher %}``: a teacher's lesson price as text, for other apps' pages.

The teacher page (accounts) shows the price through this tag, so the one price rule
(``booking.services.lesson_price_cents``) stays in booking and accounts never imports it.
"""

from django import template

from site_config.money import format_cents

from ..selectors import booking_settings
from ..services import lesson_price_cents

register = template.Library()


@register.simple_tag(takes_context=True)
def lesson_price(context, teacher):
    """``€18.00``: the teacher's own price if set, else the request's site lesson price."""
    return format_cents(lesson_price_cents(teacher, booking_settings(context.get("request"))))
