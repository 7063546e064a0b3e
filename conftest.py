"""Fixtures shared by every app's tests: one user per role."""

import pytest

from accounts.factories import AdminFactory, EditorFactory, StudentFactory, TeacherFactory
from booking.factories import restart_hours

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (locmem, shared by the tests of one process):
    nothing cached by one test (pages, counters, settings) is seen by the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _lessons_in_their_own_hours_from_now():
    """Factory lessons start at their first own hour in every test, whatever ran before."""
    restart_hours()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def student(db):
    return StudentFactory()


@pytest.fixture
def other_student(db):
    return StudentFactory()


@pytest.fixture
def teacher(db):
    return TeacherFactory()


@pytest.fixture
def editor(db):
    return EditorFactory()


@pytest.fixture
def admin_user(db):
    return AdminFactory()
