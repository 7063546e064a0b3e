"""The Wagtail dashboard shows admins lessons booked, a 12-week chart with its data table
and revenue, in a fixed number of queries; editors see the moderation panels and no booking
or money figures. Each panel comes from
the app whose data it shows (booking.dashboard, commerce.dashboard, the moderation panels)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.factories import StudentFactory, TeacherFactory
from booking.dashboard import BOOKED_STATUSES, CHART_WEEKS, booking_summary, period_starts
from booking.factories import BookingFactory
from booking.models import Booking, BookingStatus
from commerce.models import Order, OrderStatus, Refund, RefundStatus


def make_booking(teacher, student, status, created_at):
    """A lesson in its own hour (no overlaps), booked at ``created_at``."""
    booking = BookingFactory(teacher=teacher, student=student, status=status)
    Booking.objects.filter(pk=booking.pk).update(created_at=created_at)
    return booking


def seed_bookings(count_per_status=1):
    """Bookings on several days across the last 14 weeks, in booked and unbooked states."""
    teacher, student = TeacherFactory(), StudentFactory()
    week_start, _, _ = period_starts()
    moments = [
        timezone.now(),
        week_start + datetime.timedelta(minutes=1),
        week_start - datetime.timedelta(minutes=1),
        week_start - datetime.timedelta(days=20),
        week_start - datetime.timedelta(weeks=11, days=-1),
        week_start - datetime.timedelta(weeks=13),
    ]
    created = []
    statuses = [*BOOKED_STATUSES, BookingStatus.HELD, BookingStatus.CANCELLED]
    for moment in moments:
        for status in statuses:
            for _ in range(count_per_status):
                make_booking(teacher, student, status, moment)
                created.append((moment, status))
    return created


def expected_counts(created):
    week_start, month_start, chart_start = period_starts()
    booked = [moment for moment, status in created if status in BOOKED_STATUSES]
    per_week = {}
    for moment in booked:
        if moment >= chart_start:
            local = timezone.localtime(moment).date()
            monday = local - datetime.timedelta(days=local.weekday())
            per_week[monday] = per_week.get(monday, 0) + 1
    return {
        "week": sum(moment >= week_start for moment in booked),
        "month": sum(moment >= month_start for moment in booked),
        "per_week": per_week,
    }


@pytest.mark.django_db
def test_booking_summary_counts_only_paid_lessons_by_week_and_month():
    created = seed_bookings()
    expected = expected_counts(created)

    summary = booking_summary()

    assert summary["week"] == expected["week"] > 0
    assert summary["month"] == expected["month"]
    assert len(summary["weeks"]) == CHART_WEEKS
    assert {w["monday"]: w["count"] for w in summary["weeks"] if w["count"]} == expected["per_week"]
    mondays = [w["monday"] for w in summary["weeks"]]
    assert all(m.weekday() == 0 for m in mondays)
    assert mondays == sorted(mondays)
    assert summary["peak"] == max(expected["per_week"].values())


@pytest.mark.django_db
def test_booking_summary_takes_two_queries_whatever_the_data(django_assert_num_queries):
    seed_bookings(count_per_status=3)
    with django_assert_num_queries(2):
        booking_summary()


def dashboard_html(client, user):
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_admin_sees_bookings_chart_and_table(client, admin_user):
    created = seed_bookings()
    expected = expected_counts(created)

    html = dashboard_html(client, admin_user)

    assert 'id="petit-talk-bookings-section"' in html
    assert f'<dd data-figure="week">{expected["week"]}</dd>' in html
    assert f'<dd data-figure="month">{expected["month"]}</dd>' in html
    assert 'role="img"' in html
    assert '<title id="pt-chart-title">' in html
    assert html.count('<tr><th scope="row"><time') == CHART_WEEKS


@pytest.mark.django_db
def test_editor_sees_no_booking_counts_revenue_or_booking_menus(client, editor, admin_user):
    """Editors manage content: their dashboard has the moderation panels but no booking
    counts, chart or revenue, and their menu no bookings, orders or teachers."""
    seed_bookings()
    Order.objects.create(
        student=StudentFactory(), status=OrderStatus.NEEDS_ATTENTION, total_cents=1800
    )
    admins = dashboard_html(client, admin_user)
    html = dashboard_html(client, editor)

    for marker in (
        "petit-talk-bookings-section",
        "data-figure=",
        "petit-talk-revenue-section",
        "petit-talk-orders-attention",
        "/admin/bookings/",
        "/admin/orders/",
        "/admin/teachers/",
    ):
        assert marker in admins, marker
        assert marker not in html, marker
    assert "Awaiting moderation" in html


@pytest.mark.django_db
def test_admin_sees_revenue_of_paid_orders_minus_refunds(client, admin_user):
    student = StudentFactory()
    now = timezone.now()
    paid = Order.objects.create(
        student=student, status=OrderStatus.PAID, total_cents=3600, paid_at=now
    )
    Order.objects.create(
        student=student,
        status=OrderStatus.PARTIALLY_REFUNDED,
        total_cents=1800,
        paid_at=now - datetime.timedelta(days=400),
    )
    Order.objects.create(student=student, status=OrderStatus.FAILED, total_cents=9900)
    Refund.objects.create(
        order=paid,
        amount_cents=1000,
        reason="test",
        status=RefundStatus.SUCCEEDED,
        idempotency_key="refund-1",
    )
    Refund.objects.create(
        order=paid, amount_cents=500, reason="test", status="failed", idempotency_key="refund-2"
    )

    html = dashboard_html(client, admin_user)

    week = re.search(r'<tr data-period="week">(.*?)</tr>', html, re.S).group(1)
    total = re.search(r'<tr data-period="total">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<td>(.*?)</td>", week) == ["€36.00", "€10.00", "€26.00"]
    assert re.findall(r"<td>(.*?)</td>", total) == ["€54.00", "€10.00", "€44.00"]
    assert 'id="petit-talk-bookings-section"' in html


@pytest.mark.django_db
def test_students_and_teachers_get_no_dashboard(client, student, teacher):
    for user in (student, teacher):
        client.force_login(user)
        response = client.get("/admin/")
        assert response.status_code in (302, 403)
        assert b"petit-talk-bookings" not in response.content


def count_dashboard_queries(client, user):
    client.force_login(user)
    client.get("/admin/")  # warm per-process caches (site settings, permissions)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_bookings(client, admin_user):
    seed_bookings(count_per_status=1)
    few = count_dashboard_queries(client, admin_user)
    seed_bookings(count_per_status=4)
    many = count_dashboard_queries(client, admin_user)
    assert few == many
