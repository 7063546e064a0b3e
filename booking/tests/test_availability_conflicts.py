"""Time off, or narrower weekly hours, over booked lessons asks first (issue 14.4).

Saving a change that takes held, paid or confirmed lessons still to come out of the teacher's
availability saves nothing: the page lists those lessons (time in the teacher's zone with its
name, student, state, refund) and a "Confirm and decline" form carrying what was typed.
Confirming saves the change, declines paid and confirmed lessons (full refund, the student's
usual email) and releases held ones."""

from datetime import UTC, datetime, time, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.factories import TeacherFactory
from accounts.zones import format_local
from booking.models import AvailabilityWindow, BookingStatus, TimeOff
from booking.services import lessons_made_unavailable

from .conftest import add_windows, availability_data, every_day, make_booking, set_zone

PARIS = ZoneInfo("Europe/Paris")
URL = "/teacher/availability/"


@pytest.fixture
def paris_teacher(teacher):
    """A Paris teacher available every day 09:00-12:00."""
    set_zone(teacher, "Europe/Paris")
    add_windows(teacher, every_day("09:00", "12:00"))
    return teacher


def lesson_day(days=10):
    return (timezone.now().astimezone(PARIS) + timedelta(days=days)).date()


def lesson_at(teacher, student, day, hour=10, **extra):
    start = datetime.combine(day, time(hour), tzinfo=PARIS).astimezone(UTC)
    return make_booking(teacher, student, start, **extra)


class _ConfirmForm(HTMLParser):
    """The name=value pairs the "Confirm and decline" form posts (its hidden inputs and the
    button)."""

    def __init__(self):
        super().__init__()
        self.data, self.depth = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "data-confirm-conflicts" in attrs:
            self.depth = 1
        elif self.depth and tag in ("input", "button") and attrs.get("name"):
            self.data.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.depth = 0


def confirm_form_data(html):
    parser = _ConfirmForm()
    parser.feed(html)
    data = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return data


def test_time_off_over_a_paid_lesson_lists_it_and_saves_nothing(client, paris_teacher, student):
    day = lesson_day()
    booking = lesson_at(paris_teacher, student, day, status=BookingStatus.PAID)
    client.force_login(paris_teacher)

    response = client.post(
        URL, availability_data(every_day("09:00", "12:00"), [(day, day, "Congrès à Lyon")])
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert format_local(booking.start, paris_teacher) in page  # teacher's zone, with its name
    assert "(Europe/Paris)" in page
    assert student.display_name in page
    assert "Paid, awaiting teacher" in page
    assert "Confirm and decline this lesson" in page
    assert 'value="Congrès à Lyon"' in page  # what was typed is still in the form
    assert not TimeOff.objects.exists()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID


def test_confirming_saves_the_time_off_and_declines_the_lesson_emailing_the_student_once(
    client, paris_teacher, student, django_capture_on_commit_callbacks, mailoutbox
):
    day = lesson_day()
    booking = lesson_at(paris_teacher, student, day, status=BookingStatus.PAID)
    client.force_login(paris_teacher)
    page = client.post(
        URL, availability_data(every_day("09:00", "12:00"), [(day, day + timedelta(days=2), "")])
    ).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, confirm_form_data(page))

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DECLINED
    assert booking.events.last().by == paris_teacher
    off = TimeOff.objects.get(teacher=paris_teacher)
    assert (off.start_date, off.end_date) == (day, day + timedelta(days=2))
    assert AvailabilityWindow.objects.filter(teacher=paris_teacher).count() == 7
    to_student = [m for m in mailoutbox if m.to == [student.email]]
    assert len(to_student) == 1
    assert "could not take your lesson" in to_student[0].subject
    followed = client.get(response["Location"]).content.decode()
    assert "1 lesson declined" in followed


def test_shrinking_a_window_over_a_confirmed_lesson_asks_then_declines_it(
    client, paris_teacher, student, django_capture_on_commit_callbacks, mailoutbox
):
    day = lesson_day()
    booking = lesson_at(paris_teacher, student, day, hour=11, status=BookingStatus.CONFIRMED)
    narrower = [(d, "09:00", "11:00" if d == day.weekday() else "12:00") for d in range(7)]
    client.force_login(paris_teacher)

    page = client.post(URL, availability_data(narrower)).content.decode()

    assert "Confirmed" in page and format_local(booking.start, paris_teacher) in page
    assert AvailabilityWindow.objects.get(weekday=day.weekday()).end_time == time(12)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(URL, confirm_form_data(page)).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DECLINED
    assert AvailabilityWindow.objects.get(weekday=day.weekday()).end_time == time(11)
    assert len([m for m in mailoutbox if m.to == [student.email]]) == 1


