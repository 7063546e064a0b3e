"""site_config.compiled: SQL compiled once, run with new values, rows as values_list gives
them; and the logged-in user loaded through it (accounts.backends.load_user)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from accounts.backends import ModelBackend, load_user
from accounts.factories import StudentFactory, TeacherFactory, UserFactory
from accounts.models import Profile
from site_config.compiled import CompiledQuery

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_rows_match_values_list_for_each_value():
    users = UserFactory.create_batch(3)
    query = CompiledQuery(
        lambda pk: User.objects.filter(pk=pk).values_list("pk", "email", "date_joined")
    )
    for user in users:
        expected = list(User.objects.filter(pk=user.pk).values_list("pk", "email", "date_joined"))
        assert query.rows(user.pk) == expected
    assert query.rows(10**9) == []


def test_sql_is_compiled_once_per_connection():
    user = UserFactory()
    built = []

    def build(pk):
        built.append(pk)
        return User.objects.filter(pk=pk).values_list("email")

    query = CompiledQuery(build)
    for _ in range(3):
        assert query.rows(user.pk) == [(user.email,)]
    assert len(built) == 1


def test_a_marker_that_is_not_in_the_sql_once_is_refused():
    query = CompiledQuery(lambda pk: User.objects.filter(pk=pk, id=pk).values_list("email"))
    with pytest.raises(ValueError, match="appears 2 times"):
        query.rows(1)


def test_values_cannot_change_the_sql():
    UserFactory()
    query = CompiledQuery(lambda pk: User.objects.filter(pk=pk).values_list("email"))
    with pytest.raises(ValueError):
        query.rows("1 OR 1=1")


def test_load_user_brings_profile_and_roles_in_one_query():
    teacher = TeacherFactory(display_name="Camille")
    with CaptureQueriesContext(connection) as queries:
        user = load_user(teacher.pk)
        assert user == teacher
        assert user.email == teacher.email
        assert user.profile.display_name == "Camille"
        assert user.profile.user is user
        assert roles.is_teacher(user) and not roles.is_student(user)
    assert len(queries) == 1


def test_load_user_without_profile_or_unknown_id():
    student = StudentFactory()
    student.profile.delete()
    user = load_user(student.pk)
    assert user == student and roles.is_student(user)
    with pytest.raises(Profile.DoesNotExist):
        user.profile  # noqa: B018
    assert load_user(10**9) is None


def test_backend_refuses_inactive_and_bad_ids():
    user = UserFactory(is_active=False)
    backend = ModelBackend()
    assert backend.get_user(user.pk) is None
    assert backend.get_user("not-a-number") is None
    user.is_active = True
    user.save()
    assert backend.get_user(str(user.pk)) == user


def test_datetime_parameters_are_bound_like_the_orm_binds_them():
    from datetime import timedelta

    from django.utils import timezone

    users = UserFactory.create_batch(2)
    now = timezone.now()
    query = CompiledQuery(
        lambda joined_after: (
            User.objects.filter(date_joined__gt=joined_after).order_by("pk").values_list("pk")
        ),
        kinds=(datetime.datetime,),
    )
    assert query.rows(now - timedelta(days=1)) == [(user.pk,) for user in users]
    assert query.rows(now + timedelta(days=1)) == []
    with pytest.raises(ValueError, match="aware"):
        query.rows(datetime.datetime(2026, 1, 1))


def test_objects_are_built_as_the_queryset_builds_them():
    from django.db.models import Value

    teacher = TeacherFactory(display_name="Camille")
    query = CompiledQuery(
        lambda pk: (
            User.objects.filter(pk=pk)
            .select_related("profile")
            .only("email", "profile__display_name")
            .annotate(flag=Value(7))
        )
    )
    [user] = query.objects(teacher.pk)
    assert user == teacher and user.flag == 7
    with CaptureQueriesContext(connection) as queries:
        assert user.profile.display_name == "Camille"
    assert len(queries) == 0
    assert user.get_deferred_fields() >= {"first_name", "password"}
    assert query.objects(10**9) == []
