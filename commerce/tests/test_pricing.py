"""price_basket: the pricing rules, with property-based tests on the invariants."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from commerce.models import Offer, OfferKind
from commerce.pricing import (
    CODE_APPLIED,
    CODE_EXPIRED,
    CODE_FIRST_ORDER_ONLY,
    CODE_NOT_FOR_YOU,
    CODE_UNKNOWN,
    CODE_USED_UP,
    percentage_of,
    price_basket,
)
from site_config.money import format_cents

NOW = timezone.now()


def offer(kind=OfferKind.PERCENTAGE, value=0, buy=None, free=None, **extra):
    fields = {
        "name": "Offer",
        "kind": kind,
        "value": value,
        "bundle_buy": buy,
        "bundle_free": free,
        "starts_at": NOW - timedelta(days=1),
        "active": True,
    }
    fields.update(extra)
    return Offer(**fields)


prices = st.lists(st.integers(min_value=0, max_value=100_000), min_size=0, max_size=25)
offers_strategy = st.one_of(
    st.builds(lambda v: offer(OfferKind.PERCENTAGE, v), st.integers(1, 100)),
    st.builds(lambda v: offer(OfferKind.FIXED, v), st.integers(1, 10_000_000)),
    st.builds(
        lambda b, f: offer(OfferKind.BUNDLE, buy=b, free=f), st.integers(1, 8), st.integers(1, 4)
    ),
)


@given(prices, st.lists(offers_strategy, max_size=5))
def test_total_is_never_negative_nor_above_subtotal_and_lines_add_up(items, offers):
    result = price_basket(items, offers, now=NOW)
    assert result.subtotal_cents == sum(items)
    assert 0 <= result.total_cents <= result.subtotal_cents
    assert result.total_cents == result.subtotal_cents - result.discount_cents
    assert sum(line.discount_cents for line in result.lines) == result.discount_cents
    assert all(0 <= line.discount_cents <= line.price_cents for line in result.lines)
    assert all(isinstance(line.discount_cents, int) for line in result.lines)


@given(prices, st.lists(offers_strategy, min_size=1, max_size=5))
def test_the_best_automatic_offer_wins(items, offers):
    result = price_basket(items, offers, now=NOW)
    best = max(price_basket(items, [o], now=NOW).discount_cents for o in offers)
    assert result.discount_cents == best


@given(st.integers(0, 10_000_000), st.integers(1, 100))
def test_percentage_rounds_half_up_to_the_cent(cents, percent):
    exact = cents * percent / 100
    rounded = percentage_of(cents, percent)
    assert rounded - 0.5 <= exact < rounded + 0.5


def test_percentage_rounding_examples():
    # 10% of €18.05 is 180.5 cents: half-up gives 181; 10% of €18.04 gives 180.
    assert price_basket([1805], [offer(value=10)], now=NOW).discount_cents == 181
    assert price_basket([1804], [offer(value=10)], now=NOW).discount_cents == 180
    # per lesson: 15% of €0.99 is 14.85 cents, rounded to 15, three times
    assert price_basket([99, 99, 99], [offer(value=15)], now=NOW).discount_cents == 45


def test_hundred_percent_makes_the_basket_free():
    result = price_basket([1800, 2000], [offer(value=100)], now=NOW)
    assert (result.total_cents, result.discount_cents) == (0, 3800)


@pytest.mark.parametrize(
    ("lessons", "free_lessons"), [(5, 0), (6, 1), (7, 1), (11, 1), (12, 2), (13, 2)]
)
def test_buy_five_get_one_free(lessons, free_lessons):
    result = price_basket([1800] * lessons, [offer(OfferKind.BUNDLE, buy=5, free=1)], now=NOW)
    assert result.discount_cents == 1800 * free_lessons
    assert result.total_cents == 1800 * (lessons - free_lessons)


def test_bundle_gives_the_cheapest_lesson_of_each_group_free():
    items = [2500, 1800, 2000, 1800, 3000, 1500, 2200]
    result = price_basket(items, [offer(OfferKind.BUNDLE, buy=5, free=1)], now=NOW)
    # Sorted dearest first: 3000 2500 2200 2000 1800 | 1800 ...: the 6th (1800) is free.
    assert result.discount_cents == 1800
    assert [line.discount_cents for line in result.lines].count(1800) == 1


def test_fixed_discount_larger_than_the_subtotal_is_capped():
    result = price_basket([1800], [offer(OfferKind.FIXED, value=5000)], now=NOW)
    assert (result.discount_cents, result.total_cents) == (1800, 0)


def test_fixed_discount_is_shared_exactly_between_lessons():
    result = price_basket([1000, 1000, 1000], [offer(OfferKind.FIXED, value=100)], now=NOW)
    assert [line.discount_cents for line in result.lines] == [34, 33, 33]


def test_empty_basket_costs_nothing():
    result = price_basket([], [offer(value=50)], now=NOW)
    assert (result.subtotal_cents, result.total_cents, result.applied_offer) == (0, 0, None)


def test_offers_outside_their_dates_or_inactive_are_ignored():
    offers = [
        offer(value=50, starts_at=NOW + timedelta(days=1)),
        offer(value=40, ends_at=NOW - timedelta(seconds=1), starts_at=NOW - timedelta(days=2)),
        offer(value=30, active=False),
        offer(value=5),
    ]
    assert price_basket([1000], offers, now=NOW).discount_cents == 50


def test_code_offers_apply_only_when_their_code_is_entered():
    promo = offer(value=15, code="BONJOUR")
    assert price_basket([1000], [promo], now=NOW).applied_offer is None
    result = price_basket([1000], [promo, offer(value=20)], promo_code="bonjour", now=NOW)
    assert result.applied_offer is promo
    assert result.code_status == CODE_APPLIED
    assert result.discount_cents == 150
    assert result.message == "Code “bonjour” applied: 15% off."


@pytest.mark.parametrize(
    ("fields", "annotations", "first_order", "status", "words"),
    [
        ({"code": "OTHER"}, {}, True, CODE_UNKNOWN, "This code cannot be used."),
        ({"code": "X", "active": False}, {}, True, CODE_EXPIRED, "This code cannot be used."),
        (
            {"code": "X", "max_redemptions": 2},
            {"redemption_total": 2},
            True,
            CODE_USED_UP,
            "used up",
        ),
        (
            {"code": "X", "per_student_limit": 1},
            {"redemption_by_student": 1},
            True,
            CODE_NOT_FOR_YOU,
            "already used",
        ),
        ({"code": "X", "first_order_only": True}, {}, False, CODE_FIRST_ORDER_ONLY, "first order"),
    ],
)
def test_a_rejected_code_says_why_and_falls_back_to_automatic_offers(
    fields, annotations, first_order, status, words
):
    promo = offer(value=50, **fields)
    for name, value in annotations.items():
        setattr(promo, name, value)
    result = price_basket(
        [1000], [promo, offer(value=10)], promo_code="x", now=NOW, first_order=first_order
    )
    assert result.code_status == status
    assert result.code_rejected
    assert words in result.message
    assert result.discount_cents == 100


def test_items_may_be_objects_with_a_price():
    lessons = [SimpleNamespace(price_cents=1800), SimpleNamespace(price_cents=2000)]
    result = price_basket(lessons, [], now=NOW)
    assert result.lines[1].item is lessons[1]
    assert result.total_cents == 3800


def test_money_filter_renders_euros_with_two_decimals():
    rendered = Template("{% load money %}{{ a|money }} {{ b|money }} {{ c|money }}").render(
        Context({"a": 1800, "b": 5, "c": 123456})
    )
    assert rendered == "€18.00 €0.05 €1,234.56"
    assert format_cents(-250) == "−€2.50"
