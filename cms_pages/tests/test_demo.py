from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from cms_pages import demo
from cms_pages.models import BlogPage, ContactPage, ContentPage, HomePage, SiteSettings


def counts():
    return {
        "pages": Page.objects.count(),
        "images": get_image_model().objects.count(),
        "sites": Site.objects.count(),
        "settings": SiteSettings.objects.count(),
    }


def test_demo_replaces_the_welcome_page_and_runs_twice_without_duplicates(db, client):
    demo.load(lambda message: None)
    first = counts()
    demo.load(lambda message: None)
    assert counts() == first

    site = Site.objects.get(is_default_site=True)
    home = HomePage.objects.get()
    assert site.root_page_id == home.pk
    assert not Page.objects.filter(depth=2).exclude(pk=home.pk).exists()
    assert ContentPage.objects.get(slug="about").url == "/about/"
    assert ContactPage.objects.get().form_fields.count() == 3
    assert BlogPage.objects.live().count() == 3
    assert SiteSettings.for_site(site).contact_email
    block_types = [block.block_type for block in home.body]
    for block_type in (
        "hero",
        "cta_band",
        "static_offer",
        "teacher_carousel",
        "offers",
        "testimonials",
        "newsletter",
    ):
        assert block_type in block_types

    for url in ("/", "/about/", "/contact/", "/blog/", BlogPage.objects.first().url):
        assert client.get(url).status_code == 200, url


def test_demo_rebuilds_a_flushed_database(transactional_db):
    call_command("flush", "--noinput", verbosity=0)
    demo.load(lambda message: None)
    assert HomePage.objects.count() == 1
    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage
