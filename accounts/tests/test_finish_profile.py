"""After sign-up a student lands on a short "finish your profile" step (time zone, level,
goals); students without lessons and an unfinished profile land there after logging in too,
and an explicit ?next= always wins (issue 14.11)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from .test_signup_login import LOGIN, SIGNUP, signup_data

pytestmark = pytest.mark.django_db

FINISH = "/profile/finish/"


def test_a_new_student_lands_on_finish_your_profile(client):
    response = client.post(SIGNUP, signup_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile_finish") == FINISH


def test_sign_up_with_an_explicit_next_goes_there(client):
    response = client.post(f"{SIGNUP}?next=/teachers/", signup_data(next="/teachers/"))

    assert response["Location"] == "/teachers/"


def test_the_finish_step_asks_zone_level_and_goals_with_the_detected_zone_chosen(client):
    client.post(SIGNUP, signup_data(timezone="America/New_York"))

    response = client.get(FINISH)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Finish your profile</h1>" in page
    for name in ("timezone", "cefr_level", "learning_goals"):
        assert f'name="{name}"' in page
    assert 'name="photo"' not in page and 'name="bio"' not in page
    assert re.search(r'<option value="America/New_York" selected[ >]', page)


def test_finishing_saves_zone_level_and_goals_then_goes_to_find_a_teacher(client):
    client.post(SIGNUP, signup_data())

    response = client.post(
        FINISH,
        {"timezone": "Asia/Tokyo", "cefr_level": "B1", "learning_goals": "Parler au travail"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("booking:teacher_list")
    profile = get_user_model().objects.get(email="nina@example.com").profile
    assert (profile.timezone, profile.cefr_level, profile.learning_goals) == (
        "Asia/Tokyo",
        "B1",
        "Parler au travail",
    )
    assert profile.display_name == "Nina Nouvelle"  # untouched by the short form


def test_a_bad_zone_on_the_finish_step_is_a_message_not_an_error(client):
    client.post(SIGNUP, signup_data())

    response = client.post(FINISH, {"timezone": "Mars/Olympus", "cefr_level": "Z9"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_student_without_lessons_and_an_unfinished_profile_logs_in_to_the_finish_step(
    client, student, password
):
    response = client.post(LOGIN, {"login": student.email, "password": password})

    assert response["Location"] == FINISH


def test_a_student_with_a_finished_profile_and_no_lessons_logs_in_to_find_a_teacher(
    client, student, password
):
    student.profile.cefr_level = "A2"
    student.profile.save(update_fields=["cefr_level"])

    response = client.post(LOGIN, {"login": student.email, "password": password})

    assert response["Location"] == reverse("booking:teacher_list")


def test_login_with_an_explicit_next_goes_there(client, student, password):
    response = client.post(
        f"{LOGIN}?next=/profile/edit/",
        {"login": student.email, "password": password, "next": "/profile/edit/"},
    )

    assert response["Location"] == "/profile/edit/"


def test_the_finish_step_needs_a_login(client):
    response = client.get(FINISH)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
