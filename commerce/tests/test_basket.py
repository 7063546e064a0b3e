"""The basket page: held lessons priced live, offers, promo codes, removal, permissions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.models import BookingStatus
from commerce.models import OfferKind

from .conftest import make_held, make_offer

pytestmark = pytest.mark.django_db


def test_empty_basket_points_to_booking_and_teachers(client, student):
    client.force_login(student)
    response = client.get(reverse("commerce:basket"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your basket is empty" in html
    assert 'href="/book/"' in html
    assert 'href="/teachers/"' in html


def test_basket_needs_login(client):
    response = client.get(reverse("commerce:basket"))
    assert response.status_code == 302


def test_basket_lists_held_lessons_with_price_zone_hold_and_offer(client, student, teacher):
    make_held(student, teacher, 2)
    make_offer(name="Autumn welcome", value=10)
    client.force_login(student)
    html = client.get(reverse("commerce:basket")).content.decode()
    assert teacher.display_name in html
    assert "Europe/Paris" in html
    assert "more minute" in html
    assert "€36.00" in html  # before the offer
    assert "Autumn welcome" in html
    assert "10% off" in html
    assert "€32.40" in html  # after the offer
    assert reverse("commerce:checkout_start") in html


def test_basket_ignores_lapsed_holds_and_other_students_lessons(
    client, student, other_student, teacher
):
    (lapsed,) = make_held(student, teacher, 1)
    lapsed.hold_expires_at = timezone.now() - timedelta(minutes=1)
    lapsed.save()
    make_held(other_student, teacher, 1, first_day=9)
    client.force_login(student)
    assert "Your basket is empty" in client.get(reverse("commerce:basket")).content.decode()


def test_changing_an_offer_updates_the_open_basket(client, student, teacher):
    make_held(student, teacher, 1)
    offer = make_offer(value=10)
    client.force_login(student)
    assert "€16.20" in client.get(reverse("commerce:basket")).content.decode()
    offer.value = 50
    offer.save()
    assert "€9.00" in client.get(reverse("commerce:basket")).content.decode()


@pytest.mark.parametrize(
    ("code", "fields", "message"),
    [
        ("nope", {}, "This code cannot be used."),  # no oracle: unknown and expired read
        ("OLD", {"ends_at_days": -1}, "This code cannot be used."),  # the same (issue 12.11)
        ("FULL", {"max_redemptions": 1, "used": True}, "has been used up"),
        ("FIRST", {"first_order_only": True, "used": True}, "only for a first order"),
    ],
)
def test_promo_code_errors_are_clear(
    client, student, other_student, teacher, code, fields, message
):
    from commerce.models import OfferRedemption, Order

    make_held(student, teacher, 1)
    if code != "nope":
        ends = fields.pop("ends_at_days", None)
        used = fields.pop("used", False)
        promo = make_offer(
            code=code,
            starts_at=timezone.now() - timedelta(days=5),
            ends_at=timezone.now() + timedelta(days=ends) if ends else None,
            **fields,
        )
        if used:
            buyer = student if fields.get("first_order_only") else other_student
            order = Order.objects.create(student=buyer, status="paid")
            OfferRedemption.objects.create(offer=promo, order=order, student=buyer)
    client.force_login(student)
    response = client.post(reverse("commerce:basket_code"), {"code": code}, follow=True)
    assert message in response.content.decode()


def test_valid_promo_code_applies_case_insensitively_and_can_be_removed(client, student, teacher):
    make_held(student, teacher, 1)
    make_offer(name="Bonjour", code="BONJOUR", value=15)
    client.force_login(student)
    html = client.post(reverse("commerce:basket_code"), {"code": "bonjour"}, follow=True)
    assert "€15.30" in html.content.decode()
    html = client.post(reverse("commerce:basket_code"), {"remove": "1"}, follow=True)
    assert "€18.00" in html.content.decode()


def test_student_removes_a_lesson_from_the_basket(client, student, teacher):
    (booking,) = make_held(student, teacher, 1)
    client.force_login(student)
    response = client.post(
        reverse("booking:remove", args=[booking.pk]), {"next": "basket"}, follow=True
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REMOVED
    assert "Your basket is empty" in response.content.decode()


def test_nobody_removes_another_students_lesson(client, student, other_student, teacher):
    (booking,) = make_held(other_student, teacher, 1)
    client.force_login(student)
    assert client.post(reverse("booking:remove", args=[booking.pk])).status_code == 404
    assert client.get(reverse("booking:remove", args=[booking.pk])).status_code == 405
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD


def test_basket_query_count_is_the_same_for_1_and_20_lessons(
    client, student, other_student, teacher, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_offer(value=10)
    make_offer(kind=OfferKind.BUNDLE, value=0, bundle_buy=5, bundle_free=1, name="Bundle")
    make_held(student, teacher, 1)
    make_held(other_student, teacher, 20, first_day=10)
    client.force_login(student)
    client.get(reverse("commerce:basket"))  # warm caches (site, settings)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("commerce:basket"))
    client.force_login(other_student)
    client.get(reverse("commerce:basket"))
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(reverse("commerce:basket"))
    assert "Lessons (20)" in response.content.decode()
    assert len(one.captured_queries) > 0
    assert len(twenty.captured_queries) == len(one.captured_queries)


@pytest.mark.parametrize(
    ("code", "fields"),
    [("NOPE", None), ("OLD", {"ends_at_days": -1}), ("SOON", {"starts_at_days": 3})],
    ids=["unknown", "expired", "not-started"],
)
def test_a_code_that_cannot_be_used_is_not_kept_in_the_basket(
    client, student, teacher, code, fields
):
    from commerce.views import PROMO_SESSION_KEY

    make_held(student, teacher, 1)
    if fields is not None:
        now = timezone.now()
        make_offer(
            code=code,
            starts_at=now + timedelta(days=fields.get("starts_at_days", -5)),
            ends_at=now + timedelta(days=fields["ends_at_days"])
            if "ends_at_days" in fields
            else None,
        )
    client.force_login(student)
    response = client.post(reverse("commerce:basket_code"), {"code": code}, follow=True)
    html = response.content.decode()
    assert "This code cannot be used." in html
    assert PROMO_SESSION_KEY not in client.session
    assert f'value="{code}"' not in html  # the code field is not filled with it
    assert "Remove code" not in html
    # The next visit does not bring it back.
    assert (
        "This code cannot be used." not in client.get(reverse("commerce:basket")).content.decode()
    )


def test_a_bad_code_leaves_the_code_already_applied(client, student, teacher):
    from commerce.views import PROMO_SESSION_KEY

    make_held(student, teacher, 1)
    make_offer(name="Bonjour", code="BONJOUR", value=15)
    client.force_login(student)
    client.post(reverse("commerce:basket_code"), {"code": "BONJOUR"})
    html = client.post(reverse("commerce:basket_code"), {"code": "typo"}, follow=True)
    assert "This code cannot be used." in html.content.decode()
    assert client.session[PROMO_SESSION_KEY] == "BONJOUR"
    assert "€15.30" in html.content.decode()
