"""Slot generation: which lesson start times a teacher offers to a viewer.

A slot is offered when (all in the teacher's own time zone, wall-clock):
- it starts on the lesson grid, counted from local midnight of its day;
- the lesson lies inside one of the teacher's windows for that weekday, on that local day;
- that day is not inside a time-off range;
- it starts at least the minimum notice after ``now`` and before the horizon ends;
- it overlaps no booking occupying the teacher's or the viewing student's time, and no busy
  time from the teacher's external calendars (``booking.calendars``), except the lesson
  being moved when a lesson is rescheduled (``ignore``).

DST: a wall-clock start that does not exist (spring forward) is skipped; one that happens
twice (fall back) means its first occurrence (``fold=0``). Lesson length is real elapsed time,
so a lesson that crosses a change ends at the wall-clock time the clock really shows.
"""

import bisect
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import DateField, F, IntegerField, Q, TimeField, Value
from django.utils import timezone

from accounts.zones import zone_of
from site_config.compiled import CompiledQuery

from .models import AvailabilityWindow, Booking, BookingSettings, ExternalBusyTime, TimeOff


def local_to_utc(naive, zone):
    """The UTC instant of wall-clock ``naive`` in ``zone``, or None if it does not exist."""
    aware = naive.replace(tzinfo=zone, fold=0)
    utc = aware.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return utc


def _minutes(value: time):
    return value.hour * 60 + value.minute


def _merged(intervals):
    """Sorted, merged ``(starts, ends)`` of ``(start, end)`` intervals."""
    merged = []
    for row_start, row_end in sorted(intervals):
        if merged and row_start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], row_end)
        else:
            merged.append([row_start, row_end])
    return [m[0] for m in merged], [m[1] for m in merged]


def _busy_query(teacher_ids, viewer_id, start, end, now, ignore_pk=None, *, external=None):
    """``_busy_rows``'s query. ``external`` is ``(teacher_ids, start, end)`` again for the
    external calendars' part (the same values, passed on their own by the compiled query,
    which needs each value once)."""
    who = Q(teacher_id__in=teacher_ids)
    if viewer_id:
        who |= Q(student_id=viewer_id)
    bookings = (
        Booking.objects.occupying(now)
        .overlapping(start, end)
        .filter(who)
        .exclude(pk=ignore_pk)
        .order_by()
        .values_list("teacher_id", "student_id", "start", "end")
    )
    external_ids, external_start, external_end = external or (teacher_ids, start, end)
    external = (
        ExternalBusyTime.objects.filter(calendar__teacher_id__in=external_ids)
        .overlapping(external_start, external_end)
        .order_by()
        .annotate(busy_teacher=F("calendar__teacher_id"), busy_student=Value(None, IntegerField()))
        .values_list("busy_teacher", "busy_student", "start", "end")
    )
    return bookings.union(external, all=True)


# The booking page's search (one teacher, a student looking, no lesson being moved) runs
# on every visit: compiled once.
_one_teacher_busy_rows = CompiledQuery(
    lambda teacher_id, viewer_id, start, end, now, external_id, external_start, external_end: (
        _busy_query(
            [teacher_id],
            viewer_id,
            start,
            end,
            now,
            external=([external_id], external_start, external_end),
        )
    ),
    kinds=(int, int, datetime, datetime, datetime, int, datetime, datetime),
    name="one_teacher_busy_rows",
)


def _busy_rows(teacher_ids, viewer, start, end, now, ignore=None):
    """``(teacher_id, student_id, start, end)`` of what occupies time in ``[start, end)`` for
    these teachers or the viewing student: active bookings, and the busy times of the
    teachers' external calendars (kept from the last good read of each feed, student_id
    None; see ``booking.calendars.services``). One query."""
    viewer_id = getattr(viewer, "pk", None) if viewer is not None else None
    if len(teacher_ids) == 1 and viewer_id and ignore is None:
        (teacher_id,) = teacher_ids
        return _one_teacher_busy_rows.rows(
            teacher_id, viewer_id, start, end, now, teacher_id, start, end
        )
    return list(_busy_query(teacher_ids, viewer_id, start, end, now, getattr(ignore, "pk", None)))


