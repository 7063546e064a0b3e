"""Browser: Cancel asks first. My bookings shows the deadline and a Cancel link; the page it
opens states the refund and the deadline; only its button cancels (and refunds)."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from accounts.factories import StudentFactory
from booking.factories import BookingFactory
from booking.models import Booking, BookingStatus
from commerce.factories import OrderFactory, OrderItemFactory
from commerce.models import Payment, PaymentStatus

from .conftest import assert_no_axe_violations, login

User = get_user_model()
PASSWORD = "correct-horse-battery"


@pytest.mark.django_db(transaction=True)
def test_student_cancels_a_paid_lesson_after_seeing_the_refund(page):
    student = StudentFactory(email="canceller@example.com", display_name="Cleo Cancel")
    teacher = User.objects.get(email="julien@petittalk.example")
    start = (timezone.now() + timedelta(days=4)).replace(minute=0, second=0, microsecond=0)
    booking = BookingFactory(
        student=student, teacher=teacher, status=BookingStatus.CONFIRMED, start=start
    )
    order = OrderFactory(paid=True, student=student, payment_provider="development")
    OrderItemFactory(order=order, booking=booking, price_cents=1800, discount_cents=270)
    Payment.objects.create(
        order=order,
        provider="development",
        intent_id="pi_browser",
        amount_cents=1530,
        status=PaymentStatus.SUCCEEDED,
    )

    login(page, student.email, PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto("/bookings/")
    card = page.locator(".booking-card", has_text="Julien")
    expect(card).to_contain_text("Free cancellation until")
    card.get_by_role("link", name="Cancel this lesson").click()

    expect(page.get_by_role("heading", name="Cancel this lesson?")).to_be_visible()
    expect(page.get_by_text("You will be refunded €15.30 to your card")).to_be_visible()
    expect(page.locator(".booking-confirm")).to_contain_text("no refund is given")
    assert_no_axe_violations(page)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED  # opening the page changed nothing

    page.get_by_role("button", name="Cancel the lesson").click()
    expect(page).to_have_url(re.compile(r"/bookings/$"))
    expect(page.get_by_text("Your lesson is cancelled")).to_be_visible()
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
