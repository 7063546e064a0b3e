"""Refunds: declines and cancellations refund through the provider, idempotently."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.models import Booking, BookingStatus
from booking.transitions import TRANSITIONS
from commerce.models import Order, OrderStatus, Refund

from .conftest import checkout_and_submit, intent_event, make_held, post_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(client, student, teacher, fake_stripe, django_capture_on_commit_callbacks):
    make_held(student, teacher, 2, first_day=6)
    client.force_login(student)
    checkout_and_submit(client)
    order = Order.objects.get(student=student)
    intent = fake_stripe.succeed(order.payment_intent_id)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, intent_event("payment_intent.succeeded", intent))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


def lessons(order):
    return list(Booking.objects.filter(order_items__order=order).order_by("start"))


def test_teacher_decline_refunds_the_lesson_once_through_stripe(
    paid_order, teacher, fake_stripe, mailoutbox, django_capture_on_commit_callbacks
):
    booking = lessons(paid_order)[0]
    with django_capture_on_commit_callbacks(execute=True):
        booking.decline(by=teacher, message="Sorry, I am ill.")
    refund = Refund.objects.get()
    assert (refund.amount_cents, refund.status) == (1800, "succeeded")
    assert refund.provider_refund_id.startswith("re_fake_")
    (call,) = fake_stripe.calls("POST", "/v1/refunds")
    assert call.params["amount"] == "1800"
    assert call.params["payment_intent"] == paid_order.payment_intent_id
    assert call.idempotency_key == f"booking-{booking.pk}-declined"
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.PARTIALLY_REFUNDED
    assert any("Refund of €18.00" in m.subject for m in mailoutbox)


def test_the_same_refund_is_never_sent_twice(
    paid_order, teacher, django_capture_on_commit_callbacks
):
    from commerce.signals import refund_declined_or_cancelled_lesson

    booking = lessons(paid_order)[0]
    with django_capture_on_commit_callbacks(execute=True):
        booking.decline(by=teacher)
        refund_declined_or_cancelled_lesson(
            sender=Booking,
            booking=booking,
            transition=TRANSITIONS["decline"],
            old_status="paid",
            new_status="declined",
            refund=True,
        )
    assert Refund.objects.count() == 1


def test_student_cancelling_ahead_gets_a_full_refund(
    paid_order, student, django_capture_on_commit_callbacks
):
    first, second = lessons(paid_order)
    with django_capture_on_commit_callbacks(execute=True):
        first.cancel(by=student)
        second.cancel(by=student)
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.REFUNDED
    assert sum(r.amount_cents for r in Refund.objects.all()) == 3600


def test_a_refund_stripe_rejects_is_recorded_failed_and_shown_to_admins(
    client, paid_order, teacher, admin_user, fake_stripe, django_capture_on_commit_callbacks
):
    fake_stripe.fail_refunds = "This charge has already been refunded."
    booking = lessons(paid_order)[0]
    with django_capture_on_commit_callbacks(execute=True):
        booking.decline(by=teacher)
    refund = Refund.objects.get()
    assert refund.status == "failed"
    assert "already been refunded" in refund.failure_message
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.PAID
    client.force_login(admin_user)
    page = client.get(reverse("orders:inspect", args=[paid_order.pk])).content.decode()
    assert "Failed" in page
    assert "already been refunded" in page


def test_admin_refunds_part_of_a_lesson_with_a_reason(
    client, paid_order, admin_user, fake_stripe, django_capture_on_commit_callbacks
):
    item = paid_order.items.first()
    client.force_login(admin_user)
    url = reverse("orders:inspect", args=[paid_order.pk])
    assert client.get(url).status_code == 200
    data = {"item": item.pk, "amount": "5.00", "reason": "Short lesson", "token": "t1"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
        client.post(url, data)  # double submit: same token, same refund
    refund = Refund.objects.get()
    assert (refund.amount_cents, refund.reason, refund.by) == (500, "Short lesson", admin_user)
    assert refund.status == "succeeded"
    too_much = {**data, "amount": "20.00", "token": "t2"}
    response = client.post(url, too_much)
    assert "At most €13.00" in response.content.decode()


def test_only_admins_see_orders_in_the_wagtail_admin(client, paid_order, editor):
    client.force_login(editor)
    assert client.get(reverse("orders:index")).status_code in (302, 403)
    assert client.get(reverse("orders:inspect", args=[paid_order.pk])).status_code in (302, 403)


def test_admin_orders_listing_filters_and_exports(client, paid_order, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("orders:index") + "?status=paid")
    assert response.status_code == 200
    export = client.get(reverse("orders:index") + "?export=csv")
    assert export.status_code == 200
    exported = export.getvalue().decode()
    assert "Total (€)" in exported
    assert "36.00" in exported  # euros, not 3600 cents


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_orders_export_costs_the_same_for_1_and_20_orders(
    client, paid_order, admin_user, export
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.factories import StudentFactory
    from commerce.models import Order

    client.force_login(admin_user)
    url = reverse("orders:index") + f"?export={export}"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            b"".join(response.streaming_content) if response.streaming else response.content
        return len(captured)

    one = queries()
    for _ in range(19):
        Order.objects.create(student=StudentFactory(), currency="EUR")
    assert queries() == one


def test_students_see_their_orders_and_receipts(client, paid_order, student, other_student):
    client.force_login(student)
    listing = client.get(reverse("commerce:order_list")).content.decode()
    assert f"Order {paid_order.pk}" in listing
    receipt = client.get(reverse("commerce:order_receipt", args=[paid_order.pk])).content.decode()
    assert "€36.00" in receipt
    client.force_login(other_student)
    assert (
        f"Order {paid_order.pk}" not in client.get(reverse("commerce:order_list")).content.decode()
    )


def test_orders_are_in_the_data_export(paid_order, student):
    from accounts.exports import exporters

    (exported,) = exporters()["orders"](student)
    assert exported["total_cents"] == 3600
    assert len(exported["lessons"]) == 2


def test_refund_not_wanted_when_admin_cancels_without_refund(
    paid_order, admin_user, django_capture_on_commit_callbacks
):
    booking = lessons(paid_order)[0]
    booking.start = timezone.now() + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(by=admin_user, refund=False)
    assert booking.status == BookingStatus.CANCELLED
    assert not Refund.objects.exists()
