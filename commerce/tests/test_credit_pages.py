"""Packs and credits through the real pages: /pricing/, buying a pack through the basket and
the development provider, "Use 1 credit" on the booking page, My credits, cancelling (in
time: the credit comes back; late: it is spent) and the teacher's waiver."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.factories import AvailabilityWindowFactory, BookingFactory
from booking.models import Booking, BookingStatus
from booking.slots import available_slots
from commerce.credits import services
from commerce.factories import CreditLotFactory, OfferFactory, PackFactory
from commerce.models import CreditKind, CreditLot, OrderStatus
from commerce.pricing import price_basket
from commerce.services import add_pack_to_basket, basket_lines

pytestmark = pytest.mark.django_db

BILLING = {"name": "Ada Student", "email": "ada@example.com", "country": "FR"}


@pytest.fixture
def available_teacher(teacher):
    teacher.profile.timezone = "Europe/Paris"
    teacher.profile.save(update_fields=["timezone"])
    for day in range(7):
        AvailabilityWindowFactory(
            teacher=teacher, weekday=day, start_time=time(9), end_time=time(18)
        )
    return teacher


@pytest.fixture
def slot(available_teacher, student):
    now = timezone.now()
    return available_slots(available_teacher, now, now + timedelta(days=7), viewer=student)[0]


def test_pricing_page_lists_active_packs_with_price_per_lesson(
    client, django_assert_max_num_queries
):
    PackFactory(name="Regular pack", lessons=10, price_cents=16000)
    PackFactory(name="Old pack", active=False)
    client.get("/pricing/")  # the site's settings rows exist on a running site
    with django_assert_max_num_queries(6):
        response = client.get("/pricing/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Lesson packs and prices | Petit Talk</title>" in content
    assert 'name="description"' in content
    assert "Regular pack" in content and "€160.00" in content and "€16.00 a lesson" in content
    assert "Old pack" not in content


def test_buying_a_pack_through_the_basket_and_the_development_provider(
    client, student, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENT_PROVIDER = "development"
    pack = PackFactory(name="Regular pack", lessons=10, price_cents=16000)
    client.force_login(student)
    assert client.post(reverse("commerce:add_pack", args=[pack.pk])).url == "/basket/"
    basket = client.get("/basket/").content.decode()
    assert "Regular pack" in basket and "€160.00" in basket
    assert client.post(reverse("commerce:checkout_start")).status_code == 303
    response = client.post(reverse("commerce:checkout"), BILLING)
    assert response.status_code == 303
    order = student.orders.get()
    assert response.url == reverse("commerce:dev_pay", args=[order.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, {"action": "pay"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    lot = CreditLot.objects.get(student=student)
    assert (lot.pack, lot.quantity, lot.order) == (pack, 10, order)
    assert lot.expires_at.date() > (timezone.now() + timedelta(days=360)).date()
    assert services.credit_balance(student) == 10
    receipt = client.get(reverse("commerce:order_receipt", args=[order.pk])).content.decode()
    assert "Regular pack" in receipt and "10 lesson credits" in receipt


def test_an_offer_discounts_packs_only_when_it_says_so(student):
    pack = PackFactory(price_cents=10000)
    add_pack_to_basket(student, pack)
    lesson = BookingFactory(student=student, held=True, price_cents=2000)
    lines = basket_lines(student)
    assert [getattr(line, "pack_id", None) for line in lines] == [None, pack.pk]
    lessons_only = OfferFactory(value=10)
    assert price_basket(lines, [lessons_only]).discount_cents == 200
    lessons_only.applies_to_packs = True
    assert price_basket(lines, [lessons_only]).discount_cents == 1200
    assert lesson.price_cents == 2000


def test_an_inactive_pack_cannot_be_bought(client, student):
    pack = PackFactory(active=False)
    client.force_login(student)
    response = client.post(reverse("commerce:add_pack", args=[pack.pk]), follow=True)
    assert "not on sale" in response.content.decode()
    assert not basket_lines(student)


def test_booking_page_offers_a_credit_and_books_straight_to_paid(
    client, student, available_teacher, slot
):
    CreditLotFactory(student=student, quantity=5)
    client.force_login(student)
    url = f"/book/?teacher={available_teacher.profile.slug}"
    page = client.post(url, {"teacher": available_teacher.profile.slug, "choose": slot.isoformat()})
    assert "Use 1 credit (5 left)" in page.content.decode()
    response = client.post(
        reverse("commerce:use_credit"),
        {"teacher": available_teacher.profile.slug, "slot": slot.isoformat(), "goal": "Verbs"},
    )
    assert response.url == reverse("booking:my_bookings")
    booking = Booking.objects.get(student=student)
    assert (booking.status, booking.goal) == (BookingStatus.PAID, "Verbs")
    assert services.credit_balance(student) == 4
    assert not basket_lines(student)


def test_no_credit_button_without_credits_valid_on_the_lessons_date(
    client, student, available_teacher, slot
):
    CreditLotFactory(student=student, quantity=5, days=1)  # expires before the lesson
    client.force_login(student)
    url = f"/book/?teacher={available_teacher.profile.slug}"
    page = client.post(url, {"teacher": available_teacher.profile.slug, "choose": slot.isoformat()})
    assert "Use 1 credit" not in page.content.decode()
    response = client.post(
        reverse("commerce:use_credit"),
        {"teacher": available_teacher.profile.slug, "slot": slot.isoformat()},
        follow=True,
    )
    assert "enough credits" in response.content.decode()
    assert not Booking.objects.filter(student=student).exists()  # the hold was undone


def test_use_credit_with_bad_input_says_so(client, student, available_teacher):
    CreditLotFactory(student=student, quantity=1)
    client.force_login(student)
    response = client.post(
        reverse("commerce:use_credit"),
        {"teacher": available_teacher.profile.slug, "slot": "yesterday"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Please choose a time again." in response.content.decode()


def test_my_credits_shows_balance_per_expiry_ledger_and_receipts(
    client, student, django_assert_max_num_queries
):
    student.profile.timezone = "America/New_York"
    student.profile.save(update_fields=["timezone"])
    lot = CreditLotFactory(student=student, quantity=5)
    CreditLotFactory(student=student, quantity=2, bought=False, days=30)
    services.pay_bookings_with_credits(student, [BookingFactory(student=student, held=True)])
    client.force_login(student)
    client.get("/credits/")  # warm the session and site settings
    with django_assert_max_num_queries(5):
        response = client.get("/credits/")
    content = response.content.decode()
    assert "<title>My credits | Petit Talk</title>" in content
    assert "You have 6 credits" in content
    assert "America/New_York" in content
    assert reverse("commerce:order_receipt", args=[lot.order_id]) in content
    assert "Lesson booked" in content and "Pack bought" in content


def test_my_credits_is_for_students(client, teacher):
    client.force_login(teacher)
    assert client.get("/credits/").status_code == 403


def paid_with_credit(student, start):
    CreditLotFactory(student=student, quantity=1)
    lesson = BookingFactory(student=student, held=True, start=start)
    services.pay_bookings_with_credits(student, [lesson])
    lesson.refresh_from_db()
    return lesson


def test_cancelling_in_time_returns_the_credit(client, student):
    lesson = paid_with_credit(student, timezone.now() + timedelta(days=5))
    client.force_login(student)
    page = client.get(reverse("booking:cancel", args=[lesson.pk])).content.decode()
    assert "You get your lesson credit back" in page
    response = client.post(reverse("booking:cancel", args=[lesson.pk]), follow=True)
    assert "Your credit is back in your wallet" in response.content.decode()
    assert services.credit_balance(student) == 1


def test_late_cancel_is_offered_and_spends_the_credit(client, student):
    lesson = paid_with_credit(student, timezone.now() + timedelta(hours=6))
    client.force_login(student)
    my_bookings = client.get(reverse("booking:my_bookings")).content.decode()
    assert "you can still cancel, but the credit you paid with is spent" in my_bookings
    page = client.get(reverse("booking:cancel", args=[lesson.pk])).content.decode()
    assert "Cancel and spend the credit" in page
    response = client.post(reverse("booking:cancel", args=[lesson.pk]), follow=True)
    assert "the credit is spent unless your teacher gives it back" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.status == BookingStatus.CANCELLED
    assert services.credit_balance(student) == 0


def test_late_cancel_of_a_card_paid_lesson_is_still_refused(client, student):
    lesson = BookingFactory(student=student, paid=True, start=timezone.now() + timedelta(hours=6))
    client.force_login(student)
    client.post(reverse("booking:cancel", args=[lesson.pk]))
    lesson.refresh_from_db()
    assert lesson.status == BookingStatus.PAID


def test_the_teacher_waives_a_late_cancel_from_the_dashboard(client, student):
    lesson = paid_with_credit(student, timezone.now() + timedelta(hours=6))
    lesson.cancel(by=student)
    client.force_login(lesson.teacher)
    dashboard = client.get(reverse("booking:teacher_dashboard")).content.decode()
    assert "Give the credit back" in dashboard
    response = client.post(reverse("commerce:waive_late_cancel", args=[lesson.pk]), follow=True)
    assert "got their credit back" in response.content.decode()
    assert services.credit_balance(student) == 1
    entry = lesson.credit_entries.get(kind=CreditKind.RETURN)
    assert entry.by == lesson.teacher and "waived" in entry.reason


def test_another_teacher_cannot_waive(client, student, teacher):
    lesson = paid_with_credit(student, timezone.now() + timedelta(hours=6))
    lesson.cancel(by=student)
    client.force_login(teacher)
    assert client.post(reverse("commerce:waive_late_cancel", args=[lesson.pk])).status_code == 404
    assert services.credit_balance(student) == 0
