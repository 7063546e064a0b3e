"""Booking page, "My bookings", teacher dashboard and availability: behaviour and budgets."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.factories import StudentFactory
from booking.models import AvailabilityWindow, Booking, BookingStatus, TimeOff
from booking.services import hold_slot
from booking.slots import available_slots

from .conftest import make_booking


def book_url(teacher, week=0):
    return f"{reverse('booking:book')}?teacher={teacher.profile.slug}&week={week}"


def test_booking_page_lists_slots_in_the_students_zone(client, student, available_teacher):
    student.profile.timezone = "America/New_York"
    student.profile.save()
    client.force_login(student)
    response = client.get(book_url(available_teacher))
    assert response.status_code == 200
    content = response.content.decode()
    assert "America/New_York" in content
    now = timezone.now()
    first = available_slots(available_teacher, now, now + timedelta(days=7), viewer=student)[0]
    from zoneinfo import ZoneInfo

    local = first.astimezone(ZoneInfo("America/New_York"))
    assert f'name="choose" value="{first.isoformat()}"' in content
    assert f"{local:%H:%M} {local.tzname()}</button>" in content


def test_posting_a_slot_holds_it_and_redirects(client, student, available_teacher, future_slot):
    client.force_login(student)
    response = client.post(
        book_url(available_teacher),
        {"teacher": available_teacher.profile.slug, "slot": future_slot.isoformat(), "goal": "Hi"},
    )
    assert response.status_code == 302
    booking = Booking.objects.get(student=student)
    assert booking.status == BookingStatus.HELD and booking.start == future_slot
    page = client.get(reverse("booking:my_bookings")).content.decode()
    assert "In basket" in page and "more minute" in page


@pytest.mark.parametrize(
    "slot",
    ["not-a-date", "2030-01-01T10:00:00", "2001-01-01T10:00:00+00:00", "", "x" * 39],
)
def test_tampered_or_past_slots_get_a_clear_message(client, student, available_teacher, slot):
    client.force_login(student)
    response = client.post(
        book_url(available_teacher), {"teacher": available_teacher.profile.slug, "slot": slot}
    )
    assert response.status_code == 400
    assert b"Please pick" in response.content
    assert not Booking.objects.exists()


def test_off_grid_slot_is_refused(client, student, available_teacher, future_slot):
    client.force_login(student)
    off_grid = (future_slot + timedelta(minutes=7)).isoformat()
    response = client.post(
        book_url(available_teacher), {"teacher": available_teacher.profile.slug, "slot": off_grid}
    )
    assert response.status_code == 400
    assert b"not available" in response.content


def test_taken_slot_says_just_taken(client, student, available_teacher, future_slot):
    hold_slot(StudentFactory(), available_teacher, future_slot)
    client.force_login(student)
    response = client.post(
        book_url(available_teacher),
        {"teacher": available_teacher.profile.slug, "slot": future_slot.isoformat()},
    )
    assert response.status_code == 400
    assert "this slot was just taken" in response.content.decode()


def test_deactivated_teacher_is_not_offered(client, student, available_teacher, future_slot):
    available_teacher.is_active = False
    available_teacher.save()
    client.force_login(student)
    response = client.get(book_url(available_teacher))
    assert b"cannot be booked" in response.content
    response = client.post(
        book_url(available_teacher),
        {"teacher": available_teacher.profile.slug, "slot": future_slot.isoformat()},
    )
    assert not Booking.objects.exists()


def test_week_navigation_moves_seven_days(client, student, available_teacher):
    client.force_login(student)
    week0 = client.get(book_url(available_teacher, 0)).context["grid"].days
    week1 = client.get(book_url(available_teacher, 1)).context["grid"].days
    assert week1[0].date - week0[0].date == timedelta(days=7)
    assert client.get(book_url(available_teacher, "abc")).status_code == 200
    assert client.get(book_url(available_teacher, 999)).context["grid"].next_week is None


def test_student_cancels_from_my_bookings(client, student, available_teacher, future_slot):
    booking = hold_slot(student, available_teacher, future_slot).mark_paid()
    client.force_login(student)
    page = client.get(reverse("booking:my_bookings")).content.decode()
    assert reverse("booking:cancel", args=[booking.pk]) in page
    client.post(reverse("booking:cancel", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_cancel_button_hidden_inside_the_cancellation_window(client, student, teacher):
    soon = timezone.now() + timedelta(hours=5)
    booking = make_booking(teacher, student, soon, status=BookingStatus.CONFIRMED)
    client.force_login(student)
    page = client.get(reverse("booking:my_bookings")).content.decode()
    assert reverse("booking:cancel", args=[booking.pk]) not in page
    response = client.post(reverse("booking:cancel", args=[booking.pk]), follow=True)
    assert b"24 hours" in response.content
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_teacher_confirms_with_a_message(client, available_teacher, student, future_slot):
    booking = hold_slot(student, available_teacher, future_slot).mark_paid()
    client.force_login(available_teacher)
    page = client.get(reverse("booking:teacher_dashboard")).content.decode()
    assert "Waiting for your decision" in page
    assert f"/students/{student.profile.public_slug}/" in page
    client.post(reverse("booking:confirm", args=[booking.pk]), {"message": "Bonjour !"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.teacher_message == "Bonjour !"


def test_teacher_declines(client, available_teacher, student, future_slot):
    booking = hold_slot(student, available_teacher, future_slot).mark_paid()
    client.force_login(available_teacher)
    client.post(reverse("booking:decline", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DECLINED


def test_availability_page_saves_windows_and_time_off(client, teacher):
    client.force_login(teacher)
    page = client.get(reverse("booking:availability")).content.decode()
    assert teacher.profile.timezone in page
    data = {
        "windows-TOTAL_FORMS": "3",
        "windows-INITIAL_FORMS": "0",
        "windows-0-weekday": "0",
        "windows-0-start_time": "09:00",
        "windows-0-end_time": "12:00",
        "windows-1-weekday": "0",
        "windows-1-start_time": "14:00",
        "windows-1-end_time": "18:00",
        "windows-2-weekday": "",
        "windows-2-start_time": "",
        "windows-2-end_time": "",
        "timeoff-TOTAL_FORMS": "1",
        "timeoff-INITIAL_FORMS": "0",
        "timeoff-0-start_date": "2030-08-01",
        "timeoff-0-end_date": "2030-08-15",
        "timeoff-0-note": "Holidays",
    }
    response = client.post(reverse("booking:availability"), data)
    assert response.status_code == 302
    assert AvailabilityWindow.objects.filter(teacher=teacher).count() == 2
    assert TimeOff.objects.get(teacher=teacher).note == "Holidays"
    # Saving again with a row marked for removal keeps just one window.
    data["windows-1-DELETE"] = "on"
    client.post(reverse("booking:availability"), data)
    assert AvailabilityWindow.objects.filter(teacher=teacher).count() == 1


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("0", "09:00", "12:00"), ("0", "11:00", "13:00")], "overlaps"),
        ([("2", "12:00", "09:00")], "must end after it starts"),
    ],
)
def test_overlapping_or_inverted_windows_are_refused(client, teacher, rows, message):
    client.force_login(teacher)
    data = {"windows-TOTAL_FORMS": str(len(rows)), "windows-INITIAL_FORMS": "0"}
    for i, (day, start, end) in enumerate(rows):
        data |= {
            f"windows-{i}-weekday": day,
            f"windows-{i}-start_time": start,
            f"windows-{i}-end_time": end,
        }
    data |= {"timeoff-TOTAL_FORMS": "0", "timeoff-INITIAL_FORMS": "0"}
    response = client.post(reverse("booking:availability"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AvailabilityWindow.objects.exists()


def test_inverted_time_off_is_refused(client, teacher):
    client.force_login(teacher)
    data = {
        "windows-TOTAL_FORMS": "0",
        "windows-INITIAL_FORMS": "0",
        "timeoff-TOTAL_FORMS": "1",
        "timeoff-INITIAL_FORMS": "0",
        "timeoff-0-start_date": "2030-08-15",
        "timeoff-0-end_date": "2030-08-01",
    }
    response = client.post(reverse("booking:availability"), data)
    assert b"must end on or after" in response.content


# Query budgets: the same number of queries with 1 and with 200 bookings -----------------


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_bookings(teacher, student, count, start):
    for i in range(count):
        status = [BookingStatus.PAID, BookingStatus.CONFIRMED, BookingStatus.COMPLETED][i % 3]
        make_booking(teacher, student, start + timedelta(hours=2 * i), status=status)


@pytest.mark.parametrize("page", ["book", "my_bookings", "teacher_dashboard"])
def test_query_count_does_not_grow_with_bookings(
    client, available_teacher, student, page, settings
):
    user = available_teacher if page == "teacher_dashboard" else student
    client.force_login(user)
    url = book_url(available_teacher) if page == "book" else reverse(f"booking:{page}")
    start = timezone.now() + timedelta(days=3, hours=1)
    _add_bookings(available_teacher, student, 1, start)
    for _ in range(2):  # warm caches; the first request creates the settings rows
        _count_queries(client, url)
    with_one = _count_queries(client, url)
    _add_bookings(available_teacher, student, 199, start + timedelta(days=1))
    with_many = _count_queries(client, url)
    assert with_one == with_many
    assert with_many <= 20


def test_teacher_options_escape_and_mark_the_chosen_teacher():
    from booking.views import teacher_options

    html = teacher_options([("ana", "Ana <b>&</b>", 1), ("bo", 'Bo "B"', 2)], "bo")

    assert html == (
        '<option value="ana">Ana &lt;b&gt;&amp;&lt;/b&gt;</option>\n        '
        '<option value="bo" selected>Bo &quot;B&quot;</option>'
    )
    assert "selected" not in teacher_options([("ana", "Ana", 1)], None)


def test_week_grid_days_stop_after_the_week_and_the_first_free_day(
    student, available_teacher, monkeypatch
):
    """The week's days and "Next available" need only the days up to the first free one
    after the week: later days are never generated, and the grid is what the full search
    gives."""
    from accounts.zones import zone_of
    from booking import slots, week_grid
    from booking.models import BookingSettings

    settings = BookingSettings.current()
    generated = []
    original = slots._free_days

    def counting(*args):
        for day in original(*args):
            generated.append(day)
            yield day

    monkeypatch.setattr(slots, "_free_days", counting)
    now = timezone.now()
    zone = zone_of(student)
    grid = week_grid.week_grid(
        available_teacher,
        student,
        zone=zone,
        week=1,
        week_url=lambda week: f"?week={week}",
        booking_settings=settings,
        now=now,
    )
    days_generated = len(generated)
    start, _ = slots.week_bounds(zone, 1, now)
    end, _ = slots.week_bounds(zone, 2, now)
    everything = available_slots(
        available_teacher,
        start,
        now + timedelta(weeks=settings.horizon_weeks),
        viewer=student,
        now=now,
        settings=settings,
    )
    shown = [time.value for day in grid.days for time in day.times]
    assert shown == [slot.isoformat() for slot in everything if slot < end]
    assert days_generated <= 9  # at most the week's days and the first day after it
