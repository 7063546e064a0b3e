"""Refunds that follow booking changes: a declined paid lesson, or a cancellation with refund."""

from django.dispatch import receiver

from booking.models import BookingStatus
from booking.signals import booking_transitioned

from .models import PAID_STATUSES, OrderItem
from .services import refund_item

REFUND_REASONS = {
    BookingStatus.DECLINED: "The teacher declined the lesson.",
    BookingStatus.CANCELLED: "The lesson was cancelled.",
}


@receiver(booking_transitioned, dispatch_uid="commerce_refund_on_booking_change")
def refund_declined_or_cancelled_lesson(sender, booking, old_status, new_status, **kwargs):
    """Teacher declines a paid lesson, or it is cancelled with a refund: refund it in full.

    The idempotency key is per lesson and status, so a repeated signal refunds once.
    """
    if new_status not in REFUND_REASONS or not kwargs.get("refund"):
        return
    item = (
        OrderItem.objects.filter(booking=booking, order__status__in=PAID_STATUSES)
        .select_related("order")
        .first()
    )
    if item is None:
        return
    reason = REFUND_REASONS[new_status]
    if kwargs.get("reason"):
        reason = f"{reason} {kwargs['reason']}"
    refund_item(item, reason=reason, by=kwargs.get("by"), key=f"booking-{booking.pk}-{new_status}")