def _busy_for(teacher_id, viewer_id, rows):
    return _merged(
        (row_start, row_end)
        for row_teacher, row_student, row_start, row_end in rows
        if row_teacher == teacher_id or (viewer_id and row_student == viewer_id)
    )


def _schedules(teacher_ids, first_day, last_day):
    """The teachers' weekly windows, ``{teacher_id: {weekday: [(start minute, end minute)]}}``,
    and their time off touching ``first_day``..``last_day``, ``{teacher_id: [(first day, last
    day)]}``: one query (the two tables' rows side by side, as ``_busy_rows`` does)."""
    windows = (
        AvailabilityWindow.objects.filter(teacher_id__in=teacher_ids)
        .order_by()
        .annotate(off_start=Value(None, DateField()), off_end=Value(None, DateField()))
        .values_list("teacher_id", "weekday", "start_time", "end_time", "off_start", "off_end")
    )
    time_off = (
        TimeOff.objects.filter(
            teacher_id__in=teacher_ids, start_date__lte=last_day, end_date__gte=first_day
        )
        .order_by()
        .annotate(
            no_weekday=Value(None, IntegerField()),
            no_start=Value(None, TimeField()),
            no_end=Value(None, TimeField()),
        )
        .values_list("teacher_id", "no_weekday", "no_start", "no_end", "start_date", "end_date")
    )
    by_weekday, ranges = {}, {}
    for teacher_id, weekday, w_start, w_end, off_start, off_end in windows.union(
        time_off, all=True
    ):
        if off_start is None:
            by_weekday.setdefault(teacher_id, {}).setdefault(weekday, []).append(
                (_minutes(w_start), _minutes(w_end))
            )
        else:
            ranges.setdefault(teacher_id, []).append((off_start, off_end))
    return by_weekday, ranges


def _days_in(ranges, first_day, last_day):
    days = set()
    for off_start, off_end in ranges:
        day = max(off_start, first_day)
        while day <= min(off_end, last_day):
            days.add(day)
            day += timedelta(days=1)
    return days


def _bounds(settings, start, end, now):
    """The part of ``[start, end)`` a lesson may start in: after the minimum notice and
    before the horizon ends."""
    earliest = max(start, now + timedelta(hours=settings.min_notice_hours))
    latest = min(end, now + timedelta(weeks=settings.horizon_weeks))
    return earliest, latest


def _free_days(zone, windows, time_off, busy, settings, earliest, latest):
    """Each local day's free start times (ascending), day after day, in ``[earliest,
    latest)``: the rule of the module docstring for one teacher whose rows are loaded."""
    lesson = timedelta(minutes=settings.lesson_minutes)
    grid = max(1, settings.grid_minutes)
    first_day = earliest.astimezone(zone).date()
    last_day = latest.astimezone(zone).date()
    days_off = _days_in(time_off, first_day, last_day)
    busy_starts, busy_ends = busy
    day = first_day
    while day <= last_day:
        if day not in days_off:
            midnight = datetime.combine(day, time())
            found = set()  # overlapping windows (possible in old data) offer a time once
            for w_start, w_end in windows.get(day.weekday(), ()):
                found.update(
                    _day_slots(
                        midnight,
                        zone,
                        w_start,
                        w_end,
                        grid,
                        lesson,
                        earliest,
                        latest,
                        busy_starts,
                        busy_ends,
                    )
                )
            if found:
                yield sorted(found)
        day += timedelta(days=1)


def free_days(teacher, start, end, *, viewer=None, now=None, settings=None, ignore=None):
    """``available_slots`` day by day: each local day's free start times (ascending), days in
    order, computed as they are asked for (the rows are read in the first step), so a caller
    that needs only the first days does not generate the rest."""
    settings = settings or BookingSettings.current()
    now = now or timezone.now()
    earliest, latest = _bounds(settings, start, end, now)
    if earliest >= latest:
        return
    zone = zone_of(teacher)
    first_day = earliest.astimezone(zone).date()
    last_day = latest.astimezone(zone).date()
    windows, time_off = _schedules([teacher.pk], first_day, last_day)
    windows, time_off = windows.get(teacher.pk), time_off.get(teacher.pk, ())
    if not windows:
        return
    lesson = timedelta(minutes=settings.lesson_minutes)
    rows = _busy_rows([teacher.pk], viewer, earliest, latest + lesson, now, ignore)
    busy = _busy_for(teacher.pk, getattr(viewer, "pk", None), rows)
    yield from _free_days(zone, windows, time_off, busy, settings, earliest, latest)


