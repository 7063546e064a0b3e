"""Security headers on every public response: CSP allowing Stripe.js and nothing else
foreign, Permissions/Referrer policies, nosniff, no framing except Wagtail's preview."""

import pytest
from wagtail.models import Page

STRIPE_ORIGINS = {"https://js.stripe.com", "https://api.stripe.com", "https://hooks.stripe.com"}
KEYWORDS = {"'self'", "'none'", "data:"}


def parse_csp(header):
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.fixture
def public_response(client, db):
    return client.get("/robots.txt")


def test_csp_allows_stripe_js_and_nothing_else_foreign(public_response):
    csp = parse_csp(public_response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'", "https://js.stripe.com"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    foreign = {source for sources in csp.values() for source in sources if source not in KEYWORDS}
    assert foreign <= STRIPE_ORIGINS
    assert not any("unsafe" in source for sources in csp.values() for source in sources)


def test_media_origin_is_allowed_only_when_media_is_on_s3(public_response):
    csp = parse_csp(public_response["Content-Security-Policy"])
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["media-src"] == ["'self'"]


def test_permissions_policy_denies_powerful_features(public_response):
    policy = public_response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "usb=()"):
        assert feature in policy
    assert 'payment=(self "https://js.stripe.com")' in policy


def test_referrer_nosniff_framing_and_opener_headers(public_response):
    assert public_response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert public_response["X-Content-Type-Options"] == "nosniff"
    assert public_response["X-Frame-Options"] == "DENY"
    assert public_response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_error_pages_carry_the_headers_too(client, db):
    response = client.get("/no-such-page-anywhere/")
    assert response.status_code == 404
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response


def test_wagtail_preview_may_be_framed_by_the_admin_only(client, editor):
    client.force_login(editor)
    page = Page.get_first_root_node().get_children().first()
    response = client.get(f"/admin/pages/{page.pk}/edit/preview/")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    # The admin has its own inline scripts; the public-site CSP is not applied there.
    assert "Content-Security-Policy" not in response


def test_production_redirects_to_https_and_sends_hsts(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/robots.txt")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/robots.txt"
    secure = client.get("/robots.txt", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(
    client, student, password, settings
):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.CSRF_COOKIE_HTTPONLY = True
    client.get("/accounts/login/")
    csrf = client.cookies["csrftoken"]
    response = client.post(
        "/accounts/login/",
        {"login": student.email, "password": password},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    for cookie in (session, csrf):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
