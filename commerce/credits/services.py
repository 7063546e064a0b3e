"""The credit wallet: a ledger of entries (``CreditEntry``) in lots (``CreditLot``).

Rules (docs/credits.md says them for admins):

- A lot is the credits a student got at once (a pack bought, a bonus, credits moved to
  them). What is left in a lot is the sum of its entries; the student's balance is the sum
  over their lots that have not expired. Nothing is ever a counter that is edited.
- A lot stops counting at ``expires_at`` (the balance reads the time, so credits leave at
  the instant they expire); the scheduler then records the expiry entry (``record_expiries``).
- A lesson is paid with the credit that expires first among the lots still valid at the
  lesson's start. Every change of a student's credits locks the student's lots first
  (``select_for_update``), so the balance of a lot never goes below zero, even when many
  bookings arrive at once.
- Cancelling or declining in time gives the lesson's credit back to its lot; a late cancel
  spends it unless the teacher waives it (another +1 entry).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.zones import format_local
from booking.exceptions import BookingError
from booking.models import BookingEvent, BookingStatus
from booking.series import hold_series
from booking.services import hold_slot
from site_config.mail import send_templated_email

from ..models import CreditEntry, CreditKind, CreditLot, OrderItem, OrderStatus
from ..services import RefundRefused, refund_item
from .ledger import add_months, grant_pack, lock_lots, write_entry  # noqa: F401

#: Bonus credits (a teacher's no-show) are valid this long, as a pack's default.
BONUS_VALIDITY_MONTHS = 12
#: A credit given back after its lot expired (an outcome recorded, a dispute decided or a
#: late cancel waived after the lot's expiry) comes back in a new lot valid this long.
RETURN_VALIDITY_DAYS = 30
#: Expiry reminders: days before ``expires_at``, and the lot field that records each one.
REMINDERS = ((30, "reminded_30_at"), (7, "reminded_7_at"))


class CreditError(BookingError):
    """A credit cannot be used or moved; ``str(error)`` is the sentence for the user."""


class NotEnoughCredits(CreditError):
    def __init__(self, message=None):
        super().__init__(message or "You do not have enough valid credits for this.")


# Reading -----------------------------------------------------------------------------------


def _remaining():
    """Annotation: what is left in a lot (the sum of its entries)."""
    return Coalesce(Sum("entries__delta"), 0)


def credit_balance(student, *, valid_at=None, now=None):
    """Credits the student can use now, or for a lesson at ``valid_at``: the sum of the
    entries of their lots that have not expired by then. One query."""
    now = now or timezone.now()
    moment = max(now, valid_at) if valid_at else now
    if not getattr(student, "is_authenticated", False):
        return 0
    total = CreditEntry.objects.filter(student=student, lot__expires_at__gt=moment).aggregate(
        total=Sum("delta")
    )["total"]
    return max(0, total or 0)


def lots_with_remaining(student, *, now=None, include_expired=False):
    """The student's lots, soonest to expire first, each with ``remaining`` (its balance)."""
    now = now or timezone.now()
    lots = CreditLot.objects.filter(student=student).annotate(remaining=_remaining())
    if not include_expired:
        lots = lots.filter(expires_at__gt=now)
    return lots.select_related("pack", "order").order_by("expires_at", "pk")


@dataclass(frozen=True)
class ExpiryGroup:
    expires_at: object
    credits: int


def balance_by_expiry(lots):
    """Credits left per expiry moment, from ``lots_with_remaining`` (no query)."""
    groups = {}
    for lot in lots:
        if lot.remaining > 0:
            groups[lot.expires_at] = groups.get(lot.expires_at, 0) + lot.remaining
    return [ExpiryGroup(moment, credits) for moment, credits in sorted(groups.items())]


def spend_entry(booking):
    """The entry that paid ``booking`` with a credit, or None."""
    return CreditEntry.objects.filter(booking=booking, kind=CreditKind.SPEND).first()


def credit_paid_ids(bookings):
    """Ids of the bookings paid with a credit that has not come back. One query."""
    return set(
        CreditEntry.objects.filter(booking__in=bookings, kind=CreditKind.SPEND)
        .exclude(
            Exists(CreditEntry.objects.filter(booking=OuterRef("booking"), kind=CreditKind.RETURN))
        )
        .values_list("booking_id", flat=True)
    )


# Changing ----------------------------------------------------------------------------------


