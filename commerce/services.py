"""Commerce rules that touch several rows: the basket, checkout, fulfilment and refunds.

Every path that changes an order locks it first (``select_for_update``), so a double click,
a second tab or two webhook deliveries at once are serialised and the later one sees the
earlier one's result.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from booking.exceptions import BookingError
from booking.models import Booking, BookingSettings, BookingStatus
from site_config.mail import send_templated_email
from site_config.personal_cache import touch_users

from .models import (
    PAID_STATUSES,
    OfferRedemption,
    Order,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from .money import format_cents
from .offers import offers_for_pricing
from .payments import get_provider
from .payments.base import PaymentError
from .pricing import price_basket

logger = logging.getLogger(__name__)

# The provider is taking (or has taken) the money: the checkout page shows the result instead.
PAYING_INTENT_STATES = {"processing", "requires_capture", "succeeded"}

SLOT_TAKEN_REASON = "Your hold had lapsed and someone else booked this time before the payment."


# Basket ------------------------------------------------------------------------------------


def basket_bookings(student, now=None):
    """The student's lessons in the basket (held, hold not lapsed), soonest first."""
    return (
        Booking.objects.in_basket(student, now=now)
        .select_related("teacher__profile")
        .order_by("start")
    )


def price_for(student, bookings, promo_code="", now=None):
    """Price these bookings for this student live from the database (offers can change)."""
    return price_basket(
        bookings,
        offers_for_pricing(student, now=now, promo_code=promo_code),
        student=student,
        promo_code=promo_code,
        now=now,
    )


# Checkout ----------------------------------------------------------------------------------


def _lock_open_order(student, *, create=True):
    """The student's one open order, locked; created if there is none (and ``create``)."""
    order = Order.objects.select_for_update().filter(student=student, status="open").first()
    if order is None and create:
        try:
            with transaction.atomic():
                order = Order.objects.create(student=student, currency=settings.CURRENCY)
        except IntegrityError:  # another request created it a moment ago
            order = Order.objects.select_for_update().get(student=student, status="open")
    return order


def order_matches_price(order, items, price):
    """True when the order holds exactly these lessons at these amounts, with this offer.

    ``items`` are the order's items (already fetched). Used to tell the student that the
    basket changed since checkout started, instead of letting them pay a different total.
    """
    held = {item.booking_id: (item.price_cents, item.discount_cents) for item in items}
    priced = {line.item.pk: (line.price_cents, line.discount_cents) for line in price.lines}
    offer_id = price.applied_offer.pk if price.applied_offer else None
    return held == priced and (
        order.subtotal_cents,
        order.discount_cents,
        order.total_cents,
        order.offer_id,
    ) == (price.subtotal_cents, price.discount_cents, price.total_cents, offer_id)


def _sync_items(order, items, price):
    """Make the order's items and amounts match a fresh price (constant number of queries)."""
    wanted = {line.item.pk: line for line in price.lines}
    existing = {item.booking_id: item for item in items}
    stale = [item.pk for booking_id, item in existing.items() if booking_id not in wanted]
    if stale:
        OrderItem.objects.filter(pk__in=stale).delete()
    new, changed = [], []
    for booking_id, line in wanted.items():
        item = existing.get(booking_id)
        if item is None:
            new.append(
                OrderItem(
                    order=order,
                    booking=line.item,
                    price_cents=line.price_cents,
                    discount_cents=line.discount_cents,
                )
            )
        elif (item.price_cents, item.discount_cents) != (line.price_cents, line.discount_cents):
            item.price_cents, item.discount_cents = line.price_cents, line.discount_cents
            changed.append(item)
    if new:
        OrderItem.objects.bulk_create(new)
    if changed:
        OrderItem.objects.bulk_update(changed, ["price_cents", "discount_cents"])
    order.subtotal_cents = price.subtotal_cents
    order.discount_cents = price.discount_cents
    order.total_cents = price.total_cents
    order.offer = price.applied_offer
    order.promo_code = price.applied_offer.code if price.applied_offer else ""


