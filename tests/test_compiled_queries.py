"""site_config.compiled: SQL compiled once, run with new values, rows as values_list gives
them; and the logged-in user loaded through it (accounts.backends.load_user)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts import roles
from accounts.backends import ModelBackend, load_user
from accounts.factories import StudentFactory, TeacherFactory, UserFactory
from accounts.models import Profile
from site_config import compiled
from site_config.compiled import CompiledQuery, numbered_placeholders

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


# Prepared statements (PostgreSQL) -------------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="server-side prepared statements are PostgreSQL's"
)


def test_placeholders_are_numbered_for_prepare():
    sql = "SELECT 1 WHERE a = %s AND b LIKE 'x%%' AND c IN (%s, %s)"
    assert numbered_placeholders(sql) == (
        "SELECT 1 WHERE a = $1 AND b LIKE 'x%' AND c IN ($2, $3)",
        3,
    )


def test_a_name_is_plain_words():
    with pytest.raises(ValueError):
        CompiledQuery(lambda pk: User.objects.filter(pk=pk).values_list("email"), name="x; DROP")


def _prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        return dict(cursor.fetchall())


@postgres_only
def test_on_postgresql_the_query_is_prepared_once_and_executed_with_the_values():
    users = UserFactory.create_batch(2)
    query = CompiledQuery(
        lambda pk: User.objects.filter(pk=pk).values_list("email"), name="email_of_user"
    )
    with CaptureQueriesContext(connection) as queries:
        for user in users:
            assert query.rows(user.pk) == [(user.email,)]
    # The PREPARE is bookkeeping, not counted; each call is an EXECUTE with its value.
    assert [q["sql"] for q in queries] == [
        f"EXECUTE {query.statement} ({users[0].pk})",
        f"EXECUTE {query.statement} ({users[1].pk})",
    ]
    prepared = _prepared_statements()[query.statement]
    assert '"accounts_user"."id" = $1' in prepared
    # Planned once for every value (settings: plan_cache_mode for prepared statements).
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)


@postgres_only
def test_a_rollback_keeps_the_prepared_statement():
    user = UserFactory()
    query = CompiledQuery(lambda pk: User.objects.filter(pk=pk).values_list("email"))
    with pytest.raises(RuntimeError), transaction.atomic():
        assert query.rows(user.pk) == [(user.email,)]
        raise RuntimeError
    assert query.rows(user.pk) == [(user.email,)]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    user = UserFactory()
    query = CompiledQuery(lambda pk: User.objects.filter(pk=pk).values_list("email"))
    assert query.rows(user.pk) == [(user.email,)]
    connection.close()
    assert query.statement not in _prepared_statements()
    assert query.rows(user.pk) == [(user.email,)]
    assert query.statement in _prepared_statements()


@postgres_only
def test_a_statement_postgresql_refuses_runs_unprepared_and_the_transaction_goes_on(
    monkeypatch, caplog
):
    user = UserFactory()
    query = CompiledQuery(lambda pk: User.objects.filter(pk=pk).values_list("email"))
    monkeypatch.setattr(compiled, "numbered_placeholders", lambda sql: ("SELEKT broken", 0))
    with CaptureQueriesContext(connection) as queries:
        assert query.rows(user.pk) == [(user.email,)]
    assert not queries[0]["sql"].startswith("EXECUTE")
    assert "could not prepare" in caplog.text
    assert User.objects.filter(pk=user.pk).exists()  # the test's transaction is still usable


@postgres_only
def test_prepared_statements_can_be_turned_off(settings):
    settings.DB_PREPARED_STATEMENTS = False
    user = UserFactory()
    query = CompiledQuery(lambda pk: User.objects.filter(pk=pk).values_list("email"))
    with CaptureQueriesContext(connection) as queries:
        assert query.rows(user.pk) == [(user.email,)]
    assert queries[0]["sql"].startswith("SELECT")
    assert query.statement not in _prepared_statements()