@transaction.atomic
def pay_bookings_with_credits(student, bookings, *, now=None):
    """Pay held ``bookings`` of ``student`` with one credit each, all or none.

    Each lesson takes the credit that expires first among the lots still valid at its
    start (soonest lessons first); the student's lots are locked while this runs, so two
    requests never spend the same credit. The lessons are then marked paid by the system
    (awaiting the teacher). Raises ``NotEnoughCredits`` (nothing is spent) or the
    booking's own error.
    """
    now = now or timezone.now()
    bookings = sorted(bookings, key=lambda b: (b.start, b.pk))
    if not bookings:
        return []
    if any(b.student_id != student.pk for b in bookings):
        raise CreditError("These lessons are not yours.")
    if OrderItem.objects.filter(booking__in=bookings, order__status=OrderStatus.PAYING).exists():
        raise CreditError("A payment for one of these lessons is in progress.")
    remaining = lock_lots(student)
    plan = []
    for booking in bookings:
        lot = next(
            (
                lot
                for lot, left in remaining.items()
                if left > 0 and lot.expires_at > max(now, booking.start)
            ),
            None,
        )
        if lot is None:
            raise NotEnoughCredits(
                "You do not have enough credits valid on the date of this lesson."
                if len(bookings) == 1
                else f"You need {len(bookings)} credits valid on these lessons' dates."
            )
        remaining[lot] -= 1
        plan.append((booking, lot))
    for booking, lot in plan:
        write_entry(lot, CreditKind.SPEND, -1, booking=booking, reason="Lesson booked", now=now)
        booking.mark_paid(by=None)
    # The lessons leave the basket's open order (it is priced again at checkout anyway).
    OrderItem.objects.filter(booking__in=bookings, order__status=OrderStatus.OPEN).delete()
    return bookings


@transaction.atomic
def book_with_credit(student, teacher, start, goal="", *, now=None):
    """Hold ``start`` with ``teacher`` (every booking rule applies) and pay it with one
    credit at once: the lesson goes straight to "paid, awaiting teacher". All or nothing."""
    booking = hold_slot(student, teacher, start, goal, now=now)
    pay_bookings_with_credits(student, [booking], now=now)
    return booking


@transaction.atomic
def book_series_with_credits(student, teacher, first_start, weeks, chosen, goal="", *, now=None):
    """Hold the ``chosen`` weeks of a weekly series (``booking.series.hold_series``: every
    series and slot rule applies) and pay each lesson with one credit at once. All or
    nothing: a week taken meanwhile, or too few credits valid on the lessons' dates, and
    no lesson is held and no credit spent. Returns ``(series, bookings)``."""
    series, bookings = hold_series(student, teacher, first_start, weeks, chosen, goal, now=now)
    pay_bookings_with_credits(student, bookings, now=now)
    return series, bookings


def credits_for_series(student, starts, *, now=None):
    """Credits the student can use for lessons at ``starts``: those still valid at the
    last one (a credit valid then is valid for every earlier lesson). One query, none
    without lessons."""
    starts = [start for start in starts if start is not None]
    if not starts:
        return 0
    return credit_balance(student, valid_at=max(starts), now=now)


@transaction.atomic
def return_credit(booking, *, reason, by=None, now=None):
    """The lesson paid with a credit is cancelled or declined in time (or the teacher
    waives a late cancel, or an outcome refunds it): the credit goes back to the lot it came
    from. When that lot has expired meanwhile (a lot valid at the lesson's start may expire
    before its outcome is recorded), the credit comes back in a new lot of the same pack
    (``moved_from`` the old one), valid ``RETURN_VALIDITY_DAYS`` from now: a returned
    credit is always one the student can use. Returns the entry, or None when the lesson
    was not paid with a credit or already got it back."""
    now = now or timezone.now()
    spent = spend_entry(booking)
    if spent is None:
        return None
    lock_lots(booking.student_id)
    if CreditEntry.objects.filter(booking=booking, kind=CreditKind.RETURN).exists():
        return None
    lot = spent.lot
    if lot.expires_at <= now:
        lot = CreditLot.objects.create(
            student_id=lot.student_id,
            pack_id=lot.pack_id,
            moved_from=lot,
            quantity=1,
            expires_at=now + timedelta(days=RETURN_VALIDITY_DAYS),
        )
        reason = f"{reason} (its pack's credits had expired: valid {RETURN_VALIDITY_DAYS} days)"
    return write_entry(lot, CreditKind.RETURN, 1, booking=booking, reason=reason, by=by, now=now)


def _cancelled_late_by_student():
    return Exists(
        BookingEvent.objects.filter(
            booking=OuterRef("booking"),
            to_status=BookingStatus.CANCELLED,
            by=OuterRef("booking__student"),
        )
    )


