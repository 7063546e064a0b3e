"""The booking page's week grid at desktop (1280 px) and phone (390 px) widths: days run across
on the desktop and down as a list on the phone, "Next available" and the week links work, the
chosen lesson shows its price and cancellation rule, "Add to basket" holds it and the header
counts the basket; axe finds nothing and the phone needs no sideways scroll."""

import re

import pytest
from playwright.sync_api import expect

from accounts.factories import StudentFactory
from booking.models import Booking, BookingStatus

from .conftest import assert_no_axe_violations, login
from .test_mobile_overflow import overflow

PASSWORD = "correct-horse-battery"
TEACHER_SLUG = "julien-bernard"

# The top of each day of the grid, in page order.
DAY_TOPS = """() => [...document.querySelectorAll('.week-grid__day')]
  .map(day => day.getBoundingClientRect().top)"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.django_db(transaction=True)
def test_student_books_through_the_week_grid(browser, live_server, demo_site, width):
    student = StudentFactory(email=f"grid{width}@example.com", display_name="Greta Grid")
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 900},
        is_mobile=width < 800,
        locale="en-GB",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, student.email, PASSWORD)
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        page.goto(f"/book/?teacher={TEACHER_SLUG}")
        expect(page.get_by_text("Free cancellation until 24 h before the lesson")).to_be_visible()
        tops = page.evaluate(DAY_TOPS)
        assert len(tops) == 7
        if width < 800:
            assert tops == sorted(tops) and len(set(tops)) == 7, f"a list of days: {tops}"
            assert overflow(page) is None, overflow(page)
        else:
            assert len(set(tops)) == 1, f"days across: {tops}"
        assert_no_axe_violations(page)

        # "Next available" and the week links are plain links (GET).
        page.get_by_role("link", name=re.compile("^Next available")).click()
        page.wait_for_load_state()
        first = page.locator("button[name=choose]").first
        expect(first).to_be_visible()
        assert re.search(r"\d\d:\d\d [A-Z]", first.inner_text()), "a 24-hour en-GB time and zone"
        value = first.get_attribute("value")
        first.click()

        chosen = page.locator("#chosen")
        expect(chosen).to_contain_text("Free cancellation until")
        expect(chosen).to_contain_text("€")
        expect(page.locator('button[name=choose][aria-current="true"]')).to_have_count(1)
        assert_no_axe_violations(page)
        if width < 800:
            assert overflow(page) is None, overflow(page)

        chosen.get_by_role("button", name="Add to basket").click()
        expect(page).to_have_url(re.compile(r"/basket/$"))
        if width < 800:
            page.get_by_role("button", name="Menu").click()
        expect(page.get_by_role("link", name=re.compile(r"^Basket 1 lesson$"))).to_be_visible()
    finally:
        context.close()

    booking = Booking.objects.get(student=student)
    assert booking.status == BookingStatus.HELD
    assert booking.start.isoformat() == value
