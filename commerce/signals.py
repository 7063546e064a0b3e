"""Refunds that follow booking changes: a transition whose row in booking's status table
lists REFUND (decline, cancel, closing an account, a teacher's no-show, a technical problem's
refund, a dispute decided for the student) refunds what was paid for the lesson."""

from django.dispatch import receiver

from accounts.signals import user_erased, user_erasure_preview
from booking.models import BookingStatus
from booking.services import lessons_cancelled_on_erasure
from booking.signals import booking_transitioned, refund_preview
from booking.transitions import REFUND

from .models import PAID_STATUSES, Order, OrderItem
from .services import refund_item, refundable_cents

REFUND_REASONS = {
    BookingStatus.DECLINED: "The teacher declined the lesson.",
    BookingStatus.CANCELLED: "The lesson was cancelled.",
}
# Transitions that refund for a reason of their own (booking.outcomes), by name.
OUTCOME_REFUND_REASONS = {
    "mark_teacher_no_show": "The teacher did not come to the lesson.",
    "refund_technical_problem": "A technical problem spoiled the lesson.",
    "refund_after_dispute": "The student's dispute of a no-show was upheld.",
}


@receiver(booking_transitioned, dispatch_uid="commerce_refund_on_booking_change")
def refund_declined_or_cancelled_lesson(sender, booking, transition, new_status, **kwargs):
    """Teacher declines a paid lesson, or it is cancelled with a refund: refund it in full.

    Runs inside the transition's transaction, so the Refund row commits with the new status;
    the provider is called on commit. The idempotency key is per lesson and status, so a
    repeated signal refunds once.
    """
    if REFUND not in transition.effects or not kwargs.get("refund"):
        return
    item = (
        OrderItem.objects.filter(booking=booking, order__status__in=PAID_STATUSES)
        .select_related("order")
        .first()
    )
    if item is None:
        return
    reason = OUTCOME_REFUND_REASONS.get(transition.name) or REFUND_REASONS[new_status]
    if kwargs.get("reason"):
        reason = f"{reason} {kwargs['reason']}"
    refund_item(item, reason=reason, by=kwargs.get("by"), key=f"booking-{booking.pk}-{new_status}")


@receiver(refund_preview, dispatch_uid="commerce_refund_preview_for_booking")
def refund_preview_for_booking(sender, booking, **kwargs):
    """What cancelling or declining the lesson now would refund: what is left on its paid
    order line (``refundable_cents``), 0 when it was not paid through an order."""
    item = OrderItem.objects.filter(booking=booking, order__status__in=PAID_STATUSES).first()
    return refundable_cents(item) if item is not None else 0


@receiver(user_erasure_preview, dispatch_uid="commerce_refund_preview_on_erasure")
def refund_on_erasure_preview(sender, user, now, **kwargs):
    """Deleting an account cancels its future paid lessons with a full refund: how much."""
    items = OrderItem.objects.filter(
        booking__in=lessons_cancelled_on_erasure(user, now), order__status__in=PAID_STATUSES
    )
    return {"refund_cents": sum(refundable_cents(item) for item in items)}


@receiver(user_erased, dispatch_uid="commerce_anonymise_orders_on_erasure")
def anonymise_orders_on_erasure(sender, user, **kwargs):
    """Orders and receipts stay for accounting, without the erased user's billing details."""
    Order.objects.filter(student=user).update(billing_name="", billing_email="")
