"""Holds cannot hoard a calendar: a per-student cap, and each hold extended once, briefly."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking.exceptions import HoldLimitReached
from booking.models import Booking, BookingSettings, BookingStatus
from booking.services import extend_holds, hold_slot
from booking.slots import available_slots
from commerce.services import prepare_checkout

LIMIT_MESSAGE = "You can hold at most 6 lessons at once. Pay for or remove one first."


def free_slots(teacher, student, count):
    now = timezone.now()
    return available_slots(teacher, now, now + timedelta(days=14), viewer=student)[:count]


def test_default_limit_is_six_held_lessons(site_settings):
    assert site_settings.max_held_lessons == 6


def test_student_cannot_hold_more_than_max_held_lessons(student, available_teacher):
    slots = free_slots(available_teacher, student, 7)
    for slot in slots[:6]:
        hold_slot(student, available_teacher, slot)
    with pytest.raises(HoldLimitReached) as refused:
        hold_slot(student, available_teacher, slots[6])
    assert str(refused.value) == LIMIT_MESSAGE
    assert Booking.objects.in_basket(student).count() == 6


def test_limit_message_uses_the_configured_number(student, available_teacher, site_settings):
    site_settings.max_held_lessons = 2
    site_settings.save()
    slots = free_slots(available_teacher, student, 3)
    hold_slot(student, available_teacher, slots[0])
    hold_slot(student, available_teacher, slots[1])
    with pytest.raises(HoldLimitReached, match=r"^You can hold at most 2 lessons at once\. Pay"):
        hold_slot(student, available_teacher, slots[2])


def test_lapsed_removed_and_paid_lessons_do_not_count(student, available_teacher, site_settings):
    site_settings.max_held_lessons = 2
    site_settings.save()
    slots = free_slots(available_teacher, student, 5)
    now = timezone.now()
    lapsing = hold_slot(student, available_teacher, slots[0], now=now - timedelta(minutes=31))
    removed = hold_slot(student, available_teacher, slots[1], now=now)
    paid = hold_slot(student, available_teacher, slots[2], now=now)
    removed.remove(by=student)
    paid.mark_paid()
    hold_slot(student, available_teacher, slots[3], now=now)
    hold_slot(student, available_teacher, slots[4], now=now)
    lapsing.refresh_from_db()
    assert lapsing.status == BookingStatus.EXPIRED
    assert Booking.objects.in_basket(student, now).count() == 2


def test_another_student_is_not_limited_by_someone_elses_holds(
    student, other_student, available_teacher, site_settings
):
    site_settings.max_held_lessons = 1
    site_settings.save()
    first, second = free_slots(available_teacher, student, 2)
    hold_slot(student, available_teacher, first)
    assert hold_slot(other_student, available_teacher, second).status == BookingStatus.HELD


def test_booking_page_shows_the_limit_and_keeps_the_basket(client, student, available_teacher):
    slots = free_slots(available_teacher, student, 7)
    for slot in slots[:6]:
        hold_slot(student, available_teacher, slot)
    client.force_login(student)
    url = f"{reverse('booking:book')}?teacher={available_teacher.profile.slug}"
    response = client.post(
        url, {"teacher": available_teacher.profile.slug, "slot": slots[6].isoformat()}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert LIMIT_MESSAGE in page
    assert 'role="alert"' in page
    assert reverse("commerce:basket") in page
    assert Booking.objects.in_basket(student).count() == 6


# Extending holds ---------------------------------------------------------------------------


@pytest.fixture
def two_holds(student, available_teacher):
    now = timezone.now()
    slots = free_slots(available_teacher, student, 2)
    return now, [hold_slot(student, available_teacher, slot, now=now) for slot in slots]


def test_a_hold_is_extended_once_by_at_most_the_hold_length(two_holds, site_settings):
    now, holds = two_holds
    hold = timedelta(minutes=site_settings.hold_minutes)
    later = now + timedelta(minutes=20)
    extend_holds(holds, now=later)
    for booking in holds:
        booking.refresh_from_db()
        assert booking.hold_expires_at == later + hold
        assert booking.hold_extended_at == later
    extend_holds(holds, now=later + timedelta(minutes=5))
    for booking in holds:
        booking.refresh_from_db()
        assert booking.hold_expires_at == later + hold


def test_an_extension_never_goes_beyond_twice_the_hold_length_after_creation(
    two_holds, site_settings
):
    _now, holds = two_holds
    hold = timedelta(minutes=site_settings.hold_minutes)
    for booking in holds:
        booking.refresh_from_db()
    created = holds[0].created_at
    extend_holds(holds, now=created + hold - timedelta(seconds=1))
    for booking in holds:
        booking.refresh_from_db()
        assert booking.hold_expires_at <= booking.created_at + 2 * hold


def test_lapsed_paid_and_never_shortened_holds_are_not_extended(two_holds, site_settings):
    _now, (lapsed, paid) = two_holds
    paid.mark_paid()
    expiry = lapsed.hold_expires_at
    extend_holds([lapsed, paid], now=expiry + timedelta(seconds=1))
    lapsed.refresh_from_db()
    paid.refresh_from_db()
    assert lapsed.hold_expires_at == expiry and lapsed.hold_extended_at is None
    assert paid.hold_extended_at is None


def test_extending_many_holds_costs_a_constant_number_of_queries(
    student, available_teacher, site_settings
):
    site_settings.max_held_lessons = 7
    site_settings.save()
    slots = free_slots(available_teacher, student, 7)
    one = [hold_slot(student, available_teacher, slots[0])]
    six = [hold_slot(student, available_teacher, slot) for slot in slots[1:7]]
    now = timezone.now() + timedelta(minutes=1)
    BookingSettings.current()  # the settings cache is warm for both runs
    with CaptureQueriesContext(connection) as for_one:
        assert extend_holds(one, now=now) == 1
    with CaptureQueriesContext(connection) as for_six:
        assert extend_holds(six, now=now) == 6
    assert len(for_one) == len(for_six)


def test_repeated_checkout_starts_extend_each_hold_only_once(two_holds, student, site_settings):
    now, holds = two_holds
    hold = timedelta(minutes=site_settings.hold_minutes)
    first = now + timedelta(minutes=10)
    prepare_checkout(student, now=first)
    for step in range(1, 6):
        prepare_checkout(student, now=first + timedelta(minutes=3 * step))
    for booking in holds:
        booking.refresh_from_db()
        assert booking.hold_expires_at == first + hold
    assert not Booking.objects.in_basket(student, now + 2 * hold + timedelta(seconds=1)).exists()
