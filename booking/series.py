"""Weekly series: "every week, N weeks" with the same teacher.

The rule (``series_occurrences``, used by the preview, the holds, the shift emails and the
demo): a series is anchored in the **teacher's** wall-clock time. Lesson ``k`` (0 for the
first) is on the teacher's local date ``first_date + 7k days`` at the same local time,
turned into UTC by ``zoneinfo`` for that date; never ``first + k * 168 hours`` in UTC. So
18:00 Europe/Paris stays 18:00 in Paris every week, and a New York student sees 12:00, then
13:00 in the weeks when only the US has changed its clocks, then 12:00 again. A local time
that does not exist that day (the clocks jump over it) has no lesson that week; one that
happens twice means its first occurrence, as slots do (``slots.local_to_utc``).

A week "shifts" for the student when its lesson's weekday and time in the student's zone
differ from the first lesson's (``shifts``). Whether a week is free is the slot rules'
answer (``slots.refusals``).

Holding: the chosen weeks go into the basket together as HELD bookings linked to a new
``BookingSeries`` (``hold_series``) and are paid in one checkout like any basket. The hold
limit for a series: a student holds at most one unpaid series at a time; its own lessons are
not limited by ``max_held_lessons`` (their number is bounded by the booking horizon), but
single lessons still count every held lesson, the series' included (``services.hold_slot``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from accounts.zones import format_clock, format_local, format_moment, zone_named, zone_of
from site_config.mail import send_templated_email

from .exceptions import BookingError, SlotTaken, SlotUnavailable
from .models import (
    Booking,
    BookingEvent,
    BookingSeries,
    BookingSettings,
    BookingStatus,
    SeriesShiftNotice,
    expire_holds,
)
from .services import booking_refusal, lesson_price_cents, refund_preview_cents
from .slots import local_to_utc, refusal_text, refusals

MIN_WEEKS = 2
# The shift email goes this long before the first lesson of a shift.
SHIFT_NOTICE_LEAD = timedelta(days=7)


class SeriesHoldRefused(SlotUnavailable):
    """The series cannot be put in the basket; the message says why."""


class SeriesConflict(SlotUnavailable):
    """Weeks the student chose stopped being free; ``starts`` are their start times."""

    def __init__(self, starts):
        self.starts = starts
        count = len(starts)
        super().__init__(
            f"{count} of the weeks you chose {'is' if count == 1 else 'are'} no longer free. "
            "Please look at the weeks again."
        )


@dataclass(frozen=True)
class Occurrence:
    week: int  # 0 for the first lesson
    local_date: object  # the teacher's date
    start: object  # aware UTC datetime, or None when the local time does not exist that day


def series_occurrences(first_date, local_time, zone, weeks):
    """The ``weeks`` lessons of a series anchored at ``local_time`` in ``zone`` from the
    teacher's local date ``first_date``: the rule of the module docstring."""
    found = []
    for week in range(weeks):
        day = first_date + timedelta(days=7 * week)
        found.append(Occurrence(week, day, local_to_utc(datetime.combine(day, local_time), zone)))
    return found


def anchor_of(first_start, teacher):
    """``(zone, local date, local time)`` of a series whose first lesson is ``first_start``."""
    zone = zone_of(teacher)
    local = first_start.astimezone(zone)
    return zone, local.date(), local.time().replace(tzinfo=None, fold=0)


def occurrences_from(first_start, teacher, weeks):
    zone, day, clock = anchor_of(first_start, teacher)
    return series_occurrences(day, clock, zone, weeks)


def student_clock(start, zone):
    """The weekday and wall-clock time of ``start`` in ``zone`` (what "shifts" compares)."""
    local = start.astimezone(zone)
    return local.weekday(), local.hour, local.minute


def shifts(start, reference, zone):
    """True when ``start``'s weekday and time in ``zone`` differ from ``reference``'s."""
    return student_clock(start, zone) != student_clock(reference, zone)


def weeks_allowed(booking_settings):
    """The numbers of weeks a series may have: 2 up to the booking horizon."""
    return range(MIN_WEEKS, booking_settings.horizon_weeks + 1)


