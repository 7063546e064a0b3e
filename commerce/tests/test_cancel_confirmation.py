"""Cancel (student) and Decline (teacher) ask first, saying what happens: the refund is what
commerce would refund on the lesson's paid order line (``refundable_cents``), stated with the
cancellation deadline in the viewer's zone; the GET changes nothing, the POST does it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.factories import BookingFactory
from booking.models import BookingStatus
from booking.tests.conftest import set_zone
from commerce.factories import OrderFactory, OrderItemFactory
from commerce.models import Payment, PaymentStatus, Refund

pytestmark = pytest.mark.django_db


def paid_lesson(student, teacher, *, status=BookingStatus.PAID, days=3, hours=0, discount=270):
    start = (timezone.now() + timedelta(days=days, hours=hours)).replace(
        minute=0, second=0, microsecond=0
    )
    booking = BookingFactory(
        student=student, teacher=teacher, status=status, start=start, price_cents=1800
    )
    order = OrderFactory(paid=True, student=student, payment_provider="development")
    OrderItemFactory(order=order, booking=booking, price_cents=1800, discount_cents=discount)
    Payment.objects.create(
        order=order,
        provider="development",
        intent_id=f"pi_{booking.pk}",
        amount_cents=1800 - discount,
        status=PaymentStatus.SUCCEEDED,
    )
    return booking


def test_cancel_page_states_the_refund_and_the_deadline_in_the_students_zone(
    client, student, teacher
):
    set_zone(student, "America/New_York")
    booking = paid_lesson(student, teacher, status=BookingStatus.CONFIRMED)
    client.force_login(student)
    response = client.get(reverse("booking:cancel", args=[booking.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "You will be refunded €15.30 to your card" in page
    deadline = booking.start - timedelta(hours=24)
    from zoneinfo import ZoneInfo

    local = deadline.astimezone(ZoneInfo("America/New_York"))
    assert f"{local:%H:%M} (America/New_York)" in page
    assert "after the 24-hour deadline no refund is given" in page
    # The GET only asks: the POST form is there, nothing changed.
    assert 'method="post"' in page and reverse("booking:cancel", args=[booking.pk]) in page
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert not Refund.objects.exists()

    client.post(reverse("booking:cancel", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert Refund.objects.get().amount_cents == 1530


def test_cancel_page_after_the_deadline_states_no_refund_and_offers_contact(
    client, student, teacher
):
    booking = paid_lesson(student, teacher, status=BookingStatus.CONFIRMED, days=0, hours=5)
    client.force_login(student)
    page = client.get(reverse("booking:cancel", args=[booking.pk])).content.decode()
    assert "no refund is given" in page
    assert "You will be refunded" not in page
    assert "contact us" in page.lower()
    assert 'method="post"' not in page.split("<main", 1)[1].split("</main>", 1)[0]
    my_bookings = client.get(reverse("booking:my_bookings")).content.decode()
    assert reverse("booking:cancel", args=[booking.pk]) not in my_bookings
    assert "contact us" in my_bookings.lower()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_my_bookings_shows_each_lessons_cancellation_deadline(client, student, teacher):
    set_zone(student, "Asia/Tokyo")
    booking = paid_lesson(student, teacher)
    client.force_login(student)
    page = client.get(reverse("booking:my_bookings")).content.decode()
    from zoneinfo import ZoneInfo

    local = (booking.start - timedelta(hours=24)).astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"Free cancellation until {local:%A %-d %B %Y, %H:%M} (Asia/Tokyo)" in page


def test_decline_page_states_the_students_refund_and_the_post_declines(client, student, teacher):
    set_zone(teacher, "Europe/Paris")
    booking = paid_lesson(student, teacher)
    client.force_login(teacher)
    dashboard = client.get(reverse("booking:teacher_dashboard")).content.decode()
    assert f'href="{reverse("booking:decline", args=[booking.pk])}"' in dashboard
    response = client.get(reverse("booking:decline", args=[booking.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{student.display_name} will be refunded €15.30 to their card" in page
    assert "(Europe/Paris)" in page
    assert 'method="post"' in page and 'name="message"' in page
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID and not Refund.objects.exists()

    client.post(reverse("booking:decline", args=[booking.pk]), {"message": "Sorry, ill."})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DECLINED and booking.teacher_message == "Sorry, ill."
    assert Refund.objects.get().amount_cents == 1530


def test_confirmation_pages_are_only_for_the_lessons_own_people(
    client, student, other_student, teacher
):
    booking = paid_lesson(student, teacher)
    client.force_login(other_student)
    assert client.get(reverse("booking:cancel", args=[booking.pk])).status_code == 404
