"""A student firing many holds at once still holds at most ``max_held_lessons`` (PostgreSQL)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from booking.models import Booking, BookingSettings
from booking.slots import available_slots

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: real concurrent transactions (set DATABASE_URL)",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_concurrent_holds_by_one_student_stop_at_the_limit(available_teacher, student):
    # The configured limit (a transactional test may run with no Site, hence no saved
    # settings row: the defaults apply, as in production before an editor saves them).
    LIMIT = BookingSettings.current().max_held_lessons
    THREADS = LIMIT + 2
    now = timezone.now()
    slots = available_slots(available_teacher, now, now + timedelta(days=14), viewer=student)
    slots = slots[:THREADS]
    assert len(slots) == THREADS
    url = f"/book/?teacher={available_teacher.profile.slug}"
    clients = []
    for _ in range(THREADS):
        client = Client()
        client.force_login(student)
        clients.append(client)
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS

    def attempt(i):
        try:
            barrier.wait()
            response = clients[i].post(
                url, {"teacher": available_teacher.profile.slug, "slot": slots[i].isoformat()}
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
    assert codes.count(302) == LIMIT, codes
    refused = [body for code, body in results if code == 400]
    assert len(refused) == THREADS - LIMIT
    message = f"You can hold at most {LIMIT} lessons at once. Pay for or remove one first."
    assert all(message in body for body in refused)
    assert Booking.objects.in_basket(student).count() == LIMIT
