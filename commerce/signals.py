"""Refunds that follow booking changes: a transition whose row in booking's status table
lists REFUND (decline, cancel, closing an account, a teacher's no-show, a technical problem's
refund, a dispute decided for the student) refunds what was paid for the lesson. At login,
a pack already in the basket is remembered for the header's count (``basket_hint``)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.signals import user_erased, user_erasure_preview
from booking.models import BookingStatus
from booking.services import lessons_cancelled_on_erasure
from booking.signals import booking_transitioned, late_cancel_allowed, refund_preview
from booking.transitions import BONUS_CREDIT, REFUND

from .basket_hint import note_packs_at_login
from .credits.services import credit_paid_ids, grant_bonus_credit, return_credit
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


@receiver(booking_transitioned, dispatch_uid="commerce_credit_back_on_booking_change")
def credit_back_for_credit_paid_lesson(sender, booking, transition, new_status, **kwargs):
    """The REFUND of a lesson paid with a credit: the credit goes back to the lot it came
    from (a ledger entry, once per lesson) instead of money; the money receiver above finds
    no paid order line for such a lesson. Inside the transition's transaction."""
    if REFUND not in transition.effects or not kwargs.get("refund"):
        return
    reason = (
        OUTCOME_REFUND_REASONS.get(transition.name)
        or REFUND_REASONS.get(new_status)
        or "The lesson's credit was returned."
    )
    if kwargs.get("reason"):
        reason = f"{reason} {kwargs['reason']}"
    return_credit(booking, reason=reason, by=kwargs.get("by"))


@receiver(booking_transitioned, dispatch_uid="commerce_bonus_credit_on_booking_change")
def bonus_credit_on_transition(sender, booking, transition, **kwargs):
    """A transition whose row lists BONUS_CREDIT gives the student one bonus credit (a lot
    valid the default time; once per lesson)."""
    if BONUS_CREDIT in transition.effects:
        grant_bonus_credit(booking, reason=f"Bonus credit: {transition.name.replace('_', ' ')}")


@receiver(late_cancel_allowed, dispatch_uid="commerce_late_cancel_for_credit_lessons")
def late_cancel_for_credit_lessons(sender, booking=None, bookings=None, **kwargs):
    """Lessons paid with a credit (not yet returned) may be cancelled late: the credit stays
    spent. With ``bookings``: the set of their ids (one query)."""
    if bookings is not None:
        return credit_paid_ids(bookings)
    return booking.pk in credit_paid_ids([booking])


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


@receiver(user_logged_in, dispatch_uid="commerce_basket_packs_hint_at_login")
def basket_packs_hint_at_login(sender, request, user, **kwargs):
    """Packs put in the basket from another session show in the header's count from login."""
    if request is not None and hasattr(request, "session"):
        note_packs_at_login(request, user)
