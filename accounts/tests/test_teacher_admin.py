import pytest
from django.contrib.auth import get_user_model

from accounts import roles
from accounts.models import Teacher

pytestmark = pytest.mark.django_db

INDEX = "/admin/teachers/"
ADD = "/admin/teachers/new/"


def teacher_data(**overrides):
    data = {
        "email": "Nouvelle.Prof@Example.com",
        "display_name": "Nouvelle Prof",
        "slug": "nouvelle-prof",
        "timezone": "Europe/Paris",
        "languages": "French, English",
        "price_override_cents": "20",  # euros
        "bio": "Bonjour !",
    }
    data.update(overrides)
    return data


def test_admin_creates_teacher_with_group_profile_and_password_email(
    client, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD, teacher_data())
    assert response.status_code == 302
    user = get_user_model().objects.get(email__iexact="nouvelle.prof@example.com")
    assert roles.is_teacher(user)
    assert not user.has_usable_password()
    assert user.profile.slug == "nouvelle-prof"
    assert user.profile.display_name == "Nouvelle Prof"
    assert user.profile.price_override_cents == 2000
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [user.email]
    link = next(
        line for line in message.body.splitlines() if "/accounts/password/reset/key/" in line
    )

    path = link[link.index("/accounts/") :].strip()
    response = client.get(path, follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"password1": "mon-nouveau-mot-de-passe", "password2": "mon-nouveau-mot-de-passe"},
    )
    user.refresh_from_db()
    assert user.check_password("mon-nouveau-mot-de-passe")


def test_teacher_creation_is_atomic(client, admin_user, mailoutbox, monkeypatch):
    from accounts import services

    def broken(user, group_name):
        raise RuntimeError("group table unavailable")

    monkeypatch.setattr(services.roles, "add_to_group", broken)
    client.force_login(admin_user)
    client.raise_request_exception = False
    response = client.post(ADD, teacher_data())
    assert response.status_code == 500
    assert not get_user_model().objects.filter(email__iexact="nouvelle.prof@example.com").exists()
    assert mailoutbox == []


def test_duplicate_email_in_other_case_and_taken_slug_are_form_errors(
    client, admin_user, student, teacher
):
    client.force_login(admin_user)
    response = client.post(
        ADD, teacher_data(email=student.email.upper(), slug=teacher.profile.slug)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "already exists" in html
    assert "Another teacher already uses this address" in html


def test_admin_lists_and_searches_teachers(client, admin_user, teacher, student):
    client.force_login(admin_user)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert teacher.profile.display_name in response.content.decode()
    assert student.email not in response.content.decode()
    response = client.get(INDEX, {"q": teacher.profile.slug})
    assert teacher.profile.display_name in response.content.decode()
    response = client.get(INDEX, {"q": "no-such-teacher"})
    assert teacher.profile.display_name not in response.content.decode()


def test_admin_edits_and_deactivates_teacher_keeping_history(client, admin_user, teacher):
    client.force_login(admin_user)
    url = f"/admin/teachers/edit/{teacher.pk}/"
    assert client.get(url).status_code == 200
    data = teacher_data(email=teacher.email, slug=teacher.profile.slug, display_name="Renamed")
    response = client.post(url, data)  # "is_active" unticked
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert not teacher.is_active
    assert teacher.profile.display_name == "Renamed"
    assert roles.is_teacher(teacher)
    assert client.get(f"/admin/teachers/history/{teacher.pk}/").status_code == 200


def test_teachers_cannot_be_deleted_in_admin(client, admin_user, teacher):
    client.force_login(admin_user)
    response = client.post(f"/admin/teachers/delete/{teacher.pk}/")
    assert response.status_code in (302, 403)
    assert Teacher.objects.filter(pk=teacher.pk).exists()


def test_editing_a_non_teacher_through_teacher_admin_is_404(client, admin_user, student):
    client.force_login(admin_user)
    assert client.get(f"/admin/teachers/edit/{student.pk}/").status_code == 404


@pytest.mark.parametrize("url", [INDEX, ADD, "/admin/teachers/edit/{pk}/"])
def test_editors_cannot_reach_teacher_admin(client, editor, teacher, url):
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    response = client.get(url.format(pk=teacher.pk))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/admin/teachers" not in response["Location"]
    response = client.post(ADD, teacher_data())
    assert not get_user_model().objects.filter(email__iexact="nouvelle.prof@example.com").exists()
