"""The interface every payment provider implements."""

from dataclasses import dataclass

# PaymentIntent states (Stripe's names; every provider reports these), in one place.
# The provider is taking, or has taken, the money: the order is frozen, its amount is never
# changed, and the checkout page shows the result instead.
PAYING_INTENT_STATES = frozenset({"processing", "requires_capture", "succeeded"})
# No money is on its way.
STOPPED_INTENT_STATES = frozenset({"requires_payment_method", "canceled"})


class PaymentError(Exception):
    """The provider refused or failed; ``str(error)`` is safe to show to staff."""


@dataclass(frozen=True)
class IntentInfo:
    """What the provider says about an intent now: read, never trusted from the browser."""

    id: str
    status: str
    amount: int
    client_secret: str


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    status: str  # "succeeded", "pending" or "failed"


class PaymentProvider:
    name = ""
    #: True when the checkout page must load Stripe.js and mount the Payment Element.
    uses_stripe_js = False
    #: True when the provider keeps its own record of payments to reconcile orders with.
    reconciles = False

    def create_or_update_intent(self, order):
        """Create the order's payment intent, or reuse it with the order's current amount.

        Sets ``order.payment_intent_id`` (the caller saves the order) and returns the client
        secret the browser needs to pay.
        """
        raise NotImplementedError

    def retrieve_intent(self, intent_id):
        """The intent as the provider has it now (an ``IntentInfo``); reads, never writes.

        Raises PaymentError when the provider cannot answer.
        """
        raise NotImplementedError

    def recent_intents(self, since, page_size=100):
        """Every intent created since ``since`` (Stripe-shaped dicts, newest first)."""
        raise NotImplementedError

    def refund(self, payment, amount_cents, reason, idempotency_key, metadata=None):
        """Give back ``amount_cents`` of ``payment``; raises PaymentError when refused."""
        raise NotImplementedError
