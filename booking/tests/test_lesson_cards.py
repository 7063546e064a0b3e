"""The lesson cards of the teacher dashboard and My bookings (booking.lesson_cards) say what
the tags, ``{% url %}`` and ``date`` filters they replace said, and cost no query per lesson."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.factories import StudentFactory, TeacherFactory
from booking import selectors
from booking.factories import BookingFactory, BookingSeriesFactory, LessonNoteFactory
from booking.lesson_cards import AddressPattern, LocalTimeTexts, StudentCards, TeacherCards
from booking.models import BookingStatus, CalendarToken, LessonOutcome
from booking.outcomes.models import DisputeStatus, OutcomeDispute
from booking.selectors import teacher_lessons

ZONES = ("UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Pacific/Chatham")


@pytest.mark.parametrize("zone", ZONES)
def test_time_texts_are_the_date_filters_texts(zone):
    moments = [
        datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=7 * step, minutes=5 * step)
        for step in range(1300)  # every weekday and month, both sides of each DST change
    ]
    with timezone.override(ZoneInfo(zone)):
        texts = LocalTimeTexts()
        for moment in moments:
            local = timezone.localtime(moment)
            assert texts(moment) == (
                date_format(local, "l j F Y, H:i"),
                date_format(local, "j F, H:i"),
            )


def test_address_patterns_are_reversed_addresses():
    confirm = AddressPattern("booking:confirm", "pk", number=True)
    student_page = AddressPattern("accounts:student_detail", "public_slug")
    for pk in (1, 7, 42, 987654321987, 10**15):
        assert confirm(pk) == reverse("booking:confirm", args=[pk])
    for slug in ("E8lEXo-jMpcNFdd3", "a_b-c", "0"):
        assert student_page(slug) == reverse("accounts:student_detail", args=[slug])


def test_an_address_pattern_is_reversed_as_its_path_wants():
    with pytest.raises(NoReverseMatch):
        AddressPattern("booking:confirm", "pk")  # a text where the path wants a number


@pytest.mark.django_db
def test_card_addresses_are_the_profiles_own():
    teacher = TeacherFactory()
    student = StudentFactory()
    teaching_student = TeacherFactory()  # a teacher who books lessons too: their teacher page
    for who in (student, teaching_student):
        BookingFactory(teacher=teacher, student=who, paid=True)
    cards = TeacherCards().cards(teacher_lessons(teacher).order_by("pk"))
    for card, who in zip(cards, (student, teaching_student), strict=True):
        assert card["student_url"] == who.profile.get_absolute_url()
        assert card["student_name"] == who.display_name
        assert card["progress_url"] == reverse(
            "booking:teacher_student", args=[who.profile.public_slug]
        )
        assert card["confirm_url"] == reverse("booking:confirm", args=[card["pk"]])
        assert card["decline_url"] == reverse("booking:decline", args=[card["pk"]])
        assert card["status_label"] == "Paid, awaiting teacher"


def dashboard_queries(client, teacher):
    """The dashboard's queries of lessons and people (not the site's settings and pages, which
    the cache keeps or not depending on what changed before)."""
    client.force_login(teacher)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("booking:teacher_dashboard")).status_code == 200
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith("SELECT")
        and "settings" not in query["sql"]
        and "wagtailcore" not in query["sql"]
    ]


def add_lessons(teacher):
    """Lessons of every kind a card shows differently: paid, confirmed, ended, held with
    published and draft notes or none, a no-show."""
    for _ in range(2):
        BookingFactory(teacher=teacher, paid=True, goal="Past tenses")
        BookingFactory(teacher=teacher, confirmed=True, teacher_message="See you")
        LessonNoteFactory(booking=BookingFactory(teacher=teacher, ended=True))
        LessonNoteFactory(booking=BookingFactory(teacher=teacher, completed=True))
        LessonNoteFactory(
            booking=BookingFactory(teacher=teacher, completed=True),
            published_at=None,
            notified_at=None,
        )
        BookingFactory(teacher=teacher, completed=True)
        BookingFactory(teacher=teacher, status="missed", outcome="student_no_show")


@pytest.mark.django_db
def test_cards_cost_no_query_per_lesson(client):
    """Every list of the dashboard reads its lessons in one query, notes, rooms and people
    included: nothing a card or its template shows is left out of ``teacher_lessons``'s
    columns."""
    teacher = TeacherFactory()
    teacher.profile.video_room_url = "https://rooms.example/teacher"
    teacher.profile.save()
    BookingFactory(teacher=teacher, start=timezone.now() - timedelta(minutes=5))  # joinable
    add_lessons(teacher)
    fewer = dashboard_queries(client, teacher)
    add_lessons(teacher)
    assert len(dashboard_queries(client, teacher)) == len(fewer)

    lessons = list(teacher_lessons(teacher))
    with CaptureQueriesContext(connection) as queries:
        cards = TeacherCards().cards(lessons)
    assert len(queries) == 0
    assert sum(1 for card in cards if card["room"] and card["room"]["joinable"]) == 1
    assert sum(1 for card in cards if card["notes"] and card["notes"]["published"]) == 8
    assert sum(1 for card in cards if card["notes"] and not card["notes"]["published"]) == 8


@pytest.mark.django_db
def test_a_lesson_of_a_weekly_series_says_so_on_the_dashboard(client):
    """The teacher sees which lessons are weeks of a weekly series (the student's card says
    "Weekly lesson" too), read with the lessons: no query per card."""
    teacher = TeacherFactory()
    series = BookingSeriesFactory(teacher=teacher)
    weekly = BookingFactory(teacher=teacher, student=series.student, series=series, paid=True)
    single = BookingFactory(teacher=teacher, paid=True)
    lessons = list(teacher_lessons(teacher))
    with CaptureQueriesContext(connection) as queries:
        cards = {card["pk"]: card for card in TeacherCards().cards(lessons)}
    assert len(queries) == 0
    assert cards[weekly.pk]["weekly"] is True
    assert cards[single.pk]["weekly"] is False

    client.force_login(teacher)
    html = client.get(reverse("booking:teacher_dashboard")).content.decode()
    weekly_card = html.split(f'data-booking="{weekly.pk}"', 1)[1].split("</li>", 1)[0]
    single_card = html.split(f'data-booking="{single.pk}"', 1)[1].split("</li>", 1)[0]
    assert "Weekly lesson" in weekly_card
    assert "Weekly lesson" not in single_card


# "My bookings" (StudentCards) -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_student_card_of_a_held_lesson_offers_the_basket_and_removal():
    student = StudentFactory()
    held = BookingFactory(student=student, held=True)
    now = timezone.now()
    (lesson,) = selectors.upcoming_lessons(student, now)
    with CaptureQueriesContext(connection) as queries:
        card = StudentCards(now=now).upcoming(lesson)
    assert len(queries) == 0
    assert card["held"] and card["hold_minutes_left"] == held.hold_minutes_left
    assert card["hold_until"] == date_format(timezone.localtime(held.hold_expires_at), "H:i")
    assert card["remove_url"] == reverse("booking:remove", args=[held.pk])
    assert card["reschedule_url"] == "" and not card["booked"]
    assert card["status_label"] == "In basket"


@pytest.mark.django_db
def test_a_student_card_of_a_paid_lesson_offers_moving_it():
    student = StudentFactory()
    paid = BookingFactory(student=student, paid=True)
    (lesson,) = selectors.upcoming_lessons(student, timezone.now())
    card = StudentCards().upcoming(lesson)
    assert card["booked"] and not card["held"] and card["remove_url"] == ""
    assert card["reschedule_url"] == reverse("booking:reschedule", args=[paid.pk])
    assert card["cancel_url"] == reverse("booking:cancel", args=[paid.pk])
    local = timezone.localtime(paid.start)
    assert (card["when"], card["when_short"], card["day"]) == (
        date_format(local, "l j F Y, H:i"),
        date_format(local, "j F, H:i"),
        date_format(local, "j F"),
    )


@pytest.mark.django_db
def test_a_past_card_shows_a_lapsed_hold_and_the_answer_to_a_no_show_dispute():
    student = StudentFactory()
    lapsed = BookingFactory(student=student, held=True, days_from_now=-2)
    missed = BookingFactory(
        student=student,
        status=BookingStatus.MISSED,
        outcome=LessonOutcome.STUDENT_NO_SHOW,
        days_from_now=-3,
    )
    OutcomeDispute.objects.create(
        booking=missed,
        explanation="I was there",
        status=DisputeStatus.UPHELD,
        resolved_at=timezone.now(),
        resolved_by=TeacherFactory(is_staff=True),
    )
    now = timezone.now()
    page = selectors.lesson_history_page(student, now, 1)
    with CaptureQueriesContext(connection) as queries:
        cards = {card["pk"]: card for card in map(StudentCards(now=now).past, page["items"])}
    assert len(queries) == 0
    assert (cards[lapsed.pk]["status"], cards[lapsed.pk]["status_label"]) == (
        "expired",
        "Hold expired",
    )
    assert cards[missed.pk]["dispute_status"] == DisputeStatus.UPHELD.label.lower()
    assert cards[missed.pk]["outcome_label"] == LessonOutcome.STUDENT_NO_SHOW.label


# The dashboard's lists and the calendar token (booking.selectors) ----------------------------


@pytest.mark.django_db
def test_the_dashboards_first_pages_are_its_lists_in_order(django_assert_num_queries):
    teacher = TeacherFactory()
    paid = [BookingFactory(teacher=teacher, paid=True) for _ in range(2)]
    confirmed = BookingFactory(teacher=teacher)
    done = [BookingFactory(teacher=teacher, completed=True) for _ in range(2)]
    BookingFactory(teacher=teacher, held=True)  # the basket's: on no list
    with django_assert_num_queries(3):
        lists = {
            name: selectors.teacher_lesson_page(teacher, name, 1)
            for name in ("decide", "upcoming", "history")
        }
    ids = {name: [b.pk for b in page["items"]] for name, page in lists.items()}
    assert ids == {
        "decide": [b.pk for b in paid],  # soonest first
        "upcoming": [confirmed.pk],
        "history": [b.pk for b in sorted(done, key=lambda b: b.start, reverse=True)],
    }
    assert all(b.teacher is teacher for page in lists.values() for b in page["items"])


@pytest.mark.django_db
def test_the_calendar_token_is_the_users_own_or_none():
    teacher, student = TeacherFactory(), StudentFactory()
    assert selectors.calendar_token(student) is None
    token = CalendarToken.regenerate(student)
    assert selectors.calendar_token(student) == token.token
    assert selectors.calendar_token(teacher) is None
