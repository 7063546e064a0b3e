"""Weekly series services: the preview's conflicts (the slot rules), holding the chosen weeks
as ordinary bookings, the hold limit for series, cancelling the rest (the cancel rule per
lesson) and the one shift email per shift period."""

import threading
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from accounts.factories import StudentFactory, TeacherFactory
from booking import slots
from booking.exceptions import HoldLimitReached
from booking.factories import BookingFactory, BookingSeriesFactory, TimeOffFactory
from booking.models import Booking, BookingSeries, BookingStatus, SeriesShiftNotice
from booking.series import (
    CANCEL,
    KEEP,
    REMOVE,
    SeriesConflict,
    SeriesHoldRefused,
    cancel_rest_of_series,
    hold_series,
    plan_cancel_rest,
    send_shift_notices,
    series_occurrences,
    series_preview,
)
from booking.services import hold_slot

from .conftest import add_windows, set_zone, utc

pytestmark = pytest.mark.django_db

PARIS, NEW_YORK = ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")
# A fixed "now" before the March 2027 gap weeks (US clocks change 14 March, EU 28 March).
NOW = utc(2027, 2, 25, 12)
FIRST = utc(2027, 3, 2, 17)  # Tuesday 2 March 2027, 18:00 in Paris, 12:00 in New York


@pytest.fixture
def paris_teacher(teacher):
    set_zone(teacher, "Europe/Paris")
    add_windows(teacher, [(1, "17:00", "20:00")])  # Tuesdays
    return teacher


@pytest.fixture
def new_york_student(student):
    set_zone(student, "America/New_York")
    return student


def test_a_series_holds_each_chosen_week_as_an_ordinary_booking(
    site_settings, paris_teacher, new_york_student
):
    series, bookings = hold_series(
        new_york_student, paris_teacher, FIRST, 6, range(6), "Conversation", now=NOW
    )
    assert (series.weekday, series.local_time, series.zone) == (1, time(18), "Europe/Paris")
    assert (series.first_date, series.weeks) == (date(2027, 3, 2), 6)
    assert [b.start.astimezone(PARIS).strftime("%a %d %H:%M") for b in bookings] == [
        "Tue 02 18:00",
        "Tue 09 18:00",
        "Tue 16 18:00",
        "Tue 23 18:00",
        "Tue 30 18:00",
        "Tue 06 18:00",
    ]
    assert [b.start.astimezone(NEW_YORK).hour for b in bookings] == [12, 12, 13, 13, 12, 12]
    for booking in bookings:
        assert booking.status == BookingStatus.HELD
        assert booking.series == series
        assert booking.goal == "Conversation"
        assert booking.price_cents == site_settings.lesson_price_cents
        assert booking.events.get().to_status == BookingStatus.HELD
    assert set(Booking.objects.in_basket(new_york_student, NOW)) == set(bookings)


def test_the_preview_shows_both_zones_marks_shift_weeks_and_names_each_conflict(
    site_settings, paris_teacher, new_york_student
):
    TimeOffFactory(teacher=paris_teacher, start_date=date(2027, 3, 16), end_date=date(2027, 3, 16))
    BookingFactory(teacher=paris_teacher, start=utc(2027, 3, 23, 17), status="paid")
    BookingFactory(
        student=new_york_student, start=utc(2027, 3, 30, 16, 30), status="confirmed"
    )  # another teacher: the student's own lesson
    preview = series_preview(
        paris_teacher, new_york_student, FIRST, 8, booking_settings=site_settings, now=NOW
    )
    rows = preview.rows
    assert (preview.student_zone, preview.teacher_zone) == ("America/New_York", "Europe/Paris")
    assert rows[0].student_text == "Tuesday 2 March 2027, 12:00 EST"
    assert rows[0].teacher_text == "Tuesday 2 March 2027, 18:00 CET"
    assert rows[2].student_text == "Tuesday 16 March 2027, 13:00 EDT"
    assert [row.shifted for row in rows] == [False, False, True, True] + [False] * 4
    assert [row.conflict for row in rows] == [
        "",
        "",
        "Your teacher is on time off that day.",
        "Your teacher is already booked at this time.",
        "You already have a lesson at this time.",
        "",
        "",
        "",
    ]
    later = series_preview(
        paris_teacher,
        new_york_student,
        utc(2027, 3, 9, 17),
        8,
        booking_settings=site_settings,
        now=NOW,
    )
    assert later.rows[-1].conflict == "Beyond the booking horizon (8 weeks ahead)."
    too_soon = series_preview(
        paris_teacher,
        new_york_student,
        FIRST,
        2,
        booking_settings=site_settings,
        now=FIRST - timedelta(hours=10),
    )
    assert too_soon.rows[0].conflict.startswith("Too soon")
    assert too_soon.rows[1].free


