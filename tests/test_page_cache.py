"""Anonymous pages come from the shared cache and are purged on publish; logged-in pages
never do (site_config.page_cache)."""

import re

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import path
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Page, Site

from cms_pages.models import ContentPage, HomePage
from site_config.page_cache import CSRF_PLACEHOLDER, tokenise_csrf

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def plain_page(request):
    return HttpResponse("<!doctype html><title>Plain</title><p>No form here.</p>")


urlpatterns = [path("plain/", plain_page)]


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


def test_a_second_anonymous_get_is_served_from_the_cache(client, about):
    first = client.get("/about/")
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    second = client.get("/about/")
    assert second["X-Page-Cache"] == "hit"
    assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())
    assert second["Content-Type"] == first["Content-Type"]
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
    again = member.get("/about/")
    assert "X-Page-Cache" not in again
    assert name in again.content.decode()

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


def test_a_cached_page_carries_the_current_visitors_own_csrf_token(about):
    # The footer's newsletter form puts a token on every page: one visitor's token (and its
    # cookie secret) must never reach another visitor.
    first_visitor, second_visitor = Client(), Client()
    first = first_visitor.get("/about/")
    first_tokens = TOKEN.findall(first.content.decode())
    assert first_tokens, "expected a form with a CSRF token on the page"
    first_secret = first_visitor.cookies["csrftoken"].value

    second = second_visitor.get("/about/")
    assert second["X-Page-Cache"] == "hit"
    second_secret = second.cookies["csrftoken"].value
    assert second_secret != first_secret
    second_tokens = TOKEN.findall(second.content.decode())
    assert len(second_tokens) == len(first_tokens)
    assert {_unmask_cipher_token(token) for token in second_tokens} == {second_secret}
    assert CSRF_PLACEHOLDER.decode() not in second.content.decode()
    # A page that sets a cookie is for this browser only.
    assert "private" in second["Cache-Control"]
    assert "public" not in second["Cache-Control"]

    # The returning visitor gets a token of the secret already in their cookie.
    again = second_visitor.get("/about/")
    assert again["X-Page-Cache"] == "hit"
    assert {_unmask_cipher_token(t) for t in TOKEN.findall(again.content.decode())} == {
        second_secret
    }


def test_the_cached_token_lets_the_visitor_post_the_form(about):
    Client().get("/about/")
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get("/about/")
    assert response["X-Page-Cache"] == "hit"
    form = re.search(r'<form[^>]*method="post" action="([^"]+)"', response.content.decode())
    token = TOKEN.search(response.content.decode()).group(1)
    posted = visitor.post(
        form.group(1), {"csrfmiddlewaretoken": token, "email": "visitor@example.com"}
    )
    assert posted.status_code != 403
    forged = Client(enforce_csrf_checks=True).post(
        form.group(1), {"csrfmiddlewaretoken": token, "email": "visitor@example.com"}
    )
    assert forged.status_code == 403


def test_tokenise_replaces_only_tokens_of_the_given_secret():
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    mine, other = _get_new_csrf_string(), _get_new_csrf_string()
    my_token, other_token = _mask_cipher_secret(mine), _mask_cipher_secret(other)
    content = f'<input value="{my_token}"><input value="{other_token}"><p>{"a" * 64}</p>'
    tokenised, count = tokenise_csrf(content.encode(), mine)
    assert count == 1
    assert tokenised.count(CSRF_PLACEHOLDER) == 1
    assert my_token.encode() not in tokenised
    assert other_token.encode() in tokenised
    assert ("a" * 64).encode() in tokenised


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
