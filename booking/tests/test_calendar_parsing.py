"""ICS feeds to busy intervals: recurrences, exceptions, all-day events in the teacher's zone,
what is not busy, and feeds that are not calendars or would take too long to expand."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from booking.calendars.fetching import FeedError
from booking.calendars.parsing import busy_intervals, estimated_occurrences, merge

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
MARCH = (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 6, tzinfo=UTC))


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def ics(*events, header=""):
    """A calendar around VEVENT bodies (lines without BEGIN/END)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//feeds//EN"]
    lines += header.split()
    for event in events:
        lines += ["BEGIN:VEVENT", *event.strip().splitlines(), "END:VEVENT"]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def busy(data, zone=PARIS, window=MARCH):
    return busy_intervals(data, zone, *window)


WEEKLY_WITH_EXCEPTIONS = ics(
    """UID:weekly@test
DTSTART;TZID=Europe/Paris:20260302T100000
DTEND;TZID=Europe/Paris:20260302T110000
RRULE:FREQ=WEEKLY;BYDAY=MO
EXDATE;TZID=Europe/Paris:20260316T100000""",
    # The occurrence of 9 March moved to 12:00, the one of 23 March cancelled.
    """UID:weekly@test
RECURRENCE-ID;TZID=Europe/Paris:20260309T100000
DTSTART;TZID=Europe/Paris:20260309T120000
DTEND;TZID=Europe/Paris:20260309T130000""",
    """UID:weekly@test
RECURRENCE-ID;TZID=Europe/Paris:20260323T100000
DTSTART;TZID=Europe/Paris:20260323T100000
DTEND;TZID=Europe/Paris:20260323T110000
STATUS:CANCELLED""",
)


def test_weekly_event_honours_exdate_moved_and_cancelled_occurrences_and_dst():
    assert busy(WEEKLY_WITH_EXCEPTIONS) == [
        (utc(2026, 3, 2, 9), utc(2026, 3, 2, 10)),  # 10:00 Paris, winter time
        (utc(2026, 3, 9, 11), utc(2026, 3, 9, 12)),  # moved to 12:00
        # 16 March: EXDATE; 23 March: cancelled
        (utc(2026, 3, 30, 8), utc(2026, 3, 30, 9)),  # 10:00 Paris, summer time
    ]


def test_rdate_adds_an_occurrence_and_count_ends_the_series():
    data = ics(
        """UID:count@test
DTSTART:20260302T150000Z
DURATION:PT30M
RRULE:FREQ=DAILY;COUNT=2
RDATE:20260320T150000Z"""
    )
    assert busy(data) == [
        (utc(2026, 3, 2, 15), utc(2026, 3, 2, 15, 30)),
        (utc(2026, 3, 3, 15), utc(2026, 3, 3, 15, 30)),
        (utc(2026, 3, 20, 15), utc(2026, 3, 20, 15, 30)),
    ]


def test_all_day_events_block_whole_days_in_the_teachers_zone():
    data = ics(
        """UID:trip@test
DTSTART;VALUE=DATE:20260312
DTEND;VALUE=DATE:20260314
SUMMARY:Conference"""
    )
    assert busy(data, PARIS) == [(utc(2026, 3, 11, 23), utc(2026, 3, 13, 23))]
    # The same two days for a New York teacher (already on summer time since 8 March).
    assert busy(data, NEW_YORK) == [(utc(2026, 3, 12, 4), utc(2026, 3, 14, 4))]


def test_an_all_day_event_without_an_end_is_one_day_and_repeats_by_date():
    data = ics(
        """UID:fridays@test
DTSTART;VALUE=DATE:20260306
RRULE:FREQ=WEEKLY;COUNT=2"""
    )
    assert busy(data) == [
        (utc(2026, 3, 5, 23), utc(2026, 3, 6, 23)),
        (utc(2026, 3, 12, 23), utc(2026, 3, 13, 23)),
    ]


