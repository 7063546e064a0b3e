"""``reconcile_payments``: Stripe's record of payments against our orders (missed webhooks)."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from booking.models import BookingStatus
from commerce.models import Order, OrderStatus, Payment
from commerce.reconcile import reconcile_payments

from .conftest import intent_event, make_held, post_event, start_checkout

pytestmark = pytest.mark.django_db


def run_command(**options):
    out = StringIO()
    call_command("reconcile_payments", stdout=out, **options)
    return out.getvalue()


def snapshot():
    """Every order, payment and booking state, to show a run changed nothing."""
    from booking.models import Booking

    return (
        list(Order.objects.order_by("pk").values_list("pk", "status", "paid_at", "updated_at")),
        list(Payment.objects.order_by("pk").values_list("pk", "intent_id", "status")),
        list(Booking.objects.order_by("pk").values_list("pk", "status")),
    )


@pytest.fixture
def open_order(client, student, teacher, fake_stripe):
    """A student started checkout: an open order with its Stripe intent."""
    make_held(student, teacher, 2)
    client.force_login(student)
    start_checkout(client)
    client.logout()
    return Order.objects.get(student=student)


def test_a_paid_intent_with_an_unpaid_order_is_fulfilled_once(
    open_order, fake_stripe, mailoutbox, django_capture_on_commit_callbacks
):
    fake_stripe.succeed(open_order.payment_intent_id)  # paid; the webhook never came
    with django_capture_on_commit_callbacks(execute=True):
        first = run_command()
    with django_capture_on_commit_callbacks(execute=True):
        second = run_command()

    assert f"Fulfilled: Order {open_order.pk} fulfilled from payment pi_fake_1" in first
    assert "1 order(s) fulfilled, 0 problem(s)" in first
    assert "0 order(s) fulfilled, 0 problem(s)" in second
    open_order.refresh_from_db()
    assert open_order.status == OrderStatus.PAID
    assert open_order.payments.get().amount_cents == 3600
    assert {item.booking.status for item in open_order.items.all()} == {BookingStatus.PAID}
    assert len([m for m in mailoutbox if "receipt" in m.subject.lower()]) == 1


def test_the_webhook_arriving_after_reconciliation_changes_nothing(
    client, open_order, fake_stripe, mailoutbox, django_capture_on_commit_callbacks
):
    intent = fake_stripe.succeed(open_order.payment_intent_id)
    with django_capture_on_commit_callbacks(execute=True):
        run_command()
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(client, intent_event("payment_intent.succeeded", intent))
    assert response.status_code == 200
    assert snapshot() == before
    assert len([m for m in mailoutbox if "receipt" in m.subject.lower()]) == 1


def test_an_order_marked_paid_without_a_succeeded_intent_is_reported_not_changed(
    open_order, fake_stripe, caplog
):
    Order.objects.filter(pk=open_order.pk).update(status=OrderStatus.PAID)
    before = snapshot()
    with caplog.at_level(logging.WARNING, logger="commerce.reconcile"):
        output = run_command()
    expected = f"Order {open_order.pk} is marked paid but its payment pi_fake_1"
    assert f"Problem: {expected}" in output
    assert "has not succeeded" in output
    assert any(expected in record.getMessage() for record in caplog.records)
    assert snapshot() == before


def test_intents_without_a_known_order_are_reported(open_order, fake_stripe):
    stray = fake_stripe.add_intent(amount=2500, status="succeeded")
    ghost = fake_stripe.add_intent(amount=1800, metadata={"order_id": "999999"})
    before = snapshot()
    output = run_command()
    assert f"Problem: Payment {stray['id']} (succeeded, €25.00) has no known order." in output
    assert f"Problem: Payment {ghost['id']} (requires_payment_method, €18.00)" in output
    assert "2 problem(s)" in output
    assert snapshot() == before


def test_consistent_data_changes_nothing_and_reports_nothing(
    client, student, other_student, teacher, fake_stripe, django_capture_on_commit_callbacks
):
    make_held(student, teacher, 1)
    make_held(other_student, teacher, 1, first_day=9)
    for buyer in (student, other_student):
        client.force_login(buyer)
        start_checkout(client)
    paid = Order.objects.get(student=student)
    with django_capture_on_commit_callbacks(execute=True):
        intent = fake_stripe.succeed(paid.payment_intent_id)
        post_event(client, intent_event("payment_intent.succeeded", intent))
    before = snapshot()
    output = run_command()
    assert "Checked 2 stripe payment(s)" in output
    assert "0 order(s) fulfilled, 0 problem(s)" in output
    assert "Problem" not in output
    assert snapshot() == before
    assert Order.objects.get(student=other_student).status == OrderStatus.OPEN


def test_all_pages_of_the_window_are_read_and_older_intents_are_not(fake_stripe):
    for _ in range(3):
        fake_stripe.add_intent(amount=1800)  # unknown: each one is reported
    fake_stripe.add_intent(amount=1800, age=int(timedelta(days=4).total_seconds()))
    report = reconcile_payments(page_size=1)
    assert report.checked == 3
    assert len(report.problems) == 3
    (listing, *more) = fake_stripe.calls("GET", "/v1/payment_intents")
    assert listing.params["limit"] == "1"
    assert int(listing.params["created[gte]"]) == int(report.since.timestamp())
    assert [call.params.get("starting_after") for call in more] == [
        "pi_fake_3",
        "pi_fake_2",
    ]


def test_the_development_provider_has_nothing_to_reconcile(settings):
    settings.PAYMENT_PROVIDER = "development"
    assert run_command().strip() == "Payment provider development: nothing to reconcile."


def test_the_scheduler_runs_reconciliation():
    from site_config.management.commands.run_scheduler import available_commands

    assert "reconcile_payments" in available_commands()


def test_a_paid_intent_of_an_order_in_payment_is_fulfilled(
    open_order, fake_stripe, django_capture_on_commit_callbacks
):
    Order.objects.filter(pk=open_order.pk).update(status=OrderStatus.PAYING)
    fake_stripe.succeed(open_order.payment_intent_id)
    with django_capture_on_commit_callbacks(execute=True):
        report = reconcile_payments()
    assert len(report.fulfilled) == 1
    open_order.refresh_from_db()
    assert open_order.status == OrderStatus.PAID


def test_an_order_in_payment_whose_payment_stopped_is_reported(open_order, fake_stripe):
    Order.objects.filter(pk=open_order.pk).update(status=OrderStatus.PAYING)
    before = snapshot()
    report = reconcile_payments()  # the intent still asks for a payment method
    assert report.problems == [
        f"Order {open_order.pk} is marked paying but its payment pi_fake_1 "
        "(requires_payment_method, €36.00) stopped; its lessons wait for a payment that is "
        "not coming."
    ]
    assert snapshot() == before
