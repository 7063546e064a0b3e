"""Checkout: one order and one PaymentIntent per student, amounts from the database only."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking.models import Booking, BookingStatus
from commerce.models import OfferRedemption, Order, OrderStatus

from .conftest import make_held, make_offer

pytestmark = pytest.mark.django_db

BILLING = {"name": "Ada Student", "email": "ada@example.com", "country": "FR"}


def test_checkout_creates_one_intent_with_server_amount_key_and_metadata(
    client, student, teacher, fake_stripe
):
    make_held(student, teacher, 2)
    make_offer(value=10)
    client.force_login(student)
    response = client.get(reverse("commerce:checkout"))
    assert response.status_code == 200
    order = Order.objects.get(student=student, status=OrderStatus.OPEN)
    assert (order.subtotal_cents, order.discount_cents, order.total_cents) == (3600, 360, 3240)
    (create,) = fake_stripe.calls("POST", "/v1/payment_intents")
    assert create.params["amount"] == "3240"
    assert create.params["currency"] == "eur"
    assert create.params["metadata[order_id]"] == str(order.pk)
    assert create.idempotency_key == f"order-{order.pk}-create-3240-0"
    html = response.content.decode()
    assert 'data-client-secret="pi_fake_1_secret_fake"' in html
    assert 'data-stripe-key="pk_test_fake"' in html
    assert "https://js.stripe.com/v3/" in html
    assert "js/checkout.js" in html


def test_stripe_js_is_loaded_only_on_checkout(client, student, teacher, fake_stripe):
    make_held(student, teacher, 1)
    client.force_login(student)
    assert "js.stripe.com" not in client.get(reverse("commerce:basket")).content.decode()


def test_second_tab_or_double_click_reuses_the_order_and_intent(
    client, student, teacher, fake_stripe
):
    make_held(student, teacher, 1)
    client.force_login(student)
    client.get(reverse("commerce:checkout"))
    client.get(reverse("commerce:checkout"))
    client.post(reverse("commerce:checkout"), BILLING, HTTP_ACCEPT="application/json")
    assert Order.objects.filter(student=student).count() == 1
    assert len(fake_stripe.calls("POST", "/v1/payment_intents")) == 1  # created once
    assert len(fake_stripe.intents) == 1


def test_a_changed_basket_updates_the_same_intent_amount(client, student, teacher, fake_stripe):
    first, second = make_held(student, teacher, 2)
    client.force_login(student)
    client.get(reverse("commerce:checkout"))
    second.remove(by=student)
    response = client.post(reverse("commerce:checkout"), BILLING, HTTP_ACCEPT="application/json")
    assert response.json()["client_secret"] == "pi_fake_1_secret_fake"
    (intent,) = fake_stripe.intents.values()
    assert intent["amount"] == 1800
    update = fake_stripe.calls("POST", "/v1/payment_intents/pi_fake_1")[-1]
    assert update.idempotency_key
    order = Order.objects.get(student=student)
    assert list(order.items.values_list("booking_id", flat=True)) == [first.pk]


def test_tampered_amount_or_order_id_from_the_browser_is_ignored(
    client, student, other_student, teacher, fake_stripe
):
    make_held(student, teacher, 1)
    make_held(other_student, teacher, 1, first_day=9)
    client.force_login(other_student)
    client.get(reverse("commerce:checkout"))
    victim = Order.objects.get(student=other_student)
    client.force_login(student)
    response = client.post(
        reverse("commerce:checkout"),
        {**BILLING, "amount": "1", "total_cents": "1", "order_id": victim.pk, "order": victim.pk},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    mine = Order.objects.get(student=student)
    assert mine.total_cents == 1800
    assert all(intent["amount"] == 1800 for intent in fake_stripe.intents.values())
    victim.refresh_from_db()
    assert victim.billing_email == ""


def test_holds_are_extended_while_the_student_pays(client, student, teacher, fake_stripe):
    (booking,) = make_held(student, teacher, 1)
    Booking.objects.filter(pk=booking.pk).update(
        hold_expires_at=timezone.now() + timedelta(minutes=2)
    )
    client.force_login(student)
    client.get(reverse("commerce:checkout"))
    booking.refresh_from_db()
    assert booking.hold_expires_at > timezone.now() + timedelta(minutes=25)


def test_empty_basket_checkout_goes_back_to_the_basket(client, student, fake_stripe):
    client.force_login(student)
    response = client.get(reverse("commerce:checkout"))
    assert response.status_code == 302
    assert response.url == reverse("commerce:basket")
    assert not fake_stripe.requests


def test_stripe_unavailable_sends_the_student_back_with_a_message(
    client, student, teacher, fake_stripe
):
    make_held(student, teacher, 1)
    fake_stripe.fail_intents = "Stripe is down"
    client.force_login(student)
    response = client.get(reverse("commerce:checkout"), follow=True)
    assert "could not be prepared" in response.content.decode()


def test_checkout_query_count_is_the_same_for_1_and_20_lessons(
    client, student, other_student, teacher
):
    make_offer(value=10)
    make_held(student, teacher, 1)
    make_held(other_student, teacher, 20, first_day=10)
    counts = []
    for user in (student, other_student):
        client.force_login(user)
        client.get(reverse("commerce:checkout"))  # creates the order and items
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("commerce:checkout"))
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# The development provider: same fulfilment path as the webhook -------------------------------


def test_development_provider_pays_through_the_fulfilment_code(
    client, student, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = make_held(student, teacher, 2)
    offer = make_offer(value=10)
    client.force_login(student)
    response = client.post(reverse("commerce:checkout"), BILLING)
    order = Order.objects.get(student=student)
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


def test_declined_test_payment_keeps_lessons_in_basket_and_says_why(client, student, teacher):
    (booking,) = make_held(student, teacher, 1)
    client.force_login(student)
    order_url = client.post(reverse("commerce:checkout"), BILLING).url
    response = client.post(order_url, {"action": "decline"}, follow=True)
    assert "declined" in response.content.decode()
    assert "Try again" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD
    order = Order.objects.get(student=student)
    assert order.status == OrderStatus.OPEN
    assert "declined" in client.get(reverse("commerce:basket")).content.decode()


def test_redemptions_count_only_when_paid(client, student, teacher):
    make_held(student, teacher, 1)
    make_offer(value=10)
    client.force_login(student)
    client.post(reverse("commerce:checkout"), BILLING)
    assert OfferRedemption.objects.count() == 0


def test_a_free_basket_is_confirmed_without_payment(client, student, teacher):
    (booking,) = make_held(student, teacher, 1)
    make_offer(value=100)
    client.force_login(student)
    response = client.post(reverse("commerce:checkout"), BILLING)
    assert response.url.startswith(reverse("commerce:checkout_success"))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID


def test_nobody_sees_or_pays_another_students_order(client, student, other_student, teacher):
    make_held(other_student, teacher, 1)
    client.force_login(other_student)
    client.post(reverse("commerce:checkout"), BILLING)
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
    client.get(reverse("commerce:checkout"))
    order = Order.objects.get(student=student)
    assert client.get(reverse("commerce:dev_pay", args=[order.pk])).status_code == 404
