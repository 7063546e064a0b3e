"""A New York student books a weekly series from a chosen time on the booking page: the
preview lists every week in both zones, the ticked weeks go into the basket together, and
"cancel the rest of the series" asks first, then takes them out; at desktop (1280 px) and
phone (390 px) widths, axe finds nothing and the pages fit the phone."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.factories import StudentFactory
from booking.models import BookingSeries, BookingStatus

from .conftest import assert_no_axe_violations, login
from .test_mobile_overflow import overflow

User = get_user_model()
PASSWORD = "correct-horse-battery"
TEACHER_SLUG = "julien-bernard"


def check(page, width):
    assert_no_axe_violations(page)
    if width < 800:
        assert overflow(page) is None, overflow(page)


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.django_db(transaction=True)
def test_student_books_a_weekly_series_then_cancels_the_rest(
    browser, live_server, demo_site, width
):
    student = StudentFactory(email=f"weekly{width}@example.com", display_name="Wendy Weekly")
    student.profile.timezone = "America/New_York"
    student.profile.save(update_fields=["timezone"])
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 900},
        is_mobile=width < 800,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, student.email, PASSWORD)
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        page.goto(f"/book/?teacher={TEACHER_SLUG}")
        page.locator("button[name=choose]").first.click()
        chosen = page.locator("#chosen")
        chosen.get_by_label("Or book this time every week, for").select_option("3")
        chosen.get_by_role("button", name="See the weekly dates").click()

        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Every week with"))
        expect(page.get_by_text("Your time zone: America/New_York")).to_be_visible()
        expect(page.locator(".series-week")).to_have_count(3)
        check(page, width)
        page.get_by_role("button", name="Add the ticked weeks to my basket").click()
        expect(page).to_have_url(re.compile(r"/basket/$"))
        expect(page.get_by_text(re.compile("weekly lessons are in your basket"))).to_be_visible()

        series = BookingSeries.objects.get(student=student)
        lessons = list(series.lessons.order_by("start"))
        assert len(lessons) == 3
        assert {lesson.status for lesson in lessons} == {BookingStatus.HELD}

        page.goto("/bookings/")
        page.get_by_role("link", name=re.compile("^Cancel the rest of the series")).first.click()
        expect(page.get_by_role("heading", name="Cancel the rest of the series?")).to_be_visible()
        expect(page.get_by_text("Removed from your basket (not paid yet).")).to_have_count(3)
        check(page, width)
        page.get_by_role("button", name="Cancel the rest of the series").click()
        expect(page).to_have_url(re.compile(r"/bookings/$"))
        expect(
            page.get_by_text(re.compile("3 lessons of the series are cancelled"))
        ).to_be_visible()
    finally:
        context.close()
    assert {lesson.status for lesson in series.lessons.all()} == {BookingStatus.REMOVED}
