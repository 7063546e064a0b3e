"""A teacher's own fixed video room: an https link they set in their profile (or an admin
sets in the Wagtail admin); students cannot set one and nobody else sees it."""

import pytest

from accounts.services import export_user_data

pytestmark = pytest.mark.django_db

EDIT = "/profile/edit/"
ROOM = "https://zoom.example/j/1234567890?pwd=abc"


def profile_data(**overrides):
    return {"display_name": "Camille", "timezone": "Europe/Paris", **overrides}


def test_teacher_sets_their_fixed_room_in_their_profile(client, teacher):
    client.force_login(teacher)
    assert 'name="video_room_url"' in client.get(EDIT).content.decode()
    response = client.post(EDIT, profile_data(video_room_url=ROOM))
    assert response.status_code == 302
    teacher.profile.refresh_from_db()
    assert teacher.profile.video_room_url == ROOM
    assert export_user_data(teacher)["profile"]["video_room_url"] == ROOM


def test_teacher_clears_their_fixed_room(client, teacher):
    teacher.profile.video_room_url = ROOM
    teacher.profile.save()
    client.force_login(teacher)
    assert client.post(EDIT, profile_data(video_room_url="")).status_code == 302
    teacher.profile.refresh_from_db()
    assert teacher.profile.video_room_url == ""


@pytest.mark.parametrize(
    "value",
    ["http://zoom.example/j/123", "javascript:alert(1)", "ftp://files.example/room", "not a link"],
)
def test_only_https_links_are_accepted(client, teacher, value):
    client.force_login(teacher)
    response = client.post(EDIT, profile_data(video_room_url=value))
    assert response.status_code == 200
    assert "https://" in response.content.decode()  # the message says what is expected
    teacher.profile.refresh_from_db()
    assert teacher.profile.video_room_url == ""


def test_students_have_no_room_field_and_cannot_post_one(client, student):
    client.force_login(student)
    assert 'name="video_room_url"' not in client.get(EDIT).content.decode()
    assert client.post(EDIT, profile_data(video_room_url=ROOM)).status_code == 302
    student.profile.refresh_from_db()
    assert student.profile.video_room_url == ""


def test_admin_sets_a_teachers_room_in_the_wagtail_admin(client, admin_user, teacher):
    client.force_login(admin_user)
    url = f"/admin/teachers/edit/{teacher.pk}/"
    assert 'name="video_room_url"' in client.get(url).content.decode()
    data = {
        "email": teacher.email,
        "is_active": "on",
        "display_name": "Camille",
        "slug": teacher.profile.slug,
        "timezone": "Europe/Paris",
        "languages": "",
        "price_override_cents": "",
        "bio": "",
        "video_room_url": "http://insecure.example/room",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # refused: not https
    teacher.profile.refresh_from_db()
    assert teacher.profile.video_room_url == ""
    response = client.post(url, {**data, "video_room_url": ROOM})
    assert response.status_code == 302
    teacher.profile.refresh_from_db()
    assert teacher.profile.video_room_url == ROOM
