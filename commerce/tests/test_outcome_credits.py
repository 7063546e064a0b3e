"""Lesson outcomes on lessons paid with a credit (issue 15.3: "full refund (money or credit)
plus one bonus credit"): a teacher's no-show gives the spent credit back and one bonus credit,
once, even when the transition's signal comes again; a student no-show keeps the credit
spent; a technical problem's refund and a dispute decided for the student give it back. On
a card-paid lesson a teacher's no-show refunds the money and gives one bonus credit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking.factories import BookingFactory
from booking.models import Booking, BookingStatus, LessonOutcome
from booking.outcomes.services import open_dispute, resolve_dispute
from booking.signals import booking_transitioned
from booking.transitions import TRANSITIONS
from commerce.credits import services
from commerce.factories import CreditLotFactory
from commerce.models import CreditEntry, CreditKind, CreditLot, Refund, RefundStatus

from .test_cancel_confirmation import paid_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def credit_lesson(student, teacher):
    """A confirmed lesson paid with one of the student's 3 credits that ended an hour ago
    (booked, paid and confirmed before it started; moved into the past for the test)."""
    CreditLotFactory(student=student, quantity=3)
    lesson = BookingFactory(
        student=student, teacher=teacher, held=True, start=timezone.now() + timedelta(days=3)
    )
    services.pay_bookings_with_credits(student, [lesson])
    start = (timezone.now() - timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    Booking.objects.filter(pk=lesson.pk).update(
        status=BookingStatus.CONFIRMED, start=start, end=start + timedelta(minutes=50)
    )
    lesson.refresh_from_db()
    assert services.credit_balance(student) == 2
    return lesson


def entries(lesson, kind):
    return CreditEntry.objects.filter(booking=lesson, kind=kind)


def repeat_signal(lesson, name, by):
    """``booking_transitioned`` once more, as ``Booking._transition`` sends it."""
    transition = TRANSITIONS[name]
    booking_transitioned.send(
        sender=Booking,
        booking=lesson,
        transition=transition,
        old_status=BookingStatus.CONFIRMED,
        new_status=transition.target,
        by=by,
        note="",
        reason="",
        refund=True,
        previous={},
    )


def test_teacher_no_show_returns_the_credit_and_gives_one_bonus_once(
    credit_lesson, student, teacher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        credit_lesson.record_outcome(LessonOutcome.TEACHER_NO_SHOW, by=teacher)
    credit_lesson.refresh_from_db()
    assert credit_lesson.status == BookingStatus.CANCELLED
    assert services.credit_balance(student) == 4  # 2 left + the credit back + the bonus
    back = entries(credit_lesson, CreditKind.RETURN).get()
    assert back.delta == 1 and back.lot_id == services.spend_entry(credit_lesson).lot_id
    assert back.reason.startswith("The teacher did not come")
    bonus = entries(credit_lesson, CreditKind.BONUS).get()
    assert bonus.delta == 1 and bonus.lot.pack_id is None
    assert not Refund.objects.exists()  # no money was paid for it

    with django_capture_on_commit_callbacks(execute=True):
        repeat_signal(credit_lesson, "mark_teacher_no_show", teacher)
        repeat_signal(credit_lesson, "mark_teacher_no_show", teacher)
    assert entries(credit_lesson, CreditKind.RETURN).count() == 1
    assert entries(credit_lesson, CreditKind.BONUS).count() == 1
    assert services.credit_balance(student) == 4


def test_student_no_show_keeps_the_credit_spent(credit_lesson, student, teacher):
    credit_lesson.record_outcome(LessonOutcome.STUDENT_NO_SHOW, by=teacher)
    credit_lesson.refresh_from_db()
    assert credit_lesson.status == BookingStatus.MISSED
    assert services.credit_balance(student) == 2
    assert not entries(credit_lesson, CreditKind.RETURN).exists()
    assert not entries(credit_lesson, CreditKind.BONUS).exists()


def test_a_dispute_the_admin_rejects_keeps_the_credit_spent(
    credit_lesson, student, teacher, admin_user
):
    credit_lesson.record_outcome(LessonOutcome.STUDENT_NO_SHOW, by=teacher)
    dispute = open_dispute(credit_lesson, "I was there, the teacher never opened the room.")
    resolve_dispute(dispute, by=admin_user, refund=False)
    assert services.credit_balance(student) == 2


def test_a_technical_problem_refund_returns_the_credit(credit_lesson, student, teacher):
    credit_lesson.record_outcome(LessonOutcome.TECHNICAL_PROBLEM, by=teacher)
    assert services.credit_balance(student) == 2  # until the student chooses
    credit_lesson.refund_technical_problem(by=student)
    assert services.credit_balance(student) == 3
    back = entries(credit_lesson, CreditKind.RETURN).get()
    assert "technical problem" in back.reason
    assert not entries(credit_lesson, CreditKind.BONUS).exists()
    repeat_signal(credit_lesson, "refund_technical_problem", student)
    assert services.credit_balance(student) == 3


def test_a_dispute_decided_for_the_student_returns_the_credit(
    credit_lesson, student, teacher, admin_user
):
    credit_lesson.record_outcome(LessonOutcome.STUDENT_NO_SHOW, by=teacher)
    dispute = open_dispute(credit_lesson, "My internet was cut by a storm; here is the proof.")
    resolve_dispute(dispute, by=admin_user, refund=True, note="Credit back, sorry.")
    credit_lesson.refresh_from_db()
    assert credit_lesson.status == BookingStatus.CANCELLED
    assert services.credit_balance(student) == 3
    back = entries(credit_lesson, CreditKind.RETURN).get()
    assert "dispute" in back.reason and back.by == admin_user
    assert not entries(credit_lesson, CreditKind.BONUS).exists()


def test_card_paid_teacher_no_show_refunds_the_money_and_gives_one_bonus_credit(
    student, teacher, django_capture_on_commit_callbacks
):
    lesson = paid_lesson(student, teacher, status=BookingStatus.CONFIRMED, days=0, hours=-2)
    with django_capture_on_commit_callbacks(execute=True):
        lesson.record_outcome(LessonOutcome.TEACHER_NO_SHOW, by=teacher)
    refund = Refund.objects.get()
    assert (refund.amount_cents, refund.status) == (1530, RefundStatus.SUCCEEDED)
    assert services.credit_balance(student) == 1
    assert entries(lesson, CreditKind.BONUS).count() == 1
    assert not entries(lesson, CreditKind.RETURN).exists()
    with django_capture_on_commit_callbacks(execute=True):
        repeat_signal(lesson, "mark_teacher_no_show", teacher)
    assert Refund.objects.count() == 1
    assert services.credit_balance(student) == 1


def test_a_credit_returned_after_its_lot_expired_is_usable(
    credit_lesson, student, teacher, django_capture_on_commit_callbacks
):
    """The lot was valid when the lesson started but has expired by the time the outcome is
    recorded (up to 48 hours after the end; a dispute or a choice even later): the credit
    comes back in a new lot of the same pack, valid ``RETURN_VALIDITY_DAYS`` from now, not
    into the expired lot where it would count for nothing."""
    spent = services.spend_entry(credit_lesson)
    CreditLot.objects.filter(pk=spent.lot_id).update(
        expires_at=timezone.now() - timedelta(minutes=30)
    )
    services.record_expiries()
    assert services.credit_balance(student) == 0
    with django_capture_on_commit_callbacks(execute=True):
        credit_lesson.record_outcome(LessonOutcome.TEACHER_NO_SHOW, by=teacher)
    assert services.credit_balance(student) == 2  # the credit back and the bonus
    back = entries(credit_lesson, CreditKind.RETURN).get()
    assert back.lot_id != spent.lot_id
    assert back.lot.moved_from_id == spent.lot_id and back.lot.pack_id == spent.lot.pack_id
    assert back.lot.expires_at > timezone.now() + timedelta(days=services.RETURN_VALIDITY_DAYS - 1)
    services.record_expiries()  # the expired lot has nothing left to expire
    assert services.credit_balance(student) == 2
