"""An order is paid only for what was paid: a payment in flight freezes its order's lessons.

Once the provider is taking the money (intent ``processing``, ``requires_capture`` or
``succeeded``) the order no longer follows the basket: new lessons go into a new order.
Fulfilment books exactly the lessons the amount received covers (soonest first); any other
amount puts the order in "needs attention" for an admin and refunds the surplus.
"""

import pytest
from django.urls import reverse

from booking.models import Booking, BookingStatus
from commerce.models import Order, OrderStatus, Refund

from .conftest import (
    checkout_and_submit,
    intent_event,
    make_held,
    post_event,
    start_checkout,
)

pytestmark = pytest.mark.django_db


def statuses(*bookings):
    return [Booking.objects.get(pk=b.pk).status for b in bookings]


def pay(client, fake_stripe, order, capture, **intent_changes):
    """Stripe takes the money for ``order``'s intent and sends the signed webhook."""
    intent = fake_stripe.succeed(order.payment_intent_id)
    intent.update(intent_changes)
    with capture(execute=True):
        response = post_event(client, intent_event("payment_intent.succeeded", intent))
    assert response.status_code == 200
    order.refresh_from_db()
    return intent


def test_lessons_added_while_the_payment_is_processing_are_not_paid_by_it(
    client, student, teacher, fake_stripe, django_capture_on_commit_callbacks
):
    (first,) = make_held(student, teacher, 1)
    client.force_login(student)
    checkout_and_submit(client)
    order = Order.objects.get(student=student)
    fake_stripe.intents[order.payment_intent_id]["status"] = "processing"  # card confirmed

    second, third = make_held(student, teacher, 2, first_day=8)
    assert start_checkout(client).status_code == 303  # the student checks out the new lessons

    order.refresh_from_db()
    assert order.status == OrderStatus.PAYING
    assert list(order.items.values_list("booking_id", flat=True)) == [first.pk]
    assert order.total_cents == 1800
    assert fake_stripe.intents[order.payment_intent_id]["amount"] == 1800
    new_order = Order.objects.get(student=student, status=OrderStatus.OPEN)
    assert set(new_order.items.values_list("booking_id", flat=True)) == {second.pk, third.pk}
    assert new_order.payment_intent_id != order.payment_intent_id

    pay(client, fake_stripe, order, django_capture_on_commit_callbacks)
    assert order.status == OrderStatus.PAID
    assert statuses(first, second, third) == [
        BookingStatus.PAID,
        BookingStatus.HELD,
        BookingStatus.HELD,
    ]
    assert not Refund.objects.exists()
    new_order.refresh_from_db()
    assert new_order.status == OrderStatus.OPEN
    assert new_order.total_cents == 3600


def test_the_student_is_told_the_new_lessons_are_in_a_new_basket(
    client, student, teacher, fake_stripe
):
    make_held(student, teacher, 1)
    client.force_login(student)
    checkout_and_submit(client)
    order = Order.objects.get(student=student)
    fake_stripe.intents[order.payment_intent_id]["status"] = "processing"
    make_held(student, teacher, 2, first_day=8)

    response = start_checkout(client)
    page = client.get(response.url).content.decode()
    assert f"Your payment for order {order.pk} is being processed" in page
    assert "in a new basket" in page
    assert "Pay €36.00" in page

    basket = client.get(reverse("commerce:basket")).content.decode()
    assert f"Your payment for order {order.pk} is being processed" in basket
    assert "Lessons (2)" in basket


def test_returning_from_stripe_while_processing_freezes_the_order(
    client, student, teacher, fake_stripe
):
    make_held(student, teacher, 1)
    client.force_login(student)
    checkout_and_submit(client)
    order = Order.objects.get(student=student)
    fake_stripe.intents[order.payment_intent_id]["status"] = "processing"
    page = client.get(reverse("commerce:checkout_success") + f"?order={order.pk}")
    assert "is being processed" in page.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYING
    make_held(student, teacher, 1, first_day=8)
    basket = client.get(reverse("commerce:basket")).content.decode()
    assert "Lessons (1)" in basket
    assert f"Your payment for order {order.pk} is being processed" in basket


