"""Moderating testimonials in the admin changes the cached home page at once: bulk approve and
reject (a queryset ``.update()``, which sends no signal) purge the anonymous page cache like a
save does, and so do deletes."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Page, Site

from cms_pages.models import Comment, HomePage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def testimonials_home(db):
    root = Page.get_first_root_node()
    home = HomePage(
        title="Petit Talk",
        slug="moderation-home",
        body=[("testimonials", {"heading": "What our students say", "count": 6})],
    )
    root.add_child(instance=home)
    Site.objects.filter(is_default_site=True).update(root_page=home)
    site = Site.objects.get(is_default_site=True)
    for model in settings_registry:  # rows are created on first read, which purges
        if issubclass(model, BaseSiteSetting):
            model.for_site(site)
        else:
            model.load()
    home.save_revision().publish()
    return home


def bulk_url(action, objects):
    ids = "&".join(f"id={obj.pk}" for obj in objects)
    url = reverse("wagtail_bulk_action", args=["cms_pages", "comment", action])
    return f"{url}?{ids}"


def cached_home(visitor):
    """The home page as a visitor sees it, making sure the second view is a cache hit."""
    visitor.get("/")
    response = visitor.get("/")
    assert response["X-Page-Cache"] == "hit"
    return response.content.decode()


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


def test_bulk_reject_removes_a_testimonial_from_the_cached_home_page(
    testimonials_home, student, editor_client
):
    comment = Comment.objects.create(author=student, text="Camille is wonderful", status="approved")
    visitor = Client()
    assert "Camille is wonderful" in cached_home(visitor)

    response = editor_client.post(bulk_url("reject", [comment]))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "rejected"

    assert "Camille is wonderful" not in visitor.get("/").content.decode()


def test_bulk_approve_shows_a_testimonial_on_the_cached_home_page_at_once(
    testimonials_home, student, editor_client
):
    comment = Comment.objects.create(author=student, text="Merci pour tout")
    visitor = Client()
    assert "Merci pour tout" not in cached_home(visitor)

    editor_client.post(bulk_url("approve", [comment]))

    assert "Merci pour tout" in visitor.get("/").content.decode()


def test_deleting_a_testimonial_in_the_admin_removes_it_from_the_cached_home_page(
    testimonials_home, student, editor_client
):
    first = Comment.objects.create(author=student, text="Bulk deleted one", status="approved")
    second = Comment.objects.create(author=student, text="Singly deleted one", status="approved")
    visitor = Client()
    home = cached_home(visitor)
    assert "Bulk deleted one" in home and "Singly deleted one" in home

    editor_client.post(bulk_url("delete", [first]))
    assert not Comment.objects.filter(pk=first.pk).exists()
    assert "Bulk deleted one" not in cached_home(visitor)

    delete_url = reverse(Comment.snippet_viewset.get_url_name("delete"), args=[second.pk])
    editor_client.post(delete_url)
    assert not Comment.objects.filter(pk=second.pk).exists()
    assert "Singly deleted one" not in visitor.get("/").content.decode()
