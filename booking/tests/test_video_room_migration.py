"""Adding video rooms keeps every booking, and gives the lessons already confirmed when it
runs a room of their own (other lessons get theirs when they are confirmed)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from booking.models import Booking

BEFORE = [("booking", "0006_external_calendars")]


@pytest.mark.django_db(transaction=True)
def test_lessons_confirmed_before_the_migration_get_a_room_others_are_kept_as_they_are():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    User = old_apps.get_model("accounts", "User")
    OldBooking = old_apps.get_model("booking", "Booking")
    teacher = User.objects.create(email="t-room@example.com", password="!")
    student = User.objects.create(email="s-room@example.com", password="!")
    start = timezone.now() + timedelta(days=5)
    ids = {}
    for hours, status in enumerate(["confirmed", "confirmed", "paid", "cancelled", "completed"]):
        lesson_start = start + timedelta(hours=2 * hours)
        ids[
            OldBooking.objects.create(
                teacher=teacher,
                student=student,
                start=lesson_start,
                end=lesson_start + timedelta(hours=1),
                status=status,
                is_active=status != "cancelled",
                price_cents=1800,
                teacher_message="Bonjour",
            ).pk
        ] = status

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = {b.pk: b for b in Booking.objects.filter(pk__in=ids)}
    assert set(rows) == set(ids)
    rooms = [rows[pk].video_room_url for pk, status in ids.items() if status == "confirmed"]
    assert all(re.match(r"^https://meet\.jit\.si/PetitTalk-[\w-]{22,}$", room) for room in rooms)
    assert len(set(rooms)) == 2
    others = [rows[pk] for pk, status in ids.items() if status != "confirmed"]
    assert all(b.video_room_url == "" for b in others)
    assert all(b.teacher_message == "Bonjour" and b.price_cents == 1800 for b in rows.values())
