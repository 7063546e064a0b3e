"""The lowest layer of the credit wallet: writing ledger entries and granting a bought
pack's lot. ``commerce.services`` (fulfilment) and ``commerce.credits.services`` use it."""

import calendar

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from ..models import CreditEntry, CreditKind, CreditLot


def add_months(moment, months):
    """The same wall-clock moment ``months`` later (31 January + 1 month = 28/29 February)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def lock_lots(student):
    """Lock the student's lots; return ``{lot: remaining}`` for them (two queries)."""
    lots = list(
        CreditLot.objects.select_for_update().filter(student=student).order_by("expires_at", "pk")
    )
    sums = dict(
        CreditEntry.objects.filter(lot__in=lots)
        .values("lot")
        .annotate(total=Sum("delta"))
        .values_list("lot", "total")
    )
    return {lot: sums.get(lot.pk, 0) for lot in lots}


def write_entry(lot, kind, delta, *, booking=None, reason="", by=None, now=None):
    return CreditEntry.objects.create(
        lot=lot,
        student_id=lot.student_id,
        kind=kind,
        delta=delta,
        booking=booking,
        reason=reason[:300],
        by=by if getattr(by, "is_authenticated", False) else None,
        created_at=now or timezone.now(),
    )


@transaction.atomic
def grant_pack(item, *, now=None):
    """A pack line of a paid order: its credits become a lot of the order's student,
    valid ``validity_months`` from now. Idempotent (one lot per order line)."""
    now = now or timezone.now()
    existing = CreditLot.objects.filter(order_item=item).first()
    if existing:
        return existing
    pack = item.pack
    lot = CreditLot.objects.create(
        student_id=item.order.student_id,
        pack=pack,
        order_id=item.order_id,
        order_item=item,
        quantity=pack.lessons,
        expires_at=add_months(now, pack.validity_months),
    )
    write_entry(lot, CreditKind.PURCHASE, pack.lessons, reason=f"Order {item.order_id}", now=now)
    return lot
