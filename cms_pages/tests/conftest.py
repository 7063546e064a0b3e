"""Pages and settings for cms_pages tests: a home page as the default site's root, with
the site settings filled in."""

import datetime
import json

import pytest
import wagtail_factories
from django.core.cache import cache
from wagtail.models import Page, Site

from cms_pages.factories import (
    BlogIndexPageFactory,
    BlogPageFactory,
    ContactPageFactory,
    ContentPageFactory,
    HomePageFactory,
)
from cms_pages.models import (
    SiteSettings,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Page cache, rate limits and renditions live in the cache; tests must not share them.
    cache.clear()
    yield
    cache.clear()


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
    return HomePageFactory(parent=root_page, title="Petit Talk", slug="petit-talk-home")


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
    return ContentPageFactory(parent=home, title="About us", slug="about", intro="Who we are.")


@pytest.fixture
def contact_page(home, site_settings):
    return ContactPageFactory(parent=home, title="Contact us", slug="contact", to_address="")


@pytest.fixture
def blog_index(home):
    return BlogIndexPageFactory(parent=home, title="Blog", slug="blog")


@pytest.fixture
def blog_post(blog_index, image):
    return BlogPageFactory(
        parent=blog_index,
        title="Ten phrases for your first conversation",
        slug="ten-phrases",
        date=datetime.date(2026, 9, 14),
        author="Camille Laurent",
        intro="The phrases students need most.",
        lead_image=image,
        body=json.dumps([{"type": "rich_text", "value": "<p>Bonjour!</p>"}]),
        tags=["beginners"],
    )
