"""Stripe events: each event id is processed once, by the handler for its type.

The development provider's test-payment page builds the same Stripe-shaped events and calls
``process_event`` too, so both providers share one fulfilment path.
"""

import logging

from django.db import transaction

from . import services
from .models import ProcessedStripeEvent

logger = logging.getLogger(__name__)


def _order_id(intent):
    return (intent.get("metadata") or {}).get("order_id")


def payment_succeeded(intent):
    services.fulfil_payment(
        _order_id(intent),
        intent_id=intent["id"],
        amount_cents=intent.get("amount_received") or intent.get("amount") or 0,
        charge_id=intent.get("latest_charge") or "",
    )


def payment_failed(intent):
    error = intent.get("last_payment_error") or {}
    services.record_payment_failure(
        _order_id(intent), intent_id=intent["id"], message=error.get("message", "")
    )


def charge_refunded(charge):
    refunds = (charge.get("refunds") or {}).get("data") or []
    services.record_provider_refunds(
        charge.get("payment_intent"),
        amount_refunded=charge.get("amount_refunded") or 0,
        refunds=refunds,
    )


HANDLERS = {
    "payment_intent.succeeded": payment_succeeded,
    "payment_intent.payment_failed": payment_failed,
    "charge.refunded": charge_refunded,
}


def process_event(event):
    """Handle one event once. Returns False for a replay. Unknown types are recorded only.

    The event row and the handler's changes commit together: if the handler fails, the
    event is not marked processed and the provider's retry will try again.
    """
    with transaction.atomic():
        _, created = ProcessedStripeEvent.objects.get_or_create(
            event_id=event["id"], defaults={"type": event.get("type", "")[:100]}
        )
        if not created:
            logger.info("Stripe event %s replayed; ignored", event["id"])
            return False
        handler = HANDLERS.get(event.get("type"))
        if handler is not None:
            handler(event["data"]["object"])
    return True
