"""An admin moves a paid or confirmed lesson to another free time of its teacher from the
Wagtail admin (a student who asks support, say): the times the student would be offered,
in the admin's time zone and named, under the same rules as the student's own move
(services.reschedule_booking). Refusals are sentences on the page, never a 500."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.factories import StudentFactory, TeacherFactory
from accounts.zones import format_clock
from booking.models import BookingStatus

from .conftest import another_slot, free_slots, make_booking, set_zone


@pytest.fixture
def confirmed(available_teacher, student):
    from booking.services import hold_slot

    first = free_slots(available_teacher, student)[0]
    paid = hold_slot(student, available_teacher, first, "Goal").mark_paid()
    return paid.confirm(by=paid.teacher, message="See you")


def page_url(booking):
    return f"/admin/bookings/action/{booking.pk}/reschedule/"


def test_the_lesson_page_offers_the_move(client, admin_user, confirmed):
    client.force_login(admin_user)
    page = client.get(f"/admin/bookings/inspect/{confirmed.pk}/").content.decode()
    assert page_url(confirmed) in page
    assert "Move to another time" in page


def test_the_free_times_are_listed_in_the_admins_zone(client, admin_user, confirmed):
    set_zone(admin_user, "America/New_York")
    client.force_login(admin_user)
    html = client.get(page_url(confirmed)).content.decode()
    assert "America/New_York" in html
    target = another_slot(confirmed)
    assert f'value="{target.isoformat()}"' in html
    assert format_clock(target, ZoneInfo("America/New_York")) in html
    # The lesson's own time is not a move.
    assert f'value="{confirmed.start.isoformat()}"' not in html


def test_an_admin_moves_the_lesson_and_both_are_told(
    client, admin_user, confirmed, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(admin_user)
    target = another_slot(confirmed)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(confirmed), {"slot": target.isoformat()}, follow=True)
    assert response.status_code == 200
    assert "moved to" in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.start == target
    assert confirmed.status == BookingStatus.PAID  # the teacher confirms the new time
    event = confirmed.events.last()
    assert event.by == admin_user and event.to_status == BookingStatus.PAID
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [confirmed.student.email, confirmed.teacher.email]
    )


def test_a_time_taken_meanwhile_is_a_message_on_the_page(client, admin_user, confirmed):
    target = another_slot(confirmed)
    make_booking(confirmed.teacher, StudentFactory(), target, status=BookingStatus.CONFIRMED)
    client.force_login(admin_user)
    old_start = confirmed.start
    response = client.post(page_url(confirmed), {"slot": target.isoformat()})
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    confirmed.refresh_from_db()
    assert confirmed.start == old_start


@pytest.mark.parametrize("value", ["", "tomorrow", "2030-01-01T10:00:00", "9" * 40])
def test_a_value_that_is_no_time_is_a_field_error(client, admin_user, confirmed, value):
    client.force_login(admin_user)
    response = client.post(page_url(confirmed), {"slot": value})
    assert response.status_code == 200
    assert b"error-message" in response.content or b"This field is required" in response.content
    old_start = confirmed.start
    confirmed.refresh_from_db()
    assert confirmed.start == old_start


def test_too_late_to_move_says_why_on_the_lesson_page(
    client, admin_user, available_teacher, student
):
    soon = timezone.now() + timedelta(hours=23)
    booking = make_booking(available_teacher, student, soon, status=BookingStatus.CONFIRMED)
    client.force_login(admin_user)
    response = client.get(page_url(booking), follow=True)
    assert response.status_code == 200
    assert b"Too late to reschedule" in response.content
    page = client.get(f"/admin/bookings/inspect/{booking.pk}/").content.decode()
    assert page_url(booking) in page  # the table offers it; the rule explains the refusal


@pytest.mark.parametrize("page", ["2", "0", "abc", "99999999999999999999"])
def test_other_days_are_pages(client, admin_user, confirmed, page):
    client.force_login(admin_user)
    response = client.get(f"{page_url(confirmed)}?page={page}")
    assert response.status_code == 200


def test_only_admins_move_lessons_here(client, confirmed, editor):
    for user in (editor, confirmed.teacher, confirmed.student):
        client.force_login(user)
        assert client.get(page_url(confirmed)).status_code in (302, 403)
        client.post(page_url(confirmed), {"slot": another_slot(confirmed).isoformat()})
    old_start = confirmed.start
    confirmed.refresh_from_db()
    assert confirmed.start == old_start


def test_the_refusals_speak_to_the_admin(client, admin_user, confirmed):
    # The student's lesson with another teacher at a time this teacher has free.
    other = make_booking(TeacherFactory(), confirmed.student, another_slot(confirmed))
    client.force_login(admin_user)
    moved_onto_own = client.post(page_url(confirmed), {"slot": other.start.isoformat()})
    assert b"The student already has a lesson at this time" in moved_onto_own.content
    same_time = client.post(page_url(confirmed), {"slot": confirmed.start.isoformat()})
    assert b"The lesson is already at this time" in same_time.content


@pytest.mark.parametrize("action", ["reschedule", "cancel"])
def test_booking_pages_lead_back_to_the_booking_and_the_list(client, admin_user, confirmed, action):
    client.force_login(admin_user)
    html = client.get(f"/admin/bookings/action/{confirmed.pk}/{action}/").content.decode()
    assert f'href="/admin/bookings/inspect/{confirmed.pk}/"' in html
    assert 'href="/admin/bookings/"' in html
    assert "Free times from" in html or action != "reschedule"