def _extend_holds(bookings, now):
    """Keep the lessons reserved while the student pays (one UPDATE; never shortens).

    Same rule as ``Booking.extend_hold``, applied to every basket lesson at once so checkout
    costs the same number of queries for 1 or 20 lessons.
    """
    minutes = BookingSettings.current().hold_minutes
    until = now + timedelta(minutes=minutes)
    Booking.objects.filter(
        pk__in=[b.pk for b in bookings], status=BookingStatus.HELD, hold_expires_at__lt=until
    ).update(hold_expires_at=until)
    touch_users(*{booking.student_id for booking in bookings})
    for booking in bookings:
        booking.hold_expires_at = max(booking.hold_expires_at, until)


@dataclass(frozen=True)
class Checkout:
    """Where the student's checkout stands.

    ``order`` is None when the basket is empty. ``changed`` is True when the order did not
    (or, for ``prepare_checkout``, no longer) match the basket: the student must look again
    before paying. ``client_secret`` is empty for free orders and when nothing is payable.
    ``already_paying`` means the provider is processing (or has taken) the payment.
    """

    order: Order | None
    price: object = None
    client_secret: str = ""
    changed: bool = False
    already_paying: bool = False


@transaction.atomic
def prepare_checkout(student, *, promo_code="", billing=None, now=None):
    """Bring the student's open order up to the basket and get the client secret to pay it.

    POST only: it writes. Prices come from the database only (never from the browser). The
    order is locked, so a double click or a second tab finds and reuses the same order; the
    provider's intent is created once per order and reused (its amount updated) afterwards.
    Holds are extended while the student pays. ``changed`` says whether the order had to
    change (new order, other lessons or amounts) since the last call.
    """
    now = now or timezone.now()
    order = _lock_open_order(student, create=False)
    bookings = list(basket_bookings(student, now=now))
    if not bookings:
        return Checkout(order=None)
    order = order or _lock_open_order(student)
    price = price_for(student, bookings, promo_code, now=now)
    items = list(order.items.all())
    changed = not order_matches_price(order, items, price)
    _sync_items(order, items, price)
    _extend_holds(bookings, now)
    if billing:
        order.billing_name = billing["name"]
        order.billing_email = billing["email"]
        order.billing_country = billing["country"]
    provider = get_provider()
    order.payment_provider = provider.name
    client_secret = provider.create_or_update_intent(order) if order.total_cents else ""
    order.save()
    return Checkout(order=order, price=price, client_secret=client_secret, changed=changed)


def checkout_state(student, *, promo_code="", now=None):
    """The checkout page as it stands, read only (GET): no order, hold or intent changes.

    The open order is payable only while it matches the live basket and the provider's
    intent still asks for the order's total; otherwise ``changed`` is True and the student
    restarts checkout (a POST). A provider failure raises PaymentError.
    """
    order = (
        Order.objects.filter(student=student, status=OrderStatus.OPEN)
        .select_related("offer")
        .prefetch_related("items__booking__teacher__profile")
        .first()
    )
    bookings = list(basket_bookings(student, now=now))
    if not bookings:
        return Checkout(order=None)
    price = price_for(student, bookings, promo_code, now=now)
    if order is None or not order_matches_price(order, order.items.all(), price):
        return Checkout(order=order, price=price, changed=True)
    provider = get_provider()
    if provider.name != order.payment_provider:
        return Checkout(order=order, price=price, changed=True)
    client_secret = ""
    if order.total_cents and provider.uses_stripe_js:
        if not order.payment_intent_id:
            return Checkout(order=order, price=price, changed=True)
        intent = provider.retrieve_intent(order.payment_intent_id)
        if intent.status in PAYING_INTENT_STATES:
            return Checkout(order=order, price=price, already_paying=True)
        if intent.amount != order.total_cents:
            return Checkout(order=order, price=price, changed=True)
        client_secret = intent.client_secret
    return Checkout(order=order, price=price, client_secret=client_secret)


# Fulfilment (webhooks and the development provider) ---------------------------------------


