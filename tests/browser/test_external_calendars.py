"""A teacher connects an external calendar from the dashboard: the feed (served by a local
HTTP server the test starts) is read at once, a broken one shows its error; the page has no
axe violations and fits a 390 px screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.ics_server import FeedServer

from .conftest import assert_no_axe_violations, login
from .test_mobile_overflow import WIDTH, overflow

DEMO_TEACHER = "camille@petittalk.example"
FEED = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:preply@test\r\nDTSTART;TZID=Europe/Paris:20250101T170000\r\n"
    "DTEND;TZID=Europe/Paris:20250101T180000\r\nRRULE:FREQ=WEEKLY;BYDAY=WE\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def feeds():
    with FeedServer() as server:
        yield server


@pytest.mark.django_db(transaction=True)
def test_teacher_adds_a_calendar_and_sees_a_broken_one(page, browser, live_server, feeds):
    login(page, DEMO_TEACHER)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto("/teacher/")
    page.get_by_role("link", name="Your other calendars").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your other calendars")
    # The demo's own feed is there already, read from the shipped file.
    expect(page.locator(".calendar-feed", has_text="italki (demo)")).to_contain_text("Read on")

    page.get_by_label("Calendar address").fill(feeds.serve("/preply.ics", FEED))
    page.get_by_label("Name (optional)").fill("Preply")
    page.get_by_role("button", name="Add the calendar").click()
    expect(page.locator(".messages")).to_contain_text("“Preply” is up to date")
    card = page.locator(".calendar-feed", has_text="Preply")
    expect(card).to_contain_text("busy times in the coming weeks")
    expect(card).to_contain_text("(Europe/Paris)")

    page.get_by_label("Calendar address").fill(feeds.url("/missing.ics"))
    page.get_by_label("Name (optional)").fill("Old Google calendar with a long name")
    page.get_by_role("button", name="Add the calendar").click()
    broken = page.locator(".calendar-feed", has_text="Old Google calendar")
    expect(broken).to_contain_text("Could not be read")
    expect(broken).to_contain_text("HTTP 404")

    page.get_by_label("Calendar address").fill("ftp://example.com/cal.ics")
    page.get_by_role("button", name="Add the calendar").click()
    expect(page.locator(".form-field--error")).to_contain_text("starts with https://")
    assert_no_axe_violations(page)

    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": WIDTH, "height": 844}, is_mobile=True
    )
    try:
        small = phone.new_page()
        small.set_default_timeout(10_000)
        login(small, DEMO_TEACHER)
        expect(small).not_to_have_url(re.compile(r"/accounts/login/"))
        small.goto("/teacher/calendars/")
        assert overflow(small) is None
        small.get_by_role("button", name="Refresh now: Preply").click()
        expect(small.locator(".messages")).to_contain_text("less than a minute ago")
        small.get_by_role("button", name="Remove: Old Google calendar with a long name").click()
        expect(small.locator(".messages")).to_contain_text("is removed")
        assert overflow(small) is None
        assert_no_axe_violations(small)
    finally:
        phone.close()
