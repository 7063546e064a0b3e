"""Twenty lessons paid with credits at once by a student who has fewer credits: exactly as
many are paid as there were credits, and no lot goes below zero (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections
from django.db.models import Sum

from booking.factories import BookingFactory
from booking.models import Booking, BookingStatus
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
