"""``{% basket_count as count %}``: how many lines (lessons and packs) are in the viewer's
basket, for the header.

One small query, and none while the session knows of no held lesson and no pack
(``booking.basket_hint``, ``commerce.basket_hint``): most pages of most students cost nothing
for it."""

from dataclasses import dataclass

from django import template

from booking.basket_hint import basket_may_hold_lessons

from ..basket_hint import basket_may_hold_packs, forget_packs
from ..services import basket_line_counts

register = template.Library()


@dataclass(frozen=True)
class BasketCount:
    """What the header says of the basket: ``total`` lines, and ``noun`` for screen readers
    ("2 lessons", "1 pack", "3 items" when both are there). False when it is empty."""

    lessons: int = 0
    packs: int = 0

    @property
    def total(self):
        return self.lessons + self.packs

    @property
    def noun(self):
        if self.lessons and self.packs:
            return "items"
        if self.packs:
            return "pack" if self.packs == 1 else "packs"
        return "lesson" if self.lessons == 1 else "lessons"

    def __bool__(self):
        return self.total > 0


EMPTY = BasketCount()


@register.simple_tag(takes_context=True)
def basket_count(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return EMPTY
    session = request.session
    packs = basket_may_hold_packs(session)
    if not (packs or basket_may_hold_lessons(session)):
        return EMPTY
    lessons, pack_count = basket_line_counts(user, packs=packs)
    if packs and not pack_count:
        forget_packs(session)  # paid, taken out or bought elsewhere: stop counting packs
    return BasketCount(lessons=lessons, packs=pack_count)
