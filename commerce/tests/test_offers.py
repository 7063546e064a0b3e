"""Offers: validation messages, unique codes, what is current, the home page block, admin."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from commerce import demo
from commerce.blocks import OffersBlock
from commerce.models import Offer, OfferKind
from commerce.offers import current_offers, offers_for_pricing

from .conftest import make_offer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": OfferKind.PERCENTAGE, "value": 0}, "value", "between 1 and 100"),
        ({"kind": OfferKind.PERCENTAGE, "value": 101}, "value", "between 1 and 100"),
        ({"kind": OfferKind.FIXED, "value": 0}, "value", "above zero"),
        ({"kind": OfferKind.BUNDLE, "bundle_buy": 0, "bundle_free": 1}, "bundle_buy", "at least 1"),
        (
            {"kind": OfferKind.BUNDLE, "bundle_buy": 5, "bundle_free": None},
            "bundle_free",
            "at least 1",
        ),
        ({"ends_at_offset": -1}, "ends_at", "end after it starts"),
        ({"max_redemptions": 0}, "max_redemptions", "at least 1"),
    ],
)
def test_offer_validation_messages_are_clear(fields, field, message):
    now = timezone.now()
    offset = fields.pop("ends_at_offset", None)
    offer = Offer(name="X", starts_at=now, **{"kind": OfferKind.PERCENTAGE, "value": 10, **fields})
    if offset is not None:
        offer.ends_at = now + timedelta(days=offset)
    with pytest.raises(ValidationError) as error:
        offer.full_clean()
    assert message in " ".join(error.value.message_dict[field])


def test_promo_codes_are_unique_whatever_their_case():
    make_offer(code="BONJOUR")
    duplicate = Offer(name="Y", kind=OfferKind.PERCENTAGE, value=5, code="bonjour")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already uses this promo code" in str(error.value)
    with pytest.raises(IntegrityError):
        make_offer(code="Bonjour")


def test_many_offers_may_have_no_code():
    make_offer(name="A")
    make_offer(name="B")
    assert Offer.objects.filter(code="").count() == 2


def test_current_offers_are_active_and_within_their_dates():
    now = timezone.now()
    running = make_offer(name="Running", ends_at=now + timedelta(days=1))
    make_offer(name="Future", starts_at=now + timedelta(days=1))
    make_offer(name="Past", starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=1))
    make_offer(name="Off", active=False)
    assert list(current_offers()) == [running]


def test_offers_block_shows_every_current_offer_with_its_summary():
    make_offer(name="Autumn welcome", value=20, description="Twenty off.")
    make_offer(name="Bundle", kind=OfferKind.BUNDLE, value=0, bundle_buy=5, bundle_free=1)
    make_offer(name="Fixed", kind=OfferKind.FIXED, value=500, code="FIVE")
    block = OffersBlock()
    html = block.render(block.to_python({"heading": "Current offers"}))
    for text in (
        "Current offers",
        "Autumn welcome",
        "20% off",
        "Twenty off.",
        "Buy 5, get 1 free",
        "€5.00 off",
        "FIVE",
    ):
        assert text in html


def test_offers_block_renders_nothing_without_offers():
    block = OffersBlock()
    assert block.render(block.to_python({"heading": "Current offers"})).strip() == ""


def test_editors_manage_offers_in_the_wagtail_admin(client, editor):
    client.force_login(editor)
    response = client.get(reverse("wagtailsnippets_commerce_offer:list"))
    assert response.status_code == 200
    response = client.get(reverse("wagtailsnippets_commerce_offer:list") + "?q=autumn")
    assert response.status_code == 200


def test_students_cannot_reach_offers_admin(client, student):
    client.force_login(student)
    assert client.get(reverse("wagtailsnippets_commerce_offer:list")).status_code in (302, 403)


def test_demo_offers_load_idempotently():
    demo.load(lambda message: None)
    demo.load(lambda message: None)
    assert Offer.objects.count() == 3
    assert Offer.objects.get(code="BONJOUR").value == 15
    assert {o.kind for o in current_offers()} == {OfferKind.PERCENTAGE, OfferKind.BUNDLE}


def test_money_filter_is_available_to_other_apps_templates():
    template = engines["django"].from_string("{% load money %}{{ 1800|money }}")
    assert template.render({}) == "€18.00"


@pytest.mark.django_db
def test_pricing_reads_running_automatic_offers_and_only_the_entered_code(student):
    now = timezone.now()
    automatic = make_offer(name="Automatic")
    make_offer(name="Ended", ends_at=now - timedelta(days=1), starts_at=now - timedelta(days=9))
    entered = make_offer(name="Entered", code="AUTUMN", ends_at=now - timedelta(hours=1))
    for i in range(5):  # codes issued over the years
        make_offer(name=f"Old code {i}", code=f"OLD{i}")
    names = {offer.name for offer in offers_for_pricing(student, now=now, promo_code=" autumn ")}
    assert names == {automatic.name, entered.name}  # an expired code still gets its message
    assert {o.name for o in offers_for_pricing(student, now=now)} == {automatic.name}


def test_pricing_counts_uses_of_limited_offers_only_the_same_with_or_without_a_code(student):
    """The compiled query (no code) and the ordinary one (a code entered) read the same uses;
    offers without the matching limit get 0 (their uses are never counted)."""
    from commerce.factories import OrderFactory
    from commerce.models import OfferRedemption, OrderStatus

    now = timezone.now()
    limited = make_offer(name="Limited", max_redemptions=5, per_student_limit=2)
    unlimited = make_offer(name="Unlimited")
    make_offer(name="Coded", code="SPRING")
    for offer in (limited, unlimited):
        order = OrderFactory(student=student, status=OrderStatus.PAID, offer=offer)
        OfferRedemption.objects.create(offer=offer, order=order, student=student)
        OrderFactory(status=OrderStatus.PAYING, offer=offer)  # another student's claim

    def uses(promo_code):
        return {
            offer.name: (
                offer.redemption_total,
                offer.redemption_by_student,
                offer.student_has_placed_order,
            )
            for offer in offers_for_pricing(student, now=now, promo_code=promo_code)
        }

    without_code, with_code = uses(""), uses("spring")
    assert without_code == {"Limited": (2, 1, True), "Unlimited": (0, 0, True)}
    assert with_code == {**without_code, "Coded": (0, 0, True)}
    loaded = offers_for_pricing(student, now=now)[0]
    assert loaded.get_deferred_fields() == {"description", "image_id", "created_at", "updated_at"}
    assert loaded.summary and loaded.pk in (limited.pk, unlimited.pk)