# The preview ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    week: int
    start: object  # None: the time does not exist that day
    student_text: str  # "Tuesday 2 March 2027, 12:00 EST"
    teacher_text: str  # "Tuesday 2 March 2027, 18:00 CET"
    shifted: bool
    conflict: str  # why the week cannot be booked ("" when it is free)

    @property
    def free(self):
        return not self.conflict

    @property
    def value(self):
        return str(self.week)


@dataclass(frozen=True)
class SeriesPreview:
    rows: list
    student_zone: str
    teacher_zone: str
    weeks: int

    @property
    def free_rows(self):
        return [row for row in self.rows if row.free]

    @property
    def conflicts(self):
        return [row for row in self.rows if not row.free]

    @property
    def shifted_count(self):
        return sum(row.shifted for row in self.rows if row.start)


NO_SUCH_TIME = "This time does not exist that day (the clocks change)."


def series_preview(
    teacher, student, first_start, weeks, *, booking_settings, twelve_hour=False, now=None
):
    """Every week of the series in both zones, the weeks whose time shifts for the student
    marked, and why any week cannot be booked (``slots.refusals``, three queries)."""
    now = now or timezone.now()
    occurrences = occurrences_from(first_start, teacher, weeks)
    starts = [o.start for o in occurrences if o.start is not None]
    refused = refusals(teacher, starts, viewer=student, now=now, settings=booking_settings)
    student_zone, teacher_zone = zone_of(student), zone_of(teacher)
    reference = occurrences[0].start or first_start
    rows = []
    for occurrence in occurrences:
        start = occurrence.start
        if start is None:
            rows.append(
                PreviewRow(
                    occurrence.week,
                    None,
                    date_format(occurrence.local_date, "l j F Y"),
                    date_format(occurrence.local_date, "l j F Y"),
                    False,
                    NO_SUCH_TIME,
                )
            )
            continue
        reason = refused.get(start)
        rows.append(
            PreviewRow(
                week=occurrence.week,
                start=start,
                student_text=format_moment(start, student_zone, twelve_hour=twelve_hour),
                teacher_text=format_moment(start, teacher_zone),
                shifted=shifts(start, reference, student_zone),
                conflict=refusal_text(reason, booking_settings) if reason else "",
            )
        )
    return SeriesPreview(rows, student_zone.key, teacher_zone.key, weeks)


# Holding ---------------------------------------------------------------------------------


def hold_series(student, teacher, first_start, weeks, chosen, goal="", now=None):
    """Put the ``chosen`` weeks (indices, 0 for the first) of the series starting at
    ``first_start`` in ``student``'s basket: HELD bookings linked to a new ``BookingSeries``.

    In one transaction, with the guarantees of ``services.hold_slot``: the student's row is
    locked, lapsed holds expire, the student may hold one unpaid series at a time
    (``SeriesHoldRefused``), every chosen week is checked by the slot rules (``SeriesConflict``
    names those no longer free) and then inserted; the database constraint has the last word
    (``SlotTaken``). All the chosen weeks are held, or none. Returns ``(series, bookings)``:
    the bookings are what a checkout (or, later, a credit payment) settles."""
    now = now or timezone.now()
    booking_settings = BookingSettings.current()
    refusal = booking_refusal(student, teacher)
    if refusal:
        raise SlotUnavailable(refusal)
    if first_start.tzinfo is None:
        raise SlotUnavailable()
    if weeks not in weeks_allowed(booking_settings):
        raise SeriesHoldRefused(
            f"A weekly series has {MIN_WEEKS} to {booking_settings.horizon_weeks} weeks."
        )
    chosen = sorted({week for week in chosen if 0 <= week < weeks})
    if not chosen:
        raise SeriesHoldRefused("Please choose at least one week to book.")
    occurrences = occurrences_from(first_start, teacher, weeks)
    picked = [occurrences[week] for week in chosen]
    if any(o.start is None for o in picked):
        raise SeriesConflict([o.local_date for o in picked if o.start is None])
    zone, first_date, clock = anchor_of(first_start, teacher)
    lesson = timedelta(minutes=booking_settings.lesson_minutes)
    price = lesson_price_cents(teacher, booking_settings)
    try:
        with transaction.atomic():
            list(get_user_model().objects.select_for_update().filter(pk=student.pk).values("pk"))
            expire_holds(now=now)
            held_series = Booking.objects.in_basket(student, now).filter(series__isnull=False)
            if held_series.exists():
                raise SeriesHoldRefused(
                    "Your basket already holds a weekly series. Pay for it or remove it "
                    "before booking another."
                )
            refused = refusals(
                teacher,
                [o.start for o in picked],
                viewer=student,
                now=now,
                settings=booking_settings,
            )
            if refused:
                raise SeriesConflict(sorted(refused))
            series = BookingSeries.objects.create(
                student=student,
                teacher=teacher,
                weekday=first_date.weekday(),
                local_time=clock,
                zone=zone.key,
                first_date=first_date,
                weeks=weeks,
                created_at=now,
            )
            bookings = [
                Booking.objects.create(
                    teacher=teacher,
                    student=student,
                    start=o.start,
                    end=o.start + lesson,
                    status=BookingStatus.HELD,
                    is_active=True,
                    hold_expires_at=now + timedelta(minutes=booking_settings.hold_minutes),
                    goal=goal,
                    price_cents=price,
                    series=series,
                )
                for o in picked
            ]
            BookingEvent.objects.bulk_create(
                BookingEvent(
                    booking=booking,
                    from_status="",
                    to_status=BookingStatus.HELD,
                    by=student,
                    at=now,
                    note=f"Week {o.week + 1} of {weeks} of a weekly series.",
                )
                for booking, o in zip(bookings, picked, strict=True)
            )
    except IntegrityError as exc:
        raise SlotTaken() from exc
    return series, bookings


