"""Browser journey: buy a lesson pack on /pricing/ (basket, checkout, development provider),
book a lesson with one of its credits from the booking page, see it in My credits; book a
weekly series with credits from its preview."""

import re

import pytest
from playwright.sync_api import expect

from accounts.factories import StudentFactory
from booking.models import BookingSeries, BookingStatus
from commerce.credits.services import credit_balance
from commerce.factories import CreditLotFactory

from .conftest import assert_no_axe_violations, login
from .test_mobile_overflow import overflow

PASSWORD = "correct-horse-battery"
TEACHER_SLUG = "julien-bernard"
PACK = "Regular pack: 10 lessons"


@pytest.mark.django_db(transaction=True)
def test_student_buys_a_pack_and_books_a_lesson_with_a_credit(page):
    student = StudentFactory(email="packs@example.com", display_name="Pia Pack")
    login(page, student.email, PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    page.goto("/pricing/")
    expect(page.get_by_role("heading", name="Lesson packs", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    page.locator(".pack-tile", has_text=PACK).get_by_role(
        "button", name=re.compile("Add to basket")
    ).click()

    expect(page).to_have_url(re.compile(r"/basket/$"))
    expect(page.get_by_text(PACK).first).to_be_visible()
    expect(page.locator(".commerce-totals")).to_contain_text("€160.00")  # no offer on packs
    page.get_by_role("button", name="Go to checkout").click()
    page.get_by_label("Country").select_option("FR")
    page.get_by_role("button", name="Pay €160.00").click()
    page.get_by_role("button", name="Pay €160.00 (test)").click()
    expect(page.get_by_role("heading", name="Thank you, your lessons are booked")).to_be_visible()

    page.goto(f"/book/?teacher={TEACHER_SLUG}")
    page.locator("button[name=choose]").first.click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Use 1 credit (10 left)").click()
    expect(page).to_have_url(re.compile(r"/bookings/$"))
    expect(page.get_by_text("booked with a credit (9 left)")).to_be_visible()
    expect(page.get_by_text("Paid, awaiting teacher")).to_have_count(1)

    page.get_by_role("link", name="My credits").click()
    expect(page.get_by_role("heading", name="You have 9 credits")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Receipt"))).to_be_visible()
    assert_no_axe_violations(page)


@pytest.mark.django_db(transaction=True)
def test_student_books_a_weekly_series_with_credits(page):
    """The series preview's second button pays every ticked week with a credit at once: no
    basket, no checkout; the lessons wait for the teacher in My bookings."""
    student = StudentFactory(email="weekly-credits@example.com", display_name="Wes Credits")
    CreditLotFactory(student=student, quantity=5)
    login(page, student.email, PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    page.goto(f"/book/?teacher={TEACHER_SLUG}")
    page.locator("button[name=choose]").first.click()
    chosen = page.locator("#chosen")
    chosen.get_by_label("Or book this time every week, for").select_option("3")
    chosen.get_by_role("button", name="See the weekly dates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Every week with"))
    expect(page.get_by_role("button", name="Use 3 credits (5 left)")).to_be_visible()
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 390, "height": 900})  # both buttons fit a phone
    assert overflow(page) is None, overflow(page)
    page.get_by_role("button", name="Use 3 credits (5 left)").click()

    expect(page).to_have_url(re.compile(r"/bookings/$"))
    expect(
        page.get_by_text("3 weekly lessons are booked with 3 credits (2 left)", exact=False)
    ).to_be_visible()
    series = BookingSeries.objects.get(student=student)
    assert {lesson.status for lesson in series.lessons.all()} == {BookingStatus.PAID}
    assert credit_balance(student) == 2
