"""Pages and settings for cms_pages tests: a home page as the default site's root, with
the site settings filled in."""

import datetime
import json

import pytest
import wagtail_factories
from django.core.cache import cache
from wagtail.models import Page, Site

from cms_pages.models import (
    BlogIndexPage,
    BlogPage,
    ContactFormField,
    ContactPage,
    ContentPage,
    HomePage,
    SiteSettings,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Page cache, rate limits and renditions live in the cache; tests must not share them.
    cache.clear()
    yield
    cache.clear()


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def root_page(db):
    return Page.get_first_root_node()


@pytest.fixture
def image(db):
    return wagtail_factories.ImageFactory(
        title="A classroom in Lyon", file__width=1600, file__height=1200
    )


@pytest.fixture
def home(root_page):
    home = HomePage(title="Petit Talk", slug="petit-talk-home", body=[])
    root_page.add_child(instance=home)
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return publish(home)


@pytest.fixture
def site_settings(home):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.brand_name = "Petit Talk"
    settings.contact_email = "team@petittalk.example"
    settings.instagram_url = "https://www.instagram.com/petittalk"
    settings.tiktok_url = "https://www.tiktok.com/@petittalk"
    settings.default_meta_description = "Default description from the site settings."
    settings.save()
    return settings


@pytest.fixture
def content_page(home):
    page = ContentPage(title="About us", slug="about", intro="Who we are.")
    home.add_child(instance=page)
    return publish(page)


@pytest.fixture
def contact_page(home, site_settings):
    page = ContactPage(title="Contact us", slug="contact", to_address="")
    home.add_child(instance=page)
    for order, (label, field_type) in enumerate(
        (("Name", "singleline"), ("Email", "email"), ("Message", "multiline"))
    ):
        ContactFormField.objects.create(
            page=page, sort_order=order, label=label, field_type=field_type, required=True
        )
    return publish(page)


@pytest.fixture
def blog_index(home):
    page = BlogIndexPage(title="Blog", slug="blog")
    home.add_child(instance=page)
    return publish(page)


@pytest.fixture
def blog_post(blog_index, image):
    page = BlogPage(
        title="Ten phrases for your first conversation",
        slug="ten-phrases",
        date=datetime.date(2026, 9, 14),
        author="Camille Laurent",
        intro="The phrases students need most.",
        lead_image=image,
        body=json.dumps([{"type": "rich_text", "value": "<p>Bonjour!</p>"}]),
    )
    page.tags.add("beginners")
    blog_index.add_child(instance=page)
    return publish(page)
