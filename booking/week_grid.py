"""A teacher's free times for one week as the booking and reschedule pages show them
(``booking/_week_grid.html``): seven local days of time buttons labelled in the viewer's zone,
the weeks before and after, and the first free time from the week's first day on ("Next
available"). Weeks are counted from the viewer's today (``slots.week_bounds``)."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.dateformat import format as date_format

from accounts.zones import format_clock, format_moment

from .slots import free_days, week_bounds


@dataclass(frozen=True)
class TimeButton:
    value: str  # the start in ISO 8601 (UTC), what the button posts
    label: str  # "09:00 EST", "9:00 AM EST"
    day_label: str  # "Monday 5 January", for screen readers that hear the button alone
    selected: bool


@dataclass(frozen=True)
class GridDay:
    date: object
    anchor: str  # "day-2026-01-05"
    name: str  # "Mon 5 Jan"
    times: list


@dataclass(frozen=True)
class NextAvailable:
    text: str  # "Tuesday 6 January 2026, 09:00 EST"
    url: str  # that week's page (or this one), at that day


@dataclass(frozen=True)
class WeekGrid:
    days: list
    week: int
    previous_week: object  # int or None
    next_week: object  # int or None
    previous_url: str
    next_url: str
    next_available: object  # NextAvailable or None
    title: str  # "5 - 11 Jan 2026", with an en dash
    horizon_weeks: int

    @property
    def has_times(self):
        return any(day.times for day in self.days)


def week_number(value, horizon_weeks):
    """The week asked for in the query string, kept within 0 and the horizon (0 for junk)."""
    try:
        week = int(value or 0)
    except (TypeError, ValueError):
        week = 0
    return min(max(week, 0), horizon_weeks)


def week_grid(
    teacher,
    viewer,
    *,
    zone,
    week,
    week_url,
    booking_settings,
    twelve_hour=False,
    selected=None,
    ignore=None,
    now=None,
):
    """The grid of ``teacher``'s free times for ``viewer`` in week ``week`` (see the module).

    ``week_url(n)`` is the address of week ``n``'s page; ``selected`` a chosen start to mark;
    ``ignore`` a lesson being moved (``slots.available_slots``). One slot search from the
    week's start to the horizon serves both the week and "Next available", so the page costs
    the same few queries whatever it shows; its days are generated only up to the week's end
    (or the first free day after it)."""
    now = now or timezone.now()
    start, _ = week_bounds(zone, week, now)
    end, _ = week_bounds(zone, week + 1, now)
    horizon_end = now + timedelta(weeks=booking_settings.horizon_weeks)
    # Days come in order, each computed when asked for: the week's, then (for "Next
    # available" when the week has none) days up to the first free one.
    days_free = free_days(
        teacher,
        start,
        max(end, horizon_end),
        viewer=viewer,
        now=now,
        settings=booking_settings,
        ignore=ignore,
    )
    today = now.astimezone(zone).date()
    first_day = start.astimezone(zone).date()
    first, by_day, day_labels = None, {}, {}
    for day_slots in days_free:
        if ignore is not None:  # the lesson's own time is where it is now, not a new time
            day_slots = [slot for slot in day_slots if slot != ignore.start]
        if not day_slots:
            continue
        if first is None:
            first = day_slots[0]
        if day_slots[0] >= end:
            break
        for slot in day_slots:
            if slot >= end:
                break
            local = slot.astimezone(zone)
            date = local.date()
            if date not in day_labels:  # one day's buttons share its label
                day_labels[date] = date_format(local, "l j F")
            by_day.setdefault(date, []).append(
                TimeButton(
                    value=slot.isoformat(),
                    label=format_clock(slot, zone, twelve_hour=twelve_hour),
                    day_label=day_labels[date],
                    selected=slot == selected,
                )
            )
    days = []
    for offset in range(7):
        day = first_day + timedelta(days=offset)
        days.append(
            GridDay(
                date=day,
                anchor=f"day-{day.isoformat()}",
                name=date_format(day, "D j M"),
                times=by_day.get(day, []),
            )
        )

    next_available = None
    if first is not None:
        day = first.astimezone(zone).date()
        first_week = (day - today).days // 7
        page = "" if first_week == week else week_url(first_week)
        next_available = NextAvailable(
            text=format_moment(first, zone, twelve_hour=twelve_hour),
            url=f"{page}#day-{day.isoformat()}",
        )
    previous_week = week - 1 if week > 0 else None
    next_week = week + 1 if week < booking_settings.horizon_weeks else None
    last_day = days[-1].date
    return WeekGrid(
        days=days,
        week=week,
        previous_week=previous_week,
        next_week=next_week,
        previous_url=week_url(previous_week) if previous_week is not None else "",
        next_url=week_url(next_week) if next_week is not None else "",
        next_available=next_available,
        title=f"{date_format(first_day, 'j M')} – {date_format(last_day, 'j M Y')}",
        horizon_weeks=booking_settings.horizon_weeks,
    )
