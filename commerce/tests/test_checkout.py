"""Checkout: one order and one PaymentIntent per student, amounts from the database only.

The basket's Checkout button POSTs to ``checkout_start`` (all the writes) and is redirected
(303) to ``/checkout/``, which only reads.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking.models import Booking, BookingStatus
from commerce.models import OfferRedemption, Order, OrderStatus

from .conftest import (
    BILLING,
    checkout_and_submit,
    make_held,
    make_offer,
    start_checkout,
    submit_billing,
)

pytestmark = pytest.mark.django_db

WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)


def writes_in(captured):
    """Writes to order, booking or payment tables (site settings may be created lazily)."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if (match := WRITE.match(q["sql"])) and match.group(2).startswith(("commerce_", "booking_"))
    ]


def test_checkout_button_posts_creates_one_intent_and_redirects_with_303(
    client, student, teacher, fake_stripe
):
    make_held(student, teacher, 2)
    make_offer(value=10)
    client.force_login(student)
    response = start_checkout(client)
    assert response.status_code == 303
    assert response.url == reverse("commerce:checkout")
    order = Order.objects.get(student=student, status=OrderStatus.OPEN)
    assert (order.subtotal_cents, order.discount_cents, order.total_cents) == (3600, 360, 3240)
    (create,) = fake_stripe.calls("POST", "/v1/payment_intents")
    assert create.params["amount"] == "3240"
    assert create.params["currency"] == "eur"
    assert create.params["metadata[order_id]"] == str(order.pk)
    assert create.idempotency_key == f"order-{order.pk}-create-3240-0"


def test_checkout_page_shows_the_stored_order_with_its_intents_client_secret(
    client, student, teacher, fake_stripe
):
    make_held(student, teacher, 2)
    make_offer(value=10)
    client.force_login(student)
    start_checkout(client)
    seen = len(fake_stripe.requests)
    response = client.get(reverse("commerce:checkout"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-client-secret="pi_fake_1_secret_fake"' in html
    assert 'data-stripe-key="pk_test_fake"' in html
    assert "https://js.stripe.com/v3/" in html
    assert "js/checkout.js" in html
    assert "Pay €32.40" in html
    page_calls = fake_stripe.requests[seen:]
    assert [(r.method, r.path) for r in page_calls] == [("GET", "/v1/payment_intents/pi_fake_1")]


def test_get_checkout_writes_nothing_for_a_student(client, student, teacher, fake_stripe):
    (booking,) = make_held(student, teacher, 1)
    client.force_login(student)
    start_checkout(client)
    order = Order.objects.get(student=student)
    before = (order.updated_at, Booking.objects.get(pk=booking.pk).hold_expires_at)
    requests_before = len(fake_stripe.requests)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("commerce:checkout")).status_code == 200
    assert writes_in(captured) == []
    order.refresh_from_db()
    assert (order.updated_at, Booking.objects.get(pk=booking.pk).hold_expires_at) == before
    assert {r.method for r in fake_stripe.requests[requests_before:]} == {"GET"}


def test_get_checkout_without_an_order_offers_the_post_button_and_writes_nothing(
    client, student, teacher, fake_stripe
):
    make_held(student, teacher, 1)
    client.force_login(student)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("commerce:checkout"))
    assert response.status_code == 200
    assert writes_in(captured) == []
    assert not Order.objects.exists()
    assert not fake_stripe.requests
    html = response.content.decode()
    assert f'action="{reverse("commerce:checkout_start")}"' in html
    assert "Continue to payment of €18.00" in html
    assert "payment-element" not in html
    assert "js.stripe.com" not in html


def test_basket_checkout_button_is_a_post_form(client, student, teacher):
    make_held(student, teacher, 1)
    client.force_login(student)
    html = client.get(reverse("commerce:basket")).content.decode()
    assert f'<form method="post" action="{reverse("commerce:checkout_start")}">' in html
    assert f'href="{reverse("commerce:checkout")}"' not in html


def test_checkout_start_refuses_get(client, student, teacher):
    make_held(student, teacher, 1)
    client.force_login(student)
    assert client.get(reverse("commerce:checkout_start")).status_code == 405
    assert not Order.objects.exists()


@pytest.mark.parametrize("role", ["teacher", "editor", "admin_user"])
def test_only_students_reach_checkout(request, client, role, student, teacher):
    make_held(student, teacher, 1)
    client.force_login(request.getfixturevalue(role))
    for response in (
        client.get(reverse("commerce:checkout")),
        client.post(reverse("commerce:checkout_start")),
        client.post(reverse("commerce:checkout"), BILLING),
    ):
        assert response.status_code == 403
        assert "for student accounts" in response.content.decode()
    assert not Order.objects.exists()


