"""Twenty lessons paid with credits at once by a student who has fewer credits: exactly as
many are paid as there were credits, and no lot goes below zero; two weekly series paid with
credits at once never share them (PostgreSQL)."""

import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.utils import timezone

from accounts.factories import TeacherFactory
from booking.factories import AvailabilityWindowFactory, BookingFactory
from booking.models import Booking, BookingSeries, BookingStatus
from commerce.credits import services
from commerce.factories import CreditLotFactory
from commerce.models import CreditEntry, CreditKind

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: real concurrent transactions (set DATABASE_URL)",
    ),
]

THREADS = 20
PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_credit_bookings_never_spend_more_than_the_balance(student):
    # 7 credits in two lots (the sooner one is spent first), 20 lessons held at once.
    CreditLotFactory(student=student, quantity=3, days=100)
    CreditLotFactory(student=student, quantity=4, days=200)
    lessons = [BookingFactory(student=student, held=True, days_from_now=5) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS

    def attempt(i):
        try:
            barrier.wait()
            services.pay_bookings_with_credits(student, [Booking.objects.get(pk=lessons[i].pk)])
            results[i] = "paid"
        except services.NotEnoughCredits:
            results[i] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count("paid") == 7, results
    assert results.count("refused") == THREADS - 7
    assert Booking.objects.filter(student=student, status=BookingStatus.PAID).count() == 7
    assert CreditEntry.objects.filter(kind=CreditKind.SPEND).count() == 7
    assert services.credit_balance(student) == 0
    per_lot = CreditEntry.objects.values("lot").annotate(left=Sum("delta"))
    assert all(row["left"] == 0 for row in per_lot)


@pytest.mark.django_db(transaction=True)
def test_two_series_paid_with_credits_at_once_never_share_the_credits(student):
    """5 credits, two weekly series of 4 lessons booked with credits at the same moment (two
    teachers, two weekdays): one is booked and paid, the other is refused with nothing held."""
    CreditLotFactory(student=student, quantity=5)
    starts = []
    teachers = [TeacherFactory(), TeacherFactory()]
    for weekday, teacher in zip((1, 2), teachers, strict=True):
        teacher.profile.timezone = "Europe/Paris"
        teacher.profile.save(update_fields=["timezone"])
        AvailabilityWindowFactory(
            teacher=teacher, weekday=weekday, start_time=time(17), end_time=time(20)
        )
        day = (timezone.now() + timedelta(days=3)).astimezone(PARIS).date()
        day += timedelta(days=(weekday - day.weekday()) % 7)
        starts.append(timezone.make_aware(datetime.combine(day, time(18)), PARIS))
    barrier = threading.Barrier(2)
    results = [None, None]

    def attempt(i):
        try:
            barrier.wait()
            services.book_series_with_credits(student, teachers[i], starts[i], 4, [0, 1, 2, 3])
            results[i] = "paid"
        except services.NotEnoughCredits:
            results[i] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["paid", "refused"], results
    assert BookingSeries.objects.count() == 1
    assert Booking.objects.filter(student=student).count() == 4
    assert set(Booking.objects.values_list("status", flat=True)) == {BookingStatus.PAID}
    assert services.credit_balance(student) == 1