def waivable_lessons(teacher, *, among=None, now=None):
    """The teacher's lessons (of ``among`` when given) their students cancelled late whose
    credit is still spent (the last 60 days), soonest first. One query."""
    now = now or timezone.now()
    entries = CreditEntry.objects.filter(
        kind=CreditKind.SPEND,
        booking__teacher=teacher,
        booking__status=BookingStatus.CANCELLED,
        booking__start__gte=now - timedelta(days=60),
    )
    if among is not None:
        entries = entries.filter(booking__in=among)
    return [
        entry.booking
        for entry in entries.filter(_cancelled_late_by_student())
        .exclude(
            Exists(CreditEntry.objects.filter(booking=OuterRef("booking"), kind=CreditKind.RETURN))
        )
        .select_related("booking__student__profile")
        .order_by("booking__start")
    ]


def waive_late_cancel(booking, *, by, now=None):
    """The lesson's teacher gives back the credit of a lesson their student cancelled late."""
    if by is None or by.pk != booking.teacher_id:
        raise CreditError("Only the lesson's teacher can give the credit back.")
    if booking.status != BookingStatus.CANCELLED:
        raise CreditError("Only a cancelled lesson's credit can be given back.")
    entry = return_credit(
        booking, reason=f"Late cancel waived by {by.display_name}.", by=by, now=now
    )
    if entry is None:
        raise CreditError("This lesson's credit was already given back, or it had none.")
    return entry


@transaction.atomic
def grant_bonus_credit(booking, *, reason="", now=None):
    """One bonus credit for the lesson's student (a new lot, valid the default time).
    Once per lesson."""
    now = now or timezone.now()
    existing = CreditEntry.objects.filter(booking=booking, kind=CreditKind.BONUS).first()
    if existing:
        return existing
    lot = CreditLot.objects.create(
        student_id=booking.student_id,
        quantity=1,
        expires_at=add_months(now, BONUS_VALIDITY_MONTHS),
    )
    return write_entry(
        lot, CreditKind.BONUS, 1, booking=booking, reason=reason or "Bonus credit", now=now
    )


# Expiry ------------------------------------------------------------------------------------


def record_expiries(now=None):
    """Record the expiry entry (minus what is left) of every lot that has expired with credits
    left (a lot's balance already ignored them from ``expires_at``). Idempotent: a lot is
    re-read under its student's lock. Returns the number of entries written."""
    now = now or timezone.now()
    candidates = (
        CreditLot.objects.filter(expires_at__lte=now)
        .annotate(remaining=_remaining())
        .filter(remaining__gt=0)
        .values_list("student_id", flat=True)
        .distinct()
    )
    written = 0
    for student_id in set(candidates):
        with transaction.atomic():
            for lot, left in lock_lots(student_id).items():
                if lot.expires_at <= now and left > 0:
                    write_entry(lot, CreditKind.EXPIRY, -left, reason="Credits expired", now=now)
                    written += 1
    return written


def send_expiry_reminders(now=None):
    """Email students 30 and 7 days before a lot with credits left expires, each once: the
    lot's row is locked and its ``reminded_*_at`` set in the same transaction as the email
    is queued (after the commit). A lot already inside the 7 days gets only that email."""
    now = now or timezone.now()
    sent = 0
    for days, field in sorted(REMINDERS):  # the nearest first: it settles the earlier too
        due = (
            CreditLot.objects.filter(
                expires_at__gt=now, expires_at__lte=now + timedelta(days=days), **{field: None}
            )
            .annotate(remaining=_remaining())
            .filter(remaining__gt=0)
            .values_list("pk", flat=True)
        )
        for pk in list(due):
            with transaction.atomic():
                lot = (
                    CreditLot.objects.select_for_update(of=("self",))
                    .select_related("student__profile", "pack")
                    .get(pk=pk)
                )
                if getattr(lot, field) is not None or lot.expires_at <= now:
                    continue
                left = CreditEntry.objects.filter(lot=lot).aggregate(s=Sum("delta"))["s"] or 0
                if left <= 0:
                    continue
                # This reminder, and any earlier one not sent (it is too late for it).
                updates = {f: now for d, f in REMINDERS if d >= days and getattr(lot, f) is None}
                CreditLot.objects.filter(pk=lot.pk).update(**updates)
                _queue_expiry_email(lot, left, days)
                sent += 1
    return sent


