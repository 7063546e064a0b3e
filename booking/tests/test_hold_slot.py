"""Holding a slot: every refusal rule, stale holds, and no double booking in the database."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import roles
from accounts.factories import StudentFactory, TeacherFactory
from booking.exceptions import SlotTaken, SlotUnavailable
from booking.models import Booking, BookingEvent, BookingStatus
from booking.services import hold_slot

from .conftest import make_booking


def test_hold_creates_a_held_booking_with_hold_time_and_site_price(
    available_teacher, student, future_slot, site_settings
):
    now = timezone.now()
    booking = hold_slot(student, available_teacher, future_slot, "Small talk", now=now)
    assert booking.status == BookingStatus.HELD
    assert booking.is_active
    assert booking.end - booking.start == timedelta(minutes=site_settings.lesson_minutes)
    assert booking.hold_expires_at == now + timedelta(minutes=site_settings.hold_minutes)
    assert booking.price_cents == site_settings.lesson_price_cents
    assert booking.goal == "Small talk"
    event = BookingEvent.objects.get(booking=booking)
    assert (event.from_status, event.to_status, event.by) == ("", "held", student)


def test_teacher_price_override_is_used(available_teacher, student, future_slot):
    available_teacher.profile.price_override_cents = 2500
    available_teacher.profile.save()
    assert hold_slot(student, available_teacher, future_slot).price_cents == 2500


def test_same_slot_twice_is_refused_as_just_taken(available_teacher, student, future_slot):
    hold_slot(student, available_teacher, future_slot)
    with pytest.raises(SlotTaken, match="just taken"):
        hold_slot(StudentFactory(), available_teacher, future_slot)


def test_student_cannot_book_overlapping_lessons_with_two_teachers(
    available_teacher, student, future_slot
):
    other = TeacherFactory()
    other.profile.timezone = "Europe/Paris"
    other.profile.save()
    from .conftest import add_windows, every_day

    add_windows(other, every_day("00:00", "23:00"))
    hold_slot(student, available_teacher, future_slot)
    with pytest.raises(SlotUnavailable, match="already have a lesson"):
        hold_slot(student, other, future_slot + timedelta(minutes=0))


def test_stale_holds_are_expired_in_the_same_transaction(available_teacher, future_slot):
    first, second = StudentFactory(), StudentFactory()
    now = timezone.now()
    slot = future_slot + timedelta(days=1)  # still beyond the notice 31 minutes later
    stale = hold_slot(first, available_teacher, slot, now=now)
    later = now + timedelta(minutes=31)
    fresh = hold_slot(second, available_teacher, slot, now=later)
    stale.refresh_from_db()
    assert stale.status == BookingStatus.EXPIRED and not stale.is_active
    assert fresh.status == BookingStatus.HELD


@pytest.mark.parametrize(
    ("shift", "message"),
    [
        (timedelta(minutes=15), "not available"),  # off the grid
        (-timedelta(days=30), "in the past"),
        (timedelta(weeks=20), "not available"),  # beyond the horizon
    ],
)
def test_refuses_off_grid_past_and_far_slots(
    available_teacher, student, future_slot, shift, message
):
    with pytest.raises(SlotUnavailable, match=message):
        hold_slot(student, available_teacher, future_slot + shift)


def test_refuses_slots_inside_the_minimum_notice(available_teacher, student):
    soon = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=3)
    with pytest.raises(SlotUnavailable):
        hold_slot(student, available_teacher, soon)


def test_refuses_times_without_a_time_zone(available_teacher, student, future_slot):
    with pytest.raises(SlotUnavailable):
        hold_slot(student, available_teacher, future_slot.replace(tzinfo=None))


def test_deactivated_teacher_cannot_be_booked(available_teacher, student, future_slot):
    available_teacher.is_active = False
    available_teacher.save()
    with pytest.raises(SlotUnavailable, match="not taking bookings"):
        hold_slot(student, available_teacher, future_slot)


def test_teacher_cannot_book_themselves(available_teacher, future_slot):
    roles.add_to_group(available_teacher, roles.STUDENTS)
    with pytest.raises(SlotUnavailable, match="yourself"):
        hold_slot(available_teacher, available_teacher, future_slot)


def test_only_students_book(available_teacher, editor, future_slot):
    with pytest.raises(SlotUnavailable, match="Only students"):
        hold_slot(editor, available_teacher, future_slot)


def test_database_refuses_overlapping_active_bookings_for_a_teacher(teacher, future_slot):
    make_booking(teacher, StudentFactory(), future_slot)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_booking(teacher, StudentFactory(), future_slot + timedelta(minutes=30))


def test_database_refuses_overlapping_active_bookings_for_a_student(student, future_slot):
    make_booking(TeacherFactory(), student, future_slot)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_booking(TeacherFactory(), student, future_slot)


def test_database_allows_overlap_with_inactive_bookings(teacher, future_slot):
    cancelled = make_booking(teacher, StudentFactory(), future_slot, status=BookingStatus.CANCELLED)
    active = make_booking(teacher, StudentFactory(), future_slot)
    assert (cancelled.start, cancelled.is_active) == (active.start, False)
    assert Booking.objects.filter(teacher=teacher, start=future_slot).count() == 2


def test_database_refuses_reactivating_into_an_overlap(teacher, future_slot):
    old = make_booking(teacher, StudentFactory(), future_slot, status=BookingStatus.EXPIRED)
    make_booking(teacher, StudentFactory(), future_slot)
    old.is_active = True
    with pytest.raises(IntegrityError), transaction.atomic():
        old.save(update_fields=["is_active"])
