"""Booking rules that touch several rows: holding a slot and the periodic jobs.

Public API (commerce codes against it): ``hold_slot``, ``reschedule_booking``, ``extend_holds``,
``lesson_price_cents``, ``lessons_cancelled_on_erasure``, ``expire_holds`` (defined next to
``Booking``, whose ``mark_paid`` needs it), ``complete_lessons``, ``send_reminders``,
``save_availability`` (and ``lessons_made_unavailable``, what it asks about); the
exceptions live in ``booking.exceptions``; the per-booking transitions are methods of
``booking.models.Booking``, run from the status table in ``booking.transitions``.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import roles
from accounts.zones import format_local, zone_of

from .exceptions import (
    AvailabilityConflict,
    HoldLimitReached,
    InvalidTransition,
    SlotTaken,
    SlotUnavailable,
)
from .models import (
    AvailabilityWindow,
    Booking,
    BookingEvent,
    BookingSettings,
    BookingStatus,
    TimeOff,
    expire_holds,
)
from .notifications import queue_reminder_emails
from .signals import late_cancel_allowed, refund_preview
from .slots import is_available
from .transitions import OUTCOME_WINDOW


def lesson_price_cents(teacher, booking_settings=None):
    """The teacher's own price if they have one, else the site's lesson price."""
    override = teacher.profile.price_override_cents
    if override is not None:
        return override
    return (booking_settings or BookingSettings.current()).lesson_price_cents


def refund_preview_cents(booking):
    """What cancelling or declining ``booking`` now would refund, in cents: the sum of the
    ``booking.signals.refund_preview`` answers (commerce: what is left to refund on the
    lesson's paid order line; 0 when nothing was paid)."""
    answers = refund_preview.send(sender=type(booking), booking=booking)
    return sum(answer for _receiver, answer in answers if isinstance(answer, int))


@dataclass(frozen=True)
class CancellationTerms:
    """What cancelling (student) or declining (teacher) a lesson does, for the page that asks
    first. ``deadline_text`` is the deadline in the viewer's zone, with the zone's name."""

    deadline: object
    deadline_text: str
    hours: int
    open: bool  # the student may still cancel (before the deadline)
    refund_cents: int  # what the action refunds now (0 when it refunds nothing)
    # Paid with a credit (``Booking.may_cancel_late``): cancelling in time gives the credit
    # back; past the deadline it may still be cancelled, and the credit stays spent.
    paid_with_credit: bool = False

    @property
    def late_allowed(self):
        return self.paid_with_credit and not self.open


def cancellation_terms(booking, viewer, *, declining=False, now=None, booking_settings=None):
    """The rule the confirmation pages state.

    The deadline is the lesson's start minus ``cancellation_hours``. A student who cancels
    before it is refunded what commerce would refund; after it the student can no longer
    cancel and no refund is given. A teacher's decline refunds the student in full whatever
    the time."""
    now = now or timezone.now()
    booking_settings = booking_settings or BookingSettings.current()
    deadline = booking.cancellation_deadline(booking_settings)
    may_cancel = booking.student_may_cancel(now, booking_settings)
    refunds = booking.status == BookingStatus.PAID if declining else may_cancel
    return CancellationTerms(
        deadline=deadline,
        deadline_text=format_local(deadline, viewer),
        hours=booking_settings.cancellation_hours,
        open=may_cancel,
        refund_cents=refund_preview_cents(booking) if refunds else 0,
        paid_with_credit=(
            booking.status in (BookingStatus.PAID, BookingStatus.CONFIRMED)
            and booking.may_cancel_late()
        ),
    )


def booking_refusal(student, teacher):
    """Why ``student`` may not book ``teacher`` at all, as a sentence ("" when they may):
    only students book, never themselves, and only active teachers."""
    if not roles.is_student(student):
        return "Only students can book lessons."
    if student.pk == teacher.pk:
        return "You cannot book a lesson with yourself."
    if not (teacher.is_active and roles.is_teacher(teacher)):
        return "This teacher is not taking bookings."
    return ""


def late_cancellable_ids(bookings):
    """Ids of ``bookings`` their student may still cancel after the notice (one answer per
    receiver of ``booking.signals.late_cancel_allowed``; commerce: those paid with a
    credit). No query when ``bookings`` is empty."""
    bookings = list(bookings)
    if not bookings:
        return set()
    answers = late_cancel_allowed.send(sender=Booking, bookings=bookings)
    return set().union(*(answer for _receiver, answer in answers if isinstance(answer, set)))


def hold_slot(student, teacher, start, goal="", now=None):
    """Reserve ``start`` with ``teacher`` for ``student``: a HELD booking until the hold lapses.

    In one transaction: the student's row is locked (so their holds are counted one request
    at a time), lapsed holds are expired, the student may hold at most
    ``max_held_lessons`` lessons at once (``HoldLimitReached``), the slot is checked against
    every availability rule, then the booking is inserted. The database constraint
    (PostgreSQL exclusion constraint, SQLite trigger under an IMMEDIATE transaction) has the
    last word: losing a race raises ``SlotTaken``. Every other refusal raises
    ``SlotUnavailable`` with a sentence for the student.
    """
    now = now or timezone.now()
    refusal = booking_refusal(student, teacher)
    if refusal:
        raise SlotUnavailable(refusal)
    if start.tzinfo is None:
        raise SlotUnavailable()
    if start <= now:
        raise SlotUnavailable("This time is in the past. Please pick another time.")

    booking_settings = BookingSettings.current()
    if start >= now + timedelta(weeks=booking_settings.horizon_weeks):
        raise SlotUnavailable()  # before any arithmetic: a far-off value could overflow
    end = start + timedelta(minutes=booking_settings.lesson_minutes)
    try:
        with transaction.atomic():
            # PostgreSQL: a second hold by the same student waits here until this one commits,
            # then counts it. SQLite serialises writing transactions (IMMEDIATE) anyway.
            list(get_user_model().objects.select_for_update().filter(pk=student.pk).values("pk"))
            expire_holds(now=now)
            limit = booking_settings.max_held_lessons
            if Booking.objects.in_basket(student, now).count() >= limit:
                raise HoldLimitReached(limit)
            if not is_available(teacher, start, now=now, settings=booking_settings):
                clash = Booking.objects.occupying(now).overlapping(start, end)
                if clash.filter(teacher=teacher).exists():
                    raise SlotTaken()
                raise SlotUnavailable()
            if (
                Booking.objects.occupying(now)
                .overlapping(start, end)
                .filter(student=student)
                .exists()
            ):
                raise SlotUnavailable(
                    "You already have a lesson at this time. Please pick another time."
                )
            booking = Booking.objects.create(
                teacher=teacher,
                student=student,
                start=start,
                end=end,
                status=BookingStatus.HELD,
                is_active=True,
                hold_expires_at=now + timedelta(minutes=booking_settings.hold_minutes),
                goal=goal,
                price_cents=lesson_price_cents(teacher, booking_settings),
            )
            BookingEvent.objects.create(
                booking=booking, from_status="", to_status=BookingStatus.HELD, by=student, at=now
            )
    except IntegrityError as exc:
        raise SlotTaken() from exc
    return booking


def reschedule_booking(booking, start, *, by, now=None):
    """Move a paid or confirmed lesson to ``start``, another free time of the same teacher,
    without paying again (``Booking.reschedule``, the "reschedule" row of the status table).

    The lesson's student or an admin may move it up to the cancellation deadline (its start
    minus ``cancellation_hours``), at most ``max_reschedules`` times; the new time must be a
    slot the teacher offers the student now (availability, time off, notice, horizon, grid),
    where the lesson's own old time does not count as busy. In one transaction, with the same
    guarantees as a hold: the lesson's row is locked, lapsed holds are expired, the new time
    is checked, then the lesson moves and goes back to paid so the teacher confirms again;
    the old time is free at once. The database constraint has the last word: losing a race
    raises ``SlotTaken``; any other refusal ``SlotUnavailable`` or ``InvalidTransition``
    with a sentence for the student. Both sides get an email with the updated .ics.
    """
    now = now or timezone.now()
    if start.tzinfo is None:
        raise SlotUnavailable()
    if start <= now:
        raise SlotUnavailable("This time is in the past. Please pick another time.")
    booking_settings = BookingSettings.current()
    if start >= now + timedelta(weeks=booking_settings.horizon_weeks):
        raise SlotUnavailable()  # before any arithmetic: a far-off value could overflow
    # The sentences speak to whoever moves the lesson: its student, or an admin for them.
    by_student = getattr(by, "pk", None) == booking.student_id
    if start == booking.start:
        raise SlotUnavailable(
            f"{'Your' if by_student else 'The'} lesson is already at this time. "
            "Please pick another time."
        )
    if not booking.teacher.is_active:
        raise SlotUnavailable("This teacher is not taking bookings.")

    def slot_free(locked, start, end, now):
        expire_holds(now=now)
        if is_available(
            locked.teacher,
            start,
            viewer=locked.student,
            now=now,
            settings=booking_settings,
            ignore=locked,
        ):
            return
        clash = Booking.objects.occupying(now).overlapping(start, end).exclude(pk=locked.pk)
        if clash.filter(teacher_id=locked.teacher_id).exists():
            raise SlotTaken()
        if clash.filter(student_id=locked.student_id).exists():
            raise SlotUnavailable(
                f"{'You already have' if by_student else 'The student already has'} a lesson "
                "at this time. Please pick another time."
            )
        raise SlotUnavailable()

    return booking.reschedule(by=by, start=start, slot_free=slot_free, now=now)


def extend_holds(bookings, now=None):
    """Keep held lessons reserved while the student pays (checkout started).

    A hold is extended at most once, to one hold length from ``now``, and never beyond twice
    the hold length after the lesson was held; it is never shortened. Lapsed holds and
    lessons no longer held are left alone. The ``bookings`` are updated in place; the cost is
    a constant number of queries however many there are.
    """
    now = now or timezone.now()
    length = timedelta(minutes=BookingSettings.current().hold_minutes)
    with transaction.atomic():
        extended = []
        for locked in Booking.objects.select_for_update().filter(
            pk__in=[booking.pk for booking in bookings],
            status=BookingStatus.HELD,
            hold_extended_at__isnull=True,
            hold_expires_at__gt=now,
        ):
            until = min(now + length, locked.created_at + 2 * length)
            if until > locked.hold_expires_at:
                locked.hold_expires_at, locked.hold_extended_at = until, now
                extended.append(locked)
        if extended:
            Booking.objects.bulk_update(extended, ["hold_expires_at", "hold_extended_at"])
    changes = {booking.pk: booking for booking in extended}
    for booking in bookings:
        if booking.pk in changes:
            booking.hold_expires_at = changes[booking.pk].hold_expires_at
            booking.hold_extended_at = changes[booking.pk].hold_extended_at
    return len(extended)


def lessons_settled_on_erasure(user, now=None):
    """The lessons deleting ``user``'s account settles: every lesson they take or teach that
    starts after ``now`` and is paid, confirmed or held (hold not lapsed), soonest first."""
    now = now or timezone.now()
    return (
        Booking.objects.filter(Q(student=user) | Q(teacher=user), start__gt=now)
        .filter(
            Q(status__in=(BookingStatus.PAID, BookingStatus.CONFIRMED))
            | Q(status=BookingStatus.HELD, hold_expires_at__gt=now)
        )
        .with_people()
        .order_by("start")
    )


def lessons_cancelled_on_erasure(user, now=None):
    """Of those, the paid and confirmed lessons: cancelled with a full refund."""
    return lessons_settled_on_erasure(user, now).exclude(status=BookingStatus.HELD)


def settle_lessons_of_closed_account(user, now=None):
    """Deleting an account settles its future lessons (``Booking.settle_for_closed_account``):
    held ones are released, paid and confirmed ones cancelled with a full refund, so the
    slots are free again and nobody waits for a lesson that will not happen. Returns how
    many lessons changed."""
    now = now or timezone.now()
    count = 0
    for booking in lessons_settled_on_erasure(user, now):
        try:
            booking.settle_for_closed_account(by=user, now=now)
        except InvalidTransition:
            # Paid (or lapsed) a moment ago: settle it as it is now.
            booking.refresh_from_db()
            if booking.status not in (BookingStatus.PAID, BookingStatus.CONFIRMED):
                continue
            booking.settle_for_closed_account(by=user, now=now)
        count += 1
    return count


def complete_lessons(now=None):
    """Confirmed lessons whose teacher recorded no outcome within the outcome window (48
    hours after their end) are recorded as held: COMPLETED (idempotent; the "complete" row of
    the status table)."""
    now = now or timezone.now()
    count = 0
    due = Booking.objects.filter(status=BookingStatus.CONFIRMED, end__lte=now - OUTCOME_WINDOW)
    for booking in due:
        try:
            booking.complete(now=now)
        except InvalidTransition:
            continue
        count += 1
    return count


def send_reminders(now=None, lead=timedelta(hours=24)):
    """Email both sides of each confirmed lesson starting within ``lead``, exactly once.

    The conditional UPDATE on ``reminder_sent_at`` means two runs (even at the same time)
    send each reminder only once.
    """
    now = now or timezone.now()
    count = 0
    due = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        start__gt=now,
        start__lte=now + lead,
    ).with_people()
    for booking in due:
        with transaction.atomic():
            claimed = Booking.objects.filter(
                Q(pk=booking.pk), Q(reminder_sent_at__isnull=True)
            ).update(reminder_sent_at=now)
            if claimed:
                queue_reminder_emails(booking)
                count += 1
    return count


