"""Stripe PaymentIntents and Refunds through the official library.

``settings.STRIPE_API_BASE`` points the client at a local fake Stripe in tests.
"""

import stripe
from django.conf import settings

from .base import (
    PAYING_INTENT_STATES,
    IntentInfo,
    PaymentError,
    PaymentProvider,
    RefundResult,
)


def client():
    options = {"max_network_retries": 2}
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)


class StripeProvider(PaymentProvider):
    name = "stripe"
    uses_stripe_js = True
    reconciles = True

    def create_or_update_intent(self, order):
        """One PaymentIntent per order: created once (idempotency key = order, amount and
        version), then retrieved and its amount updated from the order on each checkout."""
        api = client().v1.payment_intents
        metadata = {"order_id": str(order.pk), "student_id": str(order.student_id)}
        try:
            if order.payment_intent_id:
                intent = api.retrieve(order.payment_intent_id)
                if intent.status not in PAYING_INTENT_STATES and intent.amount != order.total_cents:
                    order.intent_version += 1
                    intent = api.update(
                        order.payment_intent_id,
                        {"amount": order.total_cents, "metadata": metadata},
                        {"idempotency_key": self._key(order, "update")},
                    )
                return intent.client_secret
            intent = api.create(
                {
                    "amount": order.total_cents,
                    "currency": order.currency.lower(),
                    "metadata": metadata,
                    "automatic_payment_methods": {"enabled": True},
                    "description": f"Petit Talk order {order.pk}",
                },
                {"idempotency_key": self._key(order, "create")},
            )
        except stripe.StripeError as exc:
            raise PaymentError(exc.user_message or "The payment service is unavailable.") from exc
        order.payment_intent_id = intent.id
        return intent.client_secret

    @staticmethod
    def _key(order, action):
        return f"order-{order.pk}-{action}-{order.total_cents}-{order.intent_version}"

    def retrieve_intent(self, intent_id):
        try:
            intent = client().v1.payment_intents.retrieve(intent_id)
        except stripe.StripeError as exc:
            raise PaymentError(exc.user_message or "The payment service is unavailable.") from exc
        return IntentInfo(
            id=intent.id,
            status=intent.status,
            amount=intent.amount,
            client_secret=intent.client_secret or "",
        )

    def recent_intents(self, since, page_size=100):
        """Intents created at or after ``since``, every page (Stripe lists newest first)."""
        try:
            page = client().v1.payment_intents.list(
                {"created": {"gte": int(since.timestamp())}, "limit": page_size}
            )
            for intent in page.auto_paging_iter():
                yield intent.to_dict()
        except stripe.StripeError as exc:
            raise PaymentError(exc.user_message or str(exc)) from exc

    def refund(self, payment, amount_cents, reason, idempotency_key, metadata=None):
        try:
            refund = client().v1.refunds.create(
                {
                    "payment_intent": payment.intent_id,
                    "amount": amount_cents,
                    "metadata": {
                        "order_id": str(payment.order_id),
                        "reason": reason[:400],
                        **(metadata or {}),
                    },
                },
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise PaymentError(exc.user_message or str(exc)) from exc
        if refund.status == "failed":
            raise PaymentError(refund.get("failure_reason") or "Stripe could not refund.")
        return RefundResult(refund_id=refund.id, status=refund.status)
