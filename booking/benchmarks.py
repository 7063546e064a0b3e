"""Slot generation benchmark: one teacher, 8 weeks, 500 existing bookings.

Run with ``manage.py bench_slots``; the data is created in a transaction that is rolled back.
"""

import statistics
import time as clock
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.factories import StudentFactory, TeacherFactory

from .models import AvailabilityWindow, Booking, BookingSettings, BookingStatus
from .slots import available_slots


class _Rollback(Exception):
    pass


def run(*, bookings=500, runs=30, weeks=8):
    """Median and best milliseconds per ``available_slots`` call over ``runs`` calls."""
    result = {}
    try:
        with transaction.atomic():
            result = _measure(bookings, runs, weeks)
            raise _Rollback
    except _Rollback:
        pass
    return result


def _measure(n_bookings, runs, weeks):
    settings = BookingSettings(horizon_weeks=weeks)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    teacher = TeacherFactory()
    students = [StudentFactory() for _ in range(10)]
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(teacher=teacher, weekday=day, start_time=time(6), end_time=time(23))
        for day in range(7)
    )
    start = now + timedelta(hours=settings.min_notice_hours)
    candidates = available_slots(
        teacher, start, start + timedelta(weeks=weeks), now=now, settings=settings
    )
    step = max(1, len(candidates) // n_bookings)
    chosen = candidates[::step][:n_bookings]
    Booking.objects.bulk_create(
        Booking(
            teacher=teacher,
            student=students[i % len(students)],
            start=slot,
            end=slot + timedelta(minutes=settings.lesson_minutes),
            status=BookingStatus.CONFIRMED,
            price_cents=1800,
        )
        for i, slot in enumerate(chosen)
    )
    timings = []
    free = []
    for _ in range(runs):
        began = clock.perf_counter()
        free = available_slots(
            teacher,
            now,
            now + timedelta(weeks=weeks),
            viewer=students[0],
            now=now,
            settings=settings,
        )
        timings.append((clock.perf_counter() - began) * 1000)
    return {
        "bookings": len(chosen),
        "candidate_slots": len(candidates),
        "free_slots": len(free),
        "median_ms": statistics.median(timings),
        "best_ms": min(timings),
        "runs": runs,
    }
