import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.dispatch import receiver

from accounts import exports
from accounts.services import erase_user
from accounts.signals import user_erased

from .media import image_upload

pytestmark = pytest.mark.django_db


def test_download_my_data_is_a_json_attachment_with_registered_exporters(client, student):
    @exports.register_exporter("test_lessons")
    def export_lessons(user):
        return [{"student": user.pk, "minutes": 60}]

    try:
        client.force_login(student)
        response = client.get("/profile/data/")
    finally:
        exports._exporters.pop("test_lessons")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == student.email
    assert data["profile"]["display_name"] == student.profile.display_name
    assert data["test_lessons"] == [{"student": student.pk, "minutes": 60}]


def test_delete_account_needs_the_password(client, student):
    client.force_login(student)
    response = client.post("/profile/delete/", {"password": "wrong"})
    assert response.status_code == 200
    assert "not your current password" in response.content.decode()
    student.refresh_from_db()
    assert student.is_active


def test_delete_account_erases_personal_data_and_logs_out(
    client, student, password, django_capture_on_commit_callbacks
):
    client.force_login(student)
    client.post(
        "/profile/edit/",
        {"display_name": "Sam", "timezone": "Europe/London", "photo": image_upload()},
    )
    student.profile.refresh_from_db()
    photo = student.profile.photo.name
    assert default_storage.exists(photo)
    email = student.email
    received = []

    @receiver(user_erased)
    def remember(sender, user, email, **kwargs):
        received.append((user.pk, email))

    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/profile/delete/", {"password": password})
    finally:
        user_erased.disconnect(remember)

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    student.refresh_from_db()
    student.profile.refresh_from_db()
    assert student.email != email
    assert student.email.endswith("@erased.invalid")
    assert not student.is_active
    assert not student.has_usable_password()
    assert student.first_name == ""
    assert student.profile.display_name == ""
    assert not student.profile.photo
    assert not default_storage.exists(photo)
    assert received == [(student.pk, email)]
    assert not EmailAddress.objects.filter(email__iexact=email).exists()
    response = client.post("/accounts/login/", {"login": email, "password": password})
    assert "_auth_user_id" not in client.session


def test_erased_placeholders_are_unique(student, other_student):
    erase_user(student)
    erase_user(other_student)
    emails = set(get_user_model().objects.values_list("email", flat=True))
    assert student.email in emails
    assert other_student.email in emails
    assert student.email != other_student.email


def test_erased_email_can_sign_up_again(client, student):
    email = student.email
    erase_user(student)
    response = client.post(
        "/accounts/signup/",
        {
            "display_name": "Back Again",
            "email": email,
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(email=email, is_active=True).exists()
