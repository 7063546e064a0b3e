"""Twenty students click the same slot at the same moment: exactly one gets it (PostgreSQL)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from accounts.factories import StudentFactory
from booking.models import Booking
from booking.slots import available_slots

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: real concurrent transactions (set DATABASE_URL)",
    ),
]

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_for_one_slot_only_one_wins(available_teacher, password):
    students = [StudentFactory() for _ in range(THREADS)]
    now = timezone.now()
    slot = available_slots(available_teacher, now, now + timedelta(days=7))[0]
    url = f"/book/?teacher={available_teacher.profile.slug}"
    clients = []
    for student in students:
        client = Client()
        client.force_login(student)
        clients.append(client)
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS

    def attempt(i):
        try:
            barrier.wait()
            response = clients[i].post(
                url, {"teacher": available_teacher.profile.slug, "slot": slot.isoformat()}
            )
            results[i] = (response.status_code, response.content.decode())
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    codes = [code for code, _ in results]
    assert codes.count(302) == 1, codes
    assert 500 not in codes
    losers = [body for code, body in results if code != 302]
    assert len(losers) == THREADS - 1
    assert all("this slot was just taken" in body for body in losers)
    assert Booking.objects.filter(teacher=available_teacher, is_active=True).count() == 1