def test_refusals_say_outside_the_weekly_hours(site_settings, paris_teacher, new_york_student):
    wednesday = utc(2027, 3, 3, 17)
    found = slots.refusals(
        paris_teacher, [wednesday, FIRST], viewer=new_york_student, now=NOW, settings=site_settings
    )
    assert found == {wednesday: slots.OUTSIDE_HOURS}


def test_weeks_no_longer_free_hold_nothing(site_settings, paris_teacher, new_york_student):
    BookingFactory(teacher=paris_teacher, start=utc(2027, 3, 9, 17), status="paid")
    with pytest.raises(SeriesConflict) as refused:
        hold_series(new_york_student, paris_teacher, FIRST, 4, range(4), now=NOW)
    assert refused.value.starts == [utc(2027, 3, 9, 17)]
    assert not BookingSeries.objects.exists()
    assert not Booking.objects.filter(student=new_york_student).exists()
    # Skipping the taken week books the rest.
    _series, bookings = hold_series(new_york_student, paris_teacher, FIRST, 4, [0, 2, 3], now=NOW)
    assert len(bookings) == 3


def test_the_number_of_weeks_is_two_up_to_the_horizon(
    site_settings, paris_teacher, new_york_student
):
    for weeks in (1, site_settings.horizon_weeks + 1):
        with pytest.raises(SeriesHoldRefused):
            hold_series(new_york_student, paris_teacher, FIRST, weeks, range(weeks), now=NOW)
    with pytest.raises(SeriesHoldRefused):
        hold_series(new_york_student, paris_teacher, FIRST, 3, [], now=NOW)


def test_one_unpaid_series_at_a_time_and_single_holds_count_its_lessons(
    site_settings, paris_teacher, new_york_student
):
    site_settings.max_held_lessons = 3
    site_settings.save()
    _series, bookings = hold_series(new_york_student, paris_teacher, FIRST, 6, range(6), now=NOW)
    assert len(bookings) == 6  # a series is not cut by max_held_lessons
    with pytest.raises(SeriesHoldRefused, match="already holds a weekly series"):
        hold_series(new_york_student, paris_teacher, utc(2027, 3, 2, 18), 2, [0, 1], now=NOW)
    with pytest.raises(HoldLimitReached):
        hold_slot(new_york_student, paris_teacher, utc(2027, 3, 2, 18), now=NOW)
    # Paid, the series leaves the basket: another may be held.
    for booking in bookings:
        booking.mark_paid()
    _series, more = hold_series(
        new_york_student, paris_teacher, utc(2027, 3, 2, 18), 2, [0, 1], now=NOW
    )
    assert len(more) == 2


# Cancel the rest ---------------------------------------------------------------------------


def series_with_lessons(student, teacher):
    """A series with a past completed lesson, one confirmed inside the cancellation window,
    two paid lessons later and one held."""
    series = BookingSeriesFactory(student=student, teacher=teacher)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    lessons = {
        "past": BookingFactory(series=series, student=student, teacher=teacher, completed=True),
        "soon": BookingFactory(
            series=series, student=student, teacher=teacher, start=now + timedelta(hours=12)
        ),
        "paid": BookingFactory(
            series=series, student=student, teacher=teacher, paid=True, start=now + timedelta(7)
        ),
        "confirmed": BookingFactory(
            series=series, student=student, teacher=teacher, start=now + timedelta(14)
        ),
        "held": BookingFactory(
            series=series, student=student, teacher=teacher, held=True, start=now + timedelta(21)
        ),
    }
    return series, lessons


def test_cancel_the_rest_applies_the_cancel_rule_per_lesson(student, teacher, mailoutbox):
    series, lessons = series_with_lessons(student, teacher)
    plan = plan_cancel_rest(series, student)
    assert [(p.booking.pk, p.action) for p in plan] == [
        (lessons["soon"].pk, KEEP),
        (lessons["paid"].pk, CANCEL),
        (lessons["confirmed"].pk, CANCEL),
        (lessons["held"].pk, REMOVE),
    ]
    changed, kept = cancel_rest_of_series(series, by=student)
    assert {b.pk for b in changed} == {lessons[k].pk for k in ("paid", "confirmed", "held")}
    assert [b.pk for b in kept] == [lessons["soon"].pk]
    status = {k: Booking.objects.get(pk=b.pk).status for k, b in lessons.items()}
    assert status == {
        "past": BookingStatus.COMPLETED,
        "soon": BookingStatus.CONFIRMED,
        "paid": BookingStatus.CANCELLED,
        "confirmed": BookingStatus.CANCELLED,
        "held": BookingStatus.REMOVED,
    }
    # Each went through the normal transition: its own history line.
    assert Booking.objects.get(pk=lessons["paid"].pk).events.last().to_status == "cancelled"


