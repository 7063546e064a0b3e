"""The reschedule pages: My bookings offers "Reschedule" for each lesson that may move (and
says why not for the others); the reschedule page shows the current time and the teacher's week
grid, a time button asks to confirm, confirming moves the lesson (POST, redirect, message).
Bad input gets a clear message, never a 500."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.factories import StudentFactory
from accounts.zones import format_moment
from booking.models import BookingStatus
from booking.services import hold_slot, reschedule_booking

from .conftest import another_slot, free_slots, make_booking


@pytest.fixture
def confirmed(available_teacher, student):
    first = free_slots(available_teacher, student)[0]
    booking = hold_slot(student, available_teacher, first, "Goal").mark_paid()
    return booking.confirm(by=booking.teacher)


def reschedule_url(booking, week=None):
    url = reverse("booking:reschedule", args=[booking.pk])
    return f"{url}?week={week}" if week is not None else url


def card_of(html, booking):
    found = re.search(rf'data-booking="{booking.pk}">(.*?)</li>', html, re.S)
    assert found, f"no card for booking {booking.pk}"
    return found.group(1)


def test_my_bookings_offers_reschedule_for_an_eligible_lesson(client, confirmed):
    client.force_login(confirmed.student)
    html = client.get(reverse("booking:my_bookings")).content.decode()
    assert f'href="{reschedule_url(confirmed)}"' in card_of(html, confirmed)


def test_my_bookings_says_why_a_lesson_cannot_move(client, available_teacher, student):
    soon = make_booking(
        available_teacher, student, timezone.now() + timedelta(hours=20), status="confirmed"
    )
    moved = make_booking(
        available_teacher, student, timezone.now() + timedelta(days=5), reschedule_count=2
    )
    held = make_booking(
        available_teacher,
        student,
        timezone.now() + timedelta(days=6),
        status=BookingStatus.HELD,
        hold_expires_at=timezone.now() + timedelta(minutes=20),
    )
    client.force_login(student)
    html = client.get(reverse("booking:my_bookings")).content.decode()
    assert "Too late to reschedule" in card_of(html, soon)
    assert reschedule_url(soon) not in html
    assert "Already moved twice" in card_of(html, moved)
    assert reschedule_url(moved) not in html
    assert "reschedule" not in card_of(html, held).lower()


def test_the_reschedule_page_shows_the_current_time_and_the_week_grid(client, confirmed):
    client.force_login(confirmed.student)
    response = client.get(reschedule_url(confirmed))
    assert response.status_code == 200
    html = response.content.decode()
    assert format_moment(confirmed.start, ZoneInfo("Europe/Paris")) in html
    assert 'class="week-grid-form"' in html and 'name="choose"' in html
    assert f'value="{confirmed.start.isoformat()}"' not in html  # its own time is not offered
    assert "<title>" in html and 'name="description"' in html
    assert re.search(r'href="\?week=1"', html)


def test_choosing_a_new_time_asks_for_confirmation(client, confirmed):
    client.force_login(confirmed.student)
    target = another_slot(confirmed)
    response = client.post(reschedule_url(confirmed), {"choose": target.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert format_moment(target, ZoneInfo("Europe/Paris")) in html
    assert re.search(r'<button type="submit"[^>]*>\s*Move my lesson\s*</button>', html)
    assert f'name="slot" value="{target.isoformat()}"' in html
    confirmed.refresh_from_db()
    assert confirmed.reschedule_count == 0, "choosing moves nothing"


def test_confirming_moves_the_lesson_and_redirects_with_a_message(client, confirmed):
    client.force_login(confirmed.student)
    target = another_slot(confirmed)
    response = client.post(reschedule_url(confirmed), {"slot": target.isoformat()})
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:my_bookings")
    page = client.get(response["Location"]).content.decode()
    assert "Your lesson is moved to" in page
    confirmed.refresh_from_db()
    assert confirmed.start == target and confirmed.status == BookingStatus.PAID


def test_the_teacher_sees_the_moved_lesson_waiting_for_a_decision(client, confirmed):
    reschedule_booking(confirmed, another_slot(confirmed), by=confirmed.student)
    client.force_login(confirmed.teacher)
    response = client.get(reverse("booking:teacher_dashboard"))
    assert [b.pk for b in response.context["to_decide"]] == [confirmed.pk]


def test_a_taken_time_gets_a_clear_message(client, confirmed):
    target = another_slot(confirmed)
    hold_slot(StudentFactory(), confirmed.teacher, target)
    client.force_login(confirmed.student)
    response = client.post(reschedule_url(confirmed), {"slot": target.isoformat()})
    assert response.status_code == 400
    assert "this slot was just taken" in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.start != target


@pytest.mark.parametrize(
    "value", ["", "nope", "2030-01-01T10:00:00", "9999-12-31T23:30:00+00:00", "x" * 60]
)
@pytest.mark.parametrize("field", ["slot", "choose"])
def test_odd_times_get_a_clear_message(client, confirmed, field, value):
    client.force_login(confirmed.student)
    response = client.post(reschedule_url(confirmed), {field: value})
    assert response.status_code == 400
    assert "Please pick" in response.content.decode()


def test_a_past_time_gets_a_clear_message(client, confirmed):
    client.force_login(confirmed.student)
    past = (timezone.now() - timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    response = client.post(reschedule_url(confirmed), {"slot": past.isoformat()})
    assert response.status_code == 400
    assert "in the past" in response.content.decode()


def test_too_late_sends_back_to_my_bookings_with_the_reason(client, available_teacher, student):
    soon = make_booking(
        available_teacher, student, timezone.now() + timedelta(hours=3), status="confirmed"
    )
    client.force_login(student)
    for response in (
        client.get(reschedule_url(soon), follow=True),
        client.post(
            reschedule_url(soon),
            {"slot": free_slots(available_teacher, student)[0].isoformat()},
            follow=True,
        ),
    ):
        assert response.redirect_chain[-1][0] == reverse("booking:my_bookings")
        assert "Too late to reschedule" in response.content.decode()
    soon.refresh_from_db()
    assert soon.reschedule_count == 0


def test_another_students_lesson_is_not_found(client, confirmed):
    client.force_login(StudentFactory())
    assert client.get(reschedule_url(confirmed)).status_code == 404
    target = another_slot(confirmed)
    assert client.post(reschedule_url(confirmed), {"slot": target.isoformat()}).status_code == 404


def test_visitors_are_sent_to_log_in(client, confirmed):
    response = client.get(reschedule_url(confirmed))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("week", ["-3", "abc", "99999999999999999999", "1e400"])
def test_odd_weeks_show_a_week(client, confirmed, week):
    client.force_login(confirmed.student)
    assert client.get(reschedule_url(confirmed, week)).status_code == 200
