"""Where logging in lands (issue 14.11): teachers on their dashboard, students with lessons
on My bookings; an explicit ?next= wins."""

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.models import BookingStatus

from .conftest import make_booking

LOGIN = "/accounts/login/"

pytestmark = pytest.mark.django_db


def test_a_teacher_lands_on_their_dashboard(client, teacher, password):
    response = client.post(LOGIN, {"login": teacher.email, "password": password})

    assert response["Location"] == reverse("booking:teacher_dashboard")


def test_a_teacher_with_an_explicit_next_goes_there(client, teacher, password):
    response = client.post(
        f"{LOGIN}?next=/teacher/availability/",
        {"login": teacher.email, "password": password, "next": "/teacher/availability/"},
    )

    assert response["Location"] == "/teacher/availability/"


@pytest.mark.parametrize("status", [BookingStatus.CONFIRMED, BookingStatus.COMPLETED])
def test_a_student_with_lessons_lands_on_my_bookings(client, teacher, student, password, status):
    make_booking(teacher, student, timezone.now().replace(microsecond=0), status=status)

    response = client.post(LOGIN, {"login": student.email, "password": password})

    assert response["Location"] == reverse("booking:my_bookings")


def test_a_student_whose_only_lessons_lapsed_is_not_sent_to_my_bookings(
    client, teacher, student, password
):
    make_booking(teacher, student, timezone.now(), status=BookingStatus.EXPIRED)

    response = client.post(LOGIN, {"login": student.email, "password": password})

    assert response["Location"] != reverse("booking:my_bookings")
