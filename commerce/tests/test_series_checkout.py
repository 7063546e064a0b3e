"""A weekly series pays in one checkout: its lessons are ordinary basket lessons, paid
together with the development provider; "cancel the rest" refunds each cancelled lesson
as a single cancel does."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.factories import AvailabilityWindowFactory
from booking.models import Booking, BookingSeries, BookingStatus
from booking.series import hold_series
from commerce.models import Order, OrderStatus

from .conftest import BILLING, start_checkout

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def weekly(student, teacher):
    """A Paris teacher free on Tuesdays 17:00-20:00 and the next Tuesday 18:00 at least
    three days away."""
    teacher.profile.timezone = "Europe/Paris"
    teacher.profile.save(update_fields=["timezone"])
    AvailabilityWindowFactory(teacher=teacher, weekday=1, start_time=time(17), end_time=time(20))
    day = (timezone.now() + timedelta(days=3)).astimezone(PARIS).date()
    day += timedelta(days=(1 - day.weekday()) % 7)
    first = timezone.make_aware(timezone.datetime.combine(day, time(18)), PARIS)
    return teacher, first


def test_a_series_is_paid_in_one_checkout_with_the_development_provider(
    client, student, weekly, django_capture_on_commit_callbacks
):
    teacher, first = weekly
    client.force_login(student)
    response = client.post(
        reverse("booking:series"),
        {
            "teacher": teacher.profile.slug,
            "start": first.isoformat(),
            "weeks": 4,
            "week": ["0", "1", "2", "3"],
        },
    )
    assert response.url == reverse("commerce:basket")
    lessons = list(BookingSeries.objects.get(student=student).lessons.all())
    assert len(lessons) == 4
    start_checkout(client)
    response = client.post(reverse("commerce:checkout"), BILLING)
    order = Order.objects.get(student=student)
    assert response.url == reverse("commerce:dev_pay", args=[order.pk])
    assert order.items.count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, {"action": "pay"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.received_cents == order.total_cents == 4 * 1800
    assert {b.status for b in Booking.objects.filter(series__student=student)} == {
        BookingStatus.PAID
    }

    # Cancel the rest: every lesson (all before their deadline) cancelled and refunded.
    series = BookingSeries.objects.get(student=student)
    page = client.get(reverse("booking:cancel_series", args=[series.pk])).content.decode()
    assert page.count("you will be refunded €18.00") == 4
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("booking:cancel_series", args=[series.pk]))
    assert {b.status for b in series.lessons.all()} == {BookingStatus.CANCELLED}
    order.refresh_from_db()
    assert sum(refund.amount_cents for refund in order.refunds.all()) == 4 * 1800


def test_the_series_holds_are_extended_together_at_checkout(student, weekly, client):
    teacher, first = weekly
    _series, bookings = hold_series(student, teacher, first, 3, [0, 1, 2])
    client.force_login(student)
    start_checkout(client)
    assert all(
        b.hold_extended_at is not None
        for b in Booking.objects.filter(pk__in=[x.pk for x in bookings])
    )
