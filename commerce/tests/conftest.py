"""Commerce fixtures: held bookings, offers, a local fake Stripe and signed webhooks."""

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.factories import BookingFactory
from commerce.factories import OfferFactory

from .fake_stripe import sign_payload, start_fake_stripe

WEBHOOK_SECRET = "whsec_test_secret"
BILLING = {"name": "Ada Student", "email": "ada@example.com", "country": "FR"}


def make_held(student, teacher, count=1, *, price_cents=1800, first_day=5, now=None):
    """``count`` held lessons, two hours apart, starting ``first_day`` days from now."""
    now = now or timezone.now()
    base = (now + timedelta(days=first_day)).replace(minute=0, second=0, microsecond=0)
    return [
        BookingFactory(
            held=True,
            teacher=teacher,
            student=student,
            start=base + timedelta(hours=2 * i),
            hold_expires_at=now + timedelta(minutes=30),
            price_cents=price_cents,
        )
        for i in range(count)
    ]


def make_offer(**fields):
    """A running 10% automatic offer unless ``fields`` say otherwise (``OfferFactory``)."""
    return OfferFactory(**fields)


@pytest.fixture
def held(student, teacher):
    return make_held(student, teacher, 2)


@pytest.fixture
def fake_stripe(settings):
    """Point the real ``stripe`` library at a local fake server and use the Stripe provider."""
    fake, stop = start_fake_stripe()
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake"
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    yield fake
    stop()


@pytest.fixture
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return WEBHOOK_SECRET


def start_checkout(client):
    """The basket's Checkout button: a POST that prepares the order (303 to /checkout/)."""
    return client.post(reverse("commerce:checkout_start"))


def submit_billing(client, billing=BILLING, **extra):
    """The checkout page's Pay button as checkout.js sends it (asks for JSON)."""
    return client.post(
        reverse("commerce:checkout"), billing, HTTP_ACCEPT="application/json", **extra
    )


def checkout_and_submit(client, billing=BILLING):
    """Start checkout, then send the billing details: the order and its intent exist."""
    assert start_checkout(client).status_code == 303
    return submit_billing(client, billing)


def intent_event(event_type, intent, event_id=None):
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": event_type,
        "data": {"object": intent},
    }


def post_event(client, event, secret=WEBHOOK_SECRET, signature=None):
    payload = json.dumps(event)
    headers = {}
    if signature is not False:
        headers["HTTP_STRIPE_SIGNATURE"] = signature or sign_payload(payload, secret)
    return client.post(
        reverse("commerce:stripe_webhook"), payload, content_type="application/json", **headers
    )