def test_visitors_are_sent_to_log_in(client):
    for response in (
        client.get(reverse("commerce:checkout")),
        client.post(reverse("commerce:checkout_start")),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert not Order.objects.exists()


def test_stripe_js_is_loaded_only_on_checkout(client, student, teacher, fake_stripe):
    make_held(student, teacher, 1)
    client.force_login(student)
    assert "js.stripe.com" not in client.get(reverse("commerce:basket")).content.decode()


def test_second_tab_or_double_click_reuses_the_order_and_intent(
    client, student, teacher, fake_stripe
):
    make_held(student, teacher, 1)
    client.force_login(student)
    start_checkout(client)
    start_checkout(client)
    client.get(reverse("commerce:checkout"))
    response = submit_billing(client)
    assert response.json()["client_secret"] == "pi_fake_1_secret_fake"
    assert Order.objects.filter(student=student).count() == 1
    assert len(fake_stripe.calls("POST", "/v1/payment_intents")) == 1  # created once
    assert len(fake_stripe.intents) == 1


def test_a_changed_basket_is_shown_before_paying_and_reuses_the_intent(
    client, student, teacher, fake_stripe
):
    first, second = make_held(student, teacher, 2)
    client.force_login(student)
    start_checkout(client)
    second.remove(by=student)

    html = client.get(reverse("commerce:checkout")).content.decode()
    assert "Your basket changed" in html
    assert "Continue to payment of €18.00" in html
    assert "payment-element" not in html
    assert fake_stripe.intents["pi_fake_1"]["amount"] == 3600  # nothing written on GET

    response = start_checkout(client)
    assert response.status_code == 303
    (intent,) = fake_stripe.intents.values()
    assert intent["amount"] == 1800
    update = fake_stripe.calls("POST", "/v1/payment_intents/pi_fake_1")[-1]
    assert update.idempotency_key
    order = Order.objects.get(student=student)
    assert list(order.items.values_list("booking_id", flat=True)) == [first.pk]
    html = client.get(reverse("commerce:checkout")).content.decode()
    assert "Pay €18.00" in html
    assert 'data-client-secret="pi_fake_1_secret_fake"' in html


def test_paying_after_the_basket_changed_sends_the_student_back_to_look(
    client, student, teacher, fake_stripe
):
    _first, second = make_held(student, teacher, 2)
    client.force_login(student)
    start_checkout(client)
    second.remove(by=student)  # in another tab, while the payment form is open
    response = submit_billing(client)
    assert response.status_code == 409
    assert response.json() == {"redirect": reverse("commerce:checkout")}
    assert fake_stripe.intents["pi_fake_1"]["amount"] == 1800
    page = client.get(reverse("commerce:checkout")).content.decode()
    assert "Your basket changed since you started checkout" in page
    assert "Pay €18.00" in page


def test_tampered_amount_or_order_id_from_the_browser_is_ignored(
    client, student, other_student, teacher, fake_stripe
):
    make_held(student, teacher, 1)
    make_held(other_student, teacher, 1, first_day=9)
    client.force_login(other_student)
    start_checkout(client)
    victim = Order.objects.get(student=other_student)
    client.force_login(student)
    start_checkout(client)
    response = submit_billing(
        client,
        {**BILLING, "amount": "1", "total_cents": "1", "order_id": victim.pk, "order": victim.pk},
    )
    assert response.status_code == 200
    mine = Order.objects.get(student=student)
    assert mine.total_cents == 1800
    assert all(intent["amount"] == 1800 for intent in fake_stripe.intents.values())
    victim.refresh_from_db()
    assert victim.billing_email == ""


def test_holds_are_extended_when_checkout_starts(client, student, teacher, fake_stripe):
    (booking,) = make_held(student, teacher, 1)
    Booking.objects.filter(pk=booking.pk).update(
        hold_expires_at=timezone.now() + timedelta(minutes=2)
    )
    client.force_login(student)
    start_checkout(client)
    booking.refresh_from_db()
    assert booking.hold_expires_at > timezone.now() + timedelta(minutes=25)


def test_empty_basket_checkout_goes_back_to_the_basket(client, student, fake_stripe):
    client.force_login(student)
    response = client.get(reverse("commerce:checkout"))
    assert response.status_code == 302
    assert response.url == reverse("commerce:basket")
    response = start_checkout(client)
    assert response.status_code == 303
    assert response.url == reverse("commerce:basket")
    assert not fake_stripe.requests
    assert not Order.objects.exists()


def test_stripe_unavailable_sends_the_student_back_with_a_message(
    client, student, teacher, fake_stripe
):
    make_held(student, teacher, 1)
    fake_stripe.fail_intents = "Stripe is down"
    client.force_login(student)
    response = client.post(reverse("commerce:checkout_start"), follow=True)
    assert "could not be prepared" in response.content.decode()
    assert not Order.objects.exists()  # the transaction rolled back


def test_an_intent_already_being_paid_shows_the_result_page(client, student, teacher, fake_stripe):
    make_held(student, teacher, 1)
    client.force_login(student)
    start_checkout(client)
    order = Order.objects.get(student=student)
    fake_stripe.succeed(order.payment_intent_id)
    response = client.get(reverse("commerce:checkout"))
    assert response.status_code == 302
    assert response.url == reverse("commerce:checkout_success") + f"?order={order.pk}"


def test_checkout_query_count_is_the_same_for_1_and_20_lessons(
    client, student, other_student, teacher
):
    make_offer(value=10)
    make_held(student, teacher, 1)
    make_held(other_student, teacher, 20, first_day=10)
    start_counts, page_counts = [], []
    for user in (student, other_student):
        client.force_login(user)
        start_checkout(client)  # creates the order and items
        for _ in range(2):  # warm caches; the first request creates the settings rows
            client.get(reverse("commerce:checkout"))
        with CaptureQueriesContext(connection) as captured:
            assert start_checkout(client).status_code == 303
        start_counts.append(len(captured.captured_queries))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("commerce:checkout"))
        assert response.status_code == 200
        assert "payment" in response.content.decode()
        page_counts.append(len(captured.captured_queries))
    assert start_counts[0] == start_counts[1]
    assert page_counts[0] == page_counts[1]


