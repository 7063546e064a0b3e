"""Admin lists and detail pages speak euros and the admin's own time zone (issue 14.5).

Every amount is stored in cents and shown through site_config.money ("€18.00"); every time is
shown in the admin user's zone with its abbreviation ("4 Dec 2026, 18:00 CET", through
accounts.zones.format_local), never as raw cents or an unnamed time.
"""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from accounts.factories import TeacherFactory
from booking.factories import BookingFactory
from booking.models import Booking, BookingEvent
from commerce.factories import OfferFactory, OrderFactory, OrderItemFactory
from commerce.models import Order, Payment, Refund

pytestmark = pytest.mark.django_db

# 17:00 UTC is 18:00 in Paris in December (CET); the lesson ends at 19:00 CET.
START = datetime(2031, 12, 4, 17, tzinfo=UTC)
SHOWN_START = "4 Dec 2031, 18:00 CET"
SHOWN_END = "4 Dec 2031, 19:00 CET"
# 09:30 UTC on 1 July is 11:30 in Paris (CEST).
MOMENT = datetime(2031, 7, 1, 9, 30, tzinfo=UTC)
SHOWN_MOMENT = "1 Jul 2031, 11:30 CEST"


@pytest.fixture
def paris_admin(admin_user):
    admin_user.profile.timezone = "Europe/Paris"
    admin_user.profile.save(update_fields=["timezone"])
    return admin_user


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def raw_cell(html, text):
    """Whether a table cell holds exactly ``text`` (a raw number shown as is)."""
    return re.search(rf"<td[^>]*>\s*{re.escape(text)}\s*</td>", html) is not None


@pytest.fixture
def lesson(db):
    booking = BookingFactory(start=START, paid=True, price_cents=1800)
    BookingEvent.objects.create(booking=booking, to_status="paid", at=MOMENT)
    return booking


@pytest.fixture
def order(lesson):
    order = OrderFactory(paid=True, student=lesson.student, subtotal_cents=3600, discount_cents=500)
    Order.objects.filter(pk=order.pk).update(total_cents=3100, created_at=MOMENT, paid_at=MOMENT)
    OrderItemFactory(order=order, booking=lesson, price_cents=1800, discount_cents=250)
    payment = Payment.objects.create(
        order=order,
        provider="development",
        intent_id="pi_1",
        amount_cents=3100,
        status="succeeded",
    )
    Payment.objects.filter(pk=payment.pk).update(created_at=MOMENT)
    refund = Refund.objects.create(
        order=order,
        amount_cents=750,
        reason="Short lesson",
        status="succeeded",
        idempotency_key="r1",
    )
    Refund.objects.filter(pk=refund.pk).update(created_at=MOMENT)
    order.refresh_from_db()
    return order


def test_bookings_listing_shows_euros_and_the_admins_zone(client, paris_admin, lesson):
    html = page(client, paris_admin, reverse("bookings:index"))
    assert "€18.00" in html
    assert not raw_cell(html, "1800")
    assert SHOWN_START in html
    assert "Price cents" not in html


def test_booking_detail_shows_euros_and_zoned_times(client, paris_admin, lesson):
    html = page(client, paris_admin, reverse("bookings:inspect", args=[lesson.pk]))
    assert "€18.00" in html and "1800" not in html
    assert "Price cents" not in html
    assert SHOWN_START in html and SHOWN_END in html
    # the history panel too
    assert SHOWN_MOMENT in html and "(UTC)" not in html


def test_booking_action_page_names_the_zone(client, paris_admin, lesson):
    html = page(client, paris_admin, reverse("bookings:action", args=[lesson.pk, "confirm"]))
    assert SHOWN_START in html


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("America/New_York", "4 Dec 2031, 12:00 EST"), ("", "4 Dec 2031, 17:00 UTC")],
)
def test_times_follow_each_admins_own_zone(client, admin_user, lesson, zone, shown):
    admin_user.profile.timezone = zone
    admin_user.profile.save(update_fields=["timezone"])
    html = page(client, admin_user, reverse("bookings:index"))
    assert shown in html


def test_booking_export_is_in_euros(client, paris_admin, lesson):
    client.force_login(paris_admin)
    response = client.get(reverse("bookings:index") + "?export=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert "Price (cents)" not in rows[0]
    assert rows[0]["Price (€)"] == "18.00"


def test_orders_listing_shows_totals_in_euros_and_zoned_times(client, paris_admin, order):
    html = page(client, paris_admin, reverse("orders:index"))
    assert "€31.00" in html
    assert not raw_cell(html, "3100")
    assert SHOWN_MOMENT in html
    assert "Total cents" not in html


def test_order_detail_shows_lines_payments_and_refunds_in_euros_and_zones(
    client, paris_admin, order
):
    html = page(client, paris_admin, reverse("orders:inspect", args=[order.pk]))
    for amount in ("€36.00", "€5.00", "€31.00", "€18.00", "€2.50", "€7.50"):
        assert amount in html, amount
    for raw in ("3600", "3100", "1800", "750"):
        assert not raw_cell(html, raw), raw
    assert "cents" not in html.lower()
    assert SHOWN_START in html  # the lesson's start
    assert SHOWN_MOMENT in html  # created, paid, payment and refund times
    assert "(UTC)" not in html


def test_order_export_is_in_euros(client, paris_admin, order):
    client.force_login(paris_admin)
    response = client.get(reverse("orders:index") + "?export=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert (rows[0]["Subtotal (€)"], rows[0]["Discount (€)"], rows[0]["Total (€)"]) == (
        "36.00",
        "5.00",
        "31.00",
    )


def test_offers_listing_shows_euros_and_zoned_dates(client, paris_admin):
    OfferFactory(fixed=True, name="Winter", starts_at=MOMENT)
    html = page(client, paris_admin, reverse("wagtailsnippets_commerce_offer:list"))
    assert "€5.00 off" in html
    assert SHOWN_MOMENT in html


def test_teachers_listing_shows_price_in_euros_and_zoned_join_date(client, paris_admin):
    teacher = TeacherFactory()
    teacher.profile.price_override_cents = 2000
    teacher.profile.save(update_fields=["price_override_cents"])
    type(teacher).objects.filter(pk=teacher.pk).update(date_joined=MOMENT)
    html = page(client, paris_admin, reverse("teachers:index"))
    assert "€20.00" in html
    assert not raw_cell(html, "2000")
    assert SHOWN_MOMENT in html


def test_refund_amount_is_typed_in_euros(client, paris_admin, order):
    item = order.items.get()
    client.force_login(paris_admin)
    url = reverse("orders:inspect", args=[order.pk])
    data = {"item": item.pk, "amount": "2.5", "reason": "Late start", "token": "t-euros"}
    assert client.post(url, data).status_code == 302
    assert Refund.objects.filter(reason="Late start").get().amount_cents == 250
    html = client.get(url).content.decode()
    assert "Amount (€)" in html


def test_listing_query_count_does_not_grow_with_rows(client, paris_admin, lesson, order):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(paris_admin)

    def count(url):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = [reverse("bookings:index"), reverse("orders:index")]
    few = [count(url) for url in urls]
    for _ in range(5):
        extra = OrderItemFactory(order=OrderFactory(paid=True))
        Booking.objects.filter(pk=extra.booking_id).update(price_cents=2000)
    assert [count(url) for url in urls] == few
