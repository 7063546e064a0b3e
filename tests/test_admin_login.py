"""The Wagtail admin signs in through allauth's login page, so allauth's failed-login limit
(``ACCOUNT_RATE_LIMITS["login_failed"]``: per client address and per account, in the shared
cache) is the one lock-out mechanism. Successful logins never count towards it."""

import pytest
from django.conf import settings as project_settings
from django.core.cache import cache
from django.test import Client

from accounts.factories import StudentFactory

LOCKED = "Too many failed login attempts"
# allauth's own failed-login limit, as base.py sets it (test.py switches rate limits off).
LOGIN_FAILED = "10/m/ip,5/5m/key"


@pytest.fixture
def rate_limits_on(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "30/m/ip", "login_failed": LOGIN_FAILED}
    cache.clear()
    yield
    cache.clear()


def test_base_settings_use_allauths_failed_login_limit_and_no_admin_limiter():
    from site_config.settings import base

    assert base.ACCOUNT_RATE_LIMITS["login_failed"] == LOGIN_FAILED
    assert not any("admin_ratelimit" in name for name in base.MIDDLEWARE)
    assert not hasattr(base, "ADMIN_LOGIN_RATE_LIMIT")
    assert project_settings.WAGTAILADMIN_LOGIN_URL == "account_login"


def test_the_admin_sends_visitors_to_the_site_login(client, db):
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"


def test_wagtails_own_login_page_redirects_to_the_site_login_keeping_next(client, db):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fpages%2F"
    assert client.get("/admin/login/")["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_posting_to_wagtails_login_page_does_not_sign_in(client, editor, password):
    response = client.post("/admin/login/", {"username": editor.email, "password": password})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/admin/")["Location"].startswith("/accounts/login/")


def test_a_staff_user_signing_in_with_next_admin_lands_in_the_admin(client, editor, password):
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": editor.email, "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_many_successful_admin_logins_never_lock_out(rate_limits_on, editor, password):
    for _ in range(12):  # more than both the per-account (5) and per-address (10) limits
        client = Client()
        response = client.post(
            "/accounts/login/?next=/admin/", {"login": editor.email, "password": password}
        )
        assert response.status_code == 302, response.content.decode()[:500]
        assert response["Location"] == "/admin/"


def test_failed_logins_lock_out_the_account_even_with_the_right_password(
    rate_limits_on, client, editor, password
):
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": editor.email, "password": "wrong"})
        assert LOCKED not in response.content.decode()
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": editor.email, "password": password}
    )
    assert response.status_code != 302
    assert LOCKED in response.content.decode()
    # Another account from the same address is not locked out by this one's failures.
    other = StudentFactory()
    response = client.post("/accounts/login/", {"login": other.email, "password": password})
    assert response.status_code == 302


def test_failed_logins_lock_out_the_address_across_accounts(rate_limits_on, client, db):
    for number in range(10):
        response = client.post(
            "/accounts/login/", {"login": f"guess{number}@example.com", "password": "wrong"}
        )
        assert LOCKED not in response.content.decode()
    response = client.post("/accounts/login/", {"login": "guess@example.com", "password": "x"})
    assert LOCKED in response.content.decode()
    # A client at another address still may try.
    other = Client(REMOTE_ADDR="198.51.100.7")
    response = other.post("/accounts/login/", {"login": "guess@example.com", "password": "x"})
    assert LOCKED not in response.content.decode()


def test_signing_out_of_the_admin_returns_to_the_site_login(client, editor):
    client.force_login(editor)
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
