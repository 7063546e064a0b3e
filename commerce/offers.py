"""Reading offers from the database: what is running now, and what a basket may use.

An offer's uses are its redemptions (paid orders) plus its claims: orders whose payment is in
flight ("paying") and open orders prepared for payment whose claim has not lapsed
(``Order.offer_claimed_until``, the end of their holds). Claims are taken in
``commerce.services.prepare_checkout`` with the offers locked (``lock_limited_offers``).
"""

from datetime import datetime

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from site_config.compiled import CompiledQuery

from .models import PLACED_STATUSES, Offer, OfferRedemption, Order, OrderStatus


def running_q(now, *, ends_after=None):
    """Offers running at ``now`` (``ends_after``: the same moment, passed on its own by a
    compiled query, which needs each value once)."""
    ends_after = now if ends_after is None else ends_after
    return Q(active=True, starts_at__lte=now) & (
        Q(ends_at__isnull=True) | Q(ends_at__gt=ends_after)
    )


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


def _candidates_q(now, promo_code, *, ends_after=None):
    candidates = running_q(now, ends_after=ends_after) & Q(code="")
    code = (promo_code or "").strip()
    if code:
        candidates |= Q(code__iexact=code)
    return candidates


def _count(queryset):
    """A correlated subquery counting ``queryset``'s rows for the outer offer (0 if none)."""
    counted = queryset.order_by().values("offer").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _if_limited(limit_field, uses):
    """``uses`` for offers with this limit, 0 for the others (which never read it): the
    database counts the uses of limited offers only, and most offers have no limit."""
    return Case(
        When(**{f"{limit_field}__isnull": False}, then=uses),
        default=Value(0),
        output_field=IntegerField(),
    )


# What pricing reads of an offer (``price_basket``, the offer's name and summary on the
# basket and checkout, the order's offer and code), in the model's field order; the
# description, image and timestamps are not read.
PRICING_FIELDS = tuple(
    field.attname
    for field in Offer._meta.concrete_fields
    if field.name not in ("description", "image", "created_at", "updated_at")
)
STUDENT_ANNOTATIONS = ("redemption_by_student", "student_has_placed_order")


def _pricing_rows(moments, students, promo_code=""):
    """``offers_for_pricing``'s query as ``values_list`` rows: ``PRICING_FIELDS``, then
    ``redemption_total`` and, with ``students``, ``STUDENT_ANNOTATIONS``.

    ``moments`` is ``now`` three times and ``students`` the student four times (or None),
    once for each place in the SQL, so that ``_compiled_pricing_rows`` finds each once.
    """
    now, ends_after, claims_now = moments
    redemptions = OfferRedemption.objects.filter(offer=OuterRef("pk"))
    claims = Order.objects.filter(claims_q(claims_now), offer=OuterRef("pk"))
    names = [*PRICING_FIELDS, "redemption_total"]
    if students is not None:
        claims = claims.exclude(status=OrderStatus.OPEN, student=students[0])
    queryset = Offer.objects.filter(_candidates_q(now, promo_code, ends_after=ends_after)).annotate(
        redemption_total=_if_limited("max_redemptions", _count(redemptions) + _count(claims))
    )
    if students is not None:
        names += STUDENT_ANNOTATIONS
        queryset = queryset.annotate(
            redemption_by_student=_if_limited(
                "per_student_limit",
                _count(redemptions.filter(student=students[1]))
                + _count(
                    Order.objects.filter(
                        offer=OuterRef("pk"), student=students[2], status=OrderStatus.PAYING
                    )
                ),
            ),
            # For first-order-only offers (``price_basket``), in the same query.
            student_has_placed_order=Exists(
                Order.objects.filter(student=students[3], status__in=PLACED_STATUSES)
            ),
        )
    return queryset.values_list(*names)


# The basket and checkout price every visit of a student without a promo code: that query
# is compiled to SQL once (a code, a string, takes the ordinary path).
_compiled_pricing_rows = CompiledQuery(
    lambda now, ends_after, claims_now, student_a, student_b, student_c, student_d: _pricing_rows(
        (now, ends_after, claims_now), (student_a, student_b, student_c, student_d)
    ),
    kinds=(datetime, datetime, datetime, int, int, int, int),
    name="offer_pricing_rows",
)


def _offer(row, annotations):
    """An offer (its ``PRICING_FIELDS`` loaded, the others deferred) from a row of
    ``_pricing_rows``, with its annotations set."""
    count = len(PRICING_FIELDS)
    offer = Offer.from_db("default", PRICING_FIELDS, row[:count])
    for name, value in zip(annotations, row[count:], strict=True):
        setattr(offer, name, value)
    return offer


def offers_for_pricing(student=None, now=None, promo_code=""):
    """Candidate offers for ``price_basket``, annotated with their uses so far.

    The automatic offers (no code) running now, plus the offer of the code the student
    entered whatever its dates (so a code that cannot be used gets its message), each with
    ``redemption_total`` (redemptions plus other orders' claims; the student's own open
    order is the one being priced, so it never counts against itself) and
    ``redemption_by_student`` (the student's redemptions plus their orders being paid), and
    ``student_has_placed_order`` (whether a first-order-only offer is out of reach).
    The uses are counted only for offers with the matching limit (``max_redemptions``,
    ``per_student_limit``), 0 for the others. Only ``PRICING_FIELDS`` are loaded.
    One query; the codes of other offers, however many have been issued, are not read.
    """
    now = now or timezone.now()
    annotations = ["redemption_total"]
    if student is None:
        rows = _pricing_rows((now,) * 3, None, promo_code)
    else:
        annotations += STUDENT_ANNOTATIONS
        if (promo_code or "").strip():
            rows = _pricing_rows((now,) * 3, (student,) * 4, promo_code)
        else:
            rows = _compiled_pricing_rows.rows(now, now, now, *(student.pk,) * 4)
    return [_offer(row, annotations) for row in rows]


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
