"""A pack is paid like lessons: a Stripe PaymentIntent for the server's total, a signed
webhook; each paid pack line becomes one credit lot, once. An order line is a lesson or a
pack, never both or neither (database constraint)."""

import pytest
from django.db import IntegrityError, transaction

from booking.factories import BookingFactory
from commerce.credits.services import credit_balance
from commerce.factories import OfferFactory, OrderFactory, PackFactory
from commerce.models import CreditLot, Order, OrderItem, OrderStatus

from .conftest import checkout_and_submit, intent_event, make_held, post_event

pytestmark = pytest.mark.django_db


def test_lessons_and_a_pack_paid_through_stripe_and_its_webhook(
    client, student, teacher, fake_stripe, django_capture_on_commit_callbacks
):
    make_held(student, teacher, 1, price_cents=2000)
    pack = PackFactory(lessons=5, price_cents=8000)
    OfferFactory(value=10)  # lessons only
    client.force_login(student)
    client.post(f"/basket/packs/{pack.pk}/add/")
    checkout_and_submit(client)
    order = Order.objects.get(student=student)
    assert (order.subtotal_cents, order.discount_cents, order.total_cents) == (10000, 200, 9800)
    (create,) = fake_stripe.calls("POST", "/v1/payment_intents")
    assert create.params["amount"] == "9800"
    event = intent_event("payment_intent.succeeded", fake_stripe.succeed(order.payment_intent_id))
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, event).status_code == 200
        assert post_event(client, event).status_code == 200  # a replay changes nothing
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert CreditLot.objects.filter(student=student).count() == 1
    assert credit_balance(student) == 5


def test_an_order_line_is_a_lesson_or_a_pack():
    order = OrderFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderItem.objects.create(order=order, price_cents=100)
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderItem.objects.create(
            order=order,
            pack=PackFactory(),
            booking=BookingFactory(student=order.student, held=True),
            price_cents=100,
        )
