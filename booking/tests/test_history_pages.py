"""Past lessons on "My bookings" and the teacher dashboard come 20 at a time (?page=), so the
pages cost the same however long the history is. A student's upcoming lessons are all shown;
a teacher's come 20 at a time too, soonest first, both the lessons waiting for a decision
(?decide=) and the confirmed ones (?upcoming=), as a busy teacher has hundreds."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.models import BookingStatus
from booking.selectors import LESSON_PAGE_SIZE as HISTORY_PAGE_SIZE

from .conftest import make_booking


def _past_lessons(teacher, student, count):
    """``count`` closed lessons, newest first."""
    start = timezone.now() - timedelta(days=2)
    statuses = [BookingStatus.COMPLETED, BookingStatus.CANCELLED, BookingStatus.DECLINED]
    return [
        make_booking(teacher, student, start - timedelta(hours=2 * i), status=statuses[i % 3])
        for i in range(count)
    ]


def _ids(bookings):
    return [b.pk for b in bookings]


@pytest.mark.parametrize(
    ("page", "listed"), [("my_bookings", "past"), ("teacher_dashboard", "others")]
)
def test_past_lessons_are_paged_newest_first(client, teacher, student, page, listed):
    past = _past_lessons(teacher, student, HISTORY_PAGE_SIZE + 5)  # newest first already
    upcoming = make_booking(
        teacher, student, timezone.now() + timedelta(days=5), status=BookingStatus.CONFIRMED
    )
    client.force_login(teacher if page == "teacher_dashboard" else student)
    url = reverse(f"booking:{page}")

    first = client.get(url)
    assert _ids(first.context[listed]) == _ids(past[:HISTORY_PAGE_SIZE])
    assert _ids(first.context["upcoming"]) == [upcoming.pk]
    content = first.content.decode()
    assert 'href="?page=2#past-lessons"' in content and "Older lessons" in content
    assert "Newer lessons" not in content

    second = client.get(url, {"page": 2})
    assert _ids(second.context[listed]) == _ids(past[HISTORY_PAGE_SIZE:])
    assert _ids(second.context["upcoming"]) == [upcoming.pk]
    content = second.content.decode()
    assert "Older lessons" not in content and 'href="?page=1#past-lessons"' in content


@pytest.mark.parametrize("param", ["page", "upcoming", "decide"])
def test_an_absurd_page_number_gets_an_empty_page_not_an_error(client, teacher, param):
    client.force_login(teacher)
    response = client.get(reverse("booking:teacher_dashboard"), {param: "9" * 30})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["abc", "0", "-3", ""])
def test_an_invalid_page_number_shows_the_first_page(client, teacher, student, value):
    past = _past_lessons(teacher, student, 3)
    client.force_login(student)
    response = client.get(reverse("booking:my_bookings"), {"page": value})
    assert response.status_code == 200
    assert _ids(response.context["past"]) == _ids(past)


def test_a_page_past_the_end_is_empty_with_a_way_back(client, teacher, student):
    _past_lessons(teacher, student, 2)
    client.force_login(student)
    response = client.get(reverse("booking:my_bookings"), {"page": 9})
    assert response.context["past"] == []
    assert 'href="?page=8#past-lessons"' in response.content.decode()


def test_lapsed_holds_and_finished_lessons_are_past_open_future_ones_upcoming(
    client, teacher, student
):
    now = timezone.now()
    lapsed = make_booking(
        teacher,
        student,
        now + timedelta(days=3),
        status=BookingStatus.HELD,
        hold_expires_at=now - timedelta(minutes=1),
    )
    held = make_booking(
        teacher,
        student,
        now + timedelta(days=4),
        status=BookingStatus.HELD,
        hold_expires_at=now + timedelta(minutes=10),
    )
    paid = make_booking(teacher, student, now + timedelta(days=5), status=BookingStatus.PAID)
    finished = make_booking(
        teacher, student, now - timedelta(hours=3), status=BookingStatus.CONFIRMED
    )
    client.force_login(student)
    response = client.get(reverse("booking:my_bookings"))
    assert _ids(response.context["upcoming"]) == [held.pk, paid.pk]
    assert set(_ids(response.context["past"])) == {lapsed.pk, finished.pk}
    assert "Hold expired" in response.content.decode()


def test_teacher_dashboard_splits_decisions_upcoming_and_history(client, teacher, student):
    now = timezone.now()
    paid_past = make_booking(teacher, student, now - timedelta(days=1), status=BookingStatus.PAID)
    paid = make_booking(teacher, student, now + timedelta(days=2), status=BookingStatus.PAID)
    confirmed = make_booking(
        teacher, student, now + timedelta(days=3), status=BookingStatus.CONFIRMED
    )
    ended = make_booking(teacher, student, now - timedelta(hours=5), status=BookingStatus.CONFIRMED)
    done = make_booking(
        teacher, student, now - timedelta(days=3), status=BookingStatus.COMPLETED, outcome="held"
    )
    make_booking(teacher, student, now + timedelta(days=6), status=BookingStatus.EXPIRED)
    client.force_login(teacher)
    context = client.get(reverse("booking:teacher_dashboard")).context
    assert _ids(context["to_decide"]) == [paid_past.pk, paid.pk]
    assert _ids(context["to_mark"]) == [ended.pk]  # ended, its outcome not recorded yet
    assert _ids(context["upcoming"]) == [confirmed.pk]
    assert _ids(context["others"]) == [done.pk]


def test_only_people_who_reach_the_admin_get_the_wagtail_userbar(client, student, editor):
    client.force_login(student)
    assert b"wagtail-userbar" not in client.get(reverse("booking:my_bookings")).content
    client.force_login(editor)
    assert b"wagtail-userbar" in client.get("/accounts/email/").content


def test_a_teachers_upcoming_lessons_are_paged_soonest_first(client, teacher, student):
    start = timezone.now() + timedelta(days=1)
    upcoming = [
        make_booking(
            teacher, student, start + timedelta(hours=2 * i), status=BookingStatus.CONFIRMED
        )
        for i in range(HISTORY_PAGE_SIZE + 3)
    ]
    paid = make_booking(teacher, student, start + timedelta(days=30), status=BookingStatus.PAID)
    client.force_login(teacher)
    url = reverse("booking:teacher_dashboard")

    first = client.get(url)
    assert _ids(first.context["upcoming"]) == _ids(upcoming[:HISTORY_PAGE_SIZE])
    assert _ids(first.context["to_decide"]) == [paid.pk]
    content = first.content.decode()
    assert 'href="?upcoming=2#upcoming-lessons"' in content and "Later lessons" in content
    assert "Sooner lessons" not in content

    second = client.get(url, {"upcoming": 2})
    assert _ids(second.context["upcoming"]) == _ids(upcoming[HISTORY_PAGE_SIZE:])
    assert _ids(second.context["to_decide"]) == [paid.pk]
    content = second.content.decode()
    assert "Later lessons" not in content
    assert 'href="?upcoming=1#upcoming-lessons"' in content


def test_a_teachers_requests_waiting_for_a_decision_are_paged_soonest_first(
    client, teacher, student
):
    start = timezone.now() + timedelta(days=1)
    waiting = [
        make_booking(teacher, student, start + timedelta(hours=2 * i), status=BookingStatus.PAID)
        for i in range(HISTORY_PAGE_SIZE + 2)
    ]
    client.force_login(teacher)
    url = reverse("booking:teacher_dashboard")

    first = client.get(url)
    assert _ids(first.context["to_decide"]) == _ids(waiting[:HISTORY_PAGE_SIZE])
    assert 'href="?decide=2#to-decide"' in first.content.decode()

    second = client.get(url, {"decide": 2})
    assert _ids(second.context["to_decide"]) == _ids(waiting[HISTORY_PAGE_SIZE:])
    content = second.content.decode()
    assert "Later requests" not in content and 'href="?decide=1#to-decide"' in content