# The development provider: same fulfilment path as the webhook -------------------------------


def test_development_provider_pays_through_the_fulfilment_code(
    client, student, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = make_held(student, teacher, 2)
    offer = make_offer(value=10)
    client.force_login(student)
    start_checkout(client)
    assert "Test mode" in client.get(reverse("commerce:checkout")).content.decode()
    response = client.post(reverse("commerce:checkout"), BILLING)
    order = Order.objects.get(student=student)
    assert response.status_code == 303
    assert response.url == reverse("commerce:dev_pay", args=[order.pk])
    page = client.get(response.url).content.decode()
    assert "Test payment — no money moves" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response.url, {"action": "pay"})
    assert response.url == reverse("commerce:checkout_success") + f"?order={order.pk}"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.payments.get().amount_cents == 3240
    assert {b.status for b in Booking.objects.filter(pk__in=[first.pk, second.pk])} == {
        BookingStatus.PAID
    }
    assert OfferRedemption.objects.get(order=order).offer == offer
    receipt = next(m for m in mailoutbox if "receipt" in m.subject.lower())
    assert receipt.to == ["ada@example.com"]
    assert "€32.40" in receipt.body
    success = client.get(response.url).content.decode()
    assert "your lessons are booked" in success
    assert reverse("commerce:order_receipt", args=[order.pk]) in success


def test_invalid_billing_details_show_the_form_again(client, student, teacher):
    make_held(student, teacher, 1)
    client.force_login(student)
    start_checkout(client)
    response = client.post(reverse("commerce:checkout"), {**BILLING, "email": "nope"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert Order.objects.get(student=student).billing_email == ""
    response = submit_billing(client, {**BILLING, "country": ""})
    assert response.status_code == 400
    assert "country" in response.json()["errors"]


def test_declined_test_payment_keeps_lessons_in_basket_and_says_why(client, student, teacher):
    (booking,) = make_held(student, teacher, 1)
    client.force_login(student)
    start_checkout(client)
    order_url = client.post(reverse("commerce:checkout"), BILLING).url
    response = client.post(order_url, {"action": "decline"}, follow=True)
    assert "declined" in response.content.decode()
    assert "Try again" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD
    order = Order.objects.get(student=student)
    assert order.status == OrderStatus.OPEN
    assert "declined" in client.get(reverse("commerce:basket")).content.decode()
    assert "Pay €18.00" in client.get(reverse("commerce:checkout")).content.decode()


def test_redemptions_count_only_when_paid(client, student, teacher):
    make_held(student, teacher, 1)
    make_offer(value=10)
    client.force_login(student)
    start_checkout(client)
    client.post(reverse("commerce:checkout"), BILLING)
    assert OfferRedemption.objects.count() == 0


def test_a_free_basket_is_confirmed_without_payment(client, student, teacher, fake_stripe):
    (booking,) = make_held(student, teacher, 1)
    make_offer(value=100)
    client.force_login(student)
    start_checkout(client)
    assert not fake_stripe.requests  # nothing to pay: no intent
    page = client.get(reverse("commerce:checkout")).content.decode()
    assert "Confirm free booking" in page
    assert "js.stripe.com" not in page
    response = client.post(reverse("commerce:checkout"), BILLING)
    assert response.url.startswith(reverse("commerce:checkout_success"))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID


def test_nobody_sees_or_pays_another_students_order(client, student, other_student, teacher):
    make_held(other_student, teacher, 1)
    client.force_login(other_student)
    checkout_and_submit(client)
    order = Order.objects.get(student=other_student)
    client.force_login(student)
    assert client.get(reverse("commerce:dev_pay", args=[order.pk])).status_code == 404
    assert (
        client.post(reverse("commerce:dev_pay", args=[order.pk]), {"action": "pay"}).status_code
        == 404
    )
    assert client.get(reverse("commerce:order_receipt", args=[order.pk])).status_code == 404
    for name in ("commerce:checkout_success", "commerce:checkout_failure"):
        assert client.get(reverse(name) + f"?order={order.pk}").status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN


def test_dev_pay_page_is_off_with_the_stripe_provider(client, student, teacher, fake_stripe):
    make_held(student, teacher, 1)
    client.force_login(student)
    start_checkout(client)
    order = Order.objects.get(student=student)
    assert client.get(reverse("commerce:dev_pay", args=[order.pk])).status_code == 404
