"""Every booking URL and action by role: nobody sees or changes someone else's lessons."""

import pytest
from django.urls import reverse

from accounts.factories import StudentFactory, TeacherFactory
from booking.models import Booking, BookingStatus
from booking.services import hold_slot

PAGES = ["book", "my_bookings", "teacher_dashboard", "availability"]
STUDENT_PAGES = {"book", "my_bookings"}
TEACHER_PAGES = {"teacher_dashboard", "availability"}


@pytest.fixture
def users(student, teacher, editor, admin_user):
    return {"student": student, "teacher": teacher, "editor": editor, "admin": admin_user}


@pytest.mark.parametrize("page", PAGES)
def test_visitors_are_sent_to_log_in(client, page, db):
    url = reverse(f"booking:{page}")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", ["student", "teacher", "editor", "admin"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_by_role(client, users, role, page):
    client.force_login(users[role])
    response = client.get(reverse(f"booking:{page}"))
    allowed = (role == "student" and page in STUDENT_PAGES) or (
        role == "teacher" and page in TEACHER_PAGES
    )
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert b"This page is not for your account" in response.content


@pytest.fixture
def paid_booking(available_teacher, student, future_slot):
    return hold_slot(student, available_teacher, future_slot).mark_paid()


def _status(booking):
    return Booking.objects.get(pk=booking.pk).status


@pytest.mark.parametrize("action", ["cancel", "remove"])
def test_a_student_cannot_touch_another_students_booking(client, paid_booking, action):
    client.force_login(StudentFactory())
    response = client.post(reverse(f"booking:{action}", args=[paid_booking.pk]))
    assert response.status_code == 404
    assert _status(paid_booking) == BookingStatus.PAID


def test_a_student_never_sees_another_students_booking(client, paid_booking):
    intruder = StudentFactory()
    client.force_login(intruder)
    page = client.get(reverse("booking:my_bookings")).content.decode()
    assert f'data-booking="{paid_booking.pk}"' not in page


@pytest.mark.parametrize("action", ["confirm", "decline"])
def test_a_teacher_cannot_decide_another_teachers_booking(client, paid_booking, action):
    other = TeacherFactory()
    client.force_login(other)
    assert client.post(reverse(f"booking:{action}", args=[paid_booking.pk])).status_code == 404
    page = client.get(reverse("booking:teacher_dashboard")).content.decode()
    assert f'data-booking="{paid_booking.pk}"' not in page
    assert _status(paid_booking) == BookingStatus.PAID


@pytest.mark.parametrize("action", ["confirm", "decline"])
def test_students_cannot_confirm_or_decline(client, paid_booking, action):
    client.force_login(paid_booking.student)
    assert client.post(reverse(f"booking:{action}", args=[paid_booking.pk])).status_code == 403
    assert _status(paid_booking) == BookingStatus.PAID


@pytest.mark.parametrize("action", ["cancel", "remove"])
def test_teachers_cannot_use_student_actions(client, paid_booking, action):
    client.force_login(paid_booking.teacher)
    assert client.post(reverse(f"booking:{action}", args=[paid_booking.pk])).status_code == 403
    assert _status(paid_booking) == BookingStatus.PAID


@pytest.mark.parametrize(
    ("name", "args"),
    [("remove", [1]), ("confirm", [1]), ("calendar_token", [])],
)
def test_actions_need_post(client, users, name, args):
    client.force_login(users["admin"])
    assert client.get(reverse(f"booking:{name}", args=args)).status_code == 405


@pytest.mark.parametrize(("name", "who"), [("cancel", "student"), ("decline", "teacher")])
def test_cancel_and_decline_get_only_ask(client, paid_booking, name, who):
    """Cancel and Decline answer a GET with the page that asks; only the POST changes."""
    client.force_login(getattr(paid_booking, who))
    assert client.get(reverse(f"booking:{name}", args=[paid_booking.pk])).status_code == 200
    assert _status(paid_booking) == BookingStatus.PAID


def test_visitors_cannot_post_actions(client, paid_booking):
    for name in ("cancel", "remove", "confirm", "decline"):
        response = client.post(reverse(f"booking:{name}", args=[paid_booking.pk]))
        assert response.status_code == 302
    assert client.post(reverse("booking:calendar_token")).status_code == 302
    assert _status(paid_booking) == BookingStatus.PAID


def test_unknown_calendar_token_is_404(client, db):
    assert client.get("/calendar/not-a-token.ics").status_code == 404
