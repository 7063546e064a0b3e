"""Moves race for one slot at the same moment: exactly one gets it (PostgreSQL), under the same
guarantees as a hold (the exclusion constraint has the last word)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.factories import StudentFactory
from booking.models import Booking, BookingStatus
from booking.slots import available_slots

from .conftest import make_booking

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: real concurrent transactions (set DATABASE_URL)",
    ),
]

MOVERS = 8


def race(requests):
    """Send each (client, url, data) at the same moment; return (status, body) per request."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def attempt(i):
        client, url, data = requests[i]
        try:
            barrier.wait()
            response = client.post(url, data)
            results[i] = (response.status_code, response.content.decode())
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_students_moving_their_lessons_to_one_slot_only_one_wins(available_teacher):
    now = timezone.now()
    slots = available_slots(available_teacher, now, now + timedelta(days=10))
    target, own_times = slots[0], slots[1 : MOVERS + 1]
    lessons = [
        make_booking(available_teacher, StudentFactory(), start, status=BookingStatus.CONFIRMED)
        for start in own_times
    ]
    results = race(
        [
            (
                logged_in(lesson.student),
                reverse("booking:reschedule", args=[lesson.pk]),
                {"slot": target.isoformat()},
            )
            for lesson in lessons
        ]
    )
    codes = [code for code, _ in results]
    assert codes.count(302) == 1, codes
    assert 500 not in codes
    assert all("this slot was just taken" in body for code, body in results if code != 302)
    at_target = Booking.objects.filter(teacher=available_teacher, start=target, is_active=True)
    assert at_target.count() == 1
    (winner,) = at_target
    assert winner.status == BookingStatus.PAID and winner.reschedule_count == 1
    losers = Booking.objects.exclude(pk=winner.pk)
    assert all(b.status == BookingStatus.CONFIRMED and b.reschedule_count == 0 for b in losers)


@pytest.mark.django_db(transaction=True)
def test_a_hold_and_a_move_racing_for_one_slot_only_one_wins(available_teacher):
    now = timezone.now()
    target, own_time = available_slots(available_teacher, now, now + timedelta(days=10))[:2]
    lesson = make_booking(available_teacher, StudentFactory(), own_time)
    holder = StudentFactory()
    slug = available_teacher.profile.slug
    results = race(
        [
            (
                logged_in(lesson.student),
                reverse("booking:reschedule", args=[lesson.pk]),
                {"slot": target.isoformat()},
            ),
            (
                logged_in(holder),
                f"{reverse('booking:book')}?teacher={slug}",
                {"teacher": slug, "slot": target.isoformat()},
            ),
        ]
    )
    codes = [code for code, _ in results]
    assert sorted(codes) == [302, 400], codes
    assert Booking.objects.filter(start=target, is_active=True).count() == 1
