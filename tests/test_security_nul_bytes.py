"""A NUL byte in a URL or a form never reaches the database as a 500.

PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"), so a lookup with one
crashes the view. ``site_config.middleware.RejectNulBytesMiddleware`` answers 400 when the
decoded path or query string contains one and ignores cookies carrying one; form fields
refuse it themselves (Django's ``ProhibitNullCharactersValidator`` on every ``CharField``),
with a clear error.
"""

import pytest
from django.db import connection
from django.test import Client
from wagtail.models import Page, Site

from cms_pages.models import BlogIndexPage, HomePage

NUL_URLS = [
    "/blog/?tag=%00",
    "/blog/?tag=a%00b&page=1",
    "/calendar/abc%00def.ics",
    "/teachers/?q=%00",
    "/blog%00/",
    "/no-such-page%00/",
]


@pytest.fixture
def blog(db):
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Petit Talk", slug="nul-home", body=[]))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    blog = home.add_child(instance=BlogIndexPage(title="Blog", slug="blog"))
    blog.save_revision().publish()
    return blog


def assert_nul_urls_are_refused():
    client = Client(raise_request_exception=False)
    for url in NUL_URLS:
        response = client.get(url)
        assert response.status_code == 400, (url, response.status_code)
        assert b"NUL" in response.content


def assert_a_nul_session_cookie_is_ignored():
    client = Client(raise_request_exception=False, HTTP_COOKIE="sessionid=abcdefgh\x00ijklmnop")
    response = client.get("/blog/")
    assert response.status_code == 200


def assert_nul_form_fields_are_form_errors(student, password):
    client = Client(raise_request_exception=False)
    response = client.post("/newsletter/subscribe/", {"email": "ana\x00@example.com"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()

    response = client.post("/accounts/login/", {"login": f"{student.email}\x00", "password": "x"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()

    response = client.post("/accounts/login/", {"login": student.email, "password": "\x00"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()


def test_nul_in_path_or_query_string_answers_400(blog):
    assert_nul_urls_are_refused()
    assert_a_nul_session_cookie_is_ignored()
    assert Client().get("/blog/?tag=beginners").status_code == 200


def test_nul_in_a_posted_form_field_is_a_form_error(student, password):
    assert_nul_form_fields_are_form_errors(student, password)


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL): SQLite accepts NUL in text",
)
def test_nul_never_reaches_postgresql_as_a_500(blog, student, password):
    assert_nul_urls_are_refused()
    assert_a_nul_session_cookie_is_ignored()
    assert_nul_form_fields_are_form_errors(student, password)
