"""The logged-in pages a user waits for cost at most five queries, however much data they show.

Each page is measured as the load benchmark (tests/perf/bench_load.py) measures it: the first
request of a user after another user has warmed the process (shared fragments and settings
are then in the cache, nothing of this user is). Sessions are read as in production, from
the cache in front of the database (``cached_db``). Every page is measured with a small and a
larger data set: the count must be the same (constant in N) and at most ``MAX_QUERIES``.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from accounts.factories import StudentFactory, TeacherFactory
from booking.factories import AvailabilityWindowFactory, BookingFactory, TimeOffFactory
from booking.models import BookingSettings, CalendarToken, OutcomeDispute
from booking.reviews.models import LessonReview
from cms_pages.models import SiteSettings
from commerce.credits.services import pay_bookings_with_credits
from commerce.factories import CreditLotFactory, OfferFactory, OrderFactory, OrderItemFactory
from commerce.models import OrderStatus

pytestmark = pytest.mark.django_db

MAX_QUERIES = 5
SMALL, LARGE = 1, 8


@pytest.fixture(autouse=True)
def _as_in_production(settings):
    """Production's session engine (Redis in front of the database; here locmem), and the
    site's settings rows, which a running site has (the first read would create them)."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    site = Site.objects.filter(is_default_site=True).first()  # gone after a flushing test
    if site is not None:
        BookingSettings.for_site(site)
        SiteSettings.for_site(site)


def queries_of_first_visit(path, user, warm_user):
    """Queries of ``user``'s first request of ``path`` after ``warm_user`` has loaded it."""
    warm = Client()
    warm.force_login(warm_user)
    assert warm.get(path).status_code == 200
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.get("Location")
    return len(queries), [query["sql"] for query in queries.captured_queries]


def assert_constant_and_small(counts):
    (small, _), (large, large_sql) = counts
    detail = "\n".join(large_sql)
    assert small == large, f"{small} queries with little data, {large} with more:\n{detail}"
    assert large <= MAX_QUERIES, f"{large} queries:\n{detail}"


# Booking page -----------------------------------------------------------------------------


def booking_page_data(n):
    """A teacher available every day with ``n`` lessons and ``n`` days off in the next weeks,
    ``n`` other teachers in the picker, and a student who has ``n`` lessons of their own."""
    teacher = TeacherFactory()
    for weekday in range(7):
        AvailabilityWindowFactory(teacher=teacher, weekday=weekday)
    for index in range(n):
        TeacherFactory()
        BookingFactory(teacher=teacher, days_from_now=3 + index % 4)
        TimeOffFactory(
            teacher=teacher,
            start_date=(timezone.now() + timedelta(days=20 + 2 * index)).date(),
            end_date=(timezone.now() + timedelta(days=20 + 2 * index)).date(),
        )
    student = StudentFactory()
    for _ in range(n):
        BookingFactory(student=student, days_from_now=4)
    return teacher, student


def test_booking_page():
    counts = []
    for n in (SMALL, LARGE):
        teacher, student = booking_page_data(n)
        path = f"/book/?teacher={teacher.profile.slug}"
        counts.append(queries_of_first_visit(path, student, StudentFactory()))
    assert_constant_and_small(counts)


# My bookings --------------------------------------------------------------------------------


def my_bookings_data(n):
    """A student with ``n`` lessons in each state: held, paid, confirmed (with different
    teachers), completed (half of them reviewed), cancelled, marked "student did not come"
    (half of them disputed) and spoiled by a technical problem; and a calendar link."""
    student = StudentFactory()
    for index in range(n):
        BookingFactory(student=student, held=True)
        BookingFactory(student=student, paid=True)
        BookingFactory(student=student, confirmed=True)
        BookingFactory(student=student, cancelled=True)
        done = BookingFactory(student=student, completed=True)
        if index % 2:
            LessonReview.objects.create(booking=done, rating=5, text="Très bien")
        absent = BookingFactory(
            student=student,
            status="missed",
            outcome="student_no_show",
            outcome_at=timezone.now(),
            days_from_now=-1,
        )
        if index % 2:
            OutcomeDispute.objects.create(booking=absent, explanation="I was there.")
        BookingFactory(
            student=student, status="missed", outcome="technical_problem", days_from_now=-1
        )
    CalendarToken.regenerate(student)
    return student


def test_my_bookings():
    counts = [
        queries_of_first_visit("/bookings/", my_bookings_data(n), StudentFactory())
        for n in (SMALL, LARGE)
    ]
    assert_constant_and_small(counts)


# Basket -------------------------------------------------------------------------------------


def basket_data(n):
    """A student with ``n`` held lessons, an open order, an order being paid, ``n`` running
    offers (one of them first-order only) and an entered promo code."""
    student = StudentFactory()
    for _ in range(n):
        BookingFactory(student=student, held=True)
        OfferFactory()
    OfferFactory(first_order_only=True, value=15)
    OrderFactory(student=student)
    paying = OrderFactory(student=student, status=OrderStatus.PAYING)
    OrderItemFactory(order=paying, booking__held=True)
    return student


def test_basket():
    counts = [
        queries_of_first_visit("/basket/", basket_data(n), StudentFactory()) for n in (SMALL, LARGE)
    ]
    assert_constant_and_small(counts)


# Teacher dashboard --------------------------------------------------------------------------


def dashboard_data(n):
    """A teacher with ``n`` lessons waiting for a decision, ``n`` confirmed, ``n`` ended and
    waiting for their outcome, ``n`` completed, ``n`` cancelled and ``n`` marked "student did
    not come", each with another student; and a calendar link."""
    teacher = TeacherFactory()
    for _ in range(n):
        BookingFactory(teacher=teacher, paid=True)
        BookingFactory(teacher=teacher, confirmed=True)
        BookingFactory(teacher=teacher, ended=True)
        BookingFactory(teacher=teacher, completed=True)
        BookingFactory(teacher=teacher, cancelled=True)
        BookingFactory(
            teacher=teacher, status="missed", outcome="student_no_show", days_from_now=-4
        )
    CalendarToken.regenerate(teacher)
    return teacher


def test_teacher_dashboard():
    counts = [
        queries_of_first_visit("/teacher/", dashboard_data(n), TeacherFactory())
        for n in (SMALL, LARGE)
    ]
    assert_constant_and_small(counts)


# My credits ---------------------------------------------------------------------------------


def credits_data(n):
    """A student with ``n`` packs bought, ``n`` lessons paid with credits and a moved lot."""
    student = StudentFactory()
    for _ in range(n):
        CreditLotFactory(student=student, quantity=n + 1)
    CreditLotFactory(student=student, bought=False, quantity=2)
    pay_bookings_with_credits(
        student, [BookingFactory(student=student, held=True) for _ in range(n)]
    )
    return student


def test_my_credits():
    counts = [
        queries_of_first_visit("/credits/", credits_data(n), StudentFactory())
        for n in (SMALL, LARGE)
    ]
    assert_constant_and_small(counts)
