"""``make screenshots`` (tests/support/screenshots.py) photographs real pages for the user
guides: every shot is a URL name that resolves, every role logs in with what load_demo
prints, and every picture a guide shows is one the script takes (and is committed)."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import resolve
from wagtail.models import Site

from tests.support import screenshots

DOCS = Path(__file__).resolve().parent.parent / "docs"
GUIDES = {role: DOCS / f"guide-{role}.md" for role in screenshots.ROLES}
IMAGE = re.compile(r"!\[[^\]]+\]\(screenshots/([^)]+\.png)\)")


@pytest.mark.django_db
def test_every_shot_is_a_url_name_that_resolves():
    home = Site.objects.get(is_default_site=True).root_page_id
    paths = screenshots.resolve_paths(home)
    assert set(paths) == {shot.filename for shot in screenshots.SHOTS}
    for shot in screenshots.SHOTS:
        match = resolve(paths[shot.filename].split("?")[0])
        assert match.view_name == shot.url_name, shot


def test_the_guides_pages_are_all_photographed():
    taken = {(shot.role, shot.url_name) for shot in screenshots.SHOTS}
    assert {
        ("student", "booking:teacher_list"),
        ("student", "booking:book"),
        ("student", "commerce:basket"),
        ("student", "commerce:checkout"),
        ("student", "booking:my_bookings"),
        ("teacher", "booking:teacher_dashboard"),
        ("teacher", "booking:availability"),
        ("editor", "wagtailadmin_pages:edit"),
        ("admin", "bookings:index"),
        ("admin", "orders:index"),
    } <= taken
    assert len({shot.filename for shot in screenshots.SHOTS}) == len(screenshots.SHOTS)


@pytest.mark.django_db(transaction=True)
def test_load_demo_prints_a_login_for_every_role():
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    logins = screenshots.parse_logins(output.getvalue())
    assert set(screenshots.ROLES) <= set(logins)
    assert all("@" in email and password for email, password in logins.values())


@pytest.mark.parametrize("role", screenshots.ROLES)
def test_each_guide_shows_the_screenshots_the_script_takes(role):
    guide = GUIDES[role].read_text()
    shown = set(IMAGE.findall(guide))
    mine = {shot.filename for shot in screenshots.SHOTS if shot.role == role}
    assert shown == mine, f"{GUIDES[role].name} shows {sorted(shown)}, the script takes {mine}"
    for filename in shown:
        assert (DOCS / "screenshots" / filename).is_file(), filename
