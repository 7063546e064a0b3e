"""The weekly series rule (``booking.series.series_occurrences``): anchored in the teacher's
wall-clock time, one lesson every 7 local days, whatever the clocks do; the student-side
labels are zoneinfo's. Property tests over four zones with start dates around their clock
changes, and the example of the issue."""

from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.zones import format_clock
from booking.series import series_occurrences, shifts

ZONES = ["Europe/Paris", "America/New_York", "Australia/Sydney", "Europe/London"]
# The clock changes of these zones from late 2026 to 2028 (US: second Sunday of March, first
# of November; EU: last Sundays of March and October; Sydney: first Sundays of April and
# October).
CHANGES = [
    date(2026, 10, 4),
    date(2026, 10, 25),
    date(2026, 11, 1),
    date(2027, 3, 14),
    date(2027, 3, 28),
    date(2027, 4, 4),
    date(2027, 10, 3),
    date(2027, 10, 31),
    date(2027, 11, 7),
    date(2028, 3, 12),
    date(2028, 3, 26),
    date(2028, 4, 2),
]


def exists(day, clock, zone):
    naive = datetime.combine(day, clock)
    return (
        datetime.combine(day, clock, tzinfo=zone)
        .astimezone(ZoneInfo("UTC"))
        .astimezone(zone)
        .replace(tzinfo=None)
        == naive
    )


@st.composite
def series_cases(draw):
    teacher_zone = draw(st.sampled_from(ZONES))
    student_zone = draw(st.sampled_from(ZONES))
    change = draw(st.sampled_from(CHANGES))
    first_date = change + timedelta(days=draw(st.integers(-42, 7)))
    clock = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45])))
    weeks = draw(st.integers(2, 16))
    return ZoneInfo(teacher_zone), ZoneInfo(student_zone), first_date, clock, weeks


@settings(max_examples=400, deadline=None)
@given(case=series_cases())
def test_every_lesson_is_at_the_anchored_wall_clock_time_seven_local_days_apart(case):
    teacher_zone, _student_zone, first_date, clock, weeks = case
    occurrences = series_occurrences(first_date, clock, teacher_zone, weeks)
    assert [o.week for o in occurrences] == list(range(weeks))  # no week skipped or doubled
    assert [o.local_date for o in occurrences] == [
        first_date + timedelta(days=7 * week) for week in range(weeks)
    ]
    for occurrence in occurrences:
        if not exists(occurrence.local_date, clock, teacher_zone):
            assert occurrence.start is None  # the clocks jump over it that day: no lesson
            continue
        local = occurrence.start.astimezone(teacher_zone)
        assert (local.date(), local.time()) == (occurrence.local_date, clock)
        assert local.fold == 0  # a time that happens twice: its first occurrence
        assert occurrence.start.utcoffset() == timedelta(0)
    starts = [o.start for o in occurrences if o.start is not None]
    assert starts == sorted(set(starts))
    for earlier, later in pairwise(starts):
        # A whole number of local weeks apart, give or take the hour of a clock change.
        weeks_apart = round((later - earlier) / timedelta(days=7))
        assert abs((later - earlier) - timedelta(days=7 * weeks_apart)) <= timedelta(hours=1)


@settings(max_examples=400, deadline=None)
@given(case=series_cases())
def test_student_labels_and_shift_marks_match_zoneinfo(case):
    teacher_zone, student_zone, first_date, clock, weeks = case
    starts = [
        o.start
        for o in series_occurrences(first_date, clock, teacher_zone, weeks)
        if o.start is not None
    ]
    if not starts:
        return
    reference = starts[0]

    def gap(moment):  # how far the student's clock is from the teacher's
        return (
            moment.astimezone(student_zone).utcoffset()
            - moment.astimezone(teacher_zone).utcoffset()
        )

    for start in starts:
        local = start.astimezone(student_zone)
        assert format_clock(start, student_zone) == f"{local:%H:%M} {local.tzname()}"
        # The teacher's clock never moves, so the student's moves exactly when the gap does.
        assert shifts(start, reference, student_zone) == (gap(start) != gap(reference))


def test_a_paris_evening_seen_from_new_york_across_the_march_gap():
    """18:00 in Paris every Tuesday: 12:00 in New York, 13:00 in the two weeks when only the
    US has changed its clocks (14 to 28 March 2027), then 12:00 again."""
    paris, new_york = ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")
    occurrences = series_occurrences(date(2027, 3, 2), time(18), paris, 6)
    assert [format_clock(o.start, paris) for o in occurrences] == ["18:00 CET"] * 4 + [
        "18:00 CEST"
    ] * 2
    assert [format_clock(o.start, new_york) for o in occurrences] == [
        "12:00 EST",
        "12:00 EST",
        "13:00 EDT",
        "13:00 EDT",
        "12:00 EDT",
        "12:00 EDT",
    ]
    first = occurrences[0].start
    assert [shifts(o.start, first, new_york) for o in occurrences] == [
        False,
        False,
        True,
        True,
        False,
        False,
    ]
    assert occurrences[4].start - occurrences[3].start == timedelta(days=7, hours=-1)
