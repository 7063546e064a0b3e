"""The demo content tells the truth (``manage.py load_demo``): blog authors are real demo
teachers, offers run this season, the demo student's paid lessons have their paid orders,
the home page promises only what the site does (its price comes from the data), teachers
have specialties and levels; and loading twice changes nothing."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from accounts.selectors import active_teachers
from booking.models import Booking, BookingStatus
from cms_pages.models import BlogPage, ContentPage, HomePage
from commerce.credits.services import credit_balance
from commerce.demo import DEMO_STUDENT, current_season, seasonal_offer_name
from commerce.models import (
    PAID_STATUSES,
    CreditLot,
    Offer,
    OrderItem,
    OrderStatus,
    Pack,
    RefundStatus,
)

pytestmark = pytest.mark.django_db

PAID_ONCE = (BookingStatus.PAID, BookingStatus.CONFIRMED, BookingStatus.COMPLETED)
# Claims the first demo made about features the site does not have.
UNTRUE = ("Lesson notes", "sends the lesson link", "sends notes", "thirty countries")


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # refunds are sent on commit
        call_command("load_demo", verbosity=0)


def counts():
    from cms_pages.models import Comment

    return {
        model.__name__: model.objects.count()
        for model in (get_user_model(), Booking, Offer, OrderItem, BlogPage, Comment)
    }


def test_loading_twice_changes_nothing(demo, django_capture_on_commit_callbacks):
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0)
    assert counts() == before


def test_blog_authors_are_demo_teachers(demo):
    teachers = {teacher.profile.display_name for teacher in active_teachers()}
    authors = set(BlogPage.objects.values_list("author", flat=True))
    assert authors
    assert authors <= teachers


def test_offers_run_this_season(demo):
    now = timezone.now()
    _name, first_day, next_season = current_season()
    offers = list(Offer.objects.all())
    assert len(offers) == 3
    for offer in offers:
        assert offer.active
        assert offer.starts_at <= now < offer.ends_at, offer
        assert timezone.localdate(offer.starts_at) == first_day
        assert timezone.localdate(offer.ends_at) == next_season
    assert Offer.objects.filter(name=seasonal_offer_name()).exists()


@pytest.mark.parametrize(
    ("day", "season"),
    [
        (date(2026, 12, 2), "Winter"),
        (date(2027, 2, 28), "Winter"),
        (date(2027, 3, 1), "Spring"),
        (date(2027, 7, 14), "Summer"),
        (date(2027, 10, 31), "Autumn"),
    ],
)
def test_the_seasonal_offer_is_named_for_the_season_of_the_day(day, season):
    assert current_season(day)[0] == season
    assert seasonal_offer_name(day) == f"{season} welcome: 10% off"


def test_an_ended_demo_offer_moves_to_this_season(demo, django_capture_on_commit_callbacks):
    bundle = Offer.objects.get(name="Buy 5 lessons, get 1 free")
    Offer.objects.filter(pk=bundle.pk).update(
        starts_at=timezone.now() - timezone.timedelta(days=400),
        ends_at=timezone.now() - timezone.timedelta(days=30),
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0)
    bundle.refresh_from_db()
    assert bundle.starts_at <= timezone.now() < bundle.ends_at
    assert Offer.objects.count() == 3


def test_the_demo_students_paid_lessons_have_their_paid_order(demo):
    student = get_user_model().objects.get(email=DEMO_STUDENT)
    lessons = list(Booking.objects.filter(student=student))
    statuses = {lesson.status for lesson in lessons}
    assert {*PAID_ONCE, BookingStatus.CANCELLED, BookingStatus.HELD} <= statuses
    ever_paid = [lesson for lesson in lessons if lesson.events.filter(to_status="paid").exists()]
    assert {lesson.status for lesson in ever_paid} == {*PAID_ONCE, BookingStatus.CANCELLED}
    with_credit = [lesson for lesson in ever_paid if lesson.credit_entries.exists()]
    assert len(with_credit) == 2  # booked with credits of the demo student's pack
    ever_paid = [lesson for lesson in ever_paid if lesson not in with_credit]
    for lesson in ever_paid:
        item = OrderItem.objects.select_related("order").get(booking=lesson)
        assert item.order.status in PAID_STATUSES
        assert item.order.student == student
        assert item.price_cents == lesson.price_cents
    held = [lesson for lesson in lessons if lesson.status == BookingStatus.HELD]
    assert not OrderItem.objects.filter(booking__in=held, order__status__in=PAID_STATUSES)

    order = OrderItem.objects.get(booking=ever_paid[0]).order
    items = list(order.items.all())
    assert order.subtotal_cents == sum(item.price_cents for item in items)
    assert order.discount_cents == sum(item.discount_cents for item in items)
    assert order.total_cents == order.subtotal_cents - order.discount_cents
    assert order.received_cents == order.total_cents
    assert order.offer.name == seasonal_offer_name()  # the automatic offer of the season
    # The cancelled lesson was refunded what was paid for it.
    cancelled = next(item for item in items if item.booking.status == BookingStatus.CANCELLED)
    refunds = list(cancelled.refunds.all())
    assert [(r.amount_cents, r.status) for r in refunds] == [
        (cancelled.paid_cents, RefundStatus.SUCCEEDED)
    ]
    assert order.status == OrderStatus.PARTIALLY_REFUNDED


def test_demo_teachers_have_specialties_and_levels(demo, client):
    for teacher in active_teachers():
        assert teacher.profile.specialties.exists(), teacher
        assert teacher.profile.levels_taught, teacher
    page = client.get("/teachers/?specialty=exam-prep&level=C2").content.decode()
    assert "Léa Dubois" in page
    assert "Antoine Moreau" not in page


def test_the_home_page_promises_only_what_the_site_does(demo, client):
    html = client.get("/").content.decode()
    for claim in UNTRUE:
        assert claim not in html, claim
    about = client.get(ContentPage.objects.get(slug="about").url).content.decode()
    for claim in UNTRUE:
        assert claim not in about, claim
    # "from €18.00": the cheapest active teacher's price, from the data.
    assert "<span>from</span> <strong>€18.00</strong>" in html
    assert "per 60-minute lesson" in html
    camille = active_teachers().get(profile__slug="camille-martin")
    camille.profile.price_override_cents = 1550
    camille.profile.save()
    assert "<span>from</span> <strong>€15.50</strong>" in client.get("/").content.decode()
    assert HomePage.objects.count() == 1


def test_the_demo_has_a_held_lesson_and_one_awaiting_its_outcome(demo, client):
    from booking.demo import AWAITING_GOAL, HELD_GOAL

    student = get_user_model().objects.get(email=DEMO_STUDENT)
    held = Booking.objects.get(student=student, goal=HELD_GOAL)
    assert held.was_held and held.end < timezone.now()
    waiting = Booking.objects.get(student=student, goal=AWAITING_GOAL)
    assert waiting.awaits_outcome()
    client.force_login(waiting.teacher)
    dashboard = client.get("/teacher/")
    assert [lesson.pk for lesson in dashboard.context["to_mark"]] == [waiting.pk]


def test_the_demo_student_has_a_pack_with_credits_spent(demo):
    student = get_user_model().objects.get(email=DEMO_STUDENT)
    assert sorted(Pack.objects.values_list("lessons", flat=True)) == [5, 10, 20]
    lot = CreditLot.objects.get(student=student)
    assert lot.order.status in PAID_STATUSES
    assert credit_balance(student) == lot.quantity - 2
