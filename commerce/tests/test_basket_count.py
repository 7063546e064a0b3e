"""The header shows how many lessons and packs are in the student's basket. Counting
costs one small query, and none at all while the session knows of no held lesson and no pack
(booking.basket_hint, commerce.basket_hint)."""

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
from commerce.basket_hint import SESSION_KEY as PACKS_SESSION_KEY
from commerce.factories import PackFactory
from commerce.models import Order, OrderItem, OrderStatus

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


# Packs: counted with the lessons, from the moment one is put in the basket ------------------


def basket_line_queries(queries):
    """The header's count of lessons and packs (``EXECUTE basket_line_kinds_N`` on
    PostgreSQL; the compound query itself elsewhere)."""
    statement = f"EXECUTE {services._basket_line_kinds.statement} "
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith(statement)
        or ("UNION ALL" in q["sql"] and '"commerce_orderitem"."pack_id" IS NOT NULL' in q["sql"])
    ]


def test_a_pack_put_in_the_basket_is_counted_with_the_lessons(client, student, teacher):
    pack = PackFactory()
    make_held(student, teacher, 1)
    client.force_login(student)  # the login notes the held lesson
    assert header_count(client.get("/profile/").content.decode()) == 1
    response = client.post(reverse("commerce:add_pack", args=[pack.pk]), follow=True)
    html = response.content.decode()
    assert header_count(html) == 2
    assert '2<span class="visually-hidden"> items</span>' in html
    with CaptureQueriesContext(connection) as queries:
        assert header_count(client.get("/profile/").content.decode()) == 2
    counted = basket_line_queries(queries.captured_queries)
    assert len(counted) == 1
    # One query, not a second one for the lessons.
    assert [q for q in basket_count_queries(queries.captured_queries) if q not in counted] == []


def test_a_pack_alone_in_the_basket_is_counted(client, student):
    client.force_login(student)
    client.post(reverse("commerce:add_pack", args=[PackFactory().pk]))
    html = client.get("/profile/").content.decode()
    assert header_count(html) == 1
    assert '1<span class="visually-hidden"> pack</span>' in html


def test_a_pack_put_in_from_another_session_is_counted_from_login(client, student):
    services.add_pack_to_basket(student, PackFactory())
    client.force_login(student)
    assert header_count(client.get("/profile/").content.decode()) == 1


def test_once_the_pack_is_paid_the_header_stops_counting_packs(client, student):
    client.force_login(student)
    client.post(reverse("commerce:add_pack", args=[PackFactory().pk]))
    assert header_count(client.get("/profile/").content.decode()) == 1
    # Paid from another device (or by the webhook): the open order is gone.
    Order.objects.filter(student=student).update(status=OrderStatus.PAID)
    assert header_count(client.get("/profile/").content.decode()) is None
    assert PACKS_SESSION_KEY not in client.session
    with CaptureQueriesContext(connection) as queries:
        assert header_count(client.get("/profile/").content.decode()) is None
    assert basket_line_queries(queries.captured_queries) == []
    assert basket_count_queries(queries.captured_queries) == []


def test_a_pack_taken_out_leaves_the_count(client, student, teacher):
    make_held(student, teacher, 1)
    client.force_login(student)
    client.post(reverse("commerce:add_pack", args=[PackFactory().pk]))
    item = OrderItem.objects.get(order__student=student, pack__isnull=False)
    client.post(reverse("commerce:remove_pack", args=[item.pk]))
    assert header_count(client.get("/profile/").content.decode()) == 1


def test_the_line_counts_are_the_baskets_lines(student, teacher):
    make_held(student, teacher, 2)
    services.add_pack_to_basket(student, PackFactory())
    services.add_pack_to_basket(student, PackFactory())
    lines = services.basket_lines(student)
    assert (
        services.basket_line_counts(student)
        == (2, 2)
        == (
            sum(1 for line in lines if not getattr(line, "pack_id", None)),
            sum(1 for line in lines if getattr(line, "pack_id", None)),
        )
    )
    assert services.basket_line_counts(student, packs=False) == (2, 0)


def test_the_hidden_words_say_what_is_in_the_basket(client, student, teacher):
    make_held(student, teacher, 2)
    client.force_login(student)
    html = client.get("/profile/").content.decode()
    assert '2<span class="visually-hidden"> lessons</span>' in html
