"""``{% basket_count as count %}``: how many lines (lessons and packs) are in the viewer's
basket, for the header.

One small query, and none while the session knows of no held lesson and no pack
(``booking.basket_hint``, ``commerce.basket_hint``): most pages of most students cost nothing
for it."""

from django import template

from booking.basket_hint import basket_may_hold_lessons

from ..basket_hint import basket_may_hold_packs, forget_packs
from ..services import basket_line_counts

register = template.Library()


@register.simple_tag(takes_context=True)
def basket_count(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    session = request.session
    packs = basket_may_hold_packs(session)
    if not (packs or basket_may_hold_lessons(session)):
        return 0
    lessons, pack_count = basket_line_counts(user, packs=packs)
    if packs and not pack_count:
        forget_packs(session)  # paid, taken out or bought elsewhere: stop counting packs
    return lessons + pack_count