def test_only_the_series_student_may_cancel_its_rest(student, teacher):
    series, lessons = series_with_lessons(student, teacher)
    with pytest.raises(PermissionDenied):
        cancel_rest_of_series(series, by=StudentFactory())
    assert Booking.objects.get(pk=lessons["paid"].pk).status == BookingStatus.PAID


# Shift emails ------------------------------------------------------------------------------


def paid_series(student_zone, *, teacher_zone="Europe/Paris", first_date=date(2027, 3, 2)):
    student, teacher = StudentFactory(), TeacherFactory()
    set_zone(student, student_zone)
    set_zone(teacher, teacher_zone)
    series = BookingSeriesFactory(
        student=student, teacher=teacher, zone=teacher_zone, first_date=first_date
    )
    for occurrence in series_occurrences(
        series.first_date, series.local_time, ZoneInfo(teacher_zone), series.weeks
    ):
        BookingFactory(
            series=series, student=student, teacher=teacher, start=occurrence.start, paid=True
        )
    return series


def run_daily(first, last, **kwargs):
    """``send_shift_notices`` every 4 hours from ``first`` to ``last``: how many emails."""
    count, now = 0, first
    while now <= last:
        count += send_shift_notices(now=now, **kwargs)
        now += timedelta(hours=4)
    return count


def test_one_email_seven_days_before_the_weeks_that_shift(
    mailoutbox, django_capture_on_commit_callbacks
):
    series = paid_series("America/New_York")
    shift_start = utc(2027, 3, 16, 17)  # 13:00 in New York for two weeks
    assert send_shift_notices(now=shift_start - timedelta(days=7, minutes=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        total = run_daily(utc(2027, 2, 20), utc(2027, 4, 10))
    assert total == 1
    notice = SeriesShiftNotice.objects.get(series=series)
    assert (notice.period_start, notice.lessons) == (shift_start, 2)
    (email,) = mailoutbox
    assert email.to == [series.student.email]
    assert email.subject == "Your Tuesday lesson is at 13:00 EDT for 2 weeks"
    assert "Tuesday 16 March 2027, 13:00 EDT" in email.body
    assert "Tuesday 23 March 2027, 13:00 EDT" in email.body
    assert "instead of 12:00 EST" in email.body
    assert "18:00 CET" in email.body


@pytest.mark.parametrize("student_zone", ["Europe/Paris", "Europe/London"])
def test_no_email_when_nothing_shifts(student_zone, mailoutbox, django_capture_on_commit_callbacks):
    paid_series(student_zone)  # London and Paris change their clocks on the same day
    with django_capture_on_commit_callbacks(execute=True):
        assert run_daily(utc(2027, 2, 20), utc(2027, 4, 10)) == 0
    assert mailoutbox == []
    assert not SeriesShiftNotice.objects.exists()


def test_cancelled_lessons_do_not_make_a_shift(mailoutbox, django_capture_on_commit_callbacks):
    series = paid_series("America/New_York")
    series.lessons.filter(start__in=[utc(2027, 3, 16, 17), utc(2027, 3, 23, 17)]).update(
        status=BookingStatus.CANCELLED, is_active=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert run_daily(utc(2027, 2, 20), utc(2027, 4, 10)) == 0


def test_a_lesson_cancelled_after_the_email_brings_no_second_one(
    mailoutbox, django_capture_on_commit_callbacks
):
    series = paid_series("America/New_York")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_shift_notices(now=utc(2027, 3, 10)) == 1
        series.lessons.filter(start=utc(2027, 3, 16, 17)).update(
            status=BookingStatus.CANCELLED, is_active=False
        )
        assert run_daily(utc(2027, 3, 10), utc(2027, 3, 24)) == 0
    assert len(mailoutbox) == 1


def test_the_scheduled_command_sends_the_notices(settings):
    assert "send_series_shift_notices" in settings.SCHEDULED_COMMANDS
    call_command("send_series_shift_notices")  # nothing due today: runs and says so


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: real concurrent transactions (set DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_the_shift_email_once(mailoutbox):
    series = paid_series("America/New_York")
    now = utc(2027, 3, 10)
    THREADS = 4
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS

    def run(i):
        try:
            barrier.wait()
            results[i] = send_shift_notices(now=now)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 0, 0, 1]
    assert SeriesShiftNotice.objects.filter(series=series).count() == 1
    assert len(mailoutbox) == 1
