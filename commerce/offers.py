"""Reading offers from the database: what is running now, and what a basket may use.

An offer's uses are its redemptions (paid orders) plus its claims: orders whose payment is in
flight ("paying") and open orders prepared for payment whose claim has not lapsed
(``Order.offer_claimed_until``, the end of their holds). Claims are taken in
``commerce.services.prepare_checkout`` with the offers locked (``lock_limited_offers``).
"""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import PLACED_STATUSES, Offer, OfferRedemption, Order, OrderStatus


def running_q(now):
    return Q(active=True, starts_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def limited_q():
    """Offers with a limit that must be claimed before paying."""
    return (
        Q(max_redemptions__isnull=False)
        | Q(per_student_limit__isnull=False)
        | Q(first_order_only=True)
    )


def has_limits(offer):
    return bool(
        offer and (offer.max_redemptions or offer.per_student_limit or offer.first_order_only)
    )


def claims_q(now):
    """Orders holding a use of their offer: being paid, or prepared with a live claim."""
    return Q(status=OrderStatus.PAYING) | Q(status=OrderStatus.OPEN, offer_claimed_until__gt=now)


def current_offers(now=None):
    """Every offer running now (automatic and promo-code ones), for the home page block."""
    now = now or timezone.now()
    return Offer.objects.filter(running_q(now)).select_related("image").order_by("starts_at")


def _candidates_q(now, promo_code):
    candidates = running_q(now) & Q(code="")
    code = (promo_code or "").strip()
    if code:
        candidates |= Q(code__iexact=code)
    return candidates


def _count(queryset):
    """A correlated subquery counting ``queryset``'s rows for the outer offer (0 if none)."""
    counted = queryset.order_by().values("offer").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def offers_for_pricing(student=None, now=None, promo_code=""):
    """Candidate offers for ``price_basket``, annotated with their uses so far.

    The automatic offers (no code) running now, plus the offer of the code the student
    entered whatever its dates (so a code that cannot be used gets its message), each with
    ``redemption_total`` (redemptions plus other orders' claims; the student's own open
    order is the one being priced, so it never counts against itself) and
    ``redemption_by_student`` (the student's redemptions plus their orders being paid), and
    ``student_has_placed_order`` (whether a first-order-only offer is out of reach).
    One query; the codes of other offers, however many have been issued, are not read.
    """
    now = now or timezone.now()
    redemptions = OfferRedemption.objects.filter(offer=OuterRef("pk"))
    claims = Order.objects.filter(claims_q(now), offer=OuterRef("pk"))
    if student is not None:
        claims = claims.exclude(status=OrderStatus.OPEN, student=student)
    queryset = Offer.objects.filter(_candidates_q(now, promo_code)).annotate(
        redemption_total=_count(redemptions) + _count(claims)
    )
    if student is not None:
        queryset = queryset.annotate(
            redemption_by_student=_count(redemptions.filter(student=student))
            + _count(
                Order.objects.filter(
                    offer=OuterRef("pk"), student=student, status=OrderStatus.PAYING
                )
            ),
            # For first-order-only offers (``price_basket``), in the same query.
            student_has_placed_order=Exists(
                Order.objects.filter(student=student, status__in=PLACED_STATUSES)
            ),
        )
    return list(queryset)


def lock_limited_offers(now=None, promo_code=""):
    """Lock (``select_for_update``, in primary-key order, so two checkouts never deadlock)
    every candidate offer that has a limit, so counting its uses and claiming one is atomic."""
    now = now or timezone.now()
    return list(
        Offer.objects.select_for_update()
        .filter(_candidates_q(now, promo_code) & limited_q())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