def fulfil_payment(order_id, *, intent_id, amount_cents, charge_id="", provider=""):
    """A payment succeeded: the order is paid, its lessons become paid, the offer's
    redemption is counted, and the receipt is emailed. Idempotent.

    A lesson that cannot become paid (its lapsed hold's slot was taken, or it left the basket
    meanwhile) is refunded at once and the student is told why.
    """
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None or (order.payment_intent_id and order.payment_intent_id != intent_id):
        logger.warning("Payment %s does not match order %s; ignored", intent_id, order_id)
        return None
    payment, _ = Payment.objects.get_or_create(
        intent_id=intent_id,
        status=PaymentStatus.SUCCEEDED,
        defaults={
            "order": order,
            "provider": provider or order.payment_provider,
            "amount_cents": amount_cents,
            "charge_id": charge_id or "",
        },
    )
    if order.status != OrderStatus.OPEN:
        return order
    if amount_cents != order.total_cents:
        logger.warning("Order %s paid %s, expected %s", order.pk, amount_cents, order.total_cents)
    order.status = OrderStatus.PAID
    order.paid_at = timezone.now()
    order.failure_reason = ""
    order.save(update_fields=["status", "paid_at", "failure_reason", "updated_at"])
    Refund.objects.filter(order=order, payment__isnull=True).update(payment=payment)
    if order.refunded_cents >= amount_cents > 0:
        # The refund event arrived first: the money is already back with the student.
        order.refresh_refund_status()
        return order

    items = list(order.items.select_related("booking", "booking__teacher__profile"))
    unpaid = []
    for item in items:
        try:
            item.booking.mark_paid(by=None)
        except BookingError:
            unpaid.append(item)
    if order.offer_id:
        OfferRedemption.objects.get_or_create(
            order=order, defaults={"offer_id": order.offer_id, "student_id": order.student_id}
        )
    for item in unpaid:
        refund_item(item, reason=SLOT_TAKEN_REASON, key=f"unfulfilled-item-{item.pk}")
    _send_receipt_on_commit(order, items, unpaid)
    return order


