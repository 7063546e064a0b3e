"""Browser journey: find a teacher with the filters (a plain GET form), share the link,
book the teacher found; at 1280 px and 390 px, with axe at zero violations and nothing
sticking out sideways; a visitor's free times are shown in their device's zone."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, login

DEMO_STUDENT = "student@petittalk.example"

# Wider than the screen, and what sticks out.
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .slice(0, 5)
    .map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`);
  return {scroll: document.documentElement.scrollWidth, inner: width, wide};
}"""


def assert_fits(page, width):
    found = page.evaluate(OVERFLOW_JS)
    assert found["scroll"] <= found["inner"] <= width, f"{page.url} overflows: {found}"


def results(page):
    return page.locator(".teacher-result__name").all_inner_texts()


@pytest.fixture(params=[(1280, 900), (390, 844)], ids=["desktop", "phone"])
def screen(request, browser, live_server, demo_site):
    width, height = request.param
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        is_mobile=width < 500,
        timezone_id="America/New_York",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page, width
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_student_filters_shares_the_search_and_books_the_teacher(screen):
    page, width = screen
    page.goto("/teachers/")
    expect(page.get_by_role("heading", name="Find your French teacher")).to_be_visible()
    assert len(results(page)) == 4
    # A visitor: times in the device's zone (JavaScript), with its name.
    expect(page.locator(".teacher-result__next time").first).to_contain_text("(America/New_York)")
    assert_no_axe_violations(page)
    assert_fits(page, width)

    toggle = page.locator("[data-filters-toggle]")
    if width < 960:  # phones: the filters fold behind their button
        expect(page.get_by_label("Specialty")).to_be_hidden()
        expect(toggle).to_have_accessible_name("Show filters")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(toggle).to_have_accessible_name("Hide filters")
    else:
        expect(toggle).to_be_hidden()
    page.get_by_label("Specialty").select_option(label="Exam preparation (DELF/DALF)")
    page.get_by_label("Level taught").select_option("C2")
    page.get_by_label("To (€)").fill("30")
    page.get_by_role("button", name="Show teachers").click()
    expect(page.get_by_role("heading", name="1 teacher matches your search")).to_be_visible()
    assert results(page) == ["Léa Dubois"]
    query = parse_qs(urlsplit(page.url).query)
    assert query["specialty"] == ["exam-prep"] and query["level"] == ["C2"]
    assert query["max_price"] == ["30"]
    expect(page.get_by_label("Specialty")).to_be_visible()  # a search is on: filters shown
    assert_no_axe_violations(page)
    assert_fits(page, width)

    # The link is the search: opened elsewhere (here, after logging in) it shows the same.
    shared = page.url
    login(page, DEMO_STUDENT)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto(shared)
    assert results(page) == ["Léa Dubois"]
    expect(page.get_by_label("Specialty")).to_have_value("exam-prep")
    expect(page.locator(".finder__zone")).to_contain_text("Europe/London")  # the student's zone
    expect(page.locator(".teacher-result__next")).to_contain_text("(Europe/London)")
    assert_no_axe_violations(page)
    assert_fits(page, width)

    page.get_by_role("link", name="Book a lesson with Léa Dubois").click()
    expect(page).to_have_url(re.compile(r"/book/\?teacher=lea-dubois"))
    expect(page.locator("button[name=choose]").first).to_be_attached()


@pytest.mark.django_db(transaction=True)
def test_bad_filters_are_explained_and_the_rest_still_apply(screen):
    page, width = screen
    page.goto("/teachers/?level=B1&max_price=cheap&specialty=astrology")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Some filters could not be used and were ignored")
    expect(alert).to_contain_text("Enter a price in euros")
    expect(alert).to_contain_text("There is no such specialty")
    assert "Antoine Moreau" in results(page)  # B1 to C2: the level still applies
    assert_no_axe_violations(page)
    assert_fits(page, width)
    page.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(re.compile(r"/teachers/$"))
    assert len(results(page)) == 4


@pytest.mark.django_db(transaction=True)
def test_the_filters_work_without_javascript(browser, live_server, demo_site):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/teachers/")
    page.get_by_label("Search").fill("business")
    page.get_by_label("Free in the next 7 days").check()
    page.get_by_role("button", name="Show teachers").click()
    assert results(page) == ["Antoine Moreau"]
    expect(page.locator(".finder__zone")).to_contain_text("UTC")
    context.close()