def available_slots(teacher, start, end, *, viewer=None, now=None, settings=None, ignore=None):
    """Start times (aware UTC datetimes, ascending) of free lessons in ``[start, end)``.

    ``viewer`` is the student looking (their own bookings also block slots); ``settings``
    defaults to the site's ``BookingSettings``; ``now`` to the current time; ``ignore`` is a
    lesson being moved, whose own time does not block the times around it.
    """
    days = free_days(teacher, start, end, viewer=viewer, now=now, settings=settings, ignore=ignore)
    return sorted(slot for day in days for slot in day)


# Why a start time is not offered (``refusals``), as the series preview lists it.
TOO_SOON = "too_soon"
BEYOND_HORIZON = "beyond_horizon"
TIME_OFF = "time_off"
OUTSIDE_HOURS = "outside_hours"
TEACHER_BUSY = "teacher_busy"
OWN_LESSON = "own_lesson"
REFUSAL_TEXT = {
    TOO_SOON: "Too soon: lessons are booked at least {notice} hours ahead.",
    BEYOND_HORIZON: "Beyond the booking horizon ({horizon} weeks ahead).",
    TIME_OFF: "Your teacher is on time off that day.",
    OUTSIDE_HOURS: "Outside your teacher's weekly hours that day.",
    TEACHER_BUSY: "Your teacher is already booked at this time.",
    OWN_LESSON: "You already have a lesson at this time.",
}


def refusal_text(reason, settings):
    """The sentence for a ``refusals`` reason."""
    return REFUSAL_TEXT[reason].format(
        notice=settings.min_notice_hours, horizon=settings.horizon_weeks
    )


def refusals(teacher, starts, *, viewer=None, now=None, settings=None):
    """``{start: reason}`` for each of ``starts`` (aware UTC) the teacher does not offer
    ``viewer``, by the rule of ``available_slots`` (the same loaded rows, two queries
    whatever the number of starts); free starts are not in the answer. The reason is the
    first that applies: the notice or the horizon, time off, outside the weekly hours (or
    off the grid), the teacher's time taken (a lesson or their external calendar), the
    viewer's own lesson."""
    settings = settings or BookingSettings.current()
    now = now or timezone.now()
    starts = sorted(set(starts))
    if not starts:
        return {}
    lesson = timedelta(minutes=settings.lesson_minutes)
    earliest, latest = _bounds(settings, starts[0], starts[-1] + timedelta(minutes=1), now)
    found = {}
    for start in starts:
        if start < earliest:
            found[start] = TOO_SOON
        elif start >= latest:
            found[start] = BEYOND_HORIZON
    candidates = [start for start in starts if start not in found]
    if not candidates:
        return found
    zone = zone_of(teacher)
    first_day = earliest.astimezone(zone).date()
    last_day = latest.astimezone(zone).date()
    windows, time_off = _schedules([teacher.pk], first_day, last_day)
    windows, time_off = windows.get(teacher.pk, {}), time_off.get(teacher.pk, [])
    days_off = _days_in(time_off, first_day, last_day)
    rows = _busy_rows([teacher.pk], viewer, earliest, latest + lesson, now)
    viewer_id = getattr(viewer, "pk", None)
    open_times = {
        slot
        for day in _free_days(zone, windows, time_off, ([], []), settings, earliest, latest)
        for slot in day
    }
    for start in candidates:
        if start.astimezone(zone).date() in days_off:
            found[start] = TIME_OFF
            continue
        if start not in open_times:
            found[start] = OUTSIDE_HOURS
            continue
        end = start + lesson
        clashes = [
            (row_teacher, row_student)
            for row_teacher, row_student, row_start, row_end in rows
            if row_start < end and start < row_end
        ]
        if any(row_teacher == teacher.pk for row_teacher, _student in clashes):
            found[start] = TEACHER_BUSY
        elif viewer_id and any(row_student == viewer_id for _teacher, row_student in clashes):
            found[start] = OWN_LESSON
    return found


