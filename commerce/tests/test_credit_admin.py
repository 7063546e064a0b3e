"""The credits admin: packs are snippets typed in euros; lots and the ledger are admins' only,
in euros; a lot's page refunds (pro rata), moves and extends credits, each with a reason."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commerce.credits import services
from commerce.factories import CreditLotFactory, PackFactory
from commerce.models import CreditEntry, CreditKind, Pack

pytestmark = pytest.mark.django_db


def lot_url(lot):
    return reverse("credit_lots:inspect", args=[lot.pk])


def test_editors_add_a_pack_with_its_price_in_euros(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("wagtailsnippets_commerce_pack:add"),
        {
            "name": "Regular",
            "lessons": "10",
            "price_cents": "150.50",
            "validity_months": "12",
            "active": "on",
            "description": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Pack.objects.get(name="Regular").price_cents == 15050


def test_lots_and_ledger_are_listed_in_euros_for_admins_only(client, admin_user, editor):
    CreditLotFactory(quantity=10, pack=PackFactory(price_cents=15000))
    client.force_login(admin_user)
    lots = client.get(reverse("credit_lots:index")).content.decode()
    assert "€150.00" in lots
    ledger = client.get(reverse("credit_ledger:index")).content.decode()
    assert "€150.00" in ledger  # +10 credits at €15.00
    client.force_login(editor)
    assert client.get(reverse("credit_lots:index")).status_code in (302, 403)


def test_admin_refunds_unused_credits_pro_rata_with_a_reason(
    client, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENT_PROVIDER = "development"
    lot = CreditLotFactory(quantity=10, pack=PackFactory(price_cents=15000))
    client.force_login(admin_user)
    page = client.get(lot_url(lot)).content.decode()
    assert "Refund pro rata" in page and "€15.00" in page
    token = "t" * 32
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            lot_url(lot),
            {
                "action": "refund",
                "refund-credits": "4",
                "refund-reason": "Moving",
                "refund-token": token,
            },
        )
    assert response.status_code == 302
    assert services.credit_balance(lot.student) == 6
    refund = lot.order.refunds.get()
    assert refund.amount_cents == 6000


def test_a_reason_is_required(client, admin_user):
    lot = CreditLotFactory(quantity=3)
    client.force_login(admin_user)
    response = client.post(lot_url(lot), {"action": "move", "move-credits": "1"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert services.credit_balance(lot.student) == 3


def test_admin_moves_credits_to_another_student(client, admin_user, other_student):
    lot = CreditLotFactory(quantity=3)
    client.force_login(admin_user)
    client.post(
        lot_url(lot),
        {
            "action": "move",
            "move-credits": "2",
            "move-to_email": other_student.email.upper(),
            "move-reason": "Family account",
        },
    )
    assert services.credit_balance(other_student) == 2
    assert services.credit_balance(lot.student) == 1


def test_admin_extends_the_expiry(client, admin_user):
    lot = CreditLotFactory(quantity=3, days=5)
    new = (timezone.localtime() + timedelta(days=60)).replace(second=0, microsecond=0)
    client.force_login(admin_user)
    client.post(
        lot_url(lot),
        {
            "action": "extend",
            "extend-expires_at": new.strftime("%Y-%m-%dT%H:%M"),
            "extend-reason": "Illness",
        },
    )
    lot.refresh_from_db()
    assert lot.expires_at > timezone.now() + timedelta(days=59)
    assert CreditEntry.objects.filter(lot=lot, kind=CreditKind.EXTENSION).exists()
