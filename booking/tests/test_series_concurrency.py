"""Weekly series under concurrent requests (PostgreSQL): two students racing for the same
weeks never both hold one, and one student firing several series at once holds one."""

import threading

import pytest
from django.db import connection, connections

from accounts.factories import StudentFactory
from booking.exceptions import SlotUnavailable
from booking.models import Booking, BookingSeries
from booking.series import hold_series

from .conftest import add_windows, set_zone, utc

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: real concurrent transactions (set DATABASE_URL)",
    ),
]

NOW = utc(2027, 2, 25, 12)


def race(calls):
    """Run ``calls`` at the same moment, each in its own thread and connection; returns
    what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i):
        try:
            barrier.wait()
            results[i] = calls[i]()
        except SlotUnavailable as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def paris_teacher(teacher):
    set_zone(teacher, "Europe/Paris")
    add_windows(teacher, [(1, "17:00", "20:00")])
    return teacher


@pytest.mark.django_db(transaction=True)
def test_students_racing_for_the_same_weeks_never_share_one(paris_teacher):
    students = [StudentFactory() for _ in range(4)]
    first = utc(2027, 3, 2, 17)
    results = race(
        [lambda s=s: hold_series(s, paris_teacher, first, 4, range(4), now=NOW) for s in students]
    )
    won = [r for r in results if isinstance(r, tuple)]
    assert len(won) == 1, results
    assert all(isinstance(r, SlotUnavailable) for r in results if not isinstance(r, tuple))
    assert Booking.objects.filter(teacher=paris_teacher).count() == 4
    assert BookingSeries.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_student_firing_several_series_holds_one(paris_teacher, student):
    starts = [utc(2027, 3, 2, 16), utc(2027, 3, 2, 17), utc(2027, 3, 2, 18)]
    results = race(
        [
            lambda start=start: hold_series(student, paris_teacher, start, 2, [0, 1], now=NOW)
            for start in starts
        ]
    )
    assert sum(isinstance(r, tuple) for r in results) == 1, results
    assert BookingSeries.objects.filter(student=student).count() == 1
    assert Booking.objects.filter(student=student).count() == 2
