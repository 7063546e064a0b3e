"""Who may write and read a lesson's notes, and when a lesson counts as held.

``lesson_was_held`` is the one place that says which lessons take notes: those completed with
the outcome "held" (``Booking.was_held``), and those that have ended and wait for their
outcome (still confirmed): an unmarked lesson becomes "held" by itself 48 hours after its
end, and a teacher writes notes right after the lesson. A lesson marked as a no-show or a
technical problem takes none. ``held_lessons`` is the same rule as a query filter.
"""

from django.db.models import Q
from django.utils import timezone

from accounts import roles
from accounts.selectors import NOT_A_RELATIONSHIP_STATUSES

from ..transitions import BookingStatus, LessonOutcome


def lesson_was_held(booking, now=None):
    """Whether the lesson took place, so that notes, homework and levels may follow it."""
    now = now or timezone.now()
    if booking.status == BookingStatus.CONFIRMED:
        return booking.end <= now
    return booking.was_held


def held_lessons(now=None):
    """``lesson_was_held`` as a filter on bookings."""
    return Q(status=BookingStatus.CONFIRMED, end__lte=now or timezone.now()) | Q(
        status=BookingStatus.COMPLETED, outcome=LessonOutcome.HELD
    )


def teaches(teacher, student):
    """``teacher`` is one of ``student``'s teachers: they have (had) a lesson together that
    reached the teacher (a basket hold is no lesson)."""
    return bool(
        roles.is_teacher(teacher)
        and teacher.teaching_bookings.filter(student=student)
        .exclude(status__in=NOT_A_RELATIONSHIP_STATUSES)
        .exists()
    )


def may_write_notes(user, booking):
    """The lesson's own teacher writes its notes and homework."""
    return getattr(user, "is_authenticated", False) and user.pk == booking.teacher_id


def may_read_note(user, note):
    """A published note is read by the lesson's student, the lesson's teacher, the student's
    other teachers and admins; a draft only by its lesson's teacher and admins. Anyone else
    gets a 404 (never a hint that the note exists)."""
    if not getattr(user, "is_authenticated", False):
        return False
    booking = note.booking
    if roles.is_admin(user) or user.pk == booking.teacher_id:
        return True
    if not note.is_published:
        return False
    return user.pk == booking.student_id or teaches(user, booking.student)
