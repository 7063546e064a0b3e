import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import roles

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"


def signup_data(**overrides):
    data = {
        "display_name": "Nina Nouvelle",
        "email": "nina@example.com",
        "password1": "un-mot-de-passe-solide",
        "password2": "un-mot-de-passe-solide",
        "timezone": "America/New_York",
    }
    data.update(overrides)
    return data


def test_signup_creates_a_logged_in_student_with_profile(client):
    response = client.post(SIGNUP, signup_data())

    assert response.status_code == 302
    user = get_user_model().objects.get(email="nina@example.com")
    assert roles.is_student(user)
    assert not roles.is_teacher(user)
    assert user.profile.display_name == "Nina Nouvelle"
    assert user.profile.timezone == "America/New_York"
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert int(client.session["_auth_user_id"]) == user.pk
    assert EmailAddress.objects.filter(user=user, email="nina@example.com").exists()


def test_signup_with_invalid_timezone_says_so_and_creates_nobody(client):
    response = client.post(SIGNUP, signup_data(timezone="Mars/Olympus_Mons"))
    assert response.status_code == 200
    assert "Choose your time zone from the list." in response.content.decode()
    assert not get_user_model().objects.filter(email="nina@example.com").exists()


def test_signup_without_a_timezone_gets_the_default_zone(client):
    client.post(SIGNUP, signup_data(timezone=""))
    user = get_user_model().objects.get(email="nina@example.com")
    assert user.profile.timezone == "Europe/Paris"


def test_signup_ignores_posted_role_fields(client):
    client.post(
        SIGNUP,
        signup_data(is_staff="on", is_superuser="on", groups="1", slug="hacker"),
    )
    user = get_user_model().objects.get(email="nina@example.com")
    assert not user.is_staff
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [roles.STUDENTS]
    assert user.profile.slug is None


def test_signup_rejects_malformed_email_next_to_the_field(client):
    response = client.post(SIGNUP, signup_data(email="not-an-email"))
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert 'id="id_email_errors"' in response.content.decode()
    assert not get_user_model().objects.filter(email="not-an-email").exists()


def test_signup_rejects_duplicate_email_in_other_letter_case(client, student):
    response = client.post(SIGNUP, signup_data(email=student.email.upper()))
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    assert get_user_model().objects.filter(email__iexact=student.email).count() == 1


def test_signup_rejects_weak_password(client):
    response = client.post(SIGNUP, signup_data(password1="password", password2="password"))
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert 'id="id_password1_errors"' in response.content.decode()
    assert not get_user_model().objects.filter(email="nina@example.com").exists()


def test_signup_page_has_labels_autocomplete_and_a_zone_select(client):
    html = client.get(SIGNUP).content.decode()
    assert '<label for="id_email">' in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="new-password"' in html
    assert 'autocomplete="name"' in html
    assert '<label for="id_timezone">Your time zone</label>' in html
    assert 'name="timezone"' in html
    assert "data-detect-zone" in html
    assert "js/accounts.js" in html


def test_login_with_email_in_any_case(client, student, password):
    response = client.post(LOGIN, {"login": student.email.upper(), "password": password})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == student.pk


def test_wrong_password_shows_error_and_no_login(client, student):
    response = client.post(LOGIN, {"login": student.email, "password": "nope-nope-nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", [LOGIN, SIGNUP])
def test_logged_in_users_opening_login_or_signup_are_sent_on(client, student, url):
    client.force_login(student)
    response = client.get(url)
    assert response.status_code == 302


def test_next_redirects_only_to_our_own_site(client, student, password):
    response = client.post(
        LOGIN + "?next=https://evil.example/steal",
        {"login": student.email, "password": password, "next": "https://evil.example/steal"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]

    client.logout()
    response = client.post(
        LOGIN, {"login": student.email, "password": password, "next": "/profile/edit/"}
    )
    assert response["Location"] == "/profile/edit/"


def test_logout_is_a_post(client, student):
    client.force_login(student)
    assert client.get("/accounts/logout/").status_code == 200
    assert "_auth_user_id" in client.session
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_that_sets_a_new_password(client, student, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": student.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = next(
        line for line in mailoutbox[0].body.splitlines() if "/accounts/password/reset/key/" in line
    )
    path = link[link.index("/accounts/") :].strip()
    response = client.get(path, follow=True)
    assert response.status_code == 200
    action = response.redirect_chain[-1][0]
    response = client.post(
        action, {"password1": "nouveau-mot-de-passe-42", "password2": "nouveau-mot-de-passe-42"}
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("nouveau-mot-de-passe-42")


def test_password_change_page_renders_for_logged_in_user(client, student, password):
    client.force_login(student)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": "x", "password2": "x"},
    )
    assert response.status_code == 200
    assert 'id="id_password1_errors"' in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/confirm-email/",
        "/accounts/inactive/",
        "/accounts/password/reset/key/done/",
    ],
)
def test_allauth_pages_use_site_layout(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="skip-link"' in html
    assert "css/accounts.css" in html


def test_mandatory_verification_creates_student_but_asks_to_confirm(client, settings, mailoutbox):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    user = get_user_model().objects.get(email="nina@example.com")
    assert roles.is_student(user)
    assert "_auth_user_id" not in client.session
    assert len(mailoutbox) == 1
