"""Outcomes are decided once even when people act at the same moment (PostgreSQL, real
concurrent transactions): two outcomes for one lesson (the teacher in two tabs, the
scheduler), two admins deciding one dispute, two disputes sent at once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from booking.exceptions import BookingError
from booking.factories import BookingFactory
from booking.models import Booking, BookingEvent, BookingStatus, LessonOutcome, OutcomeDispute
from booking.outcomes.models import DisputeStatus
from booking.outcomes.services import open_dispute, resolve_dispute
from booking.services import complete_lessons

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: real concurrent transactions (set DATABASE_URL)",
    ),
]


def race(*calls):
    """Run each call at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def attempt(i):
        try:
            barrier.wait()
            results[i] = calls[i]()
        except BookingError as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_outcomes_and_the_scheduler_at_once_record_one(teacher, student):
    start = timezone.now() - timedelta(hours=50)  # the 48-hour window is over too
    lesson = BookingFactory(confirmed=True, teacher=teacher, student=student, start=start)

    def mark(outcome):
        return lambda: Booking.objects.get(pk=lesson.pk).record_outcome(outcome, by=teacher)

    results = race(
        mark(LessonOutcome.TEACHER_NO_SHOW),
        mark(LessonOutcome.STUDENT_NO_SHOW),
        complete_lessons,
    )
    lesson.refresh_from_db()
    changes = BookingEvent.objects.filter(booking=lesson, from_status=BookingStatus.CONFIRMED)
    assert changes.count() == 1, results
    assert lesson.outcome in LessonOutcome.values


@pytest.mark.django_db(transaction=True)
def test_two_admins_deciding_one_dispute_decide_once(teacher, student, admin_user):
    lesson = BookingFactory(ended=True, teacher=teacher, student=student)
    lesson.record_outcome(LessonOutcome.STUDENT_NO_SHOW, by=teacher)
    dispute = open_dispute(lesson, "I was there.")

    def decide(refund):
        return lambda: resolve_dispute(
            OutcomeDispute.objects.get(pk=dispute.pk), by=admin_user, refund=refund
        )

    results = race(decide(True), decide(False), decide(True))
    assert sum(isinstance(result, BookingError) for result in results) == 2, results
    dispute.refresh_from_db()
    lesson.refresh_from_db()
    refunded = dispute.status == DisputeStatus.REFUNDED
    assert lesson.status == (BookingStatus.CANCELLED if refunded else BookingStatus.MISSED)
    assert BookingEvent.objects.filter(booking=lesson, to_status="cancelled").count() == (
        1 if refunded else 0
    )


@pytest.mark.django_db(transaction=True)
def test_two_disputes_sent_at_once_keep_one(teacher, student):
    lesson = BookingFactory(ended=True, teacher=teacher, student=student)
    lesson.record_outcome(LessonOutcome.STUDENT_NO_SHOW, by=teacher)

    def send(text):
        return lambda: open_dispute(Booking.objects.get(pk=lesson.pk), text)

    results = race(send("First tab."), send("Second tab."))
    assert OutcomeDispute.objects.filter(booking=lesson).count() == 1
    assert sum(isinstance(result, BookingError) for result in results) == 1, results
