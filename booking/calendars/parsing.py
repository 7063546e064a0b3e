"""From an ICS feed to the teacher's busy intervals (UTC) inside a window.

Recurrences (``RRULE``, ``RDATE``, ``EXDATE``, moved or cancelled occurrences) are expanded
by ``recurring-ical-events`` (which also applies Google's ``X-WR-TIMEZONE``); only events,
not to-dos or journals, count.

Rules:
- an event is busy unless it is ``TRANSP:TRANSPARENT`` ("show as available"),
  ``STATUS:CANCELLED`` or marked free by Outlook (``X-MICROSOFT-CDO-BUSYSTATUS:FREE``);
- an all-day event blocks its whole days **in the teacher's time zone**, from local
  midnight to local midnight, like time off: an all-day entry has no zone of its own, and
  the teacher's availability is set in the teacher's zone. Times without a zone ("floating")
  are read in the teacher's zone too;
- events without duration block nothing; the result is sorted and overlaps are merged.

A feed that repeats events absurdly often (say, every minute) would make the expansion run
for a long time: the expected number of occurrences is estimated from the rules first, and
such a feed is refused, like one with too many busy times.
"""

import math
from datetime import UTC, datetime, time

import icalendar
import recurring_ical_events

from .fetching import FeedError

MAX_OCCURRENCES = 20_000
MAX_BUSY_TIMES = 5_000

NOT_A_CALENDAR = (
    "This address does not give a calendar (ICS) file. Copy the calendar's “iCal” or "
    "“secret address”, not the address of its web page."
)
UNREADABLE = "This calendar could not be read: it is not a valid ICS file."

# Hours between two occurrences of each RRULE frequency.
PERIOD_HOURS = {
    "SECONDLY": 1 / 3600,
    "MINUTELY": 1 / 60,
    "HOURLY": 1,
    "DAILY": 24,
    "WEEKLY": 24 * 7,
    "MONTHLY": 24 * 28,
    "YEARLY": 24 * 365,
}
# Parts of a rule that can multiply the occurrences of one period.
EXPANDING_PARTS = (
    "BYSECOND",
    "BYMINUTE",
    "BYHOUR",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
)


def busy_intervals(data, zone, start, end):
    """The busy (start, end) UTC intervals of the ICS ``data`` overlapping ``[start, end)``.

    ``zone`` is the teacher's zone (all-day and floating times). Raises ``FeedError`` for
    anything that is not a readable calendar.
    """
    calendar = _calendar(data)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if estimated_occurrences(calendar, local_start, local_end) > MAX_OCCURRENCES:
        raise FeedError(
            "This calendar repeats events too often for Petit Talk to read it (more than "
            f"{MAX_OCCURRENCES:,} events in the booking horizon)."
        )
    try:
        events = recurring_ical_events.of(calendar, skip_bad_series=True).between(
            local_start, local_end
        )
    except Exception as exc:  # a malformed feed may fail in many ways
        raise FeedError(UNREADABLE) from exc
    intervals = []
    for event in events:
        if not is_busy(event):
            continue
        bounds = _utc_bounds(event, zone)
        if bounds is not None and bounds[0] < end and bounds[1] > start:
            intervals.append(bounds)
    merged = merge(intervals)
    if len(merged) > MAX_BUSY_TIMES:
        raise FeedError(
            f"This calendar has more than {MAX_BUSY_TIMES:,} busy times in the booking "
            "horizon, which Petit Talk does not read."
        )
    return merged


def _calendar(data):
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    if not head.startswith(b"BEGIN:VCALENDAR"):
        raise FeedError(NOT_A_CALENDAR)
    try:
        return icalendar.Calendar.from_ical(data)
    except Exception as exc:  # a malformed feed may fail in many ways
        raise FeedError(UNREADABLE) from exc


def is_busy(event):
    """False for events that do not take the teacher's time: free, transparent, cancelled."""
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return False
    if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
        return False
    return str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper() != "FREE"


def _utc_bounds(event, zone):
    try:
        start, end = event.start, event.end
    except Exception:  # noqa: BLE001 - an event without a usable start is not busy
        return None
    start, end = _utc(start, zone), _utc(end, zone)
    return (start, end) if end > start else None


def _utc(value, zone):
    if not isinstance(value, datetime):  # a date: local midnight in the teacher's zone
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def merge(intervals):
    """Sorted intervals with overlapping or touching ones joined."""
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def estimated_occurrences(calendar, start, end):
    """An upper estimate of how many occurrences the events' rules give in the window.

    Generous on purpose (every ``BY…`` part is counted as multiplying): it only has to
    tell a real calendar from one that would take minutes to expand.
    """
    hours = max((end - start).total_seconds() / 3600, 1)
    total = 0
    for event in calendar.walk("VEVENT"):
        total += 1  # the event itself; RDATE lists are as long as the file allows
        for rule in _as_list(event.get("RRULE")):
            total += _rule_estimate(rule, event, hours, start, end)
    return total


def _rule_estimate(rule, event, hours, start, end):
    try:
        first = event.start
        until = (rule.get("UNTIL") or [None])[0]
        if _day(first) > end.date() or (until is not None and _day(until) < start.date()):
            return 0
        period = PERIOD_HOURS[str(rule["FREQ"][0]).upper()]
        interval = max(int((rule.get("INTERVAL") or [1])[0]), 1)
        count = hours / (period * interval)
        for part in EXPANDING_PARTS:
            count *= max(len(rule.get(part) or ()), 1)
        limit = (rule.get("COUNT") or [None])[0]
        if limit is not None:
            count = min(count, int(limit))
    except Exception:  # noqa: BLE001 - a broken rule is skipped by the expansion too
        return 0
    return math.ceil(count)


def _day(value):
    return value.date() if isinstance(value, datetime) else value


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
