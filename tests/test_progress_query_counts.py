"""The notes, progress and placement pages cost a fixed, small number of queries, however
many levels, notes or questions they show (measured as tests/test_query_counts.py does: the
first request of a user after another user has warmed the process)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.factories import (
    LevelRecordFactory,
    PlacementQuestionFactory,
    StudentFactory,
    TeacherFactory,
)
from accounts.levels import SKILLS
from accounts.models import PlacementAttempt
from booking.factories import BookingFactory, LessonNoteFactory
from booking.reviews.models import LessonReview
from tests.test_query_counts import _as_in_production  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

SMALL, LARGE = 1, 6
# Session, user (with its role groups), and the page's own reads: the teacher's page of a
# student, the biggest, reads the student, checks they teach them, then levels and lessons.
MAX_QUERIES = 6


def first_visit(path, user, warm_path, warm_user):
    """Queries of ``user``'s first request of ``path`` after ``warm_user`` loaded
    ``warm_path`` (the same page for another user's data)."""
    warm = Client()
    warm.force_login(warm_user)
    assert warm.get(warm_path).status_code == 200
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.get("Location")
    return len(queries), [query["sql"] for query in queries.captured_queries]


def assert_constant_and_small(counts, limit=MAX_QUERIES):
    (small, _), (large, large_sql) = counts
    detail = "\n".join(large_sql)
    assert small == large, f"{small} queries with little data, {large} with more:\n{detail}"
    assert large <= limit, f"{large} queries:\n{detail}"


def levels(student, teacher, n):
    now = timezone.now()
    for index in range(n):
        for skill in SKILLS:
            LevelRecordFactory(
                student=student,
                skill=skill,
                level=("A1", "A2", "B1", "B2", "C1", "C2")[index % 6],
                recorded_by=teacher,
                at=now - timedelta(days=10 * (n - index)),
            )


def student_with_history(n):
    """A student with ``n`` lessons with ``n`` teachers, each with published notes, and
    ``n`` records per skill."""
    student = StudentFactory()
    for _ in range(n):
        note = LessonNoteFactory(booking__student=student)
        levels(student, note.booking.teacher, 1)
        LessonReview.objects.create(booking=note.booking, rating=5)
    levels(student, TeacherFactory(), n)
    return student


def test_my_progress():
    counts = []
    for n in (SMALL, LARGE):
        student = student_with_history(n)
        counts.append(
            first_visit("/profile/progress/", student, "/profile/progress/", StudentFactory())
        )
    assert_constant_and_small(counts)


def test_my_bookings_with_notes():
    counts = []
    for n in (SMALL, LARGE):
        student = student_with_history(n)
        counts.append(first_visit("/bookings/", student, "/bookings/", StudentFactory()))
    assert_constant_and_small(counts, limit=5)  # the budget of tests/test_query_counts.py


def test_the_teacher_dashboard_with_notes():
    counts = []
    for n in (SMALL, LARGE):
        teacher = TeacherFactory()
        for _ in range(n):
            LessonNoteFactory(booking__teacher=teacher)
            BookingFactory(teacher=teacher, completed=True)  # no notes yet
        counts.append(first_visit("/teacher/", teacher, "/teacher/", TeacherFactory()))
    assert_constant_and_small(counts, limit=5)


def test_the_lesson_notes_page():
    counts = []
    for n in (SMALL, LARGE):
        student = student_with_history(n)
        note = student.bookings.first().lesson_note
        warm = LessonNoteFactory()
        counts.append(
            first_visit(
                f"/bookings/{note.booking_id}/notes/",
                student,
                f"/bookings/{warm.booking_id}/notes/",
                warm.booking.student,
            )
        )
    assert_constant_and_small(counts)


def test_the_note_form():
    counts = []
    for n in (SMALL, LARGE):
        lesson = BookingFactory(completed=True)
        levels(lesson.student, lesson.teacher, n)
        warm = BookingFactory(completed=True)
        counts.append(
            first_visit(
                f"/teacher/lessons/{lesson.pk}/notes/",
                lesson.teacher,
                f"/teacher/lessons/{warm.pk}/notes/",
                warm.teacher,
            )
        )
    assert_constant_and_small(counts)


def test_the_teachers_page_of_a_student():
    counts = []
    for n in (SMALL, LARGE):
        teacher, student = TeacherFactory(), StudentFactory()
        for _ in range(n):
            LessonNoteFactory(booking__teacher=teacher, booking__student=student)
        levels(student, teacher, n)
        warm = BookingFactory(completed=True)
        counts.append(
            first_visit(
                f"/teacher/students/{student.profile.public_slug}/",
                teacher,
                f"/teacher/students/{warm.student.profile.public_slug}/",
                warm.teacher,
            )
        )
    assert_constant_and_small(counts)


def test_the_placement_quiz_and_its_result():
    for path in ("quiz", "result"):
        counts = []
        for n in (SMALL, LARGE):
            for _ in range(n):
                PlacementQuestionFactory(answers=[("a", True), ("b", False), ("c", False)])
            student, warm_student = StudentFactory(), StudentFactory()
            url, warm_url = "/profile/placement/", "/profile/placement/"
            if path == "result":
                attempt = PlacementAttempt.objects.create(student=student, suggested_level="A2")
                other = PlacementAttempt.objects.create(student=warm_student, suggested_level="B1")
                url, warm_url = f"{url}{attempt.pk}/", f"{url}{other.pk}/"
            counts.append(first_visit(url, student, warm_url, warm_student))
        assert_constant_and_small(counts)