def record_payment_failure(order_id, *, intent_id, message):
    """A payment attempt failed: the order stays open with the reason, lessons stay held."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None or order.status != OrderStatus.OPEN or order.payment_intent_id != intent_id:
        return None
    order.failure_reason = (message or "Your payment was declined.")[:500]
    order.save(update_fields=["failure_reason", "updated_at"])
    Payment.objects.create(
        order=order,
        provider=order.payment_provider,
        intent_id=intent_id,
        amount_cents=order.total_cents,
        status=PaymentStatus.FAILED,
        failure_message=order.failure_reason,
    )
    return order


def record_provider_refunds(intent_id, *, amount_refunded, refunds=()):
    """The provider reports money refunded on a charge (``charge.refunded``). Idempotent.

    Refunds we asked for are matched by id and marked succeeded; refunds made elsewhere
    (the Stripe dashboard) are recorded. Works even before the payment event has arrived.
    """
    order = Order.objects.select_for_update().filter(payment_intent_id=intent_id).first()
    if order is None:
        logger.warning("Refund for unknown payment %s ignored", intent_id)
        return None
    payment = order.payments.filter(status=PaymentStatus.SUCCEEDED).first()
    for data in refunds:
        if data.get("status") not in ("succeeded", "pending"):
            continue
        record_pk = (data.get("metadata") or {}).get("refund_record")
        match = Refund.objects.filter(order=order, provider_refund_id=data["id"]).first() or (
            Refund.objects.filter(order=order, pk=record_pk).first() if record_pk else None
        )
        status = RefundStatus.SUCCEEDED if data["status"] == "succeeded" else RefundStatus.PENDING
        if match is None:
            Refund.objects.get_or_create(
                idempotency_key=f"provider-{data['id']}",
                defaults={
                    "order": order,
                    "payment": payment,
                    "amount_cents": data["amount"],
                    "reason": "Refunded in the Stripe dashboard",
                    "status": status,
                    "provider_refund_id": data["id"],
                },
            )
        elif match.status != RefundStatus.SUCCEEDED:
            match.status, match.provider_refund_id = status, data["id"]
            match.failure_message = ""
            match.save(update_fields=["status", "provider_refund_id", "failure_message"])
    recorded = (
        order.refunds.filter(status=RefundStatus.SUCCEEDED).aggregate(s=Sum("amount_cents"))["s"]
        or 0
    )
    if amount_refunded > recorded:
        Refund.objects.get_or_create(
            idempotency_key=f"provider-{intent_id}-{amount_refunded}",
            defaults={
                "order": order,
                "payment": payment,
                "amount_cents": amount_refunded - recorded,
                "reason": "Refunded in the Stripe dashboard",
                "status": RefundStatus.SUCCEEDED,
            },
        )
    order.refresh_refund_status()
    return order


# Refunds -----------------------------------------------------------------------------------


def refundable_cents(item):
    """What is left to refund on a lesson: what was paid minus refunds not failed."""
    taken = (
        item.refunds.exclude(status=RefundStatus.FAILED).aggregate(s=Sum("amount_cents"))["s"] or 0
    )
    return max(0, item.paid_cents - taken)


def refund_item(item, *, amount_cents=None, reason, by=None, key):
    """Refund a lesson (all that is left by default) through the order's provider.

    The Refund row is created now (pending) and sent to the provider after the commit;
    ``key`` is the idempotency key, so calling twice with the same key refunds once.
    Returns the Refund, or None when nothing is left to refund.
    """
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing:
        return existing
    left = refundable_cents(item)
    amount = left if amount_cents is None else min(amount_cents, left)
    if amount <= 0:
        return None
    order = item.order
    refund = Refund.objects.create(
        order=order,
        item=item,
        payment=order.payments.filter(status=PaymentStatus.SUCCEEDED).first(),
        amount_cents=amount,
        reason=reason[:300],
        by=by if getattr(by, "is_authenticated", False) else None,
        idempotency_key=key,
    )
    transaction.on_commit(lambda: execute_refund(refund.pk))
    return refund


def execute_refund(refund_pk):
    """Send a pending refund to the provider; record success or the provider's refusal.

    A refusal is recorded as failed (admins see it on the order) and never raises.
    """
    refund = Refund.objects.select_related("order", "payment").get(pk=refund_pk)
    if refund.status != RefundStatus.PENDING or refund.provider_refund_id:
        return refund
    order = refund.order
    if refund.payment is None:
        refund.status = RefundStatus.FAILED
        refund.failure_message = "No successful payment to refund."
        refund.save(update_fields=["status", "failure_message", "updated_at"])
        return refund
    try:
        result = get_provider(order.payment_provider or None).refund(
            refund.payment,
            refund.amount_cents,
            refund.reason,
            refund.idempotency_key,
            metadata={"refund_record": str(refund.pk)},
        )
    except PaymentError as exc:
        logger.error("Refund %s refused: %s", refund.pk, exc)
        Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(
            status=RefundStatus.FAILED, failure_message=str(exc)[:500], updated_at=timezone.now()
        )
        refund.refresh_from_db()
        return refund
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        refund.provider_refund_id = result.refund_id
        if result.status == "succeeded":
            refund.status = RefundStatus.SUCCEEDED
        elif result.status == "failed":
            refund.status = RefundStatus.FAILED
        refund.save(update_fields=["status", "provider_refund_id", "updated_at"])
        order.refresh_refund_status()
        if refund.status != RefundStatus.FAILED:
            _send_refund_email_on_commit(refund)
    return refund


# Emails ------------------------------------------------------------------------------------


def _lesson_line(booking, student):
    from booking.notifications import format_local

    return f"{format_local(booking.start, student)} with {booking.teacher.display_name}"


def _send_receipt_on_commit(order, items, unpaid):
    student = order.student
    context = {
        "student_name": student.display_name,
        "order_id": order.pk,
        "lessons": [
            {"when": _lesson_line(item.booking, student), "price": format_cents(item.paid_cents)}
            for item in items
            if item not in unpaid
        ],
        "refunded_lessons": [_lesson_line(item.booking, student) for item in unpaid],
        "subtotal": format_cents(order.subtotal_cents),
        "discount": format_cents(order.discount_cents) if order.discount_cents else "",
        "offer": order.offer.name if order.offer_id else "",
        "total": format_cents(order.total_cents),
        "receipt_url": settings.SITE_URL + reverse("commerce:order_receipt", args=[order.pk]),
        "slot_taken_reason": SLOT_TAKEN_REASON,
    }
    to = [order.billing_email or student.email]
    transaction.on_commit(
        lambda: send_templated_email.enqueue("commerce/emails/receipt", context, to)
    )


def _send_refund_email_on_commit(refund):
    order = refund.order
    context = {
        "student_name": order.student.display_name,
        "order_id": order.pk,
        "amount": format_cents(refund.amount_cents),
        "reason": refund.reason,
        "receipt_url": settings.SITE_URL + reverse("commerce:order_receipt", args=[order.pk]),
    }
    to = [order.billing_email or order.student.email]
    transaction.on_commit(
        lambda: send_templated_email.enqueue("commerce/emails/refund", context, to)
    )


def paid_orders_of(student):
    return Order.objects.filter(student=student, status__in=PAID_STATUSES)
