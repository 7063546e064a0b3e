"""/teachers/: each teacher's price, verified rating, specialties, levels, next free time
in the viewer's zone and a Book button; GET filters (specialty, level, price range, free in
the next 7 days, text) that can be shared; bad values ignored with a message; a teacher with
no free time says so and cannot be booked; queries do not grow with the teachers."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.factories import StudentFactory, TeacherFactory
from accounts.models import Specialty
from accounts.zones import format_local
from booking.factories import AvailabilityWindowFactory, BookingFactory, TimeOffFactory
from booking.models import BookingSettings, BookingStatus
from booking.reviews.models import LessonReview
from booking.slots import available_slots, next_free_slots
from site_config.moderation import ModerationStatus

pytestmark = pytest.mark.django_db

URL = "/teachers/"


def teacher(name, *, price=None, zone="Europe/Paris", levels=("", ""), specialties=(), **profile):
    user = TeacherFactory(display_name=name)
    p = user.profile
    p.timezone = zone
    p.price_override_cents = price
    p.lowest_level_taught, p.highest_level_taught = levels
    for field, value in profile.items():
        setattr(p, field, value)
    p.save()
    p.specialties.set(specialties)
    return user


def open_every_day(user, start_hour=9, end_hour=12):
    from datetime import time

    for weekday in range(7):
        AvailabilityWindowFactory(
            teacher=user, weekday=weekday, start_time=time(start_hour), end_time=time(end_hour)
        )


def review(user, rating, status=ModerationStatus.APPROVED, lesson=BookingStatus.COMPLETED):
    outcome = "held" if lesson == BookingStatus.COMPLETED else ""
    booking = BookingFactory(teacher=user, status=lesson, outcome=outcome, days_from_now=-2)
    return LessonReview.objects.create(booking=booking, rating=rating, status=status)


def names(response):
    return re.findall(r'class="teacher-result__name"><a href="[^"]+">([^<]+)</a>', html(response))


def html(response):
    return response.content.decode()


def result_of(response, name):
    """The HTML of one teacher's result card."""
    for card in html(response).split('<li class="card teacher-result">')[1:]:
        if f">{name}</a>" in card:
            return card.split("</li>\n        \n")[0]
    raise AssertionError(f"{name} is not listed")


@pytest.fixture
def specialties(db):
    return {
        slug: Specialty.objects.create(name=name, slug=slug)
        for slug, name in [
            ("conversation", "Conversation"),
            ("exam-prep", "Exam preparation (DELF/DALF)"),
            ("business", "Business French"),
            ("beginners", "Beginners"),
        ]
    }


@pytest.fixture
def catalogue(specialties):
    """Four teachers: cheap beginners' teacher, dear exam coach, a business teacher free only
    after ten days off, and one without availability."""
    camille = teacher(
        "Camille",
        price=1500,
        levels=("A1", "B1"),
        specialties=[specialties["beginners"], specialties["conversation"]],
        bio="Parisienne who loves cafés.",
        languages="French, Spanish",
    )
    lea = teacher(
        "Léa",
        price=2500,
        levels=("B1", "C2"),
        specialties=[specialties["exam-prep"]],
        bio="DELF examiner.",
    )
    antoine = teacher(
        "Antoine", levels=("A2", "C1"), specialties=[specialties["business"]], bio="Marseille."
    )
    nina = teacher("Nina", price=1200, levels=("A1", "C2"), specialties=[specialties["beginners"]])
    for user in (camille, lea, antoine):
        open_every_day(user)
    today = timezone.now().date()
    TimeOffFactory(teacher=antoine, start_date=today, end_date=today + timedelta(days=9))
    return {"camille": camille, "lea": lea, "antoine": antoine, "nina": nina}


