"""The Stripe webhook: signatures, replays, out-of-order and concurrent deliveries."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from booking.factories import BookingFactory
from booking.models import Booking, BookingStatus
from commerce.models import OfferRedemption, Order, OrderStatus, ProcessedStripeEvent, Refund

from .conftest import checkout_and_submit, intent_event, make_held, make_offer, post_event
from .fake_stripe import sign_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_order(client, student, teacher, fake_stripe):
    """A student at checkout with two lessons and a 10% offer (Stripe intent created)."""
    make_held(student, teacher, 2)
    make_offer(value=10)
    client.force_login(student)
    checkout_and_submit(client)
    order = Order.objects.get(student=student)
    client.logout()
    return order


def succeeded(fake_stripe, order):
    return fake_stripe.succeed(order.payment_intent_id)


def test_missing_or_forged_signature_is_rejected_and_changes_nothing(
    client, open_order, fake_stripe
):
    event = intent_event("payment_intent.succeeded", succeeded(fake_stripe, open_order))
    assert post_event(client, event, signature=False).status_code == 400
    assert post_event(client, event, secret="whsec_wrong").status_code == 400
    assert post_event(client, event, signature="t=1,v1=deadbeef").status_code == 400
    stale = sign_payload("{}", "whsec_test_secret", timestamp=timezone.now().timestamp() - 3600)
    assert post_event(client, event, signature=stale).status_code == 400
    open_order.refresh_from_db()
    assert open_order.status == OrderStatus.OPEN
    assert not ProcessedStripeEvent.objects.exists()


def test_payment_succeeded_pays_order_and_lessons(
    client, open_order, fake_stripe, mailoutbox, django_capture_on_commit_callbacks
):
    event = intent_event("payment_intent.succeeded", succeeded(fake_stripe, open_order))
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, event).status_code == 200
    open_order.refresh_from_db()
    assert open_order.status == OrderStatus.PAID
    assert open_order.paid_at is not None
    assert set(
        Booking.objects.filter(order_items__order=open_order).values_list("status", flat=True)
    ) == {BookingStatus.PAID}
    assert OfferRedemption.objects.filter(order=open_order).count() == 1
    assert any("receipt" in m.subject.lower() for m in mailoutbox)


def test_replayed_event_is_a_no_op(client, open_order, fake_stripe):
    event = intent_event("payment_intent.succeeded", succeeded(fake_stripe, open_order))
    post_event(client, event)
    assert post_event(client, event).status_code == 200
    assert ProcessedStripeEvent.objects.count() == 1
    assert open_order.payments.count() == 1
    assert OfferRedemption.objects.count() == 1


def test_the_same_payment_announced_twice_under_new_ids_is_fulfilled_once(
    client, open_order, fake_stripe
):
    intent = succeeded(fake_stripe, open_order)
    post_event(client, intent_event("payment_intent.succeeded", intent))
    post_event(client, intent_event("payment_intent.succeeded", intent))
    assert open_order.payments.count() == 1
    assert OfferRedemption.objects.count() == 1


def test_late_failure_after_success_does_not_unpay(client, open_order, fake_stripe):
    intent = succeeded(fake_stripe, open_order)
    post_event(client, intent_event("payment_intent.succeeded", intent))
    failed = {**intent, "status": "requires_payment_method", "last_payment_error": {"message": "x"}}
    post_event(client, intent_event("payment_intent.payment_failed", failed))
    open_order.refresh_from_db()
    assert open_order.status == OrderStatus.PAID
    assert open_order.failure_reason == ""


def test_declined_card_keeps_the_order_open_with_the_reason(client, open_order, fake_stripe):
    intent = dict(fake_stripe.intents[open_order.payment_intent_id])
    intent["last_payment_error"] = {"message": "Your card was declined.", "code": "card_declined"}
    assert (
        post_event(client, intent_event("payment_intent.payment_failed", intent)).status_code == 200
    )
    open_order.refresh_from_db()
    assert open_order.status == OrderStatus.OPEN
    assert open_order.failure_reason == "Your card was declined."
    assert set(
        Booking.objects.filter(order_items__order=open_order).values_list("status", flat=True)
    ) == {BookingStatus.HELD}


def test_refund_reported_before_the_payment_leaves_the_order_refunded(
    client, open_order, fake_stripe
):
    intent = succeeded(fake_stripe, open_order)
    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": intent["id"],
        "amount": intent["amount"],
        "amount_refunded": intent["amount"],
    }
    post_event(client, intent_event("charge.refunded", charge))
    post_event(client, intent_event("payment_intent.succeeded", intent))
    open_order.refresh_from_db()
    assert open_order.status == OrderStatus.REFUNDED
    assert not Booking.objects.filter(status=BookingStatus.PAID).exists()


def test_refund_made_in_the_stripe_dashboard_is_recorded(client, open_order, fake_stripe):
    intent = succeeded(fake_stripe, open_order)
    post_event(client, intent_event("payment_intent.succeeded", intent))
    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": intent["id"],
        "amount_refunded": 500,
        "refunds": {"data": [{"id": "re_dash", "amount": 500, "status": "succeeded"}]},
    }
    post_event(client, intent_event("charge.refunded", charge))
    post_event(client, intent_event("charge.refunded", charge))  # new event id, same refund
    open_order.refresh_from_db()
    assert open_order.status == OrderStatus.PARTIALLY_REFUNDED
    assert Refund.objects.get().amount_cents == 500


def test_unknown_event_types_answer_200(client, webhook_secret):
    event = intent_event("customer.created", {"id": "cus_1", "object": "customer"})
    assert post_event(client, event).status_code == 200


def test_event_for_an_unknown_order_is_ignored(client, webhook_secret):
    intent = {"id": "pi_x", "amount": 100, "amount_received": 100, "metadata": {"order_id": "999"}}
    assert post_event(client, intent_event("payment_intent.succeeded", intent)).status_code == 200


def test_lapsed_hold_whose_slot_was_taken_is_refunded_and_the_student_told(
    client,
    open_order,
    fake_stripe,
    other_student,
    teacher,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    first, second = Booking.objects.filter(order_items__order=open_order).order_by("start")
    past = timezone.now() - timedelta(minutes=1)
    Booking.objects.filter(pk=first.pk).update(hold_expires_at=past)
    first.expire()
    BookingFactory(paid=True, teacher=teacher, student=other_student, start=first.start)
    intent = succeeded(fake_stripe, open_order)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, intent_event("payment_intent.succeeded", intent))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == BookingStatus.EXPIRED
    assert second.status == BookingStatus.PAID
    refund = Refund.objects.get()
    assert refund.amount_cents == 1620  # what was paid for that lesson (10% off)
    assert refund.status == "succeeded"
    (call,) = fake_stripe.calls("POST", "/v1/refunds")
    assert call.idempotency_key == refund.idempotency_key
    open_order.refresh_from_db()
    assert open_order.status == OrderStatus.PARTIALLY_REFUNDED
    receipt = next(m for m in mailoutbox if "receipt" in m.subject.lower())
    assert "could not be booked" in receipt.body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_fulfil_once(student, teacher, fake_stripe):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and concurrent connections")
    client = Client()
    make_held(student, teacher, 2)
    client.force_login(student)
    checkout_and_submit(client)
    order = Order.objects.get(student=student)
    intent = fake_stripe.succeed(order.payment_intent_id)
    events = [intent_event("payment_intent.succeeded", intent, event_id="evt_same")] * 2 + [
        intent_event("payment_intent.succeeded", intent)
    ]
    barrier = threading.Barrier(len(events))
    statuses = []

    def deliver(event):
        barrier.wait()
        try:
            statuses.append(post_event(Client(), event).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(e,)) for e in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200, 200]
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.payments.count() == 1
    assert ProcessedStripeEvent.objects.count() == 2
