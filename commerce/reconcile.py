"""Reconcile our orders with the payment provider's own record of payments.

A safety net for lost or late webhooks, run every minute by the scheduler
(``manage.py reconcile_payments``). Rules:

- a payment the provider took (intent ``succeeded``) whose order is still open or paying is
  fulfilled through the same code as the webhook (idempotent: a second run, or the webhook
  arriving afterwards, changes nothing and sends no second receipt); an amount that differs
  from the order's total is settled there (the order then needs attention);
- an order we marked paid whose intent is not ``succeeded`` is reported, never changed; so
  is an order "paying" whose intent went back to asking for a payment method or was
  cancelled (its failure event was missed);
- so is a taken payment whose order is failed, belongs to another intent, or was for a
  different amount, and any intent without a known order.

Only the provider's intents created in the window (default the last 3 days) are read.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.utils import timezone

from site_config.money import format_cents

from . import webhooks
from .models import PAID_STATUSES, Order, OrderStatus
from .payments import get_provider
from .payments.base import STOPPED_INTENT_STATES

logger = logging.getLogger(__name__)

DEFAULT_DAYS = 3


@dataclass
class ReconcileReport:
    """What one run found: ``fulfilled`` and ``problems`` are sentences for people."""

    provider: str
    since: object = None
    checked: int = 0
    fulfilled: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    nothing_to_do: bool = False

    def summary(self):
        if self.nothing_to_do:
            return f"Payment provider {self.provider}: nothing to reconcile."
        return (
            f"Checked {self.checked} {self.provider} payment(s) created since "
            f"{self.since:%Y-%m-%d %H:%M} UTC: {len(self.fulfilled)} order(s) fulfilled, "
            f"{len(self.problems)} problem(s)."
        )


def _order_pk(intent):
    value = str((intent.get("metadata") or {}).get("order_id") or "")
    return int(value) if value.isdigit() else None


def _describe(intent):
    return f"{intent['id']} ({intent.get('status')}, {format_cents(intent.get('amount') or 0)})"


def reconcile_payments(*, days=DEFAULT_DAYS, now=None, page_size=100):
    """Compare the provider's recent intents with our orders; fulfil what was missed.

    Returns a ``ReconcileReport``. Raises ``PaymentError`` when the provider cannot list.
    """
    provider = get_provider()
    if not provider.reconciles:
        return ReconcileReport(provider=provider.name, nothing_to_do=True)
    since = (now or timezone.now()) - timedelta(days=days)
    report = ReconcileReport(provider=provider.name, since=since)
    intents = list(provider.recent_intents(since, page_size=page_size))
    report.checked = len(intents)
    orders = Order.objects.in_bulk({pk for i in intents if (pk := _order_pk(i)) is not None})

    def problem(text):
        logger.warning("Payment reconciliation: %s", text)
        report.problems.append(text)

    for intent in intents:
        order = orders.get(_order_pk(intent))
        succeeded = intent.get("status") == "succeeded"
        if order is None:
            problem(f"Payment {_describe(intent)} has no known order.")
        elif order.payment_intent_id and order.payment_intent_id != intent["id"]:
            if succeeded:
                problem(
                    f"Payment {_describe(intent)} names order {order.pk}, "
                    f"which is paid through {order.payment_intent_id} instead."
                )
        elif not succeeded:
            if order.status in PAID_STATUSES:
                problem(
                    f"Order {order.pk} is marked {order.status} but its payment "
                    f"{_describe(intent)} has not succeeded."
                )
            elif (
                order.status == OrderStatus.PAYING and intent.get("status") in STOPPED_INTENT_STATES
            ):
                problem(
                    f"Order {order.pk} is marked paying but its payment {_describe(intent)} "
                    "stopped; its lessons wait for a payment that is not coming."
                )
        elif order.status in (OrderStatus.OPEN, OrderStatus.PAYING):
            _fulfil(order, intent, report, problem)
        elif order.status not in PAID_STATUSES:
            problem(
                f"Payment {_describe(intent)} succeeded but order {order.pk} is {order.status}."
            )
        elif (intent.get("amount_received") or 0) != order.total_cents:
            problem(
                f"Order {order.pk} totals {format_cents(order.total_cents)} but payment "
                f"{intent['id']} received {format_cents(intent.get('amount_received') or 0)}."
            )
    return report


def _fulfil(order, intent, report, problem):
    """The webhook's own fulfilment, in its own transaction (one failure stops no other)."""
    try:
        with transaction.atomic():
            webhooks.payment_succeeded(intent)
    except DatabaseError:
        logger.exception("Payment reconciliation could not fulfil order %s", order.pk)
        problem(f"Order {order.pk} could not be fulfilled for payment {_describe(intent)}.")
        return
    order.refresh_from_db(fields=["status"])
    if order.status in PAID_STATUSES:
        text = f"Order {order.pk} fulfilled from payment {_describe(intent)} (webhook missed)."
        logger.info("Payment reconciliation: %s", text)
        report.fulfilled.append(text)
    else:
        problem(f"Order {order.pk} stayed {order.status} after payment {_describe(intent)}.")
