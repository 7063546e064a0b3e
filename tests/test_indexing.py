"""What search engines may index: the public sign-up page is indexable, the other account
pages (login, password reset, email links) are ``noindex`` and disallowed in robots.txt, and
pages behind a login (booking page, basket) need neither: anonymous visitors, crawlers
included, are redirected to the login page. Lighthouse's SEO budget (``make lighthouse``)
checks the sign-up page, the booking page and the basket with every audit, robots.txt
included."""

import re
from urllib.robotparser import RobotFileParser

import pytest

from accounts.factories import StudentFactory, TeacherFactory

pytestmark = pytest.mark.django_db

NOINDEX = re.compile(r'<meta name="robots" content="[^"]*noindex')


def robots_meta(html):
    return re.findall(r'<meta name="robots"[^>]*>', html)


def test_signup_page_is_indexable(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    html = response.content.decode()
    assert robots_meta(html) == []
    assert '<link rel="canonical" href="http://testserver/accounts/signup/">' in html


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password/reset/"])
def test_other_account_pages_stay_noindex(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert NOINDEX.search(response.content.decode()), f"{path} lost its noindex"


def test_bad_password_reset_link_page_stays_noindex(client):
    response = client.get("/accounts/password/reset/key/x-set-password/")
    assert response.status_code == 200
    assert NOINDEX.search(response.content.decode())


@pytest.mark.parametrize("path", ["/book/", "/basket/"])
def test_pages_behind_a_login_send_crawlers_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("path", ["/book/", "/basket/"])
def test_pages_behind_a_login_carry_no_noindex(client, path):
    TeacherFactory()
    client.force_login(StudentFactory())
    response = client.get(path)
    assert response.status_code == 200
    assert robots_meta(response.content.decode()) == []


def robots(client):
    parser = RobotFileParser()
    parser.parse(client.get("/robots.txt").content.decode().splitlines())
    return parser


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/accounts/signup/", True),
        ("/accounts/login/", False),
        ("/accounts/password/reset/", False),
        ("/book/?teacher=camille-martin", True),
        ("/basket/", True),
        ("/checkout/", False),
        ("/admin/", False),
        ("/teachers/camille-martin/", True),
    ],
)
def test_robots_txt_allows_signup_and_the_pages_behind_a_login(client, path, allowed):
    assert robots(client).can_fetch("Googlebot", path) is allowed


def test_robots_txt_lists_allow_lines_before_the_disallow_lines(client):
    """First-match parsers (Python's, some crawlers) and longest-match ones (Google's,
    Lighthouse's) then agree on /accounts/signup/."""
    lines = client.get("/robots.txt").content.decode().splitlines()
    allow = lines.index("Allow: /accounts/signup/")
    assert allow < lines.index("Disallow: /accounts/")