# Cancel the rest --------------------------------------------------------------------------

REMOVE = "remove"  # held: leaves the basket
CANCEL = "cancel"  # paid or confirmed before the deadline: cancelled, refunded
KEEP = "keep"  # paid or confirmed after the deadline: not cancellable, stays booked


@dataclass(frozen=True)
class RestLesson:
    booking: Booking
    when: str
    action: str
    refund_cents: int
    deadline_text: str


def rest_of_series(series, now=None):
    """The series' lessons still to come that are held (not lapsed), paid or confirmed,
    soonest first."""
    now = now or timezone.now()
    return [
        booking
        for booking in series.lessons.filter(
            start__gt=now,
            status__in=(BookingStatus.HELD, BookingStatus.PAID, BookingStatus.CONFIRMED),
        )
        .with_people()
        .order_by("start", "pk")
        if booking.status != BookingStatus.HELD or booking.hold_expires_at > now
    ]


def plan_cancel_rest(series, viewer, *, booking_settings=None, now=None):
    """What "cancel the rest of the series" does to each lesson still to come, by the
    normal rules: a held lesson leaves the basket; a paid or confirmed one the student may
    still cancel (``Booking.student_may_cancel``: up to ``cancellation_hours`` before) is
    cancelled and refunded as a single cancel is; one past that deadline cannot be cancelled
    and stays booked."""
    now = now or timezone.now()
    booking_settings = booking_settings or BookingSettings.current()
    plan = []
    for booking in rest_of_series(series, now):
        if booking.status == BookingStatus.HELD:
            action, refund = REMOVE, 0
        elif booking.student_may_cancel(now, booking_settings):
            action, refund = CANCEL, refund_preview_cents(booking)
        else:
            action, refund = KEEP, 0
        plan.append(
            RestLesson(
                booking=booking,
                when=format_local(booking.start, viewer),
                action=action,
                refund_cents=refund,
                deadline_text=format_local(booking.cancellation_deadline(booking_settings), viewer),
            )
        )
    return plan


def cancel_rest_of_series(series, *, by, reason="", now=None):
    """Cancel every lesson of the series still to come through its normal transition
    (``Booking.cancel`` or ``Booking.remove``), the rule applied per lesson: lessons past
    the cancellation deadline are left as they are. Returns ``(changed, kept)`` lists."""
    now = now or timezone.now()
    changed, kept = [], []
    for booking in rest_of_series(series, now):
        try:
            if booking.status == BookingStatus.HELD:
                booking.remove(by=by)
            else:
                booking.cancel(by=by, reason=reason, now=now)
        except BookingError:
            kept.append(booking)
        else:
            changed.append(booking)
    return changed, kept


