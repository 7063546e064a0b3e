"""Site settings come from Wagtail's own per-request cache (``BaseSiteSetting.for_request``):
read once per request, never kept across requests, so an edit shows on the very next request."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Site

from booking.models import BookingSettings
from cms_pages.models import SiteSettings

pytestmark = pytest.mark.django_db


def fresh_request():
    return RequestFactory().get("/", HTTP_HOST="localhost")


def test_settings_are_wagtails_own_and_read_once_per_request():
    assert issubclass(SiteSettings, BaseSiteSetting)
    assert issubclass(BookingSettings, BaseSiteSetting)
    site = Site.objects.get(is_default_site=True)
    SiteSettings.for_site(site), BookingSettings.for_site(site)  # rows exist
    request = fresh_request()
    SiteSettings.for_request(request)
    BookingSettings.for_request(request)
    with CaptureQueriesContext(connection) as queries:
        assert SiteSettings.for_request(request).site_id == site.pk
        assert BookingSettings.for_request(request).site_id == site.pk
    assert len(queries) == 0


def test_saving_settings_shows_on_the_next_request(client):
    site = Site.objects.get(is_default_site=True)
    assert "Petit Talk" in client.get("/teachers/").content.decode()
    settings = SiteSettings.for_site(site)
    settings.brand_name = "Grand Talk"
    settings.save()
    assert "Grand Talk" in client.get("/teachers/").content.decode()
    booking = BookingSettings.for_site(site)
    booking.hold_minutes = 45
    booking.save()
    assert BookingSettings.for_request(fresh_request()).hold_minutes == 45


def test_editing_settings_in_the_admin_shows_at_once(client, admin_user):
    site = Site.objects.get(is_default_site=True)
    assert BookingSettings.for_request(fresh_request()).lesson_price_cents == 1800
    client.force_login(admin_user)
    url = reverse("wagtailsettings:edit", args=["booking", "bookingsettings", site.pk])
    form = client.get(url).context["form"]
    data = {name: field.value() for name, field in ((n, form[n]) for n in form.fields)}
    data["lesson_price_cents"] = "25"  # typed in euros
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert BookingSettings.for_request(fresh_request()).lesson_price_cents == 2500
