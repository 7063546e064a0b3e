"""Basket pricing: one plain function, integer cents throughout.

Rules (the docstrings below are the specification):

- The basket gets at most one offer: the promo code the student entered, when it is valid,
  otherwise the automatic offer (no code) that gives the largest discount.
- Percentage off applies to each lesson and is rounded half-up to the cent
  (10% of €18.05 = 180.5 cents → 181 cents), so a refunded lesson returns exactly what was
  paid for it.
- Fixed amount off is capped at the subtotal and shared between lessons in proportion to
  their prices (largest remainder, so the shares add up to the exact amount).
- Bundle "buy N get M free": lessons are sorted from dearest to cheapest and cut into groups
  of N+M; in every complete group the M cheapest lessons are free.
- The total is never negative and never above the subtotal.
- Lesson packs in the basket (order lines with a ``pack``) are discounted only by an offer
  that says it applies to packs; any other offer discounts the lessons alone.

Offers may carry annotations made by ``commerce.offers.offers_for_pricing``:
``redemption_total`` and ``redemption_by_student`` (redemptions plus claims of orders being
paid) and ``student_has_placed_order``; a ``first_order`` flag can be passed (or is read from
that annotation, or looked up once, when a first-order-only offer needs it).
"""

from dataclasses import dataclass

from django.utils import timezone

from .models import PLACED_STATUSES, OfferKind, Order

CODE_UNKNOWN = "unknown"
CODE_NOT_STARTED = "not_started"
CODE_EXPIRED = "expired"
CODE_USED_UP = "used_up"
CODE_NOT_FOR_YOU = "not_for_you"
CODE_FIRST_ORDER_ONLY = "first_order_only"
CODE_APPLIED = "applied"


@dataclass(frozen=True)
class PriceLine:
    item: object
    price_cents: int
    discount_cents: int

    @property
    def total_cents(self):
        return self.price_cents - self.discount_cents


@dataclass(frozen=True)
class PriceResult:
    subtotal_cents: int
    discount_cents: int
    total_cents: int
    applied_offer: object
    lines: tuple
    message: str = ""
    code_status: str = ""

    @property
    def code_rejected(self):
        return self.code_status not in ("", CODE_APPLIED)


def _price_of(item):
    return int(item if isinstance(item, int) else item.price_cents)


def percentage_of(cents, percent):
    """``percent`` % of ``cents``, rounded half-up to the cent, in integer arithmetic."""
    return (cents * percent + 50) // 100


