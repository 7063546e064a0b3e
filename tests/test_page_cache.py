"""Anonymous pages come from the shared cache and are purged on publish; logged-in pages
never do (site_config.page_cache)."""

import pytest
from django.core.cache import cache
from wagtail.models import Page, Site

from cms_pages.models import ContentPage, HomePage


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
    return publish(home)


@pytest.fixture
def about(home):
    page = ContentPage(title="About us", slug="about", intro="Who we are, first edition.")
    home.add_child(instance=page)
    return publish(page)


def test_a_second_anonymous_get_is_served_from_the_cache(client, about):
    first = client.get("/about/")
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    second = client.get("/about/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "public" in second["Cache-Control"]
    assert "max-age=60" in second["Cache-Control"]
    assert "Cookie" in second["Vary"]
    # The outer middleware still runs on a hit: fresh request id, security headers.
    assert second["X-Request-ID"] != first["X-Request-ID"]
    assert second["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in second


def test_head_is_served_from_the_cache_without_a_body(client, about):
    client.get("/about/")
    response = client.head("/about/")
    assert response["X-Page-Cache"] == "hit"
    assert response.content == b""


def test_a_published_revision_is_visible_to_the_next_anonymous_get(client, about):
    client.get("/about/")
    assert client.get("/about/")["X-Page-Cache"] == "hit"

    about.intro = "Who we are, second edition."
    publish(about)

    response = client.get("/about/")
    assert response["X-Page-Cache"] == "miss"
    assert "second edition" in response.content.decode()
    assert "first edition" not in response.content.decode()


def test_an_unpublished_page_disappears_for_the_next_anonymous_get(client, about):
    assert client.get("/about/").status_code == 200
    about.unpublish()
    assert client.get("/about/").status_code == 404


def test_a_draft_does_not_purge_the_cache(client, about):
    client.get("/about/")
    about.intro = "A draft nobody sees yet."
    about.save_revision()
    response = client.get("/about/")
    assert response["X-Page-Cache"] == "hit"
    assert "A draft nobody sees yet." not in response.content.decode()


def test_a_logged_in_header_never_reaches_a_visitor(client, about, student):
    name = "Zéphyrine Logged-In"
    student.profile.display_name = name
    student.profile.save()

    member = type(client)()
    member.force_login(student)
    logged_in = member.get("/about/")
    assert name in logged_in.content.decode()
    assert "private" in logged_in["Cache-Control"]
    assert "no-cache" in logged_in["Cache-Control"]
    assert "public" not in logged_in["Cache-Control"]
    assert "X-Page-Cache" not in logged_in
    # Twice: a member is never served from the cache either.
    assert member.get("/about/")["X-Page-Cache" if False else "Cache-Control"].startswith("private")

    visitor = client.get("/about/")
    assert visitor["X-Page-Cache"] == "miss"  # nothing was stored for the member
    assert name not in visitor.content.decode()
    assert name not in client.get("/about/").content.decode()


def test_a_visitor_with_a_session_cookie_is_not_served_from_the_cache(client, about, student):
    client.get("/about/")
    client.force_login(student)
    response = client.get("/about/")
    assert "X-Page-Cache" not in response
    assert student.display_name in response.content.decode()


def test_pages_with_a_csrf_token_are_not_stored(client, about, settings):
    # The login page renders a form with a token: storing it would hand one visitor's
    # token (and its cookie) to the next.
    settings.PAGE_CACHE_EXCLUDED_PREFIXES = ("/admin/",)
    first = client.get("/accounts/login/")
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "skip"
    assert client.get("/accounts/login/")["X-Page-Cache"] == "skip"


def test_per_user_areas_are_never_cached(client, home):
    for path in ("/accounts/login/", "/healthz", "/admin/login/"):
        response = client.get(path)
        assert "X-Page-Cache" not in response, path


def test_saving_site_settings_purges_the_cache(client, about):
    from cms_pages.models import SiteSettings

    client.get("/about/")
    settings_row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.brand_name = "Petit Talk Renamed"
    settings_row.save()
    response = client.get("/about/")
    assert response["X-Page-Cache"] == "miss"
    assert "Petit Talk Renamed" in response.content.decode()


def test_the_cache_is_off_when_disabled(client, about, settings):
    settings.PAGE_CACHE_ENABLED = False
    client.get("/about/")
    assert "X-Page-Cache" not in client.get("/about/")