# The shift email --------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftPeriod:
    starts: list  # the series' weeks in a row whose time shifts to the same clock (UTC)
    lessons: list  # the student's lessons still booked in those weeks, soonest first
    clock_text: str  # "13:00 EDT" in the student's zone

    @property
    def key(self):
        """What the period is recorded under: its first week, whatever is booked in it."""
        return self.starts[0]

    @property
    def first(self):
        return self.lessons[0]


def shift_periods(series, lessons):
    """The shift periods of ``series`` for its student: runs of consecutive weeks of its
    schedule (``series_occurrences``) whose lesson time in the student's zone differs from
    the first week's, each run at one shifted time, with the ``lessons`` (the series' own,
    soonest first) booked at those times. A moved lesson is not at its week's time and is
    left out; a period with nothing booked is left out."""
    zone = zone_of(series.student)
    anchor = zone_named(series.zone) or zone_of(series.teacher)
    weeks = [
        o.start
        for o in series_occurrences(series.first_date, series.local_time, anchor, series.weeks)
        if o.start is not None
    ]
    runs, run = [], []
    for start in weeks:
        shifted = shifts(start, weeks[0], zone)
        if run and (not shifted or student_clock(start, zone) != student_clock(run[0], zone)):
            runs.append(run)
            run = []
        if shifted:
            run.append(start)
    if run:
        runs.append(run)
    periods = []
    for starts in runs:
        booked = [lesson for lesson in lessons if lesson.start in set(starts)]
        if booked:
            periods.append(ShiftPeriod(starts, booked, format_clock(starts[0], zone)))
    return periods


def _shift_email(series, period):
    student = series.student
    zone = zone_of(student)
    first = period.first.start.astimezone(zone)
    count = len(period.lessons)
    usual = next(
        (
            o.start
            for o in series_occurrences(
                series.first_date, series.local_time, zone_named(series.zone), series.weeks
            )
            if o.start is not None
        ),
        period.first.start,
    )
    return {
        "template_prefix": "booking/email/series_shift_student",
        "context": {
            "recipient_name": student.display_name,
            "teacher_name": series.teacher.display_name,
            "weekday": date_format(first, "l"),
            "clock": period.clock_text,
            "usual_clock": format_clock(usual, zone),
            "lessons": count,
            "weeks_text": "one week" if count == 1 else f"{count} weeks",
            "dates": [format_moment(b.start, zone) for b in period.lessons],
            "zone_name": zone.key,
            "teacher_clock": format_clock(period.first.start, zone_named(series.zone)),
            "dashboard_path": "/bookings/",
        },
        "to": [student.email],
    }


def send_shift_notices(now=None, lead=SHIFT_NOTICE_LEAD):
    """Email each series' student ``lead`` (7 days) before a shift period starts: "your
    Tuesday lesson is at 13:00 for two weeks", exactly once per series and period, and never
    when nothing shifts. Only paid and confirmed lessons count; the email goes 7 days before
    the first of them in the period, and is recorded under the period's first week, so a
    lesson cancelled after it never brings a second one. The series' row is locked
    and the period's ``SeriesShiftNotice`` created before the email is queued (on commit),
    so two runs at once send it once. Returns how many emails were queued."""
    now = now or timezone.now()
    due = (
        BookingSeries.objects.filter(
            lessons__status__in=(BookingStatus.PAID, BookingStatus.CONFIRMED),
            lessons__start__gt=now,
            lessons__start__lte=now + lead,
        )
        .distinct()
        .select_related("student__profile", "teacher__profile")
    )
    count = 0
    for series in due:
        lessons = list(
            series.lessons.filter(
                status__in=(BookingStatus.PAID, BookingStatus.CONFIRMED), start__gt=now
            ).order_by("start")
        )
        for period in shift_periods(series, lessons):
            if not now < period.first.start <= now + lead:
                continue
            with transaction.atomic():
                BookingSeries.objects.select_for_update().filter(pk=series.pk).first()
                if SeriesShiftNotice.objects.filter(
                    series=series, period_start=period.key
                ).exists():
                    continue
                SeriesShiftNotice.objects.create(
                    series=series,
                    period_start=period.key,
                    lessons=len(period.lessons),
                    sent_at=now,
                )
                email = _shift_email(series, period)
                transaction.on_commit(lambda email=email: send_templated_email.enqueue(**email))
                count += 1
    return count
