"""Every email of every app speaks in Site settings' brand name, never a hardcoded one.

Renamed in Site settings, the site's emails (booking, commerce, newsletter, accounts,
allauth's) and their calendar files carry the new name; "Petit Talk" appears in none of them.
"""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from wagtail.models import Site

from booking.factories import BookingFactory
from booking.notifications import booking_ics, feed_for
from cms_pages.models import SiteSettings
from site_config.mail import build_email

pytestmark = pytest.mark.django_db

OLD = "Petit Talk"
NEW = "Lingua Nova"
PROJECT_APPS = ("accounts", "booking", "commerce", "cms_pages", "site_config")


def email_templates():
    """Every template in a folder named email/emails of our apps and the site templates,
    as template names (``booking/email/paid_student.txt``)."""
    roots = [Path(apps.get_app_config(label).path) / "templates" for label in PROJECT_APPS]
    roots += [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    names = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if path.is_file() and {"email", "emails"} & set(relative.parts[:-1]):
                names.append(relative.as_posix())
    return names


EMAIL_TEMPLATES = email_templates()
# Emails a person receives: each signs or names the site. The contact form's message goes to
# the site's own inbox and says which page it came from instead.
UNBRANDED = {"cms_pages/emails/contact_message"}


@pytest.fixture
def renamed(db):
    row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    row.brand_name = NEW
    row.save()
    return row


def test_the_email_templates_are_found():
    prefixes = {name.rsplit(".", 1)[0] for name in EMAIL_TEMPLATES}
    for expected in (
        "booking/email/paid_student",
        "commerce/emails/receipt",
        "commerce/emails/refund",
        "cms_pages/newsletter/emails/confirm",
        "accounts/email/teacher_welcome",
        "account/email/email_confirmation_signup_message",
    ):
        assert expected in prefixes, expected


@pytest.mark.parametrize("name", EMAIL_TEMPLATES)
def test_no_email_template_hardcodes_the_brand(name, renamed):
    rendered = render_to_string(name, {"brand_name": NEW, "site_url": settings.SITE_URL})
    assert OLD not in rendered


@pytest.mark.parametrize(
    "prefix",
    sorted(
        {
            name.removesuffix("_subject.txt")
            for name in EMAIL_TEMPLATES
            if name.endswith("_subject.txt") and not name.startswith("account/")
        }
    ),
)
def test_every_email_is_sent_in_the_site_settings_brand(prefix, renamed):
    message = build_email(prefix, {}, ["someone@example.com"])
    parts = [message.subject, message.body, *(html for html, _ in message.alternatives)]
    assert not any(OLD in part for part in parts), prefix
    if prefix not in UNBRANDED:
        assert any(NEW in part for part in parts), prefix


def test_calendar_files_name_the_site_settings_brand(renamed, student):
    booking = BookingFactory(student=student)
    for calendar in (booking_ics(booking), feed_for(student, [booking])):
        text = calendar.decode()
        assert NEW in text
        assert f"CN={OLD}" not in text and f"{OLD} –" not in text
