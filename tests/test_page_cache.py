"""Anonymous pages come from the shared cache and are purged when what they show changes;
logged-in pages, and any page whose render used the CSRF token, never do
(site_config.page_cache)."""

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.test import Client
from django.urls import path, reverse
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Page, Site

from accounts import roles
from cms_pages.models import ContactPage, ContentPage, HomePage
from site_config import page_cache

TOKEN = re.compile(r'name="csrfmiddlewaretoken"')


def plain_page(request):
    return HttpResponse("<!doctype html><title>Plain</title><p>No form here.</p>")


def page_with_token(request):
    return HttpResponse(f'<!doctype html><form method="post"><input value="{get_token(request)}">')


urlpatterns = [path("plain/", plain_page), path("token/", page_with_token)]


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    yield
    cache.clear()


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def home(db):
    root = Page.get_first_root_node()
    home = HomePage(title="Petit Talk", slug="page-cache-home", body=[])
    root.add_child(instance=home)
    Site.objects.filter(is_default_site=True).update(root_page=home)
    site = Site.objects.get(is_default_site=True)
    for model in settings_registry:  # rows are created on first read, which purges
        if issubclass(model, BaseSiteSetting):
            model.for_site(site)
        else:
            model.load()
    return publish(home)


@pytest.fixture
def about(home):
    page = ContentPage(title="About us", slug="about", intro="Who we are, first edition.")
    home.add_child(instance=page)
    return publish(page)


def cached(client, url):
    """The page as a visitor sees it, making sure the second view is a cache hit."""
    assert client.get(url)["X-Page-Cache"] == "miss"
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    return response