def next_free_slots(teachers, *, viewer=None, now=None, settings=None):
    """``{teacher.pk: the first free start time within the booking horizon, or None}`` for
    many teachers in two queries whatever their number (windows and time off, bookings),
    by the same rule as ``available_slots``. Teachers' profiles must be loaded (zones)."""
    settings = settings or BookingSettings.current()
    now = now or timezone.now()
    teachers = list(teachers)
    found = dict.fromkeys((teacher.pk for teacher in teachers), None)
    earliest, latest = _bounds(settings, now, now + timedelta(weeks=settings.horizon_weeks), now)
    if earliest >= latest or not teachers:
        return found
    # Local days differ by at most a day from UTC days: load a day more on each side.
    windows, time_off = _schedules(
        list(found), earliest.date() - timedelta(days=1), latest.date() + timedelta(days=1)
    )
    open_ids = [pk for pk in found if pk in windows]
    if not open_ids:
        return found
    lesson = timedelta(minutes=settings.lesson_minutes)
    rows = _busy_rows(open_ids, viewer, earliest, latest + lesson, now)
    viewer_id = getattr(viewer, "pk", None)
    for teacher in teachers:
        if teacher.pk not in windows:
            continue
        days = _free_days(
            zone_of(teacher),
            windows[teacher.pk],
            time_off.get(teacher.pk, ()),
            _busy_for(teacher.pk, viewer_id, rows),
            settings,
            earliest,
            latest,
        )
        first_day = next(days, None)
        found[teacher.pk] = first_day[0] if first_day else None
    return found


def _day_slots(midnight, zone, w_start, w_end, grid, lesson, earliest, latest, b_starts, b_ends):
    day = midnight.date()
    offset = zone.utcoffset(midnight)
    # Most days have no clock change: wall-clock and UTC then differ by one fixed offset.
    steady = offset == zone.utcoffset(midnight + timedelta(days=1))
    first = -(-w_start // grid) * grid  # first grid minute at or after the window's start
    for minute in range(first, w_end, grid):
        naive = midnight + timedelta(minutes=minute)
        if steady:
            slot = (naive - offset).replace(tzinfo=UTC)
            local_end = naive + lesson
        else:
            slot = local_to_utc(naive, zone)
            if slot is None:
                continue
            local_end = (slot + lesson).astimezone(zone).replace(tzinfo=None)
        if slot < earliest or slot >= latest:
            continue
        # The lesson must end inside the window, on the same local day, by the wall clock.
        if local_end.date() != day or _minutes(local_end.time()) > w_end:
            continue
        slot_end = slot + lesson
        i = bisect.bisect_left(b_starts, slot_end) - 1
        if i >= 0 and b_ends[i] > slot:
            continue
        yield slot


def is_available(teacher, start, *, viewer=None, now=None, settings=None, ignore=None):
    """True if ``start`` is one of the teacher's offered slots for ``viewer`` (``ignore``: as
    in ``available_slots``)."""
    settings = settings or BookingSettings.current()
    return start in available_slots(
        teacher,
        start,
        start + timedelta(minutes=1),
        viewer=viewer,
        now=now,
        settings=settings,
        ignore=ignore,
    )


def week_bounds(zone, week, now=None):
    """UTC bounds of the ``week``-th 7-day page starting at local midnight today in ``zone``."""
    now = now or timezone.now()
    today: date = now.astimezone(zone).date()
    first = today + timedelta(days=7 * week)
    start = local_to_utc(datetime.combine(first, time()), zone) or datetime.combine(
        first, time(1), tzinfo=zone
    ).astimezone(UTC)
    after = first + timedelta(days=7)
    end = local_to_utc(datetime.combine(after, time()), zone) or datetime.combine(
        after, time(1), tzinfo=zone
    ).astimezone(UTC)
    return start, end
