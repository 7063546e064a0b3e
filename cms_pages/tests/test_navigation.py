import json
import re

import pytest
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry


@pytest.fixture
def home_with_blocks(home, image, site_settings):
    home.body = json.dumps(
        [
            {"type": "hero", "value": {"image": image.pk, "heading": "Bonjour", "text": "Hi"}},
            {"type": "cta_band", "value": {"heading": "Ready?", "text": ""}},
            {
                "type": "static_offer",
                "value": {"heading": "One lesson", "price": "€18", "features": ["Native"]},
            },
        ]
    )
    home.save_revision().publish()
    return home


def hero_buttons(html):
    hero = html[html.index('class="block hero"') : html.index("</section>")]
    return re.findall(r'<a class="button[^"]*" href="([^"]+)">([^<]+)</a>', hero)


def nav_links(html):
    nav = html[html.index('aria-label="Main"') : html.index("</nav>")]
    return re.findall(r'href="([^"]+)"[^>]*>([^<]+)</a>', nav)


def test_visitors_are_invited_to_sign_up_or_log_in(client, home_with_blocks):
    html = client.get("/").content.decode()
    assert hero_buttons(html) == [("/accounts/signup/", "Sign up"), ("/accounts/login/", "Log in")]
    assert "Book a lesson" not in html


def test_students_are_invited_to_book_a_lesson(client, home_with_blocks, student):
    client.force_login(student)
    html = client.get("/").content.decode()
    assert hero_buttons(html)[0] == ("/book/", "Book a lesson")
    assert "Sign up" not in html
    assert html.count('href="/book/"') >= 4, "hero, band, offer card and header"


def test_visitor_navigation(client, home):
    assert nav_links(client.get("/").content.decode()) == [
        ("/teachers/", "Teachers"),
        ("/accounts/login/", "Log in"),
        ("/accounts/signup/", "Sign up"),
    ]


def test_student_navigation_shows_who_is_logged_in_and_a_logout_form(client, home, student):
    client.force_login(student)
    html = client.get("/").content.decode()
    assert nav_links(html) == [
        ("/teachers/", "Teachers"),
        ("/book/", "Book a lesson"),
        ("/bookings/", "My bookings"),
        ("/basket/", "Basket"),
        ("/profile/", "Profile"),
    ]
    assert f"Signed in as <strong>{student.display_name}</strong>" in html
    assert re.search(r'<form[^>]*method="post" action="/accounts/logout/"', html)


def test_teacher_navigation(client, home, teacher):
    client.force_login(teacher)
    assert nav_links(client.get("/").content.decode()) == [
        ("/teacher/", "Dashboard"),
        ("/teacher/availability/", "Availability"),
        ("/profile/", "Profile"),
    ]


@pytest.mark.parametrize("user_fixture", ["editor", "admin_user"])
def test_editors_and_admins_get_a_link_to_the_admin(client, home, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert ("/admin/", "Admin") in nav_links(client.get("/").content.decode())


def test_menu_button_controls_the_menu(client, home):
    html = client.get("/").content.decode()
    assert re.search(
        r'<button class="menu-toggle"[^>]*aria-expanded="false"[^>]*aria-controls="site-menu"', html
    )
    assert 'id="site-menu"' in html


def test_footer_links_to_contact_page_and_social_networks(client, contact_page):
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert f'href="{contact_page.url}"' in footer
    assert 'href="https://www.tiktok.com/@petittalk"' in footer


def _footer(client):
    html = client.get("/").content.decode()
    return html[html.index('<footer class="site-footer">') :]


def test_the_footers_contact_link_is_kept_until_content_changes(client, contact_page):
    """The footer is a {% cache %} fragment keyed by the page cache's generation: the contact
    page is looked up once, and publishing or unpublishing it shows on the next page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert f'href="{contact_page.url}"' in _footer(client)
    with CaptureQueriesContext(connection) as queries:
        assert f'href="{contact_page.url}"' in _footer(client)
    assert not [q for q in queries if "cms_pages_contactpage" in q["sql"]]

    contact_page.unpublish()
    assert f'href="{contact_page.url}"' not in _footer(client)
    contact_page.save_revision().publish()
    assert f'href="{contact_page.url}"' in _footer(client)


def test_editors_group_may_use_the_admin_and_publish_pages(client, home, editor):
    assert editor.has_perm("wagtailadmin.access_admin")
    assert home.permissions_for_user(editor).can_add_subpage()
    assert home.permissions_for_user(editor).can_publish()
    assert policy_registry.get_by_type(get_image_model()).user_has_permission(editor, "add")
    assert policy_registry.get_by_type(get_document_model()).user_has_permission(editor, "change")
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