def _queue_expiry_email(lot, credits, days):
    student = lot.student
    context = {
        "student_name": student.display_name,
        "credits": credits,
        "days": days,
        "pack": lot.pack.name if lot.pack_id else "Bonus credits",
        "expires": format_local(lot.expires_at, student),
        "credits_url": settings.SITE_URL + reverse("commerce:my_credits"),
        "book_url": settings.SITE_URL + reverse("booking:book"),
    }
    transaction.on_commit(
        lambda: send_templated_email.enqueue(
            "commerce/emails/credits_expiring", context, [student.email]
        )
    )


# Admin -------------------------------------------------------------------------------------


def _need_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise CreditError("Please give a reason: it is kept in the ledger.")
    return reason


def _locked_lot(lot):
    remaining = lock_lots(lot.student_id)
    locked = next(candidate for candidate in remaining if candidate.pk == lot.pk)
    return locked, remaining[locked]


def refund_amount_cents(lot, credits):
    """What refunding ``credits`` of a bought lot gives back: the pack line's paid price
    pro rata of the credits it bought, rounded down to the cent."""
    if lot.order_item_id is None:
        return 0
    return lot.order_item.paid_cents * credits // lot.quantity


@transaction.atomic
def refund_credits(lot, credits, *, reason, by, key, now=None):
    """Refund ``credits`` unused credits of a bought lot to the card, pro rata of the pack's
    price (through the order's provider, ``commerce.services.refund_item``), and take them
    out of the lot (a refund entry). Returns the Refund."""
    reason = _need_reason(reason)
    lot, left = _locked_lot(lot)
    now = now or timezone.now()
    if lot.order_item_id is None:
        raise CreditError("Only credits bought with a pack can be refunded to the card.")
    if credits < 1 or credits > left or lot.expires_at <= now:
        raise CreditError(
            f"At most {left if lot.expires_at > now else 0} credit(s) can be refunded."
        )
    amount = refund_amount_cents(lot, credits)
    try:
        refund = refund_item(
            lot.order_item,
            amount_cents=amount,
            reason=f"{credits} unused credit(s) refunded: {reason}",
            by=by,
            key=key,
        )
    except RefundRefused as exc:
        raise CreditError(str(exc)) from exc
    if refund is None:
        raise CreditError("Nothing is left to refund on this pack.")
    write_entry(lot, CreditKind.REFUND, -credits, reason=reason, by=by, now=now)
    return refund


@transaction.atomic
def move_credits(lot, to_student, credits, *, reason, by, now=None):
    """Move ``credits`` of a lot to another student: out of this lot, into a new lot of
    theirs with the same pack and expiry. Returns the new lot."""
    reason = _need_reason(reason)
    now = now or timezone.now()
    if to_student.pk == lot.student_id:
        raise CreditError("Choose another student.")
    lot, left = _locked_lot(lot)
    if credits < 1 or credits > left or lot.expires_at <= now:
        raise CreditError(f"At most {left if lot.expires_at > now else 0} credit(s) can be moved.")
    lock_lots(to_student)
    new = CreditLot.objects.create(
        student=to_student,
        pack=lot.pack,
        moved_from=lot,
        quantity=credits,
        expires_at=lot.expires_at,
    )
    write_entry(
        lot, CreditKind.MOVE, -credits, reason=f"To {to_student.email}: {reason}", by=by, now=now
    )
    write_entry(
        new, CreditKind.MOVE, credits, reason=f"From {lot.student.email}: {reason}", by=by, now=now
    )
    return new


@transaction.atomic
def extend_lot(lot, expires_at, *, reason, by, now=None):
    """Push a lot's expiry later. Credits the scheduler had already expired come back (the
    extension entry adds them); the reminders are due again before the new date."""
    reason = _need_reason(reason)
    now = now or timezone.now()
    lot, _left = _locked_lot(lot)
    if expires_at <= max(now, lot.expires_at):
        raise CreditError("The new expiry must be later than the current one and than now.")
    entries = CreditEntry.objects.filter(lot=lot)
    expired = -(entries.filter(kind=CreditKind.EXPIRY).aggregate(s=Sum("delta"))["s"] or 0)
    reinstated = entries.filter(kind=CreditKind.EXTENSION).aggregate(s=Sum("delta"))["s"] or 0
    back = max(0, expired - reinstated)
    old = lot.expires_at
    CreditLot.objects.filter(pk=lot.pk).update(
        expires_at=expires_at, reminded_30_at=None, reminded_7_at=None
    )
    text = (
        f"Expiry moved from {old:%Y-%m-%d %H:%M} UTC to {expires_at:%Y-%m-%d %H:%M} UTC: {reason}"
    )
    return write_entry(lot, CreditKind.EXTENSION, back, reason=text, by=by, now=now)
