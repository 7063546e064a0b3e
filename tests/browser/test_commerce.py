"""Browser journey: book two lessons, see the offer, start checkout (a POST), pay
(development provider), get paid bookings, then the teacher declines one and the student
sees the refund."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.factories import StudentFactory
from booking.services import lesson_price_cents
from commerce.demo import seasonal_offer_name
from commerce.pricing import percentage_of
from site_config.money import format_cents

from .conftest import assert_no_axe_violations, login

User = get_user_model()
PASSWORD = "correct-horse-battery"
TEACHER_SLUG = "julien-bernard"
TEACHER_EMAIL = "julien@petittalk.example"


def hold_first_free_slot(page):
    page.goto(f"/book/?teacher={TEACHER_SLUG}")
    page.locator("button[name=choose]").first.click()  # a time of the week grid
    page.wait_for_load_state()
    page.get_by_role("button", name="Add to basket").click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_student_pays_two_lessons_and_sees_a_declined_one_refunded(page):
    student = StudentFactory(email="buyer@example.com", display_name="Bea Buyer")
    teacher = User.objects.get(email=TEACHER_EMAIL)
    lesson = lesson_price_cents(teacher) - percentage_of(lesson_price_cents(teacher), 10)
    total = format_cents(2 * lesson)
    login(page, student.email, PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    hold_first_free_slot(page)
    hold_first_free_slot(page)

    page.goto("/basket/")
    expect(page.get_by_role("heading", name="Lessons (2)")).to_be_visible()
    expect(page.get_by_text(seasonal_offer_name())).to_be_visible()
    expect(page.locator(".commerce-totals")).to_contain_text(total)
    assert_no_axe_violations(page)

    # The Checkout button POSTs (the order is prepared there); the page it lands on only reads.
    page.get_by_role("button", name="Go to checkout").click()
    expect(page).to_have_url(re.compile(r"/checkout/$"))
    expect(page.get_by_role("heading", name="Checkout", exact=True)).to_be_visible()
    expect(page.locator(".commerce-table")).to_contain_text(total)
    assert_no_axe_violations(page)
    page.get_by_label("Country").select_option("FR")
    page.get_by_role("button", name=f"Pay {total}").click()

    expect(page.get_by_role("heading", name="Test payment — no money moves")).to_be_visible()
    page.get_by_role("button", name=f"Pay {total} (test)").click()

    expect(page.get_by_role("heading", name="Thank you, your lessons are booked")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto("/bookings/")
    expect(page.get_by_text("Paid, awaiting teacher")).to_have_count(2)

    # The teacher declines one of the lessons.
    page.context.clear_cookies()
    login(page, TEACHER_EMAIL, "petit-talk-demo")
    page.goto("/teacher/")
    card = page.locator(".booking-card", has_text="Bea Buyer").first
    card.get_by_role("link", name="Decline…").click()
    page.get_by_role("button", name="Decline and refund").click()
    page.wait_for_load_state()

    page.context.clear_cookies()
    login(page, student.email, PASSWORD)
    page.goto("/orders/")
    page.get_by_role("link", name=re.compile(r"Order \d+")).first.click()
    expect(page.get_by_text("Partially refunded")).to_be_visible()
    expect(page.locator(".commerce-refunds")).to_contain_text(format_cents(lesson))
