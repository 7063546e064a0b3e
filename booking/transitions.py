"""The status table of a booking: one place that says, for each transition, from which
states it starts, which state it ends in, who may make it and which side effects it fires.

``Booking``'s transition methods (``booking.models``) run every change through
``Booking._transition``, which reads this table: it refuses a user the table does not name
(``PermissionDenied``) and a booking in another state (``InvalidTransition``), records a
``BookingEvent`` and sends ``booking_transitioned`` with the transition. Its side effects are
receivers of that one signal: the emails (``booking.receivers.email_on_transition``) and the
refunds (``commerce.signals``). The Wagtail admin offers the actions this table allows for
the booking and the admin (``allowed_transitions``).
"""

from dataclasses import dataclass

from django.db import models

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


# Side effects, each run by a receiver of booking_transitioned.
EMAILS = "emails"  # booking.receivers: the student and/or teacher are told (with an .ics)
REFUND = "refund"  # commerce.signals: what was paid for the lesson goes back


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

    def allows(self, user, booking):
        return any(predicate(user, booking) for predicate in self.may)


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
            effects=(EMAILS,),
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
    )
}
del S


def allowed_transitions(booking, user):
    """Names of the transitions ``user`` (None: the system) may make on ``booking`` in its
    current state, in table order. Time rules (the cancellation notice, a lesson's end) are
    checked when the transition runs."""
    return [
        name
        for name, transition in TRANSITIONS.items()
        if booking.status in transition.sources and transition.allows(user, booking)
    ]
