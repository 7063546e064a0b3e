"""Syncing external calendars: busy rows replaced on success and kept on failure (fail open),
304 keeps them, feeds due every 15 minutes, and busy times blocking slots and holds."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.factories import TeacherFactory
from accounts.services import erase_user
from booking.calendars import services
from booking.calendars.models import ExternalBusyTime, ExternalCalendar
from booking.calendars.services import (
    DEMO_FEED_URL,
    may_refresh,
    sync_calendar,
    sync_due_calendars,
)
from booking.exceptions import BookingError
from booking.models import BookingSettings
from booking.services import hold_slot
from booking.slots import available_slots, is_available
from tests.support.ics_server import FeedServer

from .conftest import add_windows, every_day, set_zone

NOW = datetime(2026, 3, 2, 6, tzinfo=UTC)  # a Monday, 07:00 in Paris


def event(uid, start, end, extra=""):
    return f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART:{start}\r\nDTEND:{end}\r\n{extra}END:VEVENT\r\n"


def feed(*events):
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        + "".join(events)
        + "END:VCALENDAR\r\n"
    ).encode()


TUESDAY_TEN = event("a", "20260303T090000Z", "20260303T100000Z")  # 10:00-11:00 in Paris
WEDNESDAY_TEN = event("b", "20260304T090000Z", "20260304T100000Z")


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
def paris_teacher(teacher):
    set_zone(teacher, "Europe/Paris")
    return teacher


def calendar_for(teacher, url, **fields):
    return ExternalCalendar.objects.create(teacher=teacher, url=url, name="italki", **fields)


def rows(calendar):
    return list(calendar.busy_times.order_by("start").values_list("start", "end"))


def test_a_good_download_replaces_the_busy_times(server, paris_teacher):
    url = server.serve("/cal.ics", feed(TUESDAY_TEN), etag='"1"')
    calendar = calendar_for(paris_teacher, url, last_error="old problem")
    ExternalBusyTime.objects.create(
        calendar=calendar, start=NOW + timedelta(days=9), end=NOW + timedelta(days=9, hours=1)
    )
    sync_calendar(calendar, now=NOW)
    calendar.refresh_from_db()
    assert rows(calendar) == [
        (datetime(2026, 3, 3, 9, tzinfo=UTC), datetime(2026, 3, 3, 10, tzinfo=UTC))
    ]
    assert calendar.last_error == ""
    assert calendar.last_ok_at == calendar.last_fetched_at == NOW
    assert calendar.etag == '"1"'
    assert calendar.expanded_until == NOW + timedelta(weeks=8, days=1)


def test_a_failed_download_keeps_the_old_busy_times_and_records_the_error(server, paris_teacher):
    url = server.serve("/cal.ics", feed(TUESDAY_TEN))
    calendar = calendar_for(paris_teacher, url)
    sync_calendar(calendar, now=NOW)
    server.serve("/cal.ics", b"gone", status=404)
    later = NOW + timedelta(minutes=15)
    sync_calendar(calendar, now=later)
    calendar.refresh_from_db()
    assert len(rows(calendar)) == 1  # fail open: the last good busy times still count
    assert "HTTP 404" in calendar.last_error
    assert calendar.last_fetched_at == later and calendar.last_ok_at == NOW


def test_not_modified_keeps_the_busy_times_without_reading_again(server, paris_teacher):
    url = server.serve("/cal.ics", feed(TUESDAY_TEN), etag='"1"')
    calendar = calendar_for(paris_teacher, url)
    sync_calendar(calendar, now=NOW)
    server.serve("/cal.ics", feed(WEDNESDAY_TEN), etag='"1"')  # same tag: answered with 304
    sync_calendar(calendar, now=NOW + timedelta(minutes=15))
    calendar.refresh_from_db()
    assert server.requests[-1]["headers"]["If-None-Match"] == '"1"'
    assert rows(calendar)[0][0] == datetime(2026, 3, 3, 9, tzinfo=UTC)
    assert calendar.last_ok_at == NOW + timedelta(minutes=15)


def test_the_download_is_unconditional_once_the_window_has_moved_a_day(server, paris_teacher):
    url = server.serve("/cal.ics", feed(TUESDAY_TEN), etag='"1"')
    calendar = calendar_for(paris_teacher, url)
    sync_calendar(calendar, now=NOW)
    sync_calendar(calendar, now=NOW + timedelta(days=1, minutes=1))
    assert "If-None-Match" not in server.requests[-1]["headers"]


def test_an_unchanged_304_without_validators_is_an_error(server, paris_teacher):
    url = server.serve("/cal.ics", status=304)
    calendar = sync_calendar(calendar_for(paris_teacher, url), now=NOW)
    assert "HTTP 304" in calendar.last_error


def test_the_demo_feed_is_read_from_the_shipped_file_without_the_network(paris_teacher):
    calendar = sync_calendar(calendar_for(paris_teacher, DEMO_FEED_URL), now=NOW)
    assert calendar.last_error == ""
    starts = [start for start, _end in rows(calendar)]
    assert datetime(2026, 3, 3, 9, tzinfo=UTC) in starts  # Tuesdays 10:00 in Paris
    assert datetime(2026, 3, 14, 23, tzinfo=UTC) in starts  # the 15th, all day in Paris


def test_due_feeds_are_read_every_15_minutes_and_claimed_once(server, paris_teacher, settings):
    url = server.serve("/cal.ics", feed(TUESDAY_TEN))
    fresh = calendar_for(paris_teacher, url + "?fresh", last_fetched_at=NOW - timedelta(minutes=5))
    due = calendar_for(paris_teacher, url + "?due", last_fetched_at=NOW - timedelta(minutes=15))
    never = calendar_for(paris_teacher, url + "?never")
    assert sync_due_calendars(now=NOW) == (2, 0)
    assert {r["path"] for r in server.requests} == {"/cal.ics?due", "/cal.ics?never"}
    for calendar in (fresh, due, never):
        calendar.refresh_from_db()
    assert due.last_fetched_at == never.last_fetched_at == NOW
    assert sync_due_calendars(now=NOW + timedelta(minutes=1)) == (0, 0)
    settings.CALENDAR_FEEDS_REFRESH_MINUTES = 5
    assert sync_due_calendars(now=NOW + timedelta(minutes=1)) == (1, 0)  # ``fresh`` now


def test_a_feed_claimed_by_another_server_is_skipped(paris_teacher):
    calendar = calendar_for(paris_teacher, DEMO_FEED_URL)
    assert services.claim(calendar, NOW)
    assert not services.claim(calendar, NOW + timedelta(seconds=1))  # stale read: refused


def test_feeds_of_deactivated_teachers_are_not_read(paris_teacher):
    calendar_for(paris_teacher, DEMO_FEED_URL)
    paris_teacher.is_active = False
    paris_teacher.save(update_fields=["is_active"])
    assert sync_due_calendars(now=NOW) == (0, 0)


def test_the_scheduler_command_reads_due_feeds_and_counts_failures(server, paris_teacher):
    calendar_for(paris_teacher, server.serve("/gone.ics", status=404))
    calendar_for(paris_teacher, DEMO_FEED_URL)
    out = _call("sync_calendars")
    assert "1 feed(s) read, 1 failed" in out
    assert "0 feed(s) read, 0 failed" in _call("sync_calendars")  # idempotent within 15 min


def _call(name):
    stdout = StringIO()
    call_command(name, stdout=stdout)
    return stdout.getvalue()


def test_refresh_now_is_refused_within_a_minute_of_the_last_try(paris_teacher):
    calendar = calendar_for(paris_teacher, DEMO_FEED_URL)
    now = timezone.now()
    assert may_refresh(calendar, now)
    calendar.last_fetched_at = now - timedelta(seconds=30)
    assert not may_refresh(calendar, now)
    assert may_refresh(calendar, now + timedelta(seconds=30))


# Busy times block slots ---------------------------------------------------------------


def _busy(teacher, start, hours=1):
    calendar, _ = ExternalCalendar.objects.get_or_create(teacher=teacher, url=DEMO_FEED_URL)
    return ExternalBusyTime.objects.create(
        calendar=calendar, start=start, end=start + timedelta(hours=hours)
    )


def test_busy_times_block_overlapping_slots_only_of_their_teacher(available_teacher, student):
    now = timezone.now()
    window = (now, now + timedelta(days=7))
    before = available_slots(available_teacher, *window, viewer=student)
    blocked = before[3]
    busy = _busy(available_teacher, blocked + timedelta(minutes=30))  # half over two lessons
    after = available_slots(available_teacher, *window, viewer=student)
    assert blocked not in after
    assert blocked + timedelta(hours=1) not in after
    assert set(before) - set(after) == {blocked, blocked + timedelta(hours=1)} & set(before)
    other = _other_teacher_like(available_teacher)
    assert blocked in available_slots(other, *window, viewer=student)
    busy.delete()
    assert available_slots(available_teacher, *window, viewer=student) == before


def _other_teacher_like(teacher):
    other = TeacherFactory()
    set_zone(other, "Europe/Paris")
    add_windows(other, every_day("09:00", "12:00") + every_day("14:00", "18:00"))
    return other


def test_a_busy_slot_cannot_be_held(available_teacher, student, future_slot):
    _busy(available_teacher, future_slot)
    assert not is_available(available_teacher, future_slot, viewer=student)
    with pytest.raises(BookingError):
        hold_slot(student, available_teacher, future_slot, "")


def test_busy_times_of_a_failing_feed_still_block_slots(server, paris_teacher, student):
    add_windows(paris_teacher, every_day("09:00", "12:00"))
    url = server.serve("/cal.ics", feed(TUESDAY_TEN))
    calendar = calendar_for(paris_teacher, url)
    sync_calendar(calendar, now=NOW)
    server.serve("/cal.ics", b"<html>oops</html>")
    sync_calendar(calendar, now=NOW + timedelta(minutes=20))
    assert "does not give a calendar" in ExternalCalendar.objects.get().last_error
    slot = datetime(2026, 3, 3, 9, tzinfo=UTC)
    no_notice = BookingSettings(min_notice_hours=0, horizon_weeks=8)
    day = (slot - timedelta(hours=3), slot + timedelta(hours=3))
    offered = available_slots(paris_teacher, *day, viewer=student, now=NOW, settings=no_notice)
    assert slot not in offered and slot - timedelta(hours=1) in offered


def test_erasing_a_teacher_removes_their_feeds_and_busy_times(paris_teacher):
    _busy(paris_teacher, timezone.now() + timedelta(days=3))
    erase_user(paris_teacher)
    assert not ExternalCalendar.objects.exists()
    assert not ExternalBusyTime.objects.exists()
