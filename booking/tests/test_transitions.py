"""Each transition: who may make it, from which status, what it records and sends."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.factories import StudentFactory, TeacherFactory
from booking.exceptions import InvalidTransition, SlotTaken
from booking.models import Booking, BookingStatus
from booking.services import extend_holds, hold_slot
from booking.signals import booking_transitioned

from .conftest import make_booking


@pytest.fixture
def held(available_teacher, student, future_slot):
    return hold_slot(student, available_teacher, future_slot, "Goal")


@pytest.fixture
def paid(held):
    return held.mark_paid()


@pytest.fixture
def confirmed(paid, available_teacher):
    return paid.confirm(by=available_teacher)


@pytest.fixture
def signals():
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    booking_transitioned.connect(receiver)
    yield received
    booking_transitioned.disconnect(receiver)


def statuses(booking):
    return [(e.from_status, e.to_status) for e in booking.events.all()]


def test_happy_path_records_every_step(held, available_teacher, student, signals):
    held.mark_paid()
    held.confirm(by=available_teacher, message="See you!")
    held.complete(now=held.end + timedelta(hours=48))
    held.refresh_from_db()
    assert held.status == BookingStatus.COMPLETED and held.is_active
    assert held.teacher_message == "See you!"
    assert statuses(held) == [
        ("", "held"),
        ("held", "paid"),
        ("paid", "confirmed"),
        ("confirmed", "completed"),
    ]
    confirm_event = held.events.get(to_status="confirmed")
    assert confirm_event.by == available_teacher and confirm_event.note == "See you!"
    assert [(s["old_status"], s["new_status"]) for s in signals] == [
        ("held", "paid"),
        ("paid", "confirmed"),
        ("confirmed", "completed"),
    ]


def test_remove_and_expire_free_the_slot(held, student):
    held.remove(by=student)
    assert held.status == BookingStatus.REMOVED and not held.is_active
    other = make_booking(
        held.teacher,
        StudentFactory(),
        held.start,
        status=BookingStatus.HELD,
        hold_expires_at=timezone.now(),
    )
    other.expire()
    assert other.status == BookingStatus.EXPIRED and not other.is_active


def test_decline_refunds_and_deactivates(paid, available_teacher, signals):
    paid.decline(by=available_teacher, message="Sorry, ill that day.")
    assert paid.status == BookingStatus.DECLINED and not paid.is_active
    assert signals[-1]["refund"] is True
    assert signals[-1]["by"] == available_teacher


def test_student_cancels_own_lesson_in_time_with_refund(confirmed, student, signals):
    confirmed.cancel(by=student, reason="Travelling")
    assert confirmed.status == BookingStatus.CANCELLED and not confirmed.is_active
    assert signals[-1]["refund"] is True and signals[-1]["reason"] == "Travelling"


def test_student_cannot_cancel_within_the_cancellation_window(confirmed, student):
    late = confirmed.start - timedelta(hours=23)
    with pytest.raises(InvalidTransition, match="24 hours"):
        confirmed.cancel(by=student, now=late)


def test_admin_cancels_any_time_and_chooses_the_refund(confirmed, admin_user, signals):
    confirmed.cancel(by=admin_user, reason="Teacher ill", refund=False, now=confirmed.start)
    assert confirmed.status == BookingStatus.CANCELLED
    assert signals[-1]["refund"] is False


@pytest.mark.parametrize("who", ["other_student", "teacher", "editor", "none"])
def test_only_the_student_or_an_admin_cancels(confirmed, who, editor):
    by = {
        "other_student": StudentFactory(),
        "teacher": confirmed.teacher,
        "editor": editor,
        "none": None,
    }[who]
    with pytest.raises(PermissionDenied):
        confirmed.cancel(by=by)
    assert Booking.objects.get(pk=confirmed.pk).status == BookingStatus.CONFIRMED


def test_only_the_lessons_teacher_or_an_admin_confirms(paid, student, admin_user):
    for outsider in (TeacherFactory(), student):
        with pytest.raises(PermissionDenied):
            paid.confirm(by=outsider)
        with pytest.raises(PermissionDenied):
            paid.decline(by=outsider)
    paid.confirm(by=admin_user)
    assert paid.status == BookingStatus.CONFIRMED


def test_only_the_student_or_an_admin_removes(held, available_teacher):
    with pytest.raises(PermissionDenied):
        held.remove(by=available_teacher)
    with pytest.raises(PermissionDenied):
        held.remove(by=StudentFactory())


def test_only_the_system_or_an_admin_marks_paid(held, student):
    with pytest.raises(PermissionDenied):
        held.mark_paid(by=student)


@pytest.mark.parametrize(
    ("method", "kwargs_factory"),
    [
        ("confirm", lambda b: {"by": b.teacher}),
        ("decline", lambda b: {"by": b.teacher}),
        ("cancel", lambda b: {"by": b.student}),
        ("complete", lambda b: {"now": b.end + timedelta(hours=49)}),
    ],
)
def test_transitions_from_the_wrong_status_are_refused(held, method, kwargs_factory):
    with pytest.raises(InvalidTransition, match="in basket"):
        getattr(held, method)(**kwargs_factory(held))
    assert Booking.objects.get(pk=held.pk).status == BookingStatus.HELD


def test_closed_bookings_cannot_change(paid, available_teacher):
    paid.decline(by=available_teacher)
    with pytest.raises(InvalidTransition):
        paid.confirm(by=available_teacher)
    with pytest.raises(InvalidTransition):
        paid.mark_paid()


def test_lesson_cannot_complete_before_it_ends(confirmed):
    with pytest.raises(InvalidTransition, match="after it has ended"):
        confirmed.complete(by=confirmed.teacher, now=confirmed.end - timedelta(minutes=1))
    with pytest.raises(InvalidTransition, match="48 hours after its end"):
        confirmed.complete(now=confirmed.end + timedelta(hours=47))


def test_paying_an_expired_hold_revives_it_when_the_slot_is_free(held):
    held.expire()
    held.mark_paid()
    held.refresh_from_db()
    assert held.status == BookingStatus.PAID and held.is_active


def test_paying_an_expired_hold_whose_slot_was_taken_raises_slot_taken(held):
    held.expire()
    hold_slot(StudentFactory(), held.teacher, held.start)
    with pytest.raises(SlotTaken):
        held.mark_paid()
    held.refresh_from_db()
    assert held.status == BookingStatus.EXPIRED and not held.is_active


def test_extend_holds_never_shortens_and_needs_a_held_booking(held):
    expiry = held.hold_expires_at
    assert extend_holds([held], now=expiry - timedelta(hours=1)) == 0
    held.refresh_from_db()
    assert held.hold_expires_at == expiry
    held.mark_paid()
    assert extend_holds([held], now=expiry - timedelta(minutes=1)) == 0
    held.refresh_from_db()
    assert held.hold_expires_at == expiry and held.hold_extended_at is None


def test_in_basket_upcoming_past_and_for_teacher(held, student, available_teacher):
    now = timezone.now()
    assert list(Booking.objects.in_basket(student, now)) == [held]
    assert list(Booking.objects.in_basket(student, held.hold_expires_at)) == []
    assert list(Booking.objects.upcoming(now).for_teacher(available_teacher)) == [held]
    assert list(Booking.objects.past(held.end)) == [held]
