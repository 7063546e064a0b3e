from datetime import UTC, datetime, time, timedelta

import pytest

from booking.factories import AvailabilityWindowFactory, BookingFactory
from booking.models import BookingSettings, BookingStatus


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def set_zone(user, zone):
    user.profile.timezone = zone
    user.profile.save(update_fields=["timezone"])


def add_windows(teacher, windows):
    """windows: iterable of (weekday, "HH:MM", "HH:MM")."""
    for day, start, end in windows:
        AvailabilityWindowFactory(
            teacher=teacher,
            weekday=day,
            start_time=time.fromisoformat(start),
            end_time=time.fromisoformat(end),
        )


def every_day(start="09:00", end="12:00"):
    return [(day, start, end) for day in range(7)]


def make_booking(teacher, student, start, *, minutes=60, status=BookingStatus.CONFIRMED, **extra):
    """A booking written directly (for setting up a state, not for testing the rules)."""
    return BookingFactory(
        teacher=teacher, student=student, start=start, minutes=minutes, status=status, **extra
    )


def availability_data(windows=(), time_off=()):
    """The availability form's fields: windows (weekday, "HH:MM", "HH:MM"), time off
    (first day, last day, note)."""
    data = {
        "windows-TOTAL_FORMS": str(len(windows)),
        "windows-INITIAL_FORMS": "0",
        "timeoff-TOTAL_FORMS": str(len(time_off)),
        "timeoff-INITIAL_FORMS": "0",
    }
    for i, (day, start, end) in enumerate(windows):
        data |= {
            f"windows-{i}-weekday": str(day),
            f"windows-{i}-start_time": start,
            f"windows-{i}-end_time": end,
        }
    for i, (first, last, note) in enumerate(time_off):
        data |= {
            f"timeoff-{i}-start_date": first.isoformat(),
            f"timeoff-{i}-end_date": last.isoformat(),
            f"timeoff-{i}-note": note,
        }
    return data


def free_slots(teacher, student, days=10):
    """The free times ``teacher`` offers ``student`` in the next ``days`` days."""
    from django.utils import timezone

    from booking.slots import available_slots

    now = timezone.now()
    return available_slots(teacher, now, now + timedelta(days=days), viewer=student)


def another_slot(booking):
    """A free time of the booking's teacher that does not overlap the booking."""
    return next(
        s
        for s in free_slots(booking.teacher, booking.student)
        if s >= booking.end or s + (booking.end - booking.start) <= booking.start
    )


@pytest.fixture
def site_settings(db):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    return BookingSettings.for_site(site)


@pytest.fixture
def available_teacher(teacher):
    """A Paris teacher available every day 09:00-12:00 and 14:00-18:00."""
    set_zone(teacher, "Europe/Paris")
    add_windows(teacher, every_day("09:00", "12:00") + every_day("14:00", "18:00"))
    return teacher


@pytest.fixture
def future_slot(available_teacher, student):
    """The first slot the student is offered with the available teacher."""
    from django.utils import timezone

    from booking.slots import available_slots

    now = timezone.now()
    return available_slots(available_teacher, now, now + timedelta(days=7), viewer=student)[0]
