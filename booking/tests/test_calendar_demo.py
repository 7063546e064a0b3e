"""The demo teacher's external calendar: created once, read from the shipped file (never the
network), its busy times blocking the demo teacher's slots."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import demo as accounts_demo
from booking import demo as booking_demo
from booking.calendars import demo, services
from booking.calendars.models import ExternalCalendar
from booking.slots import available_slots


def quiet(message):
    """The demo loaders' log, unused here."""


def test_the_demo_teacher_gets_one_external_calendar_without_the_network(db, monkeypatch):
    def no_network(*args, **kwargs):
        pytest.fail("the demo must not fetch anything")

    monkeypatch.setattr(services, "fetch_feed", no_network)
    accounts_demo.load(quiet)
    booking_demo.load(quiet)
    demo.load(quiet)
    demo.load(quiet)  # idempotent
    calendar = ExternalCalendar.objects.get()
    assert calendar.teacher.email == accounts_demo.TEACHERS[0]["email"]
    assert calendar.last_error == "" and calendar.busy_times.exists()

    now = timezone.now()
    busy = calendar.busy_times.filter(start__gt=now + timedelta(days=3)).first()
    slots = available_slots(calendar.teacher, busy.start - timedelta(days=1), busy.end)
    assert not any(busy.start - timedelta(hours=1) < s < busy.end for s in slots)