def test_a_processing_payment_that_fails_puts_the_lessons_back_in_the_basket(
    client, student, teacher, fake_stripe
):
    (first,) = make_held(student, teacher, 1)
    client.force_login(student)
    checkout_and_submit(client)
    order = Order.objects.get(student=student)
    fake_stripe.intents[order.payment_intent_id]["status"] = "processing"
    start_checkout(client)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYING
    intent = dict(fake_stripe.intents[order.payment_intent_id])
    intent.update(status="requires_payment_method", last_payment_error={"message": "Declined."})
    post_event(client, intent_event("payment_intent.payment_failed", intent))
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN  # no other open order: this one is tried again
    assert order.failure_reason == "Declined."
    assert statuses(first) == [BookingStatus.HELD]
    assert "Lessons (1)" in client.get(reverse("commerce:basket")).content.decode()


def test_less_money_than_the_total_pays_the_soonest_lessons_it_covers(
    client,
    student,
    teacher,
    admin_user,
    fake_stripe,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    first, second, third = make_held(student, teacher, 3)
    client.force_login(student)
    checkout_and_submit(client)
    order = Order.objects.get(student=student)
    assert order.total_cents == 5400
    pay(client, fake_stripe, order, django_capture_on_commit_callbacks, amount_received=2000)

    assert order.status == OrderStatus.NEEDS_ATTENTION
    assert "€20.00" in order.attention_reason and "€54.00" in order.attention_reason
    assert statuses(first, second, third) == [
        BookingStatus.PAID,
        BookingStatus.HELD,
        BookingStatus.HELD,
    ]
    assert list(order.items.values_list("booking_id", flat=True)) == [first.pk]
    (surplus,) = Refund.objects.all()
    assert (surplus.amount_cents, surplus.status, surplus.item) == (200, "succeeded", None)
    (call,) = fake_stripe.calls("POST", "/v1/refunds")
    assert call.params["amount"] == "200"

    # the student is told; the two other lessons are back in the basket
    success = client.get(reverse("commerce:checkout_success") + f"?order={order.pk}")
    assert "did not match your order" in success.content.decode()
    assert "Lessons (2)" in client.get(reverse("commerce:basket")).content.decode()
    receipt = next(m for m in mailoutbox if "receipt" in m.subject.lower())
    assert "did not match your order" in receipt.body

    # admins see it on the dashboard and in the orders listing filter
    client.force_login(admin_user)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Orders needing attention" in dashboard
    assert "1 order needs attention" in dashboard
    listing = client.get(reverse("orders:index") + "?status=needs_attention")
    assert listing.status_code == 200
    assert f"Order {order.pk}" in listing.content.decode()


def test_more_money_than_the_total_refunds_the_surplus(
    client, student, teacher, fake_stripe, django_capture_on_commit_callbacks
):
    first, second = make_held(student, teacher, 2)
    client.force_login(student)
    checkout_and_submit(client)
    order = Order.objects.get(student=student)
    pay(client, fake_stripe, order, django_capture_on_commit_callbacks, amount_received=4000)
    assert order.status == OrderStatus.NEEDS_ATTENTION
    assert statuses(first, second) == [BookingStatus.PAID, BookingStatus.PAID]
    (surplus,) = Refund.objects.all()
    assert (surplus.amount_cents, surplus.status) == (400, "succeeded")


def test_an_admin_resolves_an_order_that_needs_attention(
    client, student, teacher, admin_user, fake_stripe, django_capture_on_commit_callbacks
):
    make_held(student, teacher, 2)
    client.force_login(student)
    checkout_and_submit(client)
    order = Order.objects.get(student=student)
    pay(client, fake_stripe, order, django_capture_on_commit_callbacks, amount_received=1800)
    assert order.status == OrderStatus.NEEDS_ATTENTION
    client.force_login(admin_user)
    url = reverse("orders:inspect", args=[order.pk])
    page = client.get(url).content.decode()
    assert "Needs attention" in page
    assert "The payment received €18.00 but the order totalled €36.00" in page
    assert client.post(url, {"resolve": "1"}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Orders needing attention" not in dashboard


def test_the_exact_amount_pays_every_lesson_as_before(
    client, student, teacher, fake_stripe, django_capture_on_commit_callbacks
):
    first, second = make_held(student, teacher, 2)
    client.force_login(student)
    checkout_and_submit(client)
    order = Order.objects.get(student=student)
    pay(client, fake_stripe, order, django_capture_on_commit_callbacks)
    assert order.status == OrderStatus.PAID
    assert order.attention_reason == ""
    assert statuses(first, second) == [BookingStatus.PAID, BookingStatus.PAID]
    assert not Refund.objects.exists()
