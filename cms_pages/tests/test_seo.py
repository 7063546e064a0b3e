import json
import re
from html.parser import HTMLParser

import pytest

from cms_pages.models.site_settings import DEFAULT_META_DESCRIPTION


class HeadParser(HTMLParser):
    """Collects <title>, <meta>, canonical <link> and JSON-LD scripts of a page."""

    def __init__(self):
        super().__init__()
        self.meta, self.title, self.canonical, self.json_ld = {}, "", None, []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta[key] = attrs.get("content")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        elif tag == "title":
            self._in = "title"
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "json"
            self.json_ld.append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "json":
            self.json_ld[-1] += data


def head(response):
    parser = HeadParser()
    parser.feed(response.content.decode())
    parser.json_ld = [json.loads(item) for item in parser.json_ld]
    return parser


def of_type(parsed, schema_type):
    return [item for item in parsed.json_ld if item["@type"] == schema_type]


def test_title_and_description_come_from_the_promote_tab(client, content_page, site_settings):
    content_page.seo_title = "About the Petit Talk teachers"
    content_page.search_description = "Meet the people behind Petit Talk."
    content_page.save_revision().publish()

    parsed = head(client.get(content_page.url))
    assert parsed.title == "About the Petit Talk teachers"
    assert parsed.meta["description"] == "Meet the people behind Petit Talk."
    assert parsed.meta["og:description"] == "Meet the people behind Petit Talk."


def test_title_falls_back_to_page_title_and_brand(client, content_page, site_settings):
    site_settings.brand_name = "Petit Talk Paris"
    site_settings.save()
    assert head(client.get(content_page.url)).title == "About us | Petit Talk Paris"


def test_description_falls_back_to_intro_then_site_settings(
    client, home, content_page, site_settings
):
    assert head(client.get(content_page.url)).meta["description"] == "Who we are."
    assert head(client.get(home.url)).meta["description"] == site_settings.default_meta_description


def test_description_has_a_default_without_site_settings(client, home):
    assert head(client.get(home.url)).meta["description"] == DEFAULT_META_DESCRIPTION


def test_canonical_open_graph_and_twitter_tags(client, content_page, site_settings, image):
    site_settings.default_share_image = image
    site_settings.save()

    parsed = head(client.get(content_page.url + "?utm_source=newsletter"))
    assert parsed.canonical == "http://localhost/about/"
    assert parsed.meta["og:url"] == parsed.canonical
    assert parsed.meta["og:type"] == "website"
    assert parsed.meta["og:title"] == "About us"
    assert parsed.meta["og:site_name"] == "Petit Talk"
    assert parsed.meta["og:image"].startswith("http://testserver/")
    assert parsed.meta["og:image:width"] == "1200"
    assert parsed.meta["og:image:height"] == "630"
    assert parsed.meta["twitter:card"] == "summary_large_image"
    assert parsed.meta["twitter:image"] == parsed.meta["og:image"]


def test_twitter_card_is_a_summary_without_an_image(client, content_page, site_settings):
    parsed = head(client.get(content_page.url))
    assert "og:image" not in parsed.meta
    assert parsed.meta["twitter:card"] == "summary"


def test_every_page_carries_organization_json_ld(client, content_page, site_settings):
    for url in (content_page.url, "/no-such-page/"):
        organization = of_type(head(client.get(url)), "Organization")
        assert len(organization) == 1
        assert organization[0]["name"] == "Petit Talk"
        assert organization[0]["email"] == "team@petittalk.example"
        assert organization[0]["sameAs"] == [
            "https://www.instagram.com/petittalk",
            "https://www.tiktok.com/@petittalk",
        ]


def test_blog_posts_carry_blog_posting_json_ld(client, blog_post, site_settings):
    parsed = head(client.get(blog_post.url))
    (posting,) = of_type(parsed, "BlogPosting")
    assert posting["headline"] == blog_post.title
    assert posting["datePublished"] == "2026-09-14"
    assert posting["author"] == {"@type": "Person", "name": "Camille Laurent"}
    assert posting["mainEntityOfPage"] == parsed.canonical
    assert posting["image"] == parsed.meta["og:image"]
    assert parsed.meta["og:type"] == "article"


def test_json_ld_cannot_break_out_of_its_script_element(client, content_page, site_settings):
    site_settings.brand_name = "</script><script>alert(1)</script>"
    site_settings.save()
    html = client.get(content_page.url).content.decode()
    assert "<script>alert(1)" not in html
    (organization,) = of_type(head(client.get(content_page.url)), "Organization")
    assert organization["name"] == "</script><script>alert(1)</script>"


def test_sitemap_lists_live_pages_and_teacher_profiles(client, blog_post, content_page, teacher):
    content_page.unpublish()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    locations = re.findall(r"<loc>(.*?)</loc>", body)
    assert "http://localhost/" in locations
    assert "http://localhost/blog/ten-phrases/" in locations
    assert not any("/about/" in loc for loc in locations)
    assert any(loc.endswith(f"/teachers/{teacher.profile.slug}/") for loc in locations)


def test_robots_txt_names_the_sitemap_and_hides_private_areas(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    for path in ("/admin/", "/checkout/", "/accounts/", "/bookings/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines


@pytest.mark.parametrize("path", ["/", "/about/"])
def test_images_use_renditions_with_dimensions(client, home, image, path, content_page):
    home.body = json.dumps(
        [{"type": "hero", "value": {"image": image.pk, "heading": "Bonjour", "text": ""}}]
    )
    home.save_revision().publish()
    content_page.body = json.dumps(
        [{"type": "image", "value": {"image": image.pk, "caption": "Lyon"}}]
    )
    content_page.save_revision().publish()
    html = client.get(path).content.decode()
    img = re.search(r"<img [^>]*>", html[html.index("<picture>") :]).group(0)
    assert 'width="' in img
    assert 'height="' in img
    if path == "/":
        assert 'loading="lazy"' not in img, "the hero is above the fold"
    else:
        assert 'loading="lazy"' in img
