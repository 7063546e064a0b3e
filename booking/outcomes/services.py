"""The rules of lesson outcomes beyond the status table: disputing a no-show within 48 hours,
an admin's decision on it, and the admin dashboard's count of teachers' no-shows."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.zones import format_local

from ..exceptions import BookingError, InvalidTransition
from ..models import Booking, BookingStatus
from ..notifications import queue_dispute_upheld_email
from ..transitions import LessonOutcome
from .models import DisputeStatus, OutcomeDispute, dispute_deadline

# The admin dashboard counts teachers' no-shows over this period.
NO_SHOW_PERIOD = timedelta(days=90)


class DisputeRefused(BookingError):
    """The lesson cannot be disputed (any more); the message says why."""


def dispute_refusal(booking, now=None):
    """Why the lesson's student cannot dispute it now, as a sentence ("" when they can): a
    lesson marked "student did not come" may be disputed once, within 48 hours of the
    outcome being recorded."""
    now = now or timezone.now()
    if not (
        booking.status == BookingStatus.MISSED and booking.outcome == LessonOutcome.STUDENT_NO_SHOW
    ):
        return "Only a lesson recorded as “student did not come” can be disputed."
    if OutcomeDispute.objects.filter(booking=booking).exists():
        return (
            "You have already sent your explanation for this lesson. Our team will reply by email."
        )
    deadline = dispute_deadline(booking)
    if now > deadline:
        return (
            f"The 48 hours to dispute this lesson ended on "
            f"{format_local(deadline, booking.student)}, so it can no longer be disputed."
        )
    return ""


def open_dispute(booking, explanation, now=None):
    """The student's account of a lesson marked "student did not come", sent within the
    window (``dispute_refusal``); one per lesson (the one-to-one row has the last word)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        refusal = dispute_refusal(locked, now)
        if refusal:
            raise DisputeRefused(refusal)
        try:
            with transaction.atomic():
                return OutcomeDispute.objects.create(booking=locked, explanation=explanation)
        except IntegrityError as exc:
            raise DisputeRefused("You have already sent your explanation for this lesson.") from exc


def resolve_dispute(dispute, *, by, refund, note="", now=None):
    """An admin decides an open dispute, once: uphold the outcome (nothing changes; the
    student is told) or refund the lesson (the "refund_after_dispute" row of the status
    table: commerce refunds what was paid; both sides are told). The dispute row is locked,
    so two admins deciding at once decide once."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = OutcomeDispute.objects.select_for_update().get(pk=dispute.pk)
        if locked.status != DisputeStatus.OPEN:
            raise InvalidTransition(
                f"This dispute was already decided: {locked.get_status_display().lower()}."
            )
        booking = Booking.objects.with_people().get(pk=locked.booking_id)
        if refund:
            booking.refund_after_dispute(by=by, note=note, now=now)
        else:
            queue_dispute_upheld_email(booking, note)
        locked.status = DisputeStatus.REFUNDED if refund else DisputeStatus.UPHELD
        locked.resolved_by = by
        locked.resolved_at = now
        locked.resolution_note = note
        locked.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_note"])
    for field in ("status", "resolved_by", "resolved_at", "resolution_note"):
        setattr(dispute, field, getattr(locked, field))
    return dispute


def teacher_no_shows(now=None, period=NO_SHOW_PERIOD, limit=10):
    """Teachers recorded as not coming to a lesson that ended in the last ``period``, most
    no-shows first: ``[{"teacher_id", "name", "email", "count"}]``. One query."""
    now = now or timezone.now()
    rows = (
        Booking.objects.filter(outcome=LessonOutcome.TEACHER_NO_SHOW, end__gte=now - period)
        .values(
            "teacher_id",
            "teacher__profile__display_name",
            "teacher__first_name",
            "teacher__last_name",
            "teacher__email",
        )
        .annotate(count=Count("pk"))
        .order_by("-count", "teacher__email")[:limit]
    )
    return [
        {
            "teacher_id": row["teacher_id"],
            "name": row["teacher__profile__display_name"]
            or f"{row['teacher__first_name']} {row['teacher__last_name']}".strip()
            or row["teacher__email"],
            "email": row["teacher__email"],
            "count": row["count"],
        }
        for row in rows
    ]