def test_free_transparent_and_cancelled_events_are_not_busy():
    data = ics(
        """UID:free@test
DTSTART:20260304T090000Z
DTEND:20260304T100000Z
TRANSP:TRANSPARENT""",
        """UID:cancelled@test
DTSTART:20260305T090000Z
DTEND:20260305T100000Z
STATUS:CANCELLED""",
        """UID:outlook-free@test
DTSTART:20260306T090000Z
DTEND:20260306T100000Z
X-MICROSOFT-CDO-BUSYSTATUS:FREE""",
        """UID:busy@test
DTSTART:20260307T090000Z
DTEND:20260307T100000Z
TRANSP:OPAQUE""",
        """UID:instant@test
DTSTART:20260308T090000Z
DTEND:20260308T090000Z""",
    )
    assert busy(data) == [(utc(2026, 3, 7, 9), utc(2026, 3, 7, 10))]


def test_floating_times_are_read_in_the_teachers_zone():
    data = ics("UID:floating@test\nDTSTART:20260310T180000\nDTEND:20260310T190000")
    assert busy(data, PARIS) == [(utc(2026, 3, 10, 17), utc(2026, 3, 10, 18))]
    assert busy(data, NEW_YORK) == [(utc(2026, 3, 10, 22), utc(2026, 3, 10, 23))]


def test_google_x_wr_timezone_keeps_weekly_utc_events_at_local_time_across_dst():
    data = ics(
        """UID:google@test
DTSTART:20260323T090000Z
DTEND:20260323T100000Z
RRULE:FREQ=WEEKLY;COUNT=2""",
        header="X-WR-TIMEZONE:Europe/Paris",
    )
    assert busy(data) == [
        (utc(2026, 3, 23, 9), utc(2026, 3, 23, 10)),  # 10:00 in Paris
        (utc(2026, 3, 30, 8), utc(2026, 3, 30, 9)),  # still 10:00 in Paris
    ]


def test_only_the_window_is_kept_and_overlaps_are_merged():
    data = ics(
        "UID:before@test\nDTSTART:20260201T090000Z\nDTEND:20260201T100000Z",
        "UID:edge@test\nDTSTART:20260228T230000Z\nDTEND:20260301T010000Z",
        "UID:a@test\nDTSTART:20260310T090000Z\nDTEND:20260310T110000Z",
        "UID:b@test\nDTSTART:20260310T100000Z\nDTEND:20260310T120000Z",
        "UID:after@test\nDTSTART:20260501T090000Z\nDTEND:20260501T100000Z",
    )
    assert busy(data) == [
        (utc(2026, 2, 28, 23), utc(2026, 3, 1, 1)),
        (utc(2026, 3, 10, 9), utc(2026, 3, 10, 12)),
    ]


def test_merge_joins_touching_intervals():
    a, b, c = utc(2026, 3, 1, 9), utc(2026, 3, 1, 10), utc(2026, 3, 1, 11)
    assert merge([(b, c), (a, b)]) == [(a, c)]


def test_a_broken_series_is_skipped_and_the_rest_still_counts():
    data = ics(
        "UID:broken@test\nDTSTART:20260302T090000Z\nDTEND:20260302T100000Z\nRRULE:FREQ=NEVER",
        "UID:fine@test\nDTSTART:20260303T090000Z\nDTEND:20260303T100000Z",
    )
    assert (utc(2026, 3, 3, 9), utc(2026, 3, 3, 10)) in busy(data)


@pytest.mark.parametrize(
    "body",
    [
        b"<!doctype html><html><body>Sign in to Google</body></html>",
        b"",
        b'{"events": []}',
    ],
)
def test_a_page_that_is_not_a_calendar_is_refused_with_a_clear_message(body):
    with pytest.raises(FeedError, match="does not give a calendar"):
        busy(body)


def test_an_event_repeating_every_minute_is_refused_before_expanding():
    data = ics("UID:spam@test\nDTSTART:20260101T000000Z\nDURATION:PT1M\nRRULE:FREQ=MINUTELY")
    with pytest.raises(FeedError, match="repeats events too often"):
        busy(data)


def test_the_estimate_ignores_series_that_ended_or_have_not_started():
    data = ics(
        "UID:old@test\nDTSTART:20200101T000000Z\nRRULE:FREQ=HOURLY;UNTIL=20210101T000000Z",
        "UID:later@test\nDTSTART:20300101T000000Z\nRRULE:FREQ=HOURLY",
        "UID:daily@test\nDTSTART:20250101T090000Z\nRRULE:FREQ=DAILY",
    )
    calendar = icalendar.Calendar.from_ical(data)
    estimate = estimated_occurrences(calendar, *MARCH)
    assert 36 <= estimate <= 40  # three events, and one a day for 36 days