# The message a student's decline email carries when the lesson's time stopped being available.
UNAVAILABLE_NOTE = (
    "Your teacher is no longer available at this time (time off or new weekly hours)."
)


def _minutes(moment):
    return moment.hour * 60 + moment.minute


def _in_windows(local_start, local_end, windows):
    """The slot rule: the lesson lies inside one of its weekday's windows, on that local day."""
    day = local_start.date()
    if local_end.date() != day:
        return False
    start, end = _minutes(local_start), _minutes(local_end)
    return any(
        w_start <= start and end <= w_end for w_start, w_end in windows.get(day.weekday(), ())
    )


def _windows_by_day(windows):
    by_day = {}
    for weekday, start, end in windows:
        by_day.setdefault(weekday, []).append((_minutes(start), _minutes(end)))
    return by_day


def _is_off(day, ranges):
    return any(first <= day <= last for first, last in ranges)


def lessons_made_unavailable(teacher, windows, time_off, now=None):
    """The lessons still to come (held and not lapsed, paid, confirmed) that replacing the
    teacher's availability with ``windows`` (weekday, start, end) and ``time_off`` (first
    day, last day, note) takes out of it, soonest first.

    In the teacher's zone: a lesson on a day the new time off covers and the old did not, or
    a lesson that lay inside the old weekly hours (outside old time off) and does not lie
    inside the new ones. A lesson that was outside the teacher's availability already is
    left alone: this change is not what moves it."""
    now = now or timezone.now()
    zone = zone_of(teacher)
    old_windows = _windows_by_day(
        AvailabilityWindow.objects.filter(teacher=teacher).values_list(
            "weekday", "start_time", "end_time"
        )
    )
    old_off = list(TimeOff.objects.filter(teacher=teacher).values_list("start_date", "end_date"))
    new_windows = _windows_by_day(windows)
    new_off = [(first, last) for first, last, _note in time_off]
    lessons = (
        Booking.objects.for_teacher(teacher)
        .filter(start__gt=now)
        .filter(
            Q(status__in=(BookingStatus.PAID, BookingStatus.CONFIRMED))
            | Q(status=BookingStatus.HELD, hold_expires_at__gt=now)
        )
        .with_people()
        .order_by("start", "pk")
    )
    affected = []
    for booking in lessons:
        start, end = booking.start.astimezone(zone), booking.end.astimezone(zone)
        newly_off = _is_off(start.date(), new_off) and not _is_off(start.date(), old_off)
        was_open = _in_windows(start, end, old_windows) and not _is_off(start.date(), old_off)
        if newly_off or (was_open and not _in_windows(start, end, new_windows)):
            affected.append(booking)
    return affected


