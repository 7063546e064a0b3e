"""Promo-code limits hold at payment time: claimed when the payment is prepared, re-checked
when it is fulfilled. A student who loses the claim sees the basket re-priced before paying."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.factories import StudentFactory
from commerce.models import OfferRedemption, Order, OrderStatus

from .conftest import intent_event, make_held, make_offer, post_event, start_checkout

pytestmark = pytest.mark.django_db


def enter_code(client, code):
    return client.post(reverse("commerce:basket_code"), {"code": code})


def pay(client, fake_stripe, order):
    intent = fake_stripe.succeed(order.payment_intent_id)
    assert post_event(client, intent_event("payment_intent.succeeded", intent)).status_code == 200
    order.refresh_from_db()
    return order


def discounted_paid_orders(offer):
    return Order.objects.filter(offer=offer, status=OrderStatus.PAID, discount_cents__gt=0)


def test_two_students_reach_payment_before_either_pays_only_one_gets_the_code(
    client, student, other_student, teacher, fake_stripe
):
    offer = make_offer(code="ONCE", value=50, max_redemptions=1)
    make_held(student, teacher, 1)
    make_held(other_student, teacher, 1, first_day=9)
    first, second = Client(), Client()
    first.force_login(student)
    second.force_login(other_student)
    for browser in (first, second):
        enter_code(browser, "ONCE")
    start_checkout(first)
    start_checkout(second)

    mine = Order.objects.get(student=student)
    theirs = Order.objects.get(student=other_student)
    assert (mine.total_cents, mine.offer) == (900, offer)
    assert (theirs.total_cents, theirs.offer) == (1800, None)
    page = second.get(reverse("commerce:checkout")).content.decode()
    assert "has been used up" in page
    assert "Pay €18.00" in page
    basket = second.get(reverse("commerce:basket")).content.decode()
    assert "has been used up" in basket

    pay(client, fake_stripe, theirs)
    pay(client, fake_stripe, mine)
    assert list(discounted_paid_orders(offer)) == [mine]
    assert OfferRedemption.objects.filter(offer=offer).count() == 1


def test_a_claim_lapses_with_the_holds_so_an_abandoned_checkout_frees_the_code(
    student, other_student, teacher, fake_stripe
):
    offer = make_offer(code="ONCE", value=50, max_redemptions=1)
    make_held(student, teacher, 1)
    make_held(other_student, teacher, 1, first_day=9)
    first, second = Client(), Client()
    first.force_login(student)
    second.force_login(other_student)
    enter_code(first, "ONCE")
    start_checkout(first)
    Order.objects.filter(student=student).update(
        offer_claimed_until=timezone.now() - timedelta(seconds=1)
    )
    enter_code(second, "ONCE")
    start_checkout(second)
    assert Order.objects.get(student=other_student).offer == offer


def test_fulfilment_rechecks_the_limit_and_flags_an_order_over_it(
    client, student, other_student, teacher, fake_stripe
):
    offer = make_offer(code="ONCE", value=50, max_redemptions=1)
    make_held(student, teacher, 1)
    make_held(other_student, teacher, 1, first_day=9)
    first, second = Client(), Client()
    first.force_login(student)
    second.force_login(other_student)
    enter_code(first, "ONCE")
    start_checkout(first)
    mine = Order.objects.get(student=student)
    Order.objects.filter(pk=mine.pk).update(
        offer_claimed_until=timezone.now() - timedelta(seconds=1)
    )
    enter_code(second, "ONCE")
    start_checkout(second)
    theirs = Order.objects.get(student=other_student)
    pay(client, fake_stripe, theirs)
    pay(client, fake_stripe, mine)  # paid the discounted amount after its claim lapsed
    assert theirs.status == OrderStatus.PAID
    assert mine.status == OrderStatus.NEEDS_ATTENTION
    assert "ONCE" in mine.attention_reason
    assert offer.redemptions.count() == 2  # recorded, for the admin to see


def test_per_student_limit_counts_the_students_payment_in_flight(
    client, student, teacher, fake_stripe
):
    offer = make_offer(code="ONCE", value=50, per_student_limit=1)
    make_held(student, teacher, 1)
    client.force_login(student)
    enter_code(client, "ONCE")
    start_checkout(client)
    first = Order.objects.get(student=student)
    assert first.offer == offer
    fake_stripe.intents[first.payment_intent_id]["status"] = "processing"
    make_held(student, teacher, 1, first_day=9)
    start_checkout(client)  # the new lessons go into a new order
    second = Order.objects.get(student=student, status=OrderStatus.OPEN)
    assert (second.offer, second.total_cents) == (None, 1800)
    assert "as many times as it allows" in client.get(reverse("commerce:checkout")).content.decode()
    pay(client, fake_stripe, first)
    pay(client, fake_stripe, second)
    assert OfferRedemption.objects.filter(offer=offer).count() == 1


def test_first_order_only_counts_an_order_whose_payment_is_in_flight(
    client, student, teacher, fake_stripe
):
    offer = make_offer(code="FIRST", value=50, first_order_only=True)
    make_held(student, teacher, 1)
    client.force_login(student)
    enter_code(client, "FIRST")
    start_checkout(client)
    first = Order.objects.get(student=student)
    assert first.offer == offer
    fake_stripe.intents[first.payment_intent_id]["status"] = "processing"
    make_held(student, teacher, 1, first_day=9)
    start_checkout(client)
    second = Order.objects.get(student=student, status=OrderStatus.OPEN)
    assert (second.offer, second.total_cents) == (None, 1800)
    assert "only for a first order" in client.get(reverse("commerce:checkout")).content.decode()


def test_the_claiming_student_keeps_the_code_at_a_second_checkout(
    client, student, other_student, teacher, fake_stripe
):
    offer = make_offer(code="ONCE", value=50, max_redemptions=1)
    make_held(student, teacher, 1)
    client.force_login(student)
    enter_code(client, "ONCE")
    start_checkout(client)
    start_checkout(client)  # a second tab, or back and forth to the basket
    order = Order.objects.get(student=student)
    assert (order.offer, order.total_cents) == (offer, 900)
    assert "Pay €9.00" in client.get(reverse("commerce:checkout")).content.decode()


THREADS = 20


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: real concurrent transactions (set DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_students_get_exactly_one_discounted_paid_order(teacher, fake_stripe):
    offer = make_offer(code="ONCE", value=50, max_redemptions=1)
    students = [StudentFactory() for _ in range(THREADS)]
    browsers = []
    for i, student in enumerate(students):
        make_held(student, teacher, 1, first_day=5 + i)
        browser = Client()
        browser.force_login(student)
        enter_code(browser, "ONCE")
        browsers.append(browser)
    barrier = threading.Barrier(THREADS)
    codes = [None] * THREADS

    def attempt(i):
        try:
            barrier.wait()
            codes[i] = start_checkout(browsers[i]).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [303] * THREADS
    orders = list(Order.objects.filter(student__in=students))
    assert len(orders) == THREADS
    assert sum(order.offer_id == offer.pk for order in orders) == 1
    webhook = Client()
    for order in orders:
        pay(webhook, fake_stripe, order)
    assert discounted_paid_orders(offer).count() == 1
    assert Order.objects.filter(status=OrderStatus.PAID).count() == THREADS
    assert OfferRedemption.objects.filter(offer=offer).count() == 1
