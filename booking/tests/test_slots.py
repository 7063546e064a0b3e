"""Slot generation: examples on ordinary and DST days, and properties over random schedules."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.factories import StudentFactory, TeacherFactory
from booking.models import AvailabilityWindow, BookingSettings, BookingStatus, TimeOff
from booking.slots import available_slots, local_to_utc

from .conftest import add_windows, make_booking, set_zone, utc

# No notice, so fixed dates in the past or future can be checked from a chosen "now".
NO_NOTICE = BookingSettings(min_notice_hours=0, horizon_weeks=52)


def wall_clock(slots, zone):
    return [s.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") for s in slots]


def slots_on(teacher, day, zone, *, viewer=None, now=None, booking_settings=NO_NOTICE):
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(), tzinfo=tz)
    return available_slots(
        teacher,
        start,
        start + timedelta(days=1),
        viewer=viewer,
        now=now or start - timedelta(days=1),
        settings=booking_settings,
    )


@pytest.fixture
def paris_teacher(teacher):
    set_zone(teacher, "Europe/Paris")
    return teacher


def test_slots_follow_windows_on_an_ordinary_day(paris_teacher):
    add_windows(paris_teacher, [(2, "09:00", "12:00"), (2, "14:00", "16:00")])
    slots = slots_on(paris_teacher, date(2026, 1, 14), "Europe/Paris")  # a Wednesday
    assert wall_clock(slots, "Europe/Paris") == [
        "2026-01-14 09:00",
        "2026-01-14 10:00",
        "2026-01-14 11:00",
        "2026-01-14 14:00",
        "2026-01-14 15:00",
    ]
    assert slots[0] == utc(2026, 1, 14, 8)
    assert all(s.utcoffset() == timedelta(0) for s in slots)


def test_grid_is_anchored_to_local_midnight_not_to_the_window(paris_teacher):
    add_windows(paris_teacher, [(2, "09:15", "12:00")])
    slots = slots_on(paris_teacher, date(2026, 1, 14), "Europe/Paris")
    assert wall_clock(slots, "Europe/Paris") == ["2026-01-14 10:00", "2026-01-14 11:00"]


def test_half_hour_grid_with_hour_lessons(paris_teacher):
    add_windows(paris_teacher, [(2, "09:00", "11:00")])
    half_hour = BookingSettings(min_notice_hours=0, horizon_weeks=52, grid_minutes=30)
    slots = slots_on(paris_teacher, date(2026, 1, 14), "Europe/Paris", booking_settings=half_hour)
    assert wall_clock(slots, "Europe/Paris") == [
        "2026-01-14 09:00",
        "2026-01-14 09:30",
        "2026-01-14 10:00",
    ]


@pytest.mark.parametrize(
    ("zone", "day", "window", "expected_wall", "expected_first_utc"),
    [
        # Spring forward: 02:00 does not exist; a lesson at 01:00 ends at 03:00 by the clock.
        (
            "Europe/Paris",
            date(2026, 3, 29),
            ("01:00", "05:00"),
            ["01:00", "03:00", "04:00"],
            utc(2026, 3, 29, 0),
        ),
        # Fall back: 02:00 happens twice; the first one (summer time) is offered.
        (
            "Europe/Paris",
            date(2026, 10, 25),
            ("01:00", "04:00"),
            ["01:00", "02:00", "03:00"],
            utc(2026, 10, 24, 23),
        ),
        (
            "America/New_York",
            date(2026, 3, 8),
            ("01:00", "05:00"),
            ["01:00", "03:00", "04:00"],
            utc(2026, 3, 8, 6),
        ),
        (
            "America/New_York",
            date(2026, 11, 1),
            ("00:00", "03:00"),
            ["00:00", "01:00", "02:00"],
            utc(2026, 11, 1, 4),
        ),
        # Sydney: summer time ends in April and starts in October.
        (
            "Australia/Sydney",
            date(2026, 4, 5),
            ("01:00", "04:00"),
            ["01:00", "02:00", "03:00"],
            utc(2026, 4, 4, 14),
        ),
        (
            "Australia/Sydney",
            date(2026, 10, 4),
            ("01:00", "05:00"),
            ["01:00", "03:00", "04:00"],
            utc(2026, 10, 3, 15),
        ),
    ],
)
def test_dst_days_give_correct_wall_clock_times(
    teacher, zone, day, window, expected_wall, expected_first_utc
):
    set_zone(teacher, zone)
    add_windows(teacher, [(day.weekday(), *window)])
    slots = slots_on(teacher, day, zone)
    assert [s.astimezone(ZoneInfo(zone)).strftime("%H:%M") for s in slots] == expected_wall
    assert slots[0] == expected_first_utc
    # Every offered instant is the first occurrence of its wall-clock time.
    assert all(s.astimezone(ZoneInfo(zone)).fold == 0 for s in slots)


def test_ambiguous_start_is_resolved_to_its_first_occurrence(teacher):
    set_zone(teacher, "Europe/Paris")
    add_windows(teacher, [(6, "02:00", "03:00")])  # Sunday 25 Oct 2026: 02:00 happens twice
    slots = slots_on(teacher, date(2026, 10, 25), "Europe/Paris")
    assert slots == [utc(2026, 10, 25, 0)]  # 02:00 CEST, not 02:00 CET (01:00 UTC)


def test_lesson_crossing_spring_forward_must_end_inside_the_window_by_the_clock(teacher):
    set_zone(teacher, "Europe/Paris")
    add_windows(teacher, [(6, "01:00", "02:30")])
    # 01:00 + 60 min is 03:00 by the clock, after the window's 02:30 end.
    assert slots_on(teacher, date(2026, 3, 29), "Europe/Paris") == []


def test_time_off_removes_whole_local_days(paris_teacher):
    add_windows(paris_teacher, [(d, "09:00", "10:00") for d in range(7)])
    TimeOff.objects.create(
        teacher=paris_teacher, start_date=date(2026, 1, 14), end_date=date(2026, 1, 15)
    )
    tz = ZoneInfo("Europe/Paris")
    start = datetime(2026, 1, 13, tzinfo=tz)
    slots = available_slots(
        paris_teacher, start, start + timedelta(days=4), now=start, settings=NO_NOTICE
    )
    assert wall_clock(slots, "Europe/Paris") == ["2026-01-13 09:00", "2026-01-16 09:00"]


def test_bookings_of_teacher_and_viewer_block_slots_but_others_do_not(paris_teacher, student):
    add_windows(paris_teacher, [(2, "09:00", "13:00")])
    other_teacher, stranger = TeacherFactory(), StudentFactory()
    make_booking(paris_teacher, stranger, utc(2026, 1, 14, 8))  # teacher busy 09:00 Paris
    make_booking(other_teacher, student, utc(2026, 1, 14, 9, 30))  # viewer busy 10:30-11:30
    make_booking(other_teacher, stranger, utc(2026, 1, 14, 11))  # unrelated: 12:00
    slots = slots_on(paris_teacher, date(2026, 1, 14), "Europe/Paris", viewer=student)
    assert wall_clock(slots, "Europe/Paris") == ["2026-01-14 12:00"]
    without_viewer = slots_on(paris_teacher, date(2026, 1, 14), "Europe/Paris")
    assert len(without_viewer) == 3


@pytest.mark.parametrize(
    ("status", "blocks"),
    [
        (BookingStatus.HELD, True),
        (BookingStatus.PAID, True),
        (BookingStatus.CONFIRMED, True),
        (BookingStatus.COMPLETED, True),
        (BookingStatus.EXPIRED, False),
        (BookingStatus.REMOVED, False),
        (BookingStatus.DECLINED, False),
        (BookingStatus.CANCELLED, False),
    ],
)
def test_only_active_bookings_block_a_slot(paris_teacher, student, status, blocks):
    add_windows(paris_teacher, [(2, "09:00", "10:00")])
    now = utc(2026, 1, 13)
    make_booking(
        paris_teacher,
        student,
        utc(2026, 1, 14, 8),
        status=status,
        hold_expires_at=now + timedelta(minutes=30),
    )
    slots = slots_on(paris_teacher, date(2026, 1, 14), "Europe/Paris", now=now)
    assert (slots == []) is blocks


def test_a_lapsed_hold_no_longer_blocks_its_slot(paris_teacher, student):
    add_windows(paris_teacher, [(2, "09:00", "10:00")])
    now = utc(2026, 1, 13)
    make_booking(
        paris_teacher,
        student,
        utc(2026, 1, 14, 8),
        status=BookingStatus.HELD,
        hold_expires_at=now - timedelta(minutes=1),
    )
    assert slots_on(paris_teacher, date(2026, 1, 14), "Europe/Paris", now=now) == [
        utc(2026, 1, 14, 8)
    ]


def test_minimum_notice_and_horizon(paris_teacher):
    add_windows(paris_teacher, [(d, "09:00", "10:00") for d in range(7)])
    rules = BookingSettings(min_notice_hours=48, horizon_weeks=1)
    now = utc(2026, 1, 14, 8, 30)  # Wednesday 09:30 Paris
    slots = available_slots(
        paris_teacher, now - timedelta(days=3), now + timedelta(weeks=3), now=now, settings=rules
    )
    # Friday 09:00 is 47.5 h ahead: too soon. Saturday is the first; the next Wednesday
    # 09:00 is inside the week, the one after is not.
    assert slots[0] == utc(2026, 1, 17, 8)
    assert slots[-1] == utc(2026, 1, 21, 8)
    assert len(slots) == 5


def test_no_windows_means_no_slots(paris_teacher):
    assert slots_on(paris_teacher, date(2026, 1, 14), "Europe/Paris") == []


# Property-based ------------------------------------------------------------------------

ZONES = ["Europe/Paris", "America/New_York", "Australia/Sydney"]
# Starting points a few days before each zone's two clock changes in 2026.
DST_DATES = {
    "Europe/Paris": [date(2026, 3, 26), date(2026, 10, 22)],
    "America/New_York": [date(2026, 3, 5), date(2026, 10, 29)],
    "Australia/Sydney": [date(2026, 4, 2), date(2026, 10, 1)],
}
QUARTERS = st.integers(min_value=0, max_value=95).map(lambda q: time(q // 4, q % 4 * 15))


@st.composite
def schedules(draw):
    zone = draw(st.sampled_from(ZONES))
    base = draw(st.sampled_from(DST_DATES[zone]))
    windows = []
    for _ in range(draw(st.integers(1, 6))):
        a, b = sorted(draw(st.lists(QUARTERS, min_size=2, max_size=2, unique=True)))
        windows.append((draw(st.integers(0, 6)), a, b))
    now = datetime.combine(base, time(), tzinfo=ZoneInfo(zone)) + timedelta(
        minutes=draw(st.integers(0, 4 * 24 * 60))
    )
    bookings = [
        (
            draw(st.sampled_from(["teacher", "viewer", "stranger"])),
            now + timedelta(minutes=15 * draw(st.integers(0, 8 * 24 * 4))),
            draw(st.sampled_from([30, 60, 90])),
        )
        for _ in range(draw(st.integers(0, 8)))
    ]
    time_off = [
        base + timedelta(days=draw(st.integers(0, 7))) for _ in range(draw(st.integers(0, 2)))
    ]
    rules = {  # a dict, not BookingSettings: Hypothesis prints it in failure reports
        "grid_minutes": draw(st.sampled_from([15, 30, 60])),
        "lesson_minutes": draw(st.sampled_from([30, 45, 60, 90])),
        "min_notice_hours": draw(st.sampled_from([0, 12, 48])),
        "horizon_weeks": 1,
    }
    return zone, windows, now.astimezone(ZoneInfo("UTC")), bookings, time_off, rules


def _expected_by_brute_force(zone, windows, now, busy, days_off, rules):
    """Walk every quarter hour in UTC and keep the instants a student should be offered."""
    tz = ZoneInfo(zone)
    lesson = timedelta(minutes=rules.lesson_minutes)
    earliest = now + timedelta(hours=rules.min_notice_hours)
    latest = now + timedelta(weeks=rules.horizon_weeks)
    moment = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    expected = set()
    while moment < latest:
        local, local_end = moment.astimezone(tz), (moment + lesson).astimezone(tz)
        minutes = local.hour * 60 + local.minute
        in_window = any(
            day == local.weekday()
            and start <= local.time() < end  # starts inside (not after the clocks go back)
            and local_end.date() == local.date()
            and local_end.time() <= end
            for day, start, end in windows
        )
        if (
            moment >= earliest
            and local.fold == 0
            and minutes % rules.grid_minutes == 0
            and local.date() not in days_off
            and in_window
            and not any(s < moment + lesson and moment < e for s, e in busy)
        ):
            expected.add(moment)
        moment += timedelta(minutes=15)
    return expected


@pytest.fixture
def cast(db):
    """The people of the property test, created once and reused by every example."""
    return TeacherFactory(), StudentFactory(), StudentFactory(), TeacherFactory()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(schedule=schedules())
def test_slot_properties_across_dst_changes(cast, schedule):
    zone, windows, now, bookings, time_off, rule_values = schedule
    rules = BookingSettings(**rule_values)
    teacher, viewer, stranger, other_teacher = cast
    with transaction.atomic():
        set_zone(teacher, zone)
        AvailabilityWindow.objects.bulk_create(
            AvailabilityWindow(teacher=teacher, weekday=d, start_time=a, end_time=b)
            for d, a, b in windows
        )
        for day in time_off:
            TimeOff.objects.create(teacher=teacher, start_date=day, end_date=day)
        busy = []  # intervals that must block: the teacher's and the viewer's
        taken = {}  # person → intervals, because the database refuses overlaps
        pairs = {
            "teacher": (teacher, stranger),
            "viewer": (other_teacher, viewer),
            "stranger": (other_teacher, stranger),
        }
        for who, local_start, minutes in bookings:
            # Arithmetic in UTC: a local wall-clock start plus minutes can fall in a DST gap.
            start = local_start.astimezone(ZoneInfo("UTC"))
            end = start + timedelta(minutes=minutes)
            people = pairs[who]
            if any(s < end and start < e for p in people for s, e in taken.get(p.pk, [])):
                continue
            for person in people:
                taken.setdefault(person.pk, []).append((start, end))
            make_booking(*people, start, minutes=minutes)
            if who != "stranger":
                busy.append((start, end))
        slots = available_slots(
            teacher, now, now + timedelta(weeks=2), viewer=viewer, now=now, settings=rules
        )
        transaction.set_rollback(True)

    tz = ZoneInfo(zone)
    lesson = timedelta(minutes=rules.lesson_minutes)
    assert slots == sorted(set(slots))
    for slot in slots:
        assert slot.utcoffset() == timedelta(0)
        local, local_end = slot.astimezone(tz), (slot + lesson).astimezone(tz)
        # Inside the notice and horizon.
        assert slot >= now + timedelta(hours=rules.min_notice_hours)
        assert slot < now + timedelta(weeks=rules.horizon_weeks)
        # On the grid from local midnight, and the first occurrence of that wall-clock time.
        assert (local.hour * 60 + local.minute) % rules.grid_minutes == 0
        assert local_to_utc(local.replace(tzinfo=None), tz) == slot
        # Inside one availability window of that local day, and not on a day off.
        assert local.date() not in time_off
        assert (
            any(
                d == local.weekday() and a <= local.time() and local_end.time() <= b
                for d, a, b in windows
            )
            and local_end.date() == local.date()
        )
        # Overlapping no booking of the teacher or the viewer.
        assert not any(s < slot + lesson and slot < e for s, e in busy)
    # And nothing that should be offered is missing.
    assert set(slots) == _expected_by_brute_force(zone, windows, now, busy, set(time_off), rules)