def test_each_teacher_shows_price_rating_specialties_levels_and_next_free_time(client, catalogue):
    review(catalogue["lea"], 5)
    review(catalogue["lea"], 4)
    review(catalogue["lea"], 1, status=ModerationStatus.PENDING)  # not published
    review(catalogue["lea"], 1, lesson=BookingStatus.CONFIRMED)  # no lesson took place yet
    student = StudentFactory()
    student.profile.timezone = "America/New_York"
    student.profile.save()
    client.force_login(student)

    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Antoine", "Camille", "Léa", "Nina"]
    lea = result_of(response, "Léa")
    assert "€25.00" in lea
    assert "4.5" in lea and "2 verified reviews" in lea
    assert "Exam preparation (DELF/DALF)" in lea
    assert "B1 to C2" in lea
    first = available_slots(
        catalogue["lea"], timezone.now(), timezone.now() + timedelta(weeks=8), viewer=student
    )[0]
    assert format_local(first, student) in lea
    assert "(America/New_York)" in lea
    assert 'href="/book/?teacher=' + catalogue["lea"].profile.slug + '"' in lea
    assert 'Book<span class="visually-hidden"> a lesson with Léa</span>' in lea
    camille = result_of(response, "Camille")
    assert "€15.00" in camille and "No reviews yet" in camille
    assert "Beginners" in camille and "Conversation" in camille
    assert "€18.00" in result_of(response, "Antoine")  # the site's price


def test_a_teacher_without_free_time_says_so_and_has_no_book_button(client, catalogue):
    nina = result_of(client.get(URL), "Nina")
    assert "No free times in the next 8 weeks" in nina
    assert "/book/" not in nina
    page = html(client.get(catalogue["nina"].profile.get_absolute_url()))
    assert "has no free times in the next 8 weeks" in page
    assert "/book/?teacher=" not in page
    assert "Next free time" in html(client.get(catalogue["camille"].profile.get_absolute_url()))


def test_the_booking_page_of_a_teacher_without_free_time_says_so(client, catalogue):
    client.force_login(StudentFactory())
    page = html(client.get(f"/book/?teacher={catalogue['nina'].profile.slug}"))
    assert "Nina has no free times in the next 8 weeks" in page
    assert 'name="choose"' not in page
    assert 'name="choose"' in html(
        client.get(f"/book/?teacher={catalogue['camille'].profile.slug}")
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("specialty=beginners", ["Camille", "Nina"]),
        ("specialty=exam-prep", ["Léa"]),
        ("level=A1", ["Camille", "Nina"]),
        ("level=C1", ["Antoine", "Léa", "Nina"]),
        ("min_price=15&max_price=20", ["Antoine", "Camille"]),
        ("max_price=14.99", ["Nina"]),
        ("min_price=18", ["Antoine", "Léa"]),
        ("free_soon=1", ["Camille", "Léa"]),
        ("q=delf", ["Léa"]),  # the bio
        ("q=spanish", ["Camille"]),  # languages
        ("q=business", ["Antoine"]),  # a specialty's name
        ("q=CAMILLE+cafés", ["Camille"]),  # every word, any case
        ("q=camille+delf", []),
        ("specialty=beginners&level=B1&free_soon=1", ["Camille"]),
    ],
)
def test_filters_are_get_parameters(client, catalogue, query, expected):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert names(response) == expected
    count = len(expected)
    assert f"{count} teacher{'s' if count != 1 else ''} match" in html(response)


def test_the_form_shows_the_search_it_ran_so_it_can_be_refined(client, catalogue):
    page = html(client.get(f"{URL}?q=delf&specialty=exam-prep&level=B2&max_price=30&free_soon=1"))
    assert 'method="get"' in page
    assert 'value="delf"' in page
    assert re.search(r'<option value="exam-prep" selected>', page)
    assert re.search(r'<option value="B2" selected>', page)
    assert 'value="30"' in page
    assert re.search(r'name="free_soon"[^>]*checked', page)
    assert "Clear filters" in page


def test_no_match_offers_to_see_every_teacher(client, catalogue):
    page = html(client.get(f"{URL}?q=nobody-teaches-this"))
    assert "0 teachers match" in page
    assert "No teacher matches all of these filters" in page


EVERYONE = ["Antoine", "Camille", "Léa", "Nina"]


