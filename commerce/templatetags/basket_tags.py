"""``{% basket_count as count %}``: how many lessons are in the viewer's basket, for the header.

One small query, and none while the session knows of no held lesson
(``booking.basket_hint``): most pages of most students cost nothing for it."""

from django import template

from booking.basket_hint import basket_may_hold_lessons

from ..services import basket_lesson_count

register = template.Library()


@register.simple_tag(takes_context=True)
def basket_count(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    if not basket_may_hold_lessons(request.session):
        return 0
    return basket_lesson_count(user)
