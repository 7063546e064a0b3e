"""Booking's receivers: a transition's emails, settling lessons when an account goes, where
teachers and students land after logging in, and the basket hint at login.

Connected in ``BookingConfig.ready()``.
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.signals import login_destination, user_erased, user_erasure_preview
from accounts.zones import format_local

from .basket_hint import note_holds_at_login
from .models import Booking, BookingStatus
from .notifications import (
    OUTCOME_EMAILS,
    queue_outcome_emails,
    queue_reschedule_emails,
    queue_transition_emails,
)
from .services import lessons_settled_on_erasure, settle_lessons_of_closed_account
from .signals import booking_transitioned
from .transitions import EMAILS


@receiver(booking_transitioned, dispatch_uid="booking_transition_emails")
def email_on_transition(sender, booking, transition, new_status, note="", **kwargs):
    """A transition whose table row lists EMAILS tells the people concerned (on commit); a
    moved lesson gets its own emails, with the old and the new time; a lesson's outcome and
    how it was settled have theirs."""
    if EMAILS not in transition.effects:
        return
    if transition.name in ("reschedule", "reschedule_technical_problem"):
        queue_reschedule_emails(booking, kwargs["previous"]["start"])
    elif transition.name in OUTCOME_EMAILS:
        queue_outcome_emails(booking, transition.name, note=note)
    else:
        queue_transition_emails(booking, new_status, note=note)


@receiver(user_erasure_preview, dispatch_uid="booking_lessons_on_erasure_preview")
def lessons_on_erasure_preview(sender, user, now, **kwargs):
    """One sentence per lesson the deletion cancels or releases, in the user's zone."""
    lines, cancelled = [], 0
    for booking in lessons_settled_on_erasure(user, now):
        other = booking.teacher if booking.student_id == user.pk else booking.student
        when = f"{format_local(booking.start, user)} with {other.display_name}"
        if booking.status == BookingStatus.HELD:
            lines.append(f"{when}: removed from the basket")
        else:
            cancelled += 1
            lines.append(f"{when}: cancelled and refunded in full")
    return {"lessons": lines, "cancelled_lessons": cancelled}


@receiver(user_erased, dispatch_uid="booking_settle_lessons_on_erasure")
def settle_lessons_on_erasure(sender, user, **kwargs):
    settle_lessons_of_closed_account(user)


@receiver(login_destination, dispatch_uid="booking_login_destination")
def lessons_after_login(sender, user, **kwargs):
    """Teachers land on their dashboard; students who have lessons (any but lapsed or removed
    holds) on "My bookings"."""
    if roles.is_teacher(user):
        return reverse("booking:teacher_dashboard")
    if roles.is_student(user):
        lessons = Booking.objects.for_student(user).exclude(
            status__in=(BookingStatus.EXPIRED, BookingStatus.REMOVED)
        )
        if lessons.exclude(status=BookingStatus.HELD, hold_expires_at__lte=timezone.now()).exists():
            return reverse("booking:my_bookings")
    return None


@receiver(user_logged_in, dispatch_uid="booking_basket_hint_at_login")
def basket_hint_at_login(sender, request, user, **kwargs):
    """Lessons held from another session show in the header's basket count from login on."""
    if request is not None and hasattr(request, "session"):
        note_holds_at_login(request, user)
