"""Site settings are Wagtail's (``BaseSiteSetting``, read once per request by ``for_request``).

What every user of a site sees the same (the booking settings, the site-wide SEO data and
brand) is also kept across requests by ``site_config.page_cache.remember`` under the content
generation, which saving a settings row or a site bumps: an edit still shows on the very next
request, logged in or not."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Site

from booking.factories import AvailabilityWindowFactory
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


def test_logged_in_pages_show_a_settings_edit_on_the_next_request(client, student, teacher):
    for weekday in range(7):  # a teacher who can be booked: the page shows the lesson terms
        AvailabilityWindowFactory(teacher=teacher, weekday=weekday)
    site = Site.objects.get(is_default_site=True)
    client.force_login(student)
    url = f"/book/?teacher={teacher.profile.slug}"
    page = client.get(url).content.decode()
    assert "Lessons last 60 minutes" in page and "Petit Talk" in page
    booking = BookingSettings.for_site(site)
    booking.lesson_minutes = 45
    booking.save()
    site_settings = SiteSettings.for_site(site)
    site_settings.brand_name = "Grand Talk"
    site_settings.save()
    page = client.get(url).content.decode()
    assert "Lessons last 45 minutes" in page
    assert '<span class="brand__name">Grand Talk</span>' in page


def test_shared_values_are_kept_in_the_process_until_the_generation_changes(monkeypatch):
    """A shared value read once is neither asked of the cache nor computed again in this
    process; a purge (on any server: the generation lives in the cache) makes it stale."""
    from django.core.cache import cache

    from site_config import page_cache

    computed = []

    def compute():
        computed.append(1)
        return {"value": len(computed)}

    assert page_cache.remember(fresh_request(), "test-value", compute) == {"value": 1}
    asked = []
    real_get = cache.get
    monkeypatch.setattr(
        cache, "get", lambda key, *a, **k: asked.append(key) or real_get(key, *a, **k)
    )
    assert page_cache.remember(fresh_request(), "test-value", compute) == {"value": 1}
    assert asked == [page_cache.GENERATION_KEY]  # the generation only
    page_cache.purge()
    assert page_cache.remember(fresh_request(), "test-value", compute) == {"value": 2}


def test_an_emptied_cache_starts_a_generation_never_seen_before():
    from django.core.cache import cache

    from site_config import page_cache

    first = page_cache.current_generation()
    page_cache.purge()
    cache.clear()  # a Redis restart
    assert page_cache.current_generation() not in (first, first + 1)


def test_without_a_generation_shared_values_are_computed_each_time(monkeypatch):
    from site_config import page_cache

    monkeypatch.setattr(page_cache, "current_generation", lambda: None)  # Redis unreachable
    computed = []
    for _ in range(2):
        page_cache.remember(fresh_request(), "test-value", lambda: computed.append(1) or 1)
    assert len(computed) == 2
