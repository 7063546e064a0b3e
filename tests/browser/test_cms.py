"""The public site in a real browser: home page, the collapsible menu, the 404 page, axe."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations


def test_home_page_shows_hero_and_navigation(page):
    response = page.goto("/")
    assert response.status == 200
    hero = page.locator(".hero")
    expect(hero.get_by_role("heading", level=1)).to_have_text("Speak French with confidence")
    expect(hero.locator("picture img")).to_be_visible()
    expect(hero.get_by_role("link", name="Sign up")).to_have_attribute("href", "/accounts/signup/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Teachers")).to_be_visible()
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    assert_no_axe_violations(page)


def test_small_screen_menu_collapses_and_works_by_keyboard(mobile_page):
    page = mobile_page
    page.goto("/")
    toggle = page.get_by_role("button", name="Menu")
    login = page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(login).to_be_hidden()

    for _ in range(10):  # skip link, brand, then the menu button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-menu-toggle')"):
            break
    expect(toggle).to_be_focused()

    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(login).to_be_visible()
    assert_no_axe_violations(page)

    page.keyboard.press("Tab")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Teachers")
    ).to_be_focused()

    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(login).to_be_hidden()
    expect(toggle).to_be_focused()


def test_unknown_url_shows_the_branded_404(page):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page).to_have_title(re.compile("Page not found"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("page not found")
    expect(page.get_by_role("link", name="Back to the home page")).to_be_visible()
    assert_no_axe_violations(page)


def test_content_blog_and_contact_pages_have_no_axe_violations(page):
    for path in ("/about/", "/blog/", "/blog/learning-french-with-films/", "/contact/"):
        assert page.goto(path).status == 200, path
        assert_no_axe_violations(page)
