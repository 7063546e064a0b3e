"""A provider for `make run` and tests: no money moves.

Its test-payment page (``commerce:dev_pay``) feeds Stripe-shaped events through the very same
webhook dispatcher as real Stripe events. Production settings refuse to start with it.
"""

from .base import IntentInfo, PaymentProvider, RefundResult


class DevelopmentProvider(PaymentProvider):
    name = "development"

    def create_or_update_intent(self, order):
        if not order.payment_intent_id:
            order.payment_intent_id = f"pi_dev_{order.pk}"
        return f"{order.payment_intent_id}_secret_dev"

    def retrieve_intent(self, intent_id):
        return IntentInfo(
            id=intent_id,
            status="requires_payment_method",
            amount=0,
            client_secret=f"{intent_id}_secret_dev",
        )

    def recent_intents(self, since, page_size=100):
        return []

    def refund(self, payment, amount_cents, reason, idempotency_key, metadata=None):
        return RefundResult(refund_id=f"re_dev_{idempotency_key}", status="succeeded")
