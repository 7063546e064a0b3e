"""No refund beyond what was paid, even when several refund requests arrive at once.

Refunds lock the order, compute what is left inside the lock, and each refund request has
its own idempotency key (the admin form's token), so a double submit refunds once.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from commerce.models import Order, OrderStatus, Refund
from commerce.services import RefundRefused, refund_item

from .conftest import checkout_and_submit, intent_event, make_held, post_event

THREADS = 5


def paid_nine_euro_lesson(student, teacher, fake_stripe):
    make_held(student, teacher, 1, price_cents=900)
    browser = Client()
    browser.force_login(student)
    checkout_and_submit(browser)
    order = Order.objects.get(student=student)
    intent = fake_stripe.succeed(order.payment_intent_id)
    post_event(browser, intent_event("payment_intent.succeeded", intent))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


def post_at_once(admin_user, url, payloads):
    browsers = []
    for _ in payloads:
        browser = Client()
        browser.force_login(admin_user)
        browsers.append(browser)
    barrier = threading.Barrier(len(payloads))
    codes = [None] * len(payloads)

    def attempt(i):
        try:
            barrier.wait()
            codes[i] = browsers[i].post(url, payloads[i]).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


@pytest.mark.django_db
def test_a_refund_above_what_is_left_is_refused_not_shrunk(
    student, teacher, fake_stripe, django_capture_on_commit_callbacks
):
    order = paid_nine_euro_lesson(student, teacher, fake_stripe)
    item = order.items.get()
    with django_capture_on_commit_callbacks(execute=True):
        refund_item(item, amount_cents=600, reason="Short", key="a")
    with pytest.raises(RefundRefused) as refused:
        refund_item(item, amount_cents=600, reason="Short", key="b")
    assert "At most €3.00" in str(refused.value)
    assert sum(r.amount_cents for r in Refund.objects.all()) == 600


@pytest.mark.django_db
def test_the_admin_sees_why_a_refund_was_refused(
    client, student, teacher, admin_user, fake_stripe, django_capture_on_commit_callbacks
):
    order = paid_nine_euro_lesson(student, teacher, fake_stripe)
    item = order.items.get()
    client.force_login(admin_user)
    url = reverse("orders:inspect", args=[order.pk])
    page = client.get(url)  # the form is rendered with the €9.00 still refundable
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        refund_item(item, amount_cents=600, reason="Elsewhere", key="elsewhere")
    data = {"item": item.pk, "amount": "9.00", "reason": "Again", "token": "t1"}
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "At most €3.00" in response.content.decode()
    assert Refund.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        refund_item(item, reason="The rest", key="rest")
    response = client.post(url, {**data, "token": "t2"}, follow=True)
    assert "Nothing is left to refund on this order" in response.content.decode()
    assert sum(r.amount_cents for r in Refund.objects.all()) == 900


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: real concurrent transactions (set DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_token", [False, True], ids=["five-tokens", "one-token"])
def test_five_concurrent_admin_refunds_of_a_nine_euro_lesson_refund_nine_euros(
    student, teacher, admin_user, fake_stripe, same_token
):
    order = paid_nine_euro_lesson(student, teacher, fake_stripe)
    item = order.items.get()
    url = reverse("orders:inspect", args=[order.pk])
    payloads = [
        {
            "item": item.pk,
            "amount": "9.00",
            "reason": "Teacher was late",
            "token": "same" if same_token else f"t{i}",
        }
        for i in range(THREADS)
    ]
    codes = post_at_once(admin_user, url, payloads)
    assert 500 not in codes, codes
    refunds = list(Refund.objects.filter(order=order))
    assert [r.amount_cents for r in refunds] == [900]
    assert len(fake_stripe.calls("POST", "/v1/refunds")) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
