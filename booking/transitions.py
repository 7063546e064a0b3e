"""The status table of a booking: one place that says, for each transition, from which
states it starts, which state it ends in, who may make it and which side effects it fires.

``Booking``'s transition methods (``booking.models``) run every change through
``Booking._transition``, which reads this table: it refuses a user the table does not name
(``PermissionDenied``) and a booking in another state (``InvalidTransition``), records a
``BookingEvent`` and sends ``booking_transitioned`` with the transition. Its side effects are
receivers of that one signal: the emails (``booking.receivers.email_on_transition``) and the
refunds (``commerce.signals``); only the video room is stored by ``_transition`` itself. The
Wagtail admin offers the actions this table allows for the booking and the admin
(``allowed_transitions``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from accounts import roles


class BookingStatus(models.TextChoices):
    HELD = "held", "In basket"
    PAID = "paid", "Paid, awaiting teacher"
    CONFIRMED = "confirmed", "Confirmed"
    COMPLETED = "completed", "Completed"
    EXPIRED = "expired", "Hold expired"
    REMOVED = "removed", "Removed from basket"
    DECLINED = "declined", "Declined by teacher"
    CANCELLED = "cancelled", "Cancelled"


# Statuses that occupy the slot. A HELD booking occupies it only until hold_expires_at;
# stale holds are turned into EXPIRED inside the booking transaction before any check.
ACTIVE_STATUSES = (
    BookingStatus.HELD,
    BookingStatus.PAID,
    BookingStatus.CONFIRMED,
    BookingStatus.COMPLETED,
)


# Who may make a transition: predicates over the acting user (None: the system) and the
# booking.
def system(user, booking):
    """The payment system or a scheduled job (no user)."""
    return user is None


def staff(user, booking):
    """An admin (editors are not staff for bookings)."""
    return roles.is_admin(user)


def student_owner(user, booking):
    """The lesson's own student."""
    return getattr(user, "is_authenticated", False) and user.pk == booking.student_id


def teacher_owner(user, booking):
    """The lesson's own teacher."""
    return getattr(user, "is_authenticated", False) and user.pk == booking.teacher_id


# When a transition may happen: predicates over the booking and the moment.
def any_time(booking, now):
    return True


def after_the_end(booking, now):
    """The lesson is over: its end has passed."""
    return booking.end <= now


# Side effects: the first two are run by receivers of booking_transitioned.
EMAILS = "emails"  # booking.receivers: the student and/or teacher are told (with an .ics)
REFUND = "refund"  # commerce.signals: what was paid for the lesson goes back
BONUS_CREDIT = "bonus_credit"  # commerce.signals: the student gets one bonus credit
# Booking._transition itself: the lesson gets its video room (booking.video_rooms) if it has
# none yet, saved with the new status and before the signal, so its emails carry the link.
VIDEO_ROOM = "video_room"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple
    target: str
    may: tuple
    effects: tuple = ()
    verb: str = ""  # "This lesson is paid, so it cannot be <verb>."
    refused: str = ""  # the PermissionDenied message for anyone else
    admin_label: str = ""  # offered as an action in the Wagtail admin when not empty
    when: Callable = any_time  # when(booking, now): whether the moment has come
    too_early: str = ""  # the InvalidTransition message before that moment

    def allows(self, user, booking):
        return any(predicate(user, booking) for predicate in self.may)

    def is_due(self, booking, now):
        return self.when(booking, now)

    def refusal(self, user, booking, now):
        """Why ``user`` may not make this transition on ``booking`` at ``now`` ("" if they
        may): the same messages the transition methods raise."""
        if not self.allows(user, booking):
            return self.refused
        if booking.status not in self.sources:
            return (
                f"This lesson is {booking.get_status_display().lower()}, so it cannot be "
                f"{self.verb}."
            )
        if not self.is_due(booking, now):
            return self.too_early
        return ""