def test_a_second_anonymous_get_is_served_from_the_cache(client, about):
    first = client.get("/about/")
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    second = client.get("/about/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "Cookie" in second["Vary"]
    # The outer middleware still runs on a hit: fresh request id, security headers.
    assert second["X-Request-ID"] != first["X-Request-ID"]
    assert second["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in second


def test_cached_pages_carry_no_csrf_token_and_set_no_cookie(client, about):
    # The footer's newsletter form posts without a token (its view is csrf_exempt), so a
    # page with only that form is the same for every visitor.
    response = cached(client, "/about/")
    assert 'class="newsletter-form"' in response.content.decode()
    assert not TOKEN.search(response.content.decode())
    assert not response.cookies
    assert "public" in response["Cache-Control"]


def test_the_footer_form_posts_without_a_csrf_token(about, mailoutbox):
    visitor = Client(enforce_csrf_checks=True)
    page = cached(visitor, "/about/").content.decode()
    action = re.search(r'<form class="newsletter-form"[^>]*action="([^"]+)"', page).group(1)
    assert action == reverse("cms_pages:newsletter_subscribe")
    posted = visitor.post(action, {"email": "visitor@example.com", "source": "footer"})
    assert posted.status_code == 302


@pytest.mark.urls("tests.test_page_cache")
def test_a_page_whose_render_used_the_csrf_token_is_not_stored(client, db):
    first = client.get("/token/")
    assert "csrftoken" in first.cookies  # Django sets the CSRF cookie: this page is personal
    assert first["X-Page-Cache"] == "skip"
    second = client.get("/token/")
    assert second["X-Page-Cache"] == "skip"


def test_the_contact_page_with_its_csrf_form_is_never_stored(client, home):
    contact = ContactPage(title="Contact", slug="contact", intro="Write to us.")
    home.add_child(instance=contact)
    publish(contact)
    for _ in range(2):
        response = client.get("/contact/")
        assert response.status_code == 200
        assert response["X-Page-Cache"] == "skip"
        assert TOKEN.search(response.content.decode())


def test_head_is_served_from_the_cache_without_a_body(client, about):
    client.get("/about/")
    response = client.head("/about/")
    assert response["X-Page-Cache"] == "hit"
    assert response.content == b""


def test_a_published_revision_is_visible_to_the_next_anonymous_get(client, about):
    cached(client, "/about/")
    about.intro = "Who we are, second edition."
    publish(about)
    response = client.get("/about/")
    assert response["X-Page-Cache"] == "miss"
    assert "second edition" in response.content.decode()


def test_an_unpublished_page_disappears_for_the_next_anonymous_get(client, about):
    cached(client, "/about/")
    about.unpublish()
    assert client.get("/about/").status_code == 404


def test_a_draft_does_not_purge_the_cache(client, about):
    cached(client, "/about/")
    about.intro = "A draft nobody sees yet."
    about.save_revision()
    response = client.get("/about/")
    assert response["X-Page-Cache"] == "hit"
    assert "A draft nobody sees yet." not in response.content.decode()


def test_a_logged_in_header_never_reaches_a_visitor(client, about, student):
    name = "Zéphyrine Logged-In"
    student.profile.display_name = name
    student.profile.save()

    member = Client()
    member.force_login(student)
    for _ in range(2):  # a member is never served from the cache either
        logged_in = member.get("/about/")
        assert name in logged_in.content.decode()
        assert "private" in logged_in["Cache-Control"]
        assert "no-cache" in logged_in["Cache-Control"]
        assert "public" not in logged_in["Cache-Control"]
        assert "X-Page-Cache" not in logged_in

    visitor = client.get("/about/")
    assert visitor["X-Page-Cache"] == "miss"  # nothing was stored for the member
    assert name not in visitor.content.decode()
    assert name not in client.get("/about/").content.decode()


def test_logged_in_pages_render_every_time(client, student):
    """No per-user cache: a member's page reflects the database on every request."""
    client.force_login(student)
    assert "X-Personal-Cache" not in client.get("/bookings/")
    student.profile.display_name = "Renamed Between Two Requests"
    student.profile.save()
    assert "Renamed Between Two Requests" in client.get("/bookings/").content.decode()


def test_a_visitor_with_a_session_cookie_is_not_served_from_the_cache(client, about, student):
    client.get("/about/")
    client.force_login(student)
    response = client.get("/about/")
    assert "X-Page-Cache" not in response
    assert student.display_name in response.content.decode()


@pytest.mark.urls("tests.test_page_cache")
def test_a_page_without_a_form_is_public_for_a_minute(client, db):
    first = client.get("/plain/")
    assert first["X-Page-Cache"] == "miss"
    second = client.get("/plain/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "public" in second["Cache-Control"]
    assert "max-age=60" in second["Cache-Control"]
    assert "Cookie" in second["Vary"]
    assert not second.cookies


def test_per_user_areas_are_never_cached(client, home):
    for url in ("/accounts/login/", "/healthz", "/admin/login/"):
        response = client.get(url)
        assert "X-Page-Cache" not in response, url


def test_saving_site_settings_purges_the_cache(client, about):
    from cms_pages.models import SiteSettings

    cached(client, "/about/")
    settings_row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.brand_name = "Petit Talk Renamed"
    settings_row.save()
    response = client.get("/about/")
    assert response["X-Page-Cache"] == "miss"
    assert "Petit Talk Renamed" in response.content.decode()


def test_a_teachers_profile_change_shows_on_the_cached_teacher_page(client, home, teacher):
    url = teacher.profile.get_absolute_url()
    cached(client, url)
    teacher.profile.display_name = "Camille Renamed"
    teacher.profile.save()
    assert "Camille Renamed" in client.get(url).content.decode()


def test_a_teacher_leaving_the_group_disappears_from_the_cached_list(client, home, teacher):
    cached(client, "/teachers/")
    assert teacher.profile.display_name in client.get("/teachers/").content.decode()
    teacher.groups.remove(*teacher.groups.filter(name=roles.TEACHERS))
    assert teacher.profile.display_name not in client.get("/teachers/").content.decode()


def test_a_teachers_specialties_and_free_times_show_on_the_cached_list(client, home, teacher):
    from datetime import time

    from accounts.models import Specialty
    from booking.models import AvailabilityWindow

    cached(client, "/teachers/")
    assert "cannot be booked right now" in client.get("/teachers/").content.decode()
    AvailabilityWindow.objects.create(
        teacher=teacher, weekday=0, start_time=time(9), end_time=time(12)
    )
    assert "cannot be booked right now" not in client.get("/teachers/").content.decode()
    assert client.get("/teachers/")["X-Page-Cache"] == "hit"
    teacher.profile.specialties.add(Specialty.objects.create(name="Grammar without tears"))
    assert "Grammar without tears" in client.get("/teachers/").content.decode()


def test_a_login_does_not_purge_the_cache(client, about, student, password):
    cached(client, "/about/")
    student.set_password(password)
    student.save()
    cached(client, "/about/")
    member = Client()
    assert member.login(email=student.email, password=password)  # saves last_login only
    assert client.get("/about/")["X-Page-Cache"] == "hit"


def test_only_listed_models_purge(about, student, teacher):
    """Purges come from the explicit list (and Wagtail's page signals), not from names."""
    assert "booking.bookingsettings" in page_cache.PURGING_MODELS
    assert "accounts.profile" in page_cache.PURGING_MODELS
    generation = page_cache.current_generation()
    from booking.models import Booking, CalendarToken  # never shown on anonymous pages

    Booking.objects.filter(pk=-1).delete()
    CalendarToken.regenerate(teacher)
    assert page_cache.current_generation() == generation
    page_cache.purge_after_bulk_change(ContentPage)  # pages purge through page signals only
    assert page_cache.current_generation() == generation


def test_every_listed_model_exists(db):
    from django.apps import apps

    for label in page_cache.PURGING_MODELS:
        assert apps.get_model(label), label


def test_the_footer_is_a_shared_fragment_that_follows_edits(client, about, student):
    from cms_pages.models import SiteSettings

    settings_row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.contact_email = "first@petittalk.example"
    settings_row.save()
    member = Client()
    member.force_login(student)
    assert "first@petittalk.example" in member.get("/bookings/").content.decode()
    settings_row.contact_email = "second@petittalk.example"
    settings_row.save()
    page = member.get("/bookings/").content.decode()
    assert "second@petittalk.example" in page
    assert "first@petittalk.example" not in page


def test_the_cache_is_off_when_disabled(client, about, settings):
    settings.PAGE_CACHE_ENABLED = False
    client.get("/about/")
    assert "X-Page-Cache" not in client.get("/about/")


def test_templates_are_compiled_once_per_process():
    """Django wraps the filesystem and app loaders in its cached loader (TEMPLATES sets no
    explicit ``loaders``), so a template is parsed once, not on every request."""
    engine = engines["django"].engine
    assert any(isinstance(loader, CachedLoader) for loader in engine.template_loaders)


def test_the_page_cache_never_uses_djangos_private_csrf_functions():
    source = Path(page_cache.__file__).read_text()
    assert "_unmask_cipher_token" not in source
    assert "CSRF_COOKIE_NEEDS_UPDATE" not in source