def test_removing_a_weekday_over_a_held_lesson_releases_the_hold(
    client, paris_teacher, student, django_capture_on_commit_callbacks, mailoutbox
):
    day = lesson_day()
    held = lesson_at(
        paris_teacher,
        student,
        day,
        status=BookingStatus.HELD,
        hold_expires_at=timezone.now() + timedelta(minutes=30),
    )
    others = [w for w in every_day("09:00", "12:00") if w[0] != day.weekday()]
    client.force_login(paris_teacher)

    page = client.post(URL, availability_data(others)).content.decode()

    assert "In basket" in page and "Not paid yet" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, confirm_form_data(page))
    held.refresh_from_db()
    assert held.status == BookingStatus.REMOVED and not held.is_active
    assert not AvailabilityWindow.objects.filter(weekday=day.weekday()).exists()
    assert mailoutbox == []  # nothing was paid; the basket shows it is gone


def test_lessons_the_change_does_not_touch_save_at_once(client, paris_teacher, student):
    day = lesson_day()
    kept = lesson_at(paris_teacher, student, day, status=BookingStatus.CONFIRMED)
    lapsed = lesson_at(
        paris_teacher,
        student,
        day,
        hour=11,
        status=BookingStatus.HELD,
        hold_expires_at=timezone.now() - timedelta(minutes=1),
    )
    past = make_booking(
        paris_teacher, student, timezone.now() - timedelta(days=2), status=BookingStatus.COMPLETED
    )
    later = day + timedelta(days=1)
    client.force_login(paris_teacher)

    response = client.post(
        URL, availability_data(every_day("09:00", "12:00"), [(later, later, "")])
    )

    assert response.status_code == 302
    assert TimeOff.objects.filter(teacher=paris_teacher).count() == 1
    for booking, status in ((kept, "confirmed"), (lapsed, "held"), (past, "completed")):
        booking.refresh_from_db()
        assert booking.status == status


def test_a_lesson_booked_after_the_list_was_shown_is_asked_about_again(
    client, paris_teacher, student, other_student
):
    day = lesson_day()
    first = lesson_at(paris_teacher, student, day, status=BookingStatus.PAID)
    client.force_login(paris_teacher)
    page = client.post(
        URL, availability_data(every_day("09:00", "12:00"), [(day, day, "")])
    ).content.decode()
    second = lesson_at(paris_teacher, other_student, day, hour=9, status=BookingStatus.PAID)

    response = client.post(URL, confirm_form_data(page))

    assert response.status_code == 200
    again = response.content.decode()
    assert other_student.display_name in again and "Confirm and decline these 2 lessons" in again
    assert not TimeOff.objects.exists()
    for booking in (first, second):
        booking.refresh_from_db()
        assert booking.status == BookingStatus.PAID


def test_other_teachers_lessons_are_never_listed_or_declined(client, paris_teacher, student):
    other = TeacherFactory()
    set_zone(other, "Europe/Paris")
    add_windows(other, every_day("09:00", "12:00"))
    day = lesson_day()
    theirs = lesson_at(other, student, day, status=BookingStatus.PAID)
    client.force_login(paris_teacher)

    response = client.post(
        URL,
        availability_data(every_day("09:00", "12:00"), [(day, day, "")])
        | {"confirm_decline": str(theirs.pk)},
    )

    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.PAID


def test_a_tampered_confirmation_list_is_a_clear_page_not_an_error(client, paris_teacher, student):
    day = lesson_day()
    lesson_at(paris_teacher, student, day, status=BookingStatus.PAID)
    client.force_login(paris_teacher)
    for value in ("abc", ",,x;", "-5", "9" * 40):
        response = client.post(
            URL,
            availability_data(every_day("09:00", "12:00"), [(day, day, "")])
            | {"confirm_decline": value},
        )
        assert response.status_code == 200
        assert "Confirm and decline this lesson" in response.content.decode()
    assert not TimeOff.objects.exists()


def test_a_lesson_already_outside_the_weekly_hours_is_asked_about_only_for_new_time_off(
    paris_teacher, student
):
    day = lesson_day()
    outside = lesson_at(paris_teacher, student, day, hour=15, status=BookingStatus.CONFIRMED)
    same_hours = [
        (d, time.fromisoformat(a), time.fromisoformat(b)) for d, a, b in every_day("09:00", "12:00")
    ]

    assert lessons_made_unavailable(paris_teacher, same_hours[1:], []) == []
    assert lessons_made_unavailable(paris_teacher, same_hours, [(day, day, "")]) == [outside]
