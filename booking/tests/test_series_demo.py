"""The demo's weekly series: a New York student with a Paris teacher across the March gap
weeks, created once, its two gap weeks an hour later for the student."""

from datetime import date
from zoneinfo import ZoneInfo

from accounts import demo as accounts_demo
from booking import demo as booking_demo
from booking.models import BookingSeries, BookingStatus


def quiet(message):
    """The demo loaders' log, unused here."""


def test_the_demo_series_crosses_the_march_clock_changes(db):
    accounts_demo.load(quiet)
    booking_demo.load(quiet)
    booking_demo.load(quiet)  # idempotent
    series = BookingSeries.objects.get()
    assert series.student.email == booking_demo.SERIES_STUDENT
    assert series.teacher.email == accounts_demo.TEACHERS[0]["email"]
    lessons = list(series.lessons.order_by("start"))
    paris, new_york = ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")
    assert {lesson.start.astimezone(paris).strftime("%a %H:%M") for lesson in lessons} == {
        "Tue 17:00"
    }
    assert [lesson.start.astimezone(new_york).hour for lesson in lessons] == [
        11,
        11,
        12,
        12,
        11,
        11,
    ]
    assert {lesson.status for lesson in lessons} == {BookingStatus.CONFIRMED}


def test_the_gap_tuesday_is_the_next_one_at_least_two_weeks_away():
    assert booking_demo.first_tuesday_of_the_gap(date(2026, 12, 2)) == date(2027, 3, 2)
    assert booking_demo.first_tuesday_of_the_gap(date(2027, 2, 20)) == date(2028, 2, 29)
