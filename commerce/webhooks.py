"""Stripe events: each event id is processed once, by the handler for its type.

The development provider's test-payment page builds the same Stripe-shaped events and calls
``process_event`` too, so both providers share one fulfilment path.

A webhook never answers 500 for what Stripe sends: a body whose signature or timestamp fails
is rejected (400, ``WebhookRejected``); a correctly signed event we cannot read (not an object,
no ``data.object``, an ``order_id`` that is not a number…) is logged and ignored (200, nothing
changes, so Stripe does not retry it for days).
"""

import json
import logging
import re
import time

import stripe
from django.db import transaction

from . import services
from .models import ProcessedStripeEvent

logger = logging.getLogger(__name__)

# Stripe's default: a signature more than five minutes old (or, for us, ahead) is a replay.
SIGNATURE_TOLERANCE_SECONDS = stripe.Webhook.DEFAULT_TOLERANCE
MAX_ID_LENGTH = 255  # our id columns
DATABASE_ID = re.compile(r"[0-9]{1,18}")  # fits a bigint


class WebhookRejected(Exception):
    """The request is not a genuine, fresh Stripe delivery; ``str(exc)`` is safe to answer."""


class MalformedEvent(Exception):
    """A correctly signed event whose shape we cannot act on: logged and ignored."""


def verified_event(payload, sig_header, secret):
    """The decoded JSON body of a webhook, if its ``Stripe-Signature`` matches ``secret`` and
    was made at most ``SIGNATURE_TOLERANCE_SECONDS`` before or after now.

    The Stripe library rejects only old timestamps; a timestamp far in the future is rejected
    here too. The body may be any JSON value: ``process_event`` checks its shape.
    """
    try:
        stripe.WebhookSignature.verify_header(
            payload, sig_header, secret, SIGNATURE_TOLERANCE_SECONDS
        )
    except stripe.SignatureVerificationError as exc:
        raise WebhookRejected("Invalid signature.") from exc
    if _signed_at(sig_header) > time.time() + SIGNATURE_TOLERANCE_SECONDS:
        raise WebhookRejected("Invalid signature: timestamp is in the future.")
    try:
        return json.loads(payload)
    except ValueError as exc:
        raise WebhookRejected("The body is not JSON.") from exc


def _signed_at(sig_header):
    """The ``t=`` timestamp of a header the Stripe library accepted (read as it reads it)."""
    items = [item.split("=", 2) for item in sig_header.split(",")]
    return int(next(item[1] for item in items if item[0] == "t"))


# Reading event fields: each raises MalformedEvent instead of guessing -----------------------


def _object(value, what):
    if not isinstance(value, dict):
        raise MalformedEvent(f"{what} is not an object")
    return value


def _text(obj, key, *, required=True):
    value = obj.get(key)
    if value in (None, "") and not required:
        return ""
    if not isinstance(value, str) or not value or len(value) > MAX_ID_LENGTH:
        raise MalformedEvent(f"{key} is not a usable string")
    return value


def _cents(obj, key):
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedEvent(f"{key} is not an amount in cents")
    return value


def _order_id(intent):
    """The order primary key Stripe carries in ``metadata.order_id`` (a string of digits)."""
    metadata = _object(intent.get("metadata") or {}, "metadata")
    value = metadata.get("order_id")
    if not isinstance(value, str) or not DATABASE_ID.fullmatch(value):
        raise MalformedEvent(f"metadata.order_id {value!r} is not an order number")
    return int(value)


def _refund(data):
    """One entry of ``charge.refunds.data``, with only the fields fulfilment reads."""
    data = _object(data, "a refund")
    metadata = _object(data.get("metadata") or {}, "refund metadata")
    record = metadata.get("refund_record")
    if record is not None and not (isinstance(record, str) and DATABASE_ID.fullmatch(record)):
        raise MalformedEvent("refund metadata.refund_record is not a refund number")
    return {
        "id": _text(data, "id"),
        "status": _text(data, "status", required=False),
        "amount": _cents(data, "amount") or 0,
        "metadata": {"refund_record": record} if record else {},
    }


# Handlers: read everything first (may raise MalformedEvent), then act ----------------------


def payment_succeeded(intent):
    order_id, intent_id = _order_id(intent), _text(intent, "id")
    received, amount = _cents(intent, "amount_received"), _cents(intent, "amount")
    services.fulfil_payment(
        order_id,
        intent_id=intent_id,
        amount_cents=received or amount or 0,
        charge_id=_text(intent, "latest_charge", required=False),
    )


def payment_failed(intent):
    order_id, intent_id = _order_id(intent), _text(intent, "id")
    error = _object(intent.get("last_payment_error") or {}, "last_payment_error")
    message = error.get("message") or ""
    if not isinstance(message, str):
        raise MalformedEvent("last_payment_error.message is not a string")
    services.record_payment_failure(order_id, intent_id=intent_id, message=message)


def charge_refunded(charge):
    intent_id = _text(charge, "payment_intent")
    amount_refunded = _cents(charge, "amount_refunded") or 0
    refund_list = _object(charge.get("refunds") or {}, "refunds").get("data") or []
    if not isinstance(refund_list, list):
        raise MalformedEvent("refunds.data is not a list")
    refunds = [_refund(data) for data in refund_list]
    services.record_provider_refunds(intent_id, amount_refunded=amount_refunded, refunds=refunds)


HANDLERS = {
    "payment_intent.succeeded": payment_succeeded,
    "payment_intent.payment_failed": payment_failed,
    "charge.refunded": charge_refunded,
}


def _event_parts(event):
    """``(id, type, data.object)`` of a Stripe event, or MalformedEvent."""
    event = _object(event, "the event")
    event_type = event.get("type")
    if not isinstance(event_type, str):
        raise MalformedEvent("type is not a string")
    data = _object(event.get("data"), "data")
    return _text(event, "id"), event_type, _object(data.get("object"), "data.object")


def process_event(event):
    """Handle one event once. Returns False for a replay or an ignored (malformed) event.
    Unknown types are recorded only.

    The event row and the handler's changes commit together: if the handler fails, the
    event is not marked processed and the provider's retry will try again. A malformed
    event is logged and leaves the database as it was (not even its event row).
    """
    event_id = event.get("id") if isinstance(event, dict) else None
    try:
        event_id, event_type, obj = _event_parts(event)
        with transaction.atomic():
            _, created = ProcessedStripeEvent.objects.get_or_create(
                event_id=event_id, defaults={"type": event_type[:100]}
            )
            if not created:
                logger.info("Stripe event %s replayed; ignored", event_id)
                return False
            handler = HANDLERS.get(event_type)
            if handler is not None:
                handler(obj)
    except MalformedEvent as exc:
        logger.warning("Stripe event %r is malformed (%s); ignored", event_id, exc)
        return False
    return True
