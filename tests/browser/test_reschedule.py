"""A student moves a paid lesson from My bookings through the reschedule page's week grid and
its confirmation step, at desktop (1280 px) and phone (390 px) widths: axe finds nothing, the
page fits the phone, and the lesson ends up at the new time, back to "paid" for the teacher."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from accounts.factories import StudentFactory
from booking.models import Booking, BookingStatus
from booking.services import hold_slot
from booking.slots import available_slots

from .conftest import assert_no_axe_violations, login
from .test_mobile_overflow import overflow

User = get_user_model()
PASSWORD = "correct-horse-battery"
TEACHER_EMAIL = "julien@petittalk.example"


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.django_db(transaction=True)
def test_student_reschedules_a_paid_lesson(browser, live_server, demo_site, width):
    student = StudentFactory(email=f"mover{width}@example.com", display_name="Max Mover")
    teacher = User.objects.get(email=TEACHER_EMAIL)
    now = timezone.now()
    start = available_slots(teacher, now + timedelta(days=3), now + timedelta(days=21))[0]
    booking = hold_slot(student, teacher, start, "Moving day").mark_paid()

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
        page.goto("/bookings/")
        card = page.locator(f'[data-booking="{booking.pk}"]')
        card.get_by_role("link", name=re.compile("^Reschedule")).click()
        expect(page.get_by_role("heading", name="Move your lesson", exact=True)).to_be_visible()
        assert_no_axe_violations(page)
        if width < 800:
            assert overflow(page) is None, overflow(page)

        new_time = page.locator("button[name=choose]").first
        new_value = new_time.get_attribute("value")
        new_time.click()
        chosen = page.locator("#chosen")
        expect(chosen).to_contain_text("Nothing more to pay")
        assert_no_axe_violations(page)
        if width < 800:
            assert overflow(page) is None, overflow(page)

        chosen.get_by_role("button", name="Move my lesson").click()
        expect(page).to_have_url(re.compile(r"/bookings/$"))
        expect(page.get_by_text(re.compile("Your lesson is moved to"))).to_be_visible()
        assert_no_axe_violations(page)
    finally:
        context.close()

    booking = Booking.objects.get(pk=booking.pk)
    assert booking.start.isoformat() == new_value
    assert booking.status == BookingStatus.PAID
    assert booking.reschedule_count == 1
