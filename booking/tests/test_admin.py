"""Bookings in the Wagtail admin: admins list, filter, search, export, inspect and act."""

import pytest

from accounts.factories import StudentFactory
from booking.models import BookingStatus
from booking.services import hold_slot


@pytest.fixture
def paid(available_teacher, student, future_slot):
    return hold_slot(student, available_teacher, future_slot, "Subjunctive").mark_paid()


def test_admin_lists_filters_and_searches_bookings(client, admin_user, paid):
    client.force_login(admin_user)
    response = client.get("/admin/bookings/")
    assert response.status_code == 200
    assert paid.student.display_name in response.content.decode()
    assert client.get(f"/admin/bookings/?q={paid.student.email}").context["object_list"]
    assert not client.get("/admin/bookings/?q=nobody-matches").context["object_list"]
    assert client.get("/admin/bookings/?status=paid").context["object_list"]
    assert not client.get("/admin/bookings/?status=confirmed").context["object_list"]
    assert client.get(f"/admin/bookings/?teacher={paid.teacher_id}").context["object_list"]
    day = paid.start.date().isoformat()
    assert client.get(f"/admin/bookings/?start_after={day}&start_before={day}").context[
        "object_list"
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_admin_exports_bookings(client, admin_user, paid, fmt):
    client.force_login(admin_user)
    response = client.get(f"/admin/bookings/?export={fmt}")
    assert response.status_code == 200
    assert "bookings" in response["Content-Disposition"]
    if fmt == "csv":
        content = b"".join(response.streaming_content).decode()
        assert "Start (UTC)" in content and "paid" in content


def test_inspect_shows_history_and_actions_run_transitions(client, admin_user, paid):
    client.force_login(admin_user)
    page = client.get(f"/admin/bookings/inspect/{paid.pk}/").content.decode()
    assert "History" in page and "Paid, awaiting teacher" in page
    assert f"/admin/bookings/action/{paid.pk}/confirm/" in page
    assert client.get(f"/admin/bookings/action/{paid.pk}/cancel/").status_code == 200
    response = client.post(
        f"/admin/bookings/action/{paid.pk}/cancel/", {"note": "Teacher ill", "refund": ""}
    )
    assert response.status_code == 302
    paid.refresh_from_db()
    assert paid.status == BookingStatus.CANCELLED
    event = paid.events.last()
    assert event.by == admin_user and event.note == "Teacher ill"


def test_refused_admin_action_is_a_message_not_an_error(client, admin_user, paid):
    client.force_login(admin_user)
    response = client.post(f"/admin/bookings/action/{paid.pk}/mark_held/", follow=True)
    assert response.status_code == 200
    assert b"cannot be marked as held" in response.content


@pytest.mark.parametrize("role", ["editor", "teacher", "student"])
def test_non_admins_cannot_reach_booking_admin(client, role, editor, teacher, paid):
    user = {"editor": editor, "teacher": teacher, "student": StudentFactory()}[role]
    client.force_login(user)
    for url in (
        "/admin/bookings/",
        f"/admin/bookings/inspect/{paid.pk}/",
        f"/admin/bookings/action/{paid.pk}/confirm/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
    client.post(f"/admin/bookings/action/{paid.pk}/confirm/")
    paid.refresh_from_db()
    assert paid.status == BookingStatus.PAID


def test_editors_do_not_see_the_bookings_menu(client, editor, admin_user):
    client.force_login(admin_user)
    assert "/admin/bookings/" in client.get("/admin/").content.decode()
    client.force_login(editor)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "/admin/bookings/" not in response.content.decode()
