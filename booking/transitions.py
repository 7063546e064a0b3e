"""The status table of a booking: one place that says, for each transition, from which
states it starts, which state it ends in, who may make it and which side effects it fires.

``Booking``'s transition methods (``booking.models``) run every change through
``Booking._transition``, which reads this table: it refuses a user the table does not name
(``PermissionDenied``) and a booking in another state (``InvalidTransition``), records a
``BookingEvent`` (storing the lesson outcome the row records, if any) and sends
``booking_transitioned`` with the transition. Its side effects are
receivers of that one signal: the emails (``booking.receivers.email_on_transition``) and the
refunds (``commerce.signals``); only the video room is stored by ``_transition`` itself. The
Wagtail admin offers the actions this table allows for the booking and the admin
(``allowed_transitions``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

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
    # Over, but it did not take place as planned and nothing was refunded (yet): the student
    # did not come (the lesson is spent), or a technical problem awaits the student's choice.
    MISSED = "missed", "Did not take place"


class LessonOutcome(models.TextChoices):
    """What happened at a lesson, as its teacher (or an admin, or the scheduler) recorded it
    after its end: ``Booking.outcome`` (empty until then)."""

    HELD = "held", "Held"
    STUDENT_NO_SHOW = "student_no_show", "Student did not come"
    TEACHER_NO_SHOW = "teacher_no_show", "Teacher did not come"
    TECHNICAL_PROBLEM = "technical_problem", "Technical problem"


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


# How long after its end the teacher has to record a lesson's outcome before the scheduler
# records it as held (``complete``).
OUTCOME_WINDOW = timedelta(hours=48)


def outcome_window_over(booking, now):
    """Nobody recorded the lesson's outcome within ``OUTCOME_WINDOW`` of its end."""
    return booking.end + OUTCOME_WINDOW <= now


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
    # The lesson outcome the transition records on the booking (None: it records none).
    outcome: str | None = None
    # The booking's outcome must be one of these (empty: any outcome, or none).
    outcomes: tuple = ()

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
        if self.outcomes and booking.outcome not in self.outcomes:
            outcome = booking.get_outcome_display() or "not recorded"
            return f"This lesson's outcome is “{outcome}”, so it cannot be {self.verb}."
        if not self.is_due(booking, now):
            return self.too_early
        return ""

    def is_open_to(self, booking):
        """The booking is in one of its source states (with one of its outcomes, if any)."""
        return booking.status in self.sources and (
            not self.outcomes or booking.outcome in self.outcomes
        )


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
            admin_label="Move to another time",
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
        # Lesson outcomes: from its end, the lesson's teacher (or an admin) records what
        # happened (booking.outcomes); unmarked, the scheduler records it as held once the
        # OUTCOME_WINDOW has passed ("complete", run by ``complete_lessons``).
        Transition(
            "mark_held",
            sources=(S.CONFIRMED,),
            target=S.COMPLETED,
            may=(teacher_owner, staff),
            effects=(EMAILS,),
            verb="marked as held",
            refused="Only the teacher of this lesson or an admin can record how it went.",
            admin_label="Mark as held",
            when=after_the_end,
            too_early="A lesson's outcome can only be recorded after it has ended.",
            outcome=LessonOutcome.HELD,
        ),
        # The lesson is spent (no refund); the student may dispute it (booking.outcomes).
        Transition(
            "mark_student_no_show",
            sources=(S.CONFIRMED,),
            target=S.MISSED,
            may=(teacher_owner, staff),
            effects=(EMAILS,),
            verb="marked as a student no-show",
            refused="Only the teacher of this lesson or an admin can record how it went.",
            admin_label="Student did not come",
            when=after_the_end,
            too_early="A lesson's outcome can only be recorded after it has ended.",
            outcome=LessonOutcome.STUDENT_NO_SHOW,
        ),
        Transition(
            "mark_teacher_no_show",
            sources=(S.CONFIRMED,),
            target=S.CANCELLED,
            may=(teacher_owner, staff),
            effects=(EMAILS, REFUND, BONUS_CREDIT),
            verb="marked as a teacher no-show",
            refused="Only the teacher of this lesson or an admin can record how it went.",
            admin_label="Teacher did not come (full refund and a bonus credit)",
            when=after_the_end,
            too_early="A lesson's outcome can only be recorded after it has ended.",
            outcome=LessonOutcome.TEACHER_NO_SHOW,
        ),
        # The student then chooses a refund or a free move to another time.
        Transition(
            "mark_technical_problem",
            sources=(S.CONFIRMED,),
            target=S.MISSED,
            may=(teacher_owner, staff),
            effects=(EMAILS,),
            verb="marked as a technical problem",
            refused="Only the teacher of this lesson or an admin can record how it went.",
            admin_label="Technical problem",
            when=after_the_end,
            too_early="A lesson's outcome can only be recorded after it has ended.",
            outcome=LessonOutcome.TECHNICAL_PROBLEM,
        ),
        Transition(
            "complete",
            sources=(S.CONFIRMED,),
            target=S.COMPLETED,
            may=(system,),
            effects=(EMAILS,),
            verb="completed",
            refused="Lessons are completed as held by the system; admins mark them as held.",
            when=outcome_window_over,
            too_early="A lesson is recorded as held by itself 48 hours after its end.",
            outcome=LessonOutcome.HELD,
        ),
        # A technical problem, the student's one choice: a full refund, or a free move
        # (``services.reschedule_booking``: not counted against ``max_reschedules``).
        Transition(
            "refund_technical_problem",
            sources=(S.MISSED,),
            outcomes=(LessonOutcome.TECHNICAL_PROBLEM,),
            target=S.CANCELLED,
            may=(student_owner, staff),
            effects=(EMAILS, REFUND),
            verb="refunded",
            refused="Only the student of this lesson or an admin can choose a refund.",
            admin_label="Refund (technical problem)",
        ),
        Transition(
            "reschedule_technical_problem",
            sources=(S.MISSED,),
            outcomes=(LessonOutcome.TECHNICAL_PROBLEM,),
            target=S.PAID,
            may=(student_owner, staff),
            effects=(EMAILS,),
            verb="moved",
            refused="Only the student of this lesson or an admin can move it.",
        ),
        # An admin upholds a student's dispute of a no-show (booking.outcomes.resolve_dispute).
        Transition(
            "refund_after_dispute",
            sources=(S.MISSED,),
            outcomes=(LessonOutcome.STUDENT_NO_SHOW,),
            target=S.CANCELLED,
            may=(staff,),
            effects=(EMAILS, REFUND),
            verb="refunded",
            refused="Only an admin can refund a disputed lesson.",
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

# The row that records each outcome (``Booking.record_outcome``).
OUTCOME_TRANSITIONS = {
    LessonOutcome.HELD: "mark_held",
    LessonOutcome.STUDENT_NO_SHOW: "mark_student_no_show",
    LessonOutcome.TEACHER_NO_SHOW: "mark_teacher_no_show",
    LessonOutcome.TECHNICAL_PROBLEM: "mark_technical_problem",
}


def allowed_transitions(booking, user, now=None):
    """Names of the transitions ``user`` (None: the system) may make on ``booking`` in its
    current state (and outcome) at ``now`` (default: now), in table order: a lesson's outcome
    is recorded only once it has ended. The student's cancellation notice is checked when the
    cancel runs."""
    now = now or timezone.now()
    return [
        name
        for name, transition in TRANSITIONS.items()
        if transition.is_open_to(booking)
        and transition.allows(user, booking)
        and transition.is_due(booking, now)
    ]
