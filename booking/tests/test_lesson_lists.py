"""The two lists of "My bookings" (booking.selectors.upcoming_lessons, lesson_history_page),
whose first page runs compiled SQL: the same lessons, split the same way, as the queryset
reading of every lesson gives, on every page, with the joined objects attached."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.factories import TeacherFactory
from booking import selectors
from booking.factories import BookingFactory
from booking.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db

OPEN = (BookingStatus.HELD, BookingStatus.PAID, BookingStatus.CONFIRMED)


def _every_kind(student, now):
    """Lessons of every status, past and future, and holds lapsed and running (each with its
    own teacher: no two can overlap)."""
    made = []
    for index, status in enumerate(BookingStatus.values):
        for days in (-3 - index, 3 + index):
            made.append(
                BookingFactory(
                    teacher=TeacherFactory(),
                    student=student,
                    status=status,
                    start=now + timedelta(days=days, hours=index),
                )
            )
    for expires in (now - timedelta(minutes=1), now + timedelta(minutes=30)):
        made.append(
            BookingFactory(
                teacher=TeacherFactory(),
                student=student,
                status=BookingStatus.HELD,
                hold_expires_at=expires,
                start=now + timedelta(days=20, hours=len(made)),
            )
        )
    return made


def _is_upcoming(booking, now):
    lapsed = booking.status == BookingStatus.HELD and (
        booking.hold_expires_at is not None and booking.hold_expires_at <= now
    )
    return booking.status in OPEN and booking.end > now and not lapsed


def test_the_lists_split_every_lesson_once(teacher, student, other_student):
    now = timezone.now()
    made = _every_kind(student, now)
    BookingFactory(teacher=teacher, student=other_student)  # someone else's: in neither list
    upcoming = selectors.upcoming_lessons(student, now)
    history, number = [], 1
    while number:
        page = selectors.lesson_history_page(student, now, number)
        history += page["items"]
        number = page["next"]
    assert sorted(b.pk for b in upcoming) == sorted(b.pk for b in made if _is_upcoming(b, now))
    everything = Booking.objects.filter(student=student).order_by("-start", "-pk")
    assert [b.pk for b in history] == [b.pk for b in everything if not _is_upcoming(b, now)]
    assert [b.start for b in upcoming] == sorted(b.start for b in upcoming)


def test_pages_after_the_first_match_the_compiled_first(teacher, student):
    now = timezone.now()
    for hours in range(selectors.LESSON_PAGE_SIZE + 3):
        BookingFactory(
            teacher=teacher,
            student=student,
            status=BookingStatus.COMPLETED,
            start=now - timedelta(days=2, hours=2 * hours),
        )
    first = selectors.lesson_history_page(student, now, 1)
    second = selectors.lesson_history_page(student, now, 2)
    assert len(first["items"]) == selectors.LESSON_PAGE_SIZE and first["next"] == 2
    assert len(second["items"]) == 3 and second["next"] is None and second["previous"] == 1
    assert {b.pk for b in first["items"]}.isdisjoint(b.pk for b in second["items"])


def test_listed_lessons_carry_their_joins_and_their_student(teacher, student):
    now = timezone.now()
    BookingFactory(teacher=teacher, student=student, status=BookingStatus.CONFIRMED)
    BookingFactory(
        teacher=teacher,
        student=student,
        status=BookingStatus.COMPLETED,
        start=now - timedelta(days=2),
    )
    upcoming = selectors.upcoming_lessons(student, now)
    past = selectors.lesson_history_page(student, now, 1)["items"]
    with CaptureQueriesContext(connection) as queries:
        for booking in upcoming + past:
            assert booking.student is student
            assert booking.teacher.profile.display_name == teacher.profile.display_name
            assert not hasattr(booking, "review")
            assert not hasattr(booking, "lesson_note")
            assert not hasattr(booking, "outcome_dispute")
    assert len(queries) == 0