@dataclass(frozen=True)
class UnavailableLesson:
    """A lesson a change of availability takes out, as the page that asks lists it: when (in
    the teacher's zone, with its name) and what its student would get back."""

    booking: Booking
    when: str
    refund_cents: int


def describe_unavailable(lessons, teacher):
    """``lessons`` (from ``lessons_made_unavailable``) for the page that asks the teacher."""
    return [
        UnavailableLesson(
            booking=booking,
            when=format_local(booking.start, teacher),
            refund_cents=0
            if booking.status == BookingStatus.HELD
            else refund_preview_cents(booking),
        )
        for booking in lessons
    ]


def save_availability(teacher, windows, time_off, *, settle=(), now=None):
    """Replace the teacher's weekly windows (weekday, start, end) and time off (first day,
    last day, note).

    The lessons the change takes out of the teacher's availability
    (``lessons_made_unavailable``) are settled only once the teacher has seen them:
    ``settle`` holds the ids they confirmed. If any such lesson is not among them,
    ``AvailabilityConflict`` (with the lessons) is raised and nothing changes. Otherwise, in
    one transaction, the windows and time off are replaced and each lesson is settled
    (``Booking.settle_as_unavailable``: paid and confirmed ones declined with a full refund
    and the decline email, held ones released from the basket). Returns the settled
    lessons."""
    now = now or timezone.now()
    settle = set(settle)
    with transaction.atomic():
        # One change of a teacher's availability at a time (two tabs saving at once).
        list(get_user_model().objects.select_for_update().filter(pk=teacher.pk).values("pk"))
        affected = lessons_made_unavailable(teacher, windows, time_off, now)
        if not {booking.pk for booking in affected} <= settle:
            raise AvailabilityConflict(affected)
        AvailabilityWindow.objects.filter(teacher=teacher).delete()
        AvailabilityWindow.objects.bulk_create(
            AvailabilityWindow(teacher=teacher, weekday=day, start_time=start, end_time=end)
            for day, start, end in windows
        )
        TimeOff.objects.filter(teacher=teacher).delete()
        TimeOff.objects.bulk_create(
            TimeOff(teacher=teacher, start_date=first, end_date=last, note=note)
            for first, last, note in time_off
        )
        return [booking for booking in affected if _settle_unavailable(booking, teacher)]


def _settle_unavailable(booking, teacher):
    """Settle one lesson as its status is now (a hold may have been paid a moment ago); False
    when it no longer needs settling (cancelled or lapsed meanwhile)."""
    try:
        booking.settle_as_unavailable(by=teacher, message=UNAVAILABLE_NOTE)
    except InvalidTransition:
        booking.refresh_from_db()
        if booking.status not in (BookingStatus.PAID, BookingStatus.CONFIRMED):
            return False
        booking.settle_as_unavailable(by=teacher, message=UNAVAILABLE_NOTE)
    return True