@pytest.mark.parametrize(
    ("query", "message", "expected"),
    [
        ("specialty=astrology", "There is no such specialty", EVERYONE),
        ("level=Z9", "There is no such level", EVERYONE),
        ("min_price=cheap", "Enter a price in euros", EVERYONE),
        ("max_price=-5", "Enter a price in euros", EVERYONE),
        ("max_price=1e999", "Enter a price in euros", EVERYONE),
        ("max_price=NaN", "Enter a price in euros", EVERYONE),
        ("min_price=30&max_price=10", "lowest price is above", EVERYONE),
        ("specialty=astrology&level=A1", "There is no such specialty", ["Camille", "Nina"]),
        ("q=" + "x" * 300, "Search:", EVERYONE),
        ("specialty=beginners&specialty=business", "", ["Antoine"]),  # the last one counts
    ],
)
def test_bad_filter_values_are_ignored_with_a_message(client, catalogue, query, message, expected):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert names(response) == expected
    if message:
        assert "Some filters could not be used and were ignored" in html(response)
        assert message in html(response)


def test_visitors_see_times_in_utc_and_are_told_so(client, catalogue):
    page = html(client.get(URL))
    assert "Free times are shown in <strong>UTC</strong>" in page
    assert "js/teacher_search.js" in page  # with JavaScript: the browser's own zone
    assert "(UTC)" in result_of(client.get(URL), "Camille")


def test_the_students_own_lessons_block_their_next_free_time(client, catalogue):
    student = StudentFactory()
    camille = catalogue["camille"]
    now = timezone.now()
    first = available_slots(camille, now, now + timedelta(weeks=8), viewer=student)[0]
    other = teacher("Other")
    BookingFactory(teacher=other, student=student, start=first, status=BookingStatus.PAID)
    client.force_login(student)
    card = result_of(client.get(URL), "Camille")
    after = available_slots(camille, now, now + timedelta(weeks=8), viewer=student)[0]
    assert after > first
    assert format_local(first, student) not in card
    assert format_local(after, student) in card


def build(n, specialties, student):
    """``n`` teachers with windows, time off, lessons, reviews and specialties."""
    for index in range(n):
        user = teacher(
            f"Teacher {index:02}",
            price=1500 + index,
            levels=("A1", "C2"),
            specialties=list(specialties.values())[: 1 + index % 3],
        )
        open_every_day(user)
        TimeOffFactory(teacher=user)
        BookingFactory(teacher=user, status=BookingStatus.PAID)
        BookingFactory(teacher=user, student=student, status=BookingStatus.CONFIRMED)
        review(user, 4 + index % 2)


def queries(client, url):
    client.get(url)  # settings rows are created on the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("as_student", [False, True], ids=["visitor", "student"])
def test_query_count_does_not_grow_with_the_teachers(client, specialties, as_student):
    student = StudentFactory()
    if as_student:
        client.force_login(student)
    url = f"{URL}?level=B1&min_price=10&free_soon=1&q=teacher"
    build(2, specialties, student)
    client.get(url)  # the first request stores the site-wide values (page_cache.remember)
    few = queries(client, url)
    build(10, specialties, student)  # 12 teachers now
    many = queries(client, url)
    assert few == many
    assert len(re.findall('class="teacher-result__name"', html(client.get(url)))) == 12


def test_next_free_slots_agree_with_available_slots_in_two_queries(
    specialties, django_assert_num_queries
):
    student = StudentFactory()
    build(4, specialties, student)
    faraway = teacher("Tokyo", zone="Asia/Tokyo")
    open_every_day(faraway, 20, 23)
    closed = teacher("Closed")
    teachers = [*TeacherFactory._meta.model.objects.filter(groups__name="Teachers")]
    for user in teachers:
        user.profile  # noqa: B018 - loaded before counting
    booking_settings = BookingSettings.current()
    now = timezone.now()
    with django_assert_num_queries(2):
        found = next_free_slots(teachers, viewer=student, now=now, settings=booking_settings)
    for user in teachers:
        slots = available_slots(
            user, now, now + timedelta(weeks=8), viewer=student, now=now, settings=booking_settings
        )
        assert found[user.pk] == (slots[0] if slots else None), user
    assert found[closed.pk] is None
    assert found[faraway.pk] is not None


def test_the_carousel_links_to_the_search(client, catalogue):
    from accounts.blocks import TeacherCarouselBlock

    block = TeacherCarouselBlock()
    assert 'href="/teachers/"' in block.render(block.to_python({"heading": "Meet"}))
