"""Slot generation: which lesson start times a teacher offers to a viewer.

A slot is offered when (all in the teacher's own time zone, wall-clock):
- it starts on the lesson grid, counted from local midnight of its day;
- the lesson lies inside one of the teacher's windows for that weekday, on that local day;
- that day is not inside a time-off range;
- it starts at least the minimum notice after ``now`` and before the horizon ends;
- it overlaps no booking occupying the teacher's or the viewing student's time (except the
  lesson being moved, when a lesson is rescheduled: ``ignore``).

DST: a wall-clock start that does not exist (spring forward) is skipped; one that happens
twice (fall back) means its first occurrence (``fold=0``). Lesson length is real elapsed time,
so a lesson that crosses a change ends at the wall-clock time the clock really shows.
"""

import bisect
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.zones import zone_of

from .models import AvailabilityWindow, Booking, BookingSettings, TimeOff


def local_to_utc(naive, zone):
    """The UTC instant of wall-clock ``naive`` in ``zone``, or None if it does not exist."""
    aware = naive.replace(tzinfo=zone, fold=0)
    utc = aware.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return utc


def _minutes(value: time):
    return value.hour * 60 + value.minute


def _busy_intervals(teacher, viewer, start, end, now, ignore=None):
    """Merged, sorted (start, end) intervals already occupied for the teacher or viewer."""
    who = Q(teacher=teacher)
    if viewer is not None and getattr(viewer, "pk", None):
        who |= Q(student=viewer)
    busy = Booking.objects.occupying(now).overlapping(start, end).filter(who)
    if ignore is not None:
        busy = busy.exclude(pk=ignore.pk)
    rows = sorted(busy.values_list("start", "end"))
    merged = []
    for row_start, row_end in rows:
        if merged and row_start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], row_end)
        else:
            merged.append([row_start, row_end])
    return [m[0] for m in merged], [m[1] for m in merged]


def _time_off_days(teacher, first_day, last_day):
    days = set()
    ranges = TimeOff.objects.filter(
        teacher=teacher, start_date__lte=last_day, end_date__gte=first_day
    ).values_list("start_date", "end_date")
    for off_start, off_end in ranges:
        day = max(off_start, first_day)
        while day <= min(off_end, last_day):
            days.add(day)
            day += timedelta(days=1)
    return days


def available_slots(teacher, start, end, *, viewer=None, now=None, settings=None, ignore=None):
    """Start times (aware UTC datetimes, ascending) of free lessons in ``[start, end)``.

    ``viewer`` is the student looking (their own bookings also block slots); ``settings``
    defaults to the site's ``BookingSettings``; ``now`` to the current time; ``ignore`` is a
    lesson being moved, whose own time does not block the times around it.
    """
    settings = settings or BookingSettings.current()
    now = now or timezone.now()
    lesson = timedelta(minutes=settings.lesson_minutes)
    grid = max(1, settings.grid_minutes)
    earliest = max(start, now + timedelta(hours=settings.min_notice_hours))
    latest = min(end, now + timedelta(weeks=settings.horizon_weeks))
    if earliest >= latest:
        return []

    zone = zone_of(teacher)
    windows = {}
    for weekday, w_start, w_end in AvailabilityWindow.objects.filter(teacher=teacher).values_list(
        "weekday", "start_time", "end_time"
    ):
        windows.setdefault(weekday, []).append((_minutes(w_start), _minutes(w_end)))
    if not windows:
        return []

    first_day = earliest.astimezone(zone).date()
    last_day = latest.astimezone(zone).date()
    days_off = _time_off_days(teacher, first_day, last_day)
    busy_starts, busy_ends = _busy_intervals(
        teacher, viewer, earliest, latest + lesson, now, ignore
    )

    slots = []
    day = first_day
    while day <= last_day:
        if day not in days_off:
            midnight = datetime.combine(day, time())
            for w_start, w_end in windows.get(day.weekday(), ()):
                slots.extend(
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
        day += timedelta(days=1)
    # Overlapping windows (possible in old data) must not offer a time twice.
    return sorted(set(slots))


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
