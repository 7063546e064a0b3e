"""Fixtures shared by every app's tests: one user per role."""

import pytest

from accounts.factories import AdminFactory, EditorFactory, StudentFactory, TeacherFactory

PASSWORD = "correct-horse-battery"


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
