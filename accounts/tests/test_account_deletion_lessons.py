"""Deleting an account settles its lessons: future ones are cancelled and refunded in full,
held ones leave the basket, teachers are told, slots are free again, past orders stay."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.factories import StudentFactory
from booking.factories import AvailabilityWindowFactory, BookingFactory
from booking.models import Booking, BookingStatus
from booking.slots import is_available
from commerce.models import Order, OrderStatus, Refund, RefundStatus
from commerce.services import fulfil_payment, prepare_checkout

pytestmark = pytest.mark.django_db


def lesson(teacher, student, start, status=BookingStatus.HELD):
    return BookingFactory(
        teacher=teacher,
        student=student,
        start=start,
        status=status,
        hold_expires_at=timezone.now() + timedelta(minutes=30),
    )


def pay_basket(student):
    checkout = prepare_checkout(student)
    order = checkout.order
    fulfil_payment(order.pk, intent_id=order.payment_intent_id, amount_cents=order.total_cents)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


@pytest.fixture
def lessons(student, teacher, django_capture_on_commit_callbacks):
    """One order paying a lesson taken last week (completed), one in 5 days (confirmed) and
    one in 3 hours (past the 24 h cancellation deadline); then a held lesson in the basket."""
    teacher.profile.timezone = "UTC"
    teacher.profile.save()
    for day in range(7):
        AvailabilityWindowFactory(
            teacher=teacher, weekday=day, start_time=time(0), end_time=time(23)
        )
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        past = lesson(teacher, student, hour - timedelta(days=7))
        # At 10:00 UTC, inside the 00:00-23:00 windows whatever the time the test runs.
        confirmed = lesson(teacher, student, (hour + timedelta(days=5)).replace(hour=10))
        soon = lesson(teacher, student, hour + timedelta(hours=3))
        order = pay_basket(student)
        confirmed.refresh_from_db()
        confirmed.confirm(by=teacher)
        held = lesson(teacher, student, hour + timedelta(days=6, hours=2))
    past.status = BookingStatus.COMPLETED
    past.save()
    mail.outbox.clear()
    return {
        "confirmed": confirmed,
        "soon": soon,
        "held": held,
        "past": past,
        "order": order,
    }


def test_confirmation_page_lists_the_lessons_and_the_full_refund(client, student, lessons):
    client.force_login(student)
    page = client.get("/profile/delete/").content.decode()
    assert "2 lessons will be cancelled" in page
    assert page.count('class="deletion-lesson"') == 3  # two paid and the held one
    assert "€36.00" in page
    assert "refunded in full" in page


def test_deleting_cancels_future_lessons_with_a_full_refund_and_frees_the_slots(
    client, student, teacher, password, lessons, django_capture_on_commit_callbacks
):
    viewer = StudentFactory()
    confirmed, soon, held, past = (lessons[k] for k in ("confirmed", "soon", "held", "past"))
    assert not is_available(teacher, confirmed.start, viewer=viewer)
    client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/profile/delete/", {"password": password})
    assert response.status_code == 302
    for booking in (confirmed, soon, held, past):
        booking.refresh_from_db()
    assert (confirmed.status, soon.status) == (BookingStatus.CANCELLED, BookingStatus.CANCELLED)
    assert held.status == BookingStatus.REMOVED and not held.is_active
    assert past.status == BookingStatus.COMPLETED
    refunds = Refund.objects.order_by("item__booking__start")
    assert [(r.item.booking_id, r.amount_cents) for r in refunds] == [
        (soon.pk, 1800),
        (confirmed.pk, 1800),
    ]
    assert all(r.status == RefundStatus.SUCCEEDED for r in refunds)
    order = Order.objects.get(pk=lessons["order"].pk)
    # The lesson taken last week was paid in the same order: it stays paid.
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    assert order.refunded_cents == 3600
    assert order.items.count() == 3  # the receipt keeps its lines
    to_teacher = [m for m in mail.outbox if m.to == [teacher.email]]
    assert len(to_teacher) == 2
    assert all("cancelled" in m.subject for m in to_teacher)
    assert is_available(teacher, confirmed.start, viewer=viewer)


def test_deleting_keeps_past_orders_anonymised(client, student, password, lessons):
    order = lessons["order"]
    order.billing_name, order.billing_email = "Ada Student", "ada@example.com"
    order.save()
    client.force_login(student)
    client.post("/profile/delete/", {"password": password})
    order.refresh_from_db()
    assert order.student_id == student.pk
    assert (order.billing_name, order.billing_email) == ("", "")
    student.refresh_from_db()
    assert student.email.endswith("@erased.invalid")


def test_deleting_a_teacher_cancels_their_lessons_and_refunds_the_students(
    client, student, teacher, password, lessons, django_capture_on_commit_callbacks
):
    client.force_login(teacher)
    page = client.get("/profile/delete/").content.decode()
    assert "€36.00" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/profile/delete/", {"password": password})
    assert Refund.objects.count() == 2
    assert not Booking.objects.occupying().filter(teacher=teacher, end__gt=timezone.now())
    assert any(m.to == [student.email] and "cancelled" in m.subject for m in mail.outbox)


def test_an_account_without_lessons_says_nothing_will_be_cancelled(client, other_student):
    client.force_login(other_student)
    page = client.get("/profile/delete/").content.decode()
    assert "deletion-lesson" not in page
    assert "will be refunded" not in page


def test_the_goodbye_message_gives_the_refund(client, student, password, lessons):
    client.force_login(student)
    response = client.post("/profile/delete/", {"password": password}, follow=True)
    text = [str(m) for m in response.context["messages"]]
    assert any("€36.00 will be refunded in full" in m for m in text)