def _share(amount, prices):
    """Split ``amount`` (≤ sum(prices)) across prices in proportion, exactly, by largest
    remainder; ties go to the earlier line."""
    total = sum(prices)
    if total == 0:
        return [0] * len(prices)
    floors = [amount * p // total for p in prices]
    remainders = sorted(range(len(prices)), key=lambda i: (-(amount * prices[i] % total), i))
    for i in remainders[: amount - sum(floors)]:
        floors[i] += 1
    return floors


def is_pack_line(item):
    """A basket line that is a lesson pack (an order line with a pack), not a lesson."""
    return bool(getattr(item, "pack_id", None))


def offer_discounts(offer, items, prices):
    """``discounts_for`` over the lines the offer may discount (packs only when the offer
    applies to packs); 0 on the others."""
    eligible = [
        i for i, item in enumerate(items) if offer.applies_to_packs or not is_pack_line(item)
    ]
    shares = discounts_for(offer, [prices[i] for i in eligible])
    discounts = [0] * len(prices)
    for i, share in zip(eligible, shares, strict=True):
        discounts[i] = share
    return discounts


def discounts_for(offer, prices):
    """Discount in cents for each price, for one offer (eligibility not checked here)."""
    if offer.kind == OfferKind.PERCENTAGE:
        percent = max(0, min(100, offer.value or 0))
        return [percentage_of(p, percent) for p in prices]
    if offer.kind == OfferKind.FIXED:
        return _share(min(max(offer.value or 0, 0), sum(prices)), prices)
    if offer.kind == OfferKind.BUNDLE:
        buy, free = offer.bundle_buy or 0, offer.bundle_free or 0
        discounts = [0] * len(prices)
        size = buy + free
        if buy < 1 or free < 1:
            return discounts
        order = sorted(range(len(prices)), key=lambda i: (-prices[i], i))
        for start in range(0, len(order) - size + 1, size):
            for i in order[start + buy : start + size]:
                discounts[i] = prices[i]
        return discounts
    return [0] * len(prices)


def unavailable_reason(offer, *, now, first_order):
    """Why this offer cannot be used now by this student, or "" when it can."""
    if not offer.active or (offer.ends_at is not None and offer.ends_at <= now):
        return CODE_EXPIRED
    if offer.starts_at > now:
        return CODE_NOT_STARTED
    if offer.max_redemptions and getattr(offer, "redemption_total", 0) >= offer.max_redemptions:
        return CODE_USED_UP
    if (
        offer.per_student_limit
        and getattr(offer, "redemption_by_student", 0) >= offer.per_student_limit
    ):
        return CODE_NOT_FOR_YOU
    if offer.first_order_only and not first_order:
        return CODE_FIRST_ORDER_ONLY
    return ""


# Unknown, not-yet-valid and expired codes read the same, so guessing learns nothing.
CODE_CANNOT_BE_USED = "This code cannot be used."

CODE_MESSAGES = {
    CODE_UNKNOWN: CODE_CANNOT_BE_USED,
    CODE_NOT_STARTED: CODE_CANNOT_BE_USED,
    CODE_EXPIRED: CODE_CANNOT_BE_USED,
    CODE_USED_UP: "The code “{code}” has been used up.",
    CODE_NOT_FOR_YOU: "You have already used the code “{code}” as many times as it allows.",
    CODE_FIRST_ORDER_ONLY: "The code “{code}” is only for a first order.",
    CODE_APPLIED: "Code “{code}” applied: {summary}.",
}


def _is_first_order(student):
    """No order of the student is paid or being paid (an order in flight counts)."""
    return not Order.objects.filter(student=student, status__in=PLACED_STATUSES).exists()


def _first_order(student, offers):
    """``_is_first_order``, from the offers' ``student_has_placed_order`` annotation when
    ``offers_for_pricing`` made them (no extra query), else from the database."""
    for offer in offers:
        placed = getattr(offer, "student_has_placed_order", None)
        if placed is not None:
            return not placed
    return _is_first_order(student)


def price_basket(items, offers, *, student=None, promo_code=None, now=None, first_order=None):
    """Price a basket: subtotal, the one offer applied, discount and total, per line.

    ``items`` are objects with ``price_cents`` (bookings) or plain integers of cents.
    ``offers`` are the candidate offers (see the module docstring for the rules).
    """
    now = now or timezone.now()
    prices = [_price_of(item) for item in items]
    subtotal = sum(prices)
    offers = list(offers)
    code = (promo_code or "").strip()

    if first_order is None:
        needs_lookup = student is not None and any(o.first_order_only for o in offers)
        first_order = _first_order(student, offers) if needs_lookup else student is None

    chosen, chosen_discounts, message, code_status = None, [0] * len(prices), "", ""
    if code:
        match = next((o for o in offers if o.code and o.code.lower() == code.lower()), None)
        code_status = (
            CODE_UNKNOWN
            if match is None
            else unavailable_reason(match, now=now, first_order=first_order) or CODE_APPLIED
        )
        if code_status == CODE_APPLIED:
            chosen, chosen_discounts = match, offer_discounts(match, items, prices)
        message = CODE_MESSAGES[code_status].format(
            code=code, summary=match.summary if match else ""
        )

    if chosen is None:
        best = 0
        for offer in offers:
            if offer.code or unavailable_reason(offer, now=now, first_order=first_order):
                continue
            discounts = offer_discounts(offer, items, prices)
            if sum(discounts) > best:
                chosen, chosen_discounts, best = offer, discounts, sum(discounts)

    lines = tuple(
        PriceLine(item=item, price_cents=price, discount_cents=discount)
        for item, price, discount in zip(items, prices, chosen_discounts, strict=True)
    )
    discount = sum(chosen_discounts)
    return PriceResult(
        subtotal_cents=subtotal,
        discount_cents=discount,
        total_cents=subtotal - discount,
        applied_offer=chosen,
        lines=lines,
        message=message,
        code_status=code_status,
    )
