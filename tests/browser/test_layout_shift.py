"""The first paint of a page is its final layout: site.js must not move the content.

Lighthouse measured a layout shift of ``main`` on logged-in mobile pages: the header menu was
laid out open, then site.js collapsed it behind the menu button. The CSS now gives a browser
with scripting the collapsed layout from the start."""

import pytest

from .conftest import login

pytestmark = pytest.mark.browser

PAGES = ["/book/?teacher=camille-martin", "/bookings/", "/"]


def main_top(page, url, *, block_site_js):
    if block_site_js:
        page.route("**/js/site*.js", lambda route: route.abort())
    else:
        page.unroute("**/js/site*.js")
    page.goto(url)
    return page.evaluate("document.getElementById('main').getBoundingClientRect().top")


@pytest.mark.parametrize("url", PAGES)
def test_site_js_does_not_move_the_main_content_on_a_phone(mobile_page, url):
    login(mobile_page, "student@petittalk.example")
    before_js = main_top(mobile_page, url, block_site_js=True)
    assert mobile_page.locator("[data-menu-toggle]").is_visible()
    assert not mobile_page.locator("[data-menu]").is_visible()
    after_js = main_top(mobile_page, url, block_site_js=False)
    assert after_js == before_js


def test_menu_button_still_opens_and_closes_the_menu(mobile_page):
    login(mobile_page, "student@petittalk.example")
    mobile_page.goto("/bookings/")
    toggle = mobile_page.get_by_role("button", name="Menu")
    toggle.click()
    assert mobile_page.locator("[data-menu]").is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    mobile_page.keyboard.press("Escape")
    assert not mobile_page.locator("[data-menu]").is_visible()


def test_layout_shift_score_stays_small_on_the_booking_page(mobile_page):
    login(mobile_page, "student@petittalk.example")
    mobile_page.goto("/book/?teacher=camille-martin")
    mobile_page.wait_for_load_state("load")
    score = mobile_page.evaluate(
        """() => new Promise((resolve) => {
            let total = 0;
            new PerformanceObserver((list) => {
                for (const entry of list.getEntries()) {
                    if (!entry.hadRecentInput) total += entry.value;
                }
            }).observe({type: "layout-shift", buffered: true});
            requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
        })"""
    )
    assert score < 0.01
