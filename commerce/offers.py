"""Reading offers from the database: what is running now, and what a basket may use."""

from django.db.models import Count, Q
from django.utils import timezone

from .models import Offer


def running_q(now):
    return Q(active=True, starts_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def current_offers(now=None):
    """Every offer running now (automatic and promo-code ones), for the home page block."""
    now = now or timezone.now()
    return Offer.objects.filter(running_q(now)).select_related("image").order_by("starts_at")


def offers_for_pricing(student=None, now=None, promo_code=""):
    """Candidate offers for ``price_basket``, annotated with their paid redemptions.

    The automatic offers (no code) running now, plus the offer of the code the student
    entered whatever its dates (so an expired code gets a clear message), each with
    ``redemption_total`` and ``redemption_by_student``. One query; the codes of other offers,
    however many have been issued over the years, are not read.
    """
    now = now or timezone.now()
    by_student = Count("redemptions", filter=Q(redemptions__student=student)) if student else None
    candidates = running_q(now) & Q(code="")
    code = (promo_code or "").strip()
    if code:
        candidates |= Q(code__iexact=code)
    queryset = Offer.objects.filter(candidates).annotate(redemption_total=Count("redemptions"))
    if by_student is not None:
        queryset = queryset.annotate(redemption_by_student=by_student)
    return list(queryset)
