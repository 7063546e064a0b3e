"""Lesson outcomes that give money back go through the status table's REFUND effect, so
commerce refunds what was paid for the lesson (issue 15.3): a teacher's no-show, a technical
problem whose student chose the refund, a no-show dispute an admin decided for the student.
A student no-show, and a dispute the admin upholds, refund nothing."""

import pytest

from booking.exceptions import InvalidTransition
from booking.models import BookingStatus, LessonOutcome
from booking.outcomes.services import open_dispute, resolve_dispute
from commerce.models import Refund, RefundStatus

from .test_cancel_confirmation import paid_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended_paid(student, teacher):
    """A confirmed lesson paid €15.30 (after a discount) that ended an hour ago."""
    return paid_lesson(student, teacher, status=BookingStatus.CONFIRMED, days=0, hours=-2)


def test_teacher_no_show_refunds_what_was_paid(
    ended_paid, teacher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ended_paid.record_outcome(LessonOutcome.TEACHER_NO_SHOW, by=teacher)
    refund = Refund.objects.get()
    assert refund.item.booking_id == ended_paid.pk
    assert (refund.amount_cents, refund.status) == (1530, RefundStatus.SUCCEEDED)
    assert refund.reason.startswith("The teacher did not come")
    assert refund.idempotency_key == f"booking-{ended_paid.pk}-cancelled"


def test_technical_problem_refunds_only_when_the_student_chooses_it(
    ended_paid, teacher, student, django_capture_on_commit_callbacks
):
    ended_paid.record_outcome(LessonOutcome.TECHNICAL_PROBLEM, by=teacher)
    assert not Refund.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        ended_paid.refund_technical_problem(by=student)
    refund = Refund.objects.get()
    assert (refund.amount_cents, refund.status) == (1530, RefundStatus.SUCCEEDED)
    assert "technical problem" in refund.reason


def test_student_no_show_refunds_nothing_and_an_upheld_dispute_neither(
    ended_paid, teacher, admin_user
):
    ended_paid.record_outcome(LessonOutcome.STUDENT_NO_SHOW, by=teacher)
    dispute = open_dispute(ended_paid, "I was there, the teacher never opened the room.")
    resolve_dispute(dispute, by=admin_user, refund=False)
    assert not Refund.objects.exists()


def test_a_dispute_decided_for_the_student_refunds_the_lesson_once(
    ended_paid, teacher, admin_user, django_capture_on_commit_callbacks
):
    ended_paid.record_outcome(LessonOutcome.STUDENT_NO_SHOW, by=teacher)
    dispute = open_dispute(ended_paid, "My internet was cut by a storm; here is the proof.")
    with django_capture_on_commit_callbacks(execute=True):
        resolve_dispute(dispute, by=admin_user, refund=True, note="Refunded, sorry.")
    refund = Refund.objects.get()
    assert refund.amount_cents == 1530 and refund.by == admin_user
    assert "dispute" in refund.reason
    ended_paid.refresh_from_db()
    assert ended_paid.status == BookingStatus.CANCELLED
    with pytest.raises(InvalidTransition, match="already decided"):
        resolve_dispute(dispute, by=admin_user, refund=True)
    assert Refund.objects.count() == 1
