"""The Stripe webhook never answers 500: correctly signed but malformed events are logged and
ignored (2xx, nothing changes), and signatures outside Stripe's 300 s tolerance, in the past
or in the future, are rejected with a 400."""

import json
import logging
import time

import pytest
from django.urls import reverse

from commerce.models import Order, OrderStatus, Payment, ProcessedStripeEvent

from .conftest import WEBHOOK_SECRET, checkout_and_submit, make_held
from .fake_stripe import sign_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_order(client, student, teacher, fake_stripe):
    """A student at checkout with one lesson; Stripe says its intent succeeded."""
    make_held(student, teacher, 1)
    client.force_login(student)
    checkout_and_submit(client)
    client.logout()
    order = Order.objects.get(student=student)
    fake_stripe.succeed(order.payment_intent_id)
    return order


def post_raw(client, payload, timestamp=None):
    """POST ``payload`` (a str, sent as is) signed with the real Stripe scheme."""
    return client.post(
        reverse("commerce:stripe_webhook"),
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign_payload(payload, WEBHOOK_SECRET, timestamp=timestamp),
    )


def event(event_type="payment_intent.succeeded", **fields):
    return {"id": "evt_malformed", "object": "event", "type": event_type, **fields}


def intent(order, **fields):
    return {
        "id": order.payment_intent_id,
        "object": "payment_intent",
        "amount": order.total_cents,
        "amount_received": order.total_cents,
        "metadata": {"order_id": str(order.pk)},
        **fields,
    }


MALFORMED = {
    "order_id_not_a_number": lambda o: event(
        data={"object": intent(o, metadata={"order_id": "abc"})}
    ),
    "order_id_missing": lambda o: event(data={"object": intent(o, metadata={})}),
    "order_id_a_list": lambda o: event(data={"object": intent(o, metadata={"order_id": [1]})}),
    "metadata_not_an_object": lambda o: event(data={"object": intent(o, metadata="x")}),
    "intent_id_missing": lambda o: event(
        data={"object": {k: v for k, v in intent(o).items() if k != "id"}}
    ),
    "amount_not_a_number": lambda o: event(data={"object": intent(o, amount_received="lots")}),
    "failed_order_id_not_a_number": lambda o: event(
        "payment_intent.payment_failed", data={"object": intent(o, metadata={"order_id": "abc"})}
    ),
    "failed_error_not_an_object": lambda o: event(
        "payment_intent.payment_failed", data={"object": intent(o, last_payment_error="boom")}
    ),
    "refund_list_not_a_list": lambda o: event(
        "charge.refunded",
        data={
            "object": {
                "id": "ch_1",
                "payment_intent": o.payment_intent_id,
                "amount_refunded": 100,
                "refunds": {"data": "x"},
            }
        },
    ),
    "refund_amount_not_a_number": lambda o: event(
        "charge.refunded",
        data={"object": {"payment_intent": o.payment_intent_id, "amount_refunded": "all"}},
    ),
    "data_missing": lambda o: event(),
    "data_not_an_object": lambda o: event(data=[1, 2]),
    "data_object_missing": lambda o: event(data={}),
    "data_object_not_an_object": lambda o: event(data={"object": "pi_123"}),
    "event_id_missing": lambda o: {"type": "payment_intent.succeeded", "data": {"object": {}}},
    "event_type_not_a_string": lambda o: event(event_type=7, data={"object": intent(o)}),
    "body_empty_object": lambda o: {},
    "body_array": lambda o: [],
    "body_array_of_events": lambda o: [event(data={"object": intent(o)})],
    "body_string": lambda o: "x",
    "body_null": lambda o: None,
    "body_number": lambda o: 42,
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_signed_malformed_event_is_ignored_and_logged_not_a_500(client, open_order, body, caplog):
    caplog.set_level(logging.WARNING, logger="commerce.webhooks")

    response = post_raw(client, json.dumps(body(open_order)))

    assert response.status_code == 200
    assert any("ignored" in r.getMessage() for r in caplog.records if r.name == "commerce.webhooks")
    open_order.refresh_from_db()
    assert open_order.status == OrderStatus.OPEN
    assert not Payment.objects.exists()
    assert not ProcessedStripeEvent.objects.exists()


@pytest.mark.parametrize(
    ("offset", "status"),
    [(-301, 400), (-3600, 400), (301, 400), (3600, 400), (-290, 200), (0, 200), (290, 200)],
)
def test_signature_timestamp_must_be_within_300_seconds_either_way(
    client, webhook_secret, offset, status
):
    payload = json.dumps(event("customer.created", data={"object": {"id": "cus_1"}}))

    response = post_raw(client, payload, timestamp=time.time() + offset)

    assert response.status_code == status
    assert ProcessedStripeEvent.objects.exists() is (status == 200)
