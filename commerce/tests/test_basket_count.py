"""The header shows how many lessons are in the student's basket. Counting costs one small
query, and none at all while the session knows of no held lesson (booking.basket_hint)."""

import re
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking.basket_hint import SESSION_KEY
from booking.factories import AvailabilityWindowFactory
from booking.models import Booking
from booking.slots import available_slots
from commerce import services

from .conftest import make_held

pytestmark = pytest.mark.django_db

COUNT = re.compile(r'href="/basket/"[^>]*>\s*Basket\s*<span class="site-nav__count"[^>]*>(\d+)')


def header_count(html):
    found = COUNT.search(html)
    return int(found.group(1)) if found else None


def basket_count_queries(queries):
    """The header's basket query: the student's held lessons whose hold has not lapsed (on
    PostgreSQL, a prepared statement: ``EXECUTE basket_lesson_ids_N``)."""
    statement = f"EXECUTE {services._basket_lesson_ids.statement} "
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith(statement) or '"booking_booking"."hold_expires_at" >' in q["sql"]
    ]


def test_no_count_and_no_query_for_a_student_without_held_lessons(client, student):
    client.force_login(student)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/profile/").content.decode()
    assert header_count(html) is None
    assert 'href="/basket/"' in html
    assert basket_count_queries(queries.captured_queries) == []


def test_the_count_appears_after_adding_a_lesson_to_the_basket(client, student, teacher):
    for weekday in range(7):
        AvailabilityWindowFactory(teacher=teacher, weekday=weekday, start_time=time(8))
    available_teacher = teacher
    client.force_login(student)
    now = timezone.now()
    slot = available_slots(available_teacher, now, now + timedelta(days=7), viewer=student)[0]
    response = client.post(
        f"{reverse('booking:book')}?teacher={available_teacher.profile.slug}",
        {"teacher": available_teacher.profile.slug, "slot": slot.isoformat()},
        follow=True,
    )
    assert header_count(response.content.decode()) == 1
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/profile/").content.decode()
    assert header_count(html) == 1
    assert len(basket_count_queries(queries.captured_queries)) == 1


def test_lessons_held_in_another_session_are_counted_from_login(client, student, teacher):
    make_held(student, teacher, 2)
    client.force_login(student)
    assert header_count(client.get("/profile/").content.decode()) == 2


def test_the_count_follows_the_basket(client, student, teacher):
    first, _second = make_held(student, teacher, 2)
    client.force_login(student)
    client.post(reverse("booking:remove", args=[first.pk]))
    assert header_count(client.get("/profile/").content.decode()) == 1


def test_once_every_known_hold_has_lapsed_the_header_stops_counting(client, student, teacher):
    (held,) = make_held(student, teacher, 1)
    client.force_login(student)
    Booking.objects.filter(pk=held.pk).update(hold_expires_at=timezone.now() - timedelta(1))
    session = client.session
    session[SESSION_KEY] = (timezone.now() - timedelta(seconds=1)).isoformat()
    session.save()
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/profile/").content.decode()
    assert header_count(html) is None
    assert basket_count_queries(queries.captured_queries) == []


def test_a_damaged_hint_is_ignored(client, student, teacher):
    client.force_login(student)
    session = client.session
    session[SESSION_KEY] = "not a time"
    session.save()
    assert client.get("/profile/").status_code == 200


def test_teachers_see_no_basket(client, teacher):
    client.force_login(teacher)
    html = client.get("/teacher/").content.decode()
    assert 'href="/basket/"' not in html
