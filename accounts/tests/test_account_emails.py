"""allauth's emails are ours: the brand from Site settings, links on SITE_URL (issue 14.6)."""

import re

import pytest
from django.core import mail
from wagtail.models import Site

from accounts.factories import StudentFactory
from cms_pages.models import SiteSettings

pytestmark = pytest.mark.django_db

SITE_URL = "https://www.petittalk.example"
HOST = "127.0.0.1:8000"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"


def _links(text):
    return re.findall(r"https?://\S+", text)


def _assert_ours(message, brand="Petit Talk"):
    assert message.subject.startswith(brand), message.subject
    for text in (message.subject, message.body):
        assert HOST not in text and "example.com" not in text and "testserver" not in text
    links = _links(message.body)
    assert links, message.body
    assert all(link.startswith(SITE_URL + "/") for link in links), links
    assert brand in message.body


def test_signup_confirmation_is_branded_and_links_to_site_url(client):
    client.post(
        "/accounts/signup/",
        {
            "display_name": "Nina Nouvelle",
            "email": "nina@example.org",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
        HTTP_HOST=HOST,
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina@example.org"]
    _assert_ours(message)
    assert "Please Confirm Your Email Address" not in message.subject
    assert "/accounts/confirm-email/" in message.body
    assert "Nina Nouvelle" in message.body


def test_the_brand_comes_from_site_settings(client):
    row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    row.brand_name = "Grand Talk"
    row.save()
    client.post(
        "/accounts/signup/",
        {
            "display_name": "Nina",
            "email": "nina@example.org",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
        HTTP_HOST=HOST,
    )
    _assert_ours(mail.outbox[0], brand="Grand Talk")


def test_password_reset_mail_is_branded_and_links_to_site_url(client):
    StudentFactory(email="sam@example.org")
    client.post("/accounts/password/reset/", {"email": "sam@example.org"}, HTTP_HOST=HOST)
    assert len(mail.outbox) == 1
    _assert_ours(mail.outbox[0])
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_unknown_account_reset_mail_is_branded_too(client, settings):
    client.post("/accounts/password/reset/", {"email": "nobody@example.org"}, HTTP_HOST=HOST)
    assert len(mail.outbox) == 1
    _assert_ours(mail.outbox[0])
