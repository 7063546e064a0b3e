"""Publishing a lesson's notes from several tabs at once creates one note and sends the
student one email (PostgreSQL: real concurrent transactions); accepting a placement level
twice at once records it once."""

import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client

from accounts.models import LevelRecord, PlacementAttempt
from booking.factories import BookingFactory
from booking.models import LessonNote

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: real concurrent transactions (set DATABASE_URL)",
    ),
]
THREADS = 6


def at_once(clients, url, data):
    barrier = threading.Barrier(len(clients))
    codes = [None] * len(clients)

    def post(i):
        try:
            barrier.wait()
            codes[i] = clients[i].post(url, data).status_code
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def logged_in(user):
    clients = []
    for _ in range(THREADS):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


@pytest.mark.django_db(transaction=True)
def test_concurrent_publications_make_one_note_and_one_email():
    lesson = BookingFactory(completed=True)
    mail.outbox.clear()
    codes = at_once(
        logged_in(lesson.teacher),
        f"/teacher/lessons/{lesson.pk}/notes/",
        {"notes": "Bravo", "homework": "Page 3", "publish": "1", "level_speaking": "B1"},
    )
    assert codes == [302] * THREADS
    assert LessonNote.objects.filter(booking=lesson).count() == 1
    assert len([m for m in mail.outbox if "notes from your lesson" in m.subject]) == 1
    assert LevelRecord.objects.filter(student=lesson.student).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_record_the_placement_level_once(student):
    attempt = PlacementAttempt.objects.create(student=student, suggested_level="B1")
    codes = at_once(logged_in(student), f"/profile/placement/{attempt.pk}/accept/", {})
    assert codes == [302] * THREADS
    assert LevelRecord.objects.filter(student=student).count() == 4
