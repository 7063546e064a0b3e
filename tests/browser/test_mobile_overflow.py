"""At 390 px every page of the journeys fits the screen: nothing is cut off or needs a
sideways scroll (``scrollWidth <= innerWidth``), tables included (they reflow into rows)."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.factories import StudentFactory

from .conftest import login

User = get_user_model()
PASSWORD = "correct-horse-battery"
TEACHER_SLUG = "julien-bernard"
TEACHER_EMAIL = "julien@petittalk.example"
DEMO_PASSWORD = "petit-talk-demo"
WIDTH = 390

# The widest elements, to say what overflows when the page does.
OVERFLOW_JS = """(width) => {
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .slice(0, 5)
    .map(el => {
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
      return `${name} right=${Math.round(el.getBoundingClientRect().right)}`;
    });
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, wide};
}"""


@pytest.fixture
def phone(browser, live_server, demo_site):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": WIDTH, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def overflow(page):
    """None when the page fits, else what sticks out."""
    page.wait_for_load_state("load")
    found = page.evaluate(OVERFLOW_JS, WIDTH)
    # innerWidth too: a phone browser zooms out to show a page wider than the screen, so
    # innerWidth grows past the 390 px viewport with it.
    if found["scroll"] <= found["inner"] <= WIDTH:
        return None
    return (
        f"{page.url}: scrollWidth {found['scroll']}, innerWidth {found['inner']} "
        f"(screen {WIDTH}); sticking out: {found['wide']}"
    )


def visit(page, path, problems):
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    assert "/accounts/login/" not in page.url or "/accounts/" in path, f"{path} sent to login"
    problems.append(overflow(page))


@pytest.mark.django_db(transaction=True)
def test_every_page_of_the_journeys_fits_390px(phone):
    page = phone
    problems = []
    public = ("/", "/teachers/", f"/teachers/{TEACHER_SLUG}/", "/pricing/", "/accounts/login/")
    for path in (*public, "/accounts/signup/"):
        visit(page, path, problems)

    # Student: book, basket, checkout, pay, success, receipt, my bookings, profile.
    student = StudentFactory(email="phone@example.com", display_name="Pia Phone")
    login(page, student.email, PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    visit(page, f"/book/?teacher={TEACHER_SLUG}", problems)
    page.locator("button[name=choose]").first.click()  # a time of the week grid
    page.wait_for_load_state()
    problems.append(overflow(page))  # the chosen lesson's price and cancellation rule
    page.get_by_role("button", name="Add to basket").click()
    page.wait_for_load_state()
    visit(page, "/basket/", problems)
    page.get_by_role("button", name="Go to checkout").click()
    expect(page).to_have_url(re.compile(r"/checkout/$"))
    problems.append(overflow(page))
    page.get_by_label("Country").select_option("FR")
    page.get_by_label("Name on the receipt").fill("Pia Phone With A Rather Long Family Name")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.get_by_role("button", name=re.compile(r"^Pay .*\(test\)")).click()
    expect(page.get_by_role("heading", name="Thank you, your lessons are booked")).to_be_visible()
    problems.append(overflow(page))
    page.get_by_role("link", name="View your receipt").click()
    expect(page.get_by_role("heading", name=re.compile("Receipt for order"))).to_be_visible()
    problems.append(overflow(page))
    for path in ("/orders/", "/bookings/", "/credits/", "/profile/"):
        visit(page, path, problems)

    # Teacher: dashboard (with the paid lesson waiting), availability, profile.
    page.context.clear_cookies()
    login(page, TEACHER_EMAIL, DEMO_PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    for path in ("/teacher/", "/teacher/availability/", "/profile/"):
        visit(page, path, problems)

    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)