S = BookingStatus
TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "mark_paid",
            sources=(S.HELD, S.EXPIRED),
            target=S.PAID,
            may=(system, staff),
            effects=(EMAILS,),
            verb="marked as paid",
            refused="Only the payment system or an admin can mark a lesson paid.",
            admin_label="Mark as paid",
        ),
        Transition(
            "confirm",
            sources=(S.PAID,),
            target=S.CONFIRMED,
            may=(teacher_owner, staff),
            effects=(VIDEO_ROOM, EMAILS),
            verb="confirmed",
            refused="Only the teacher of this lesson or an admin can do this.",
            admin_label="Confirm",
        ),
        Transition(
            "decline",
            sources=(S.PAID,),
            target=S.DECLINED,
            may=(teacher_owner, staff),
            effects=(EMAILS, REFUND),
            verb="declined",
            refused="Only the teacher of this lesson or an admin can do this.",
            admin_label="Decline (refund)",
        ),
        Transition(
            "cancel",
            sources=(S.PAID, S.CONFIRMED),
            target=S.CANCELLED,
            may=(student_owner, staff),
            effects=(EMAILS, REFUND),
            verb="cancelled",
            refused="Only the student or an admin can cancel this lesson.",
            admin_label="Cancel",
        ),
        # The student cancels after the cancellation notice a lesson paid with a credit
        # (``Booking.cancel`` asks ``booking.signals.late_cancel_allowed``): allowed, but
        # nothing goes back; the credit is spent unless the teacher waives it.
        Transition(
            "cancel_late",
            sources=(S.PAID, S.CONFIRMED),
            target=S.CANCELLED,
            may=(student_owner,),
            effects=(EMAILS,),
            verb="cancelled",
            refused="Only the student can cancel this lesson.",
        ),
        # The lesson moves to another free time of its teacher (``services.reschedule_booking``):
        # nothing is paid again and the teacher confirms the new time.
        Transition(
            "reschedule",
            sources=(S.PAID, S.CONFIRMED),
            target=S.PAID,
            may=(student_owner, staff),
            effects=(EMAILS,),
            verb="rescheduled",
            refused="Only the student of this lesson or an admin can move it.",
        ),
        Transition(
            "remove",
            sources=(S.HELD,),
            target=S.REMOVED,
            may=(student_owner, staff),
            verb="removed from the basket",
            refused="Only the student of this lesson or an admin can do this.",
            admin_label="Remove from basket",
        ),
        Transition(
            "complete",
            sources=(S.CONFIRMED,),
            target=S.COMPLETED,
            may=(system, staff),
            verb="completed",
            refused="Lessons are completed by the system or an admin.",
            admin_label="Mark as completed",
            when=after_the_end,
            too_early="A lesson can only be completed after it has ended.",
        ),
        Transition(
            "expire",
            sources=(S.HELD,),
            target=S.EXPIRED,
            may=(system,),
            verb="expired",
            refused="Holds expire by themselves.",
        ),
        # Deleting an account settles the lessons of its student or teacher.
        Transition(
            "release_for_closed_account",
            sources=(S.HELD,),
            target=S.REMOVED,
            may=(student_owner, teacher_owner),
            verb="removed from the basket",
            refused="Only the lesson's student or teacher can do this.",
        ),
        Transition(
            "cancel_for_closed_account",
            sources=(S.PAID, S.CONFIRMED),
            target=S.CANCELLED,
            may=(student_owner, teacher_owner),
            effects=(EMAILS, REFUND),
            verb="cancelled",
            refused="Only the lesson's student or teacher can do this.",
        ),
        # The teacher takes time off or narrows their weekly hours over booked lessons and
        # confirms (booking.services.save_availability): paid and confirmed lessons are
        # declined as a decline is (full refund, the student's email), holds released.
        Transition(
            "decline_unavailable",
            sources=(S.PAID, S.CONFIRMED),
            target=S.DECLINED,
            may=(teacher_owner,),
            effects=(EMAILS, REFUND),
            verb="declined",
            refused="Only the teacher of this lesson can do this.",
        ),
        Transition(
            "release_unavailable",
            sources=(S.HELD,),
            target=S.REMOVED,
            may=(teacher_owner,),
            verb="removed from the basket",
            refused="Only the teacher of this lesson can do this.",
        ),
    )
}
del S


def allowed_transitions(booking, user, now=None):
    """Names of the transitions ``user`` (None: the system) may make on ``booking`` in its
    current state at ``now`` (default: now), in table order: a lesson is completed only once
    it has ended. The student's cancellation notice is checked when the cancel runs."""
    now = now or timezone.now()
    return [
        name
        for name, transition in TRANSITIONS.items()
        if booking.status in transition.sources
        and transition.allows(user, booking)
        and transition.is_due(booking, now)
    ]
