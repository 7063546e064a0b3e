"""The teacher's "other calendars" page: add (read at once), refresh and remove feeds, see a
broken feed's error, clear messages for bad addresses, and nobody else's feeds."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.factories import TeacherFactory
from booking.calendars import views
from booking.calendars.models import ExternalBusyTime, ExternalCalendar
from booking.calendars.services import DEMO_FEED_URL, MAX_CALENDARS_PER_TEACHER
from tests.support.ics_server import FeedServer

from .conftest import set_zone

PAGE = "/teacher/calendars/"
FEED = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20250106T090000Z\r\nDTEND:20250106T100000Z\r\n"
    "RRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
def teacher_client(client, teacher):
    set_zone(teacher, "Europe/Paris")
    client.force_login(teacher)
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_visitors_log_in_and_students_are_refused(client, student):
    assert client.get(PAGE).status_code == 302
    client.force_login(student)
    assert client.get(PAGE).status_code == 403


def test_adding_a_feed_reads_it_at_once(teacher_client, teacher, server):
    url = server.serve("/cal.ics", FEED)
    response = teacher_client.post(PAGE, {"url": url, "name": "italki"}, follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    calendar = ExternalCalendar.objects.get(teacher=teacher)
    assert calendar.name == "italki" and calendar.last_ok_at is not None
    count = calendar.busy_times.count()
    assert count >= 8  # weekly, in the next 8 weeks and a day
    said = " ".join(messages_of(response))
    assert "“italki” is added" in said and f"{count} busy times" in said
    page = response.content.decode()
    assert "Read on" in page and "(Europe/Paris)" in page and "the next on" in page


def test_webcal_addresses_are_stored_as_https(teacher_client, teacher, monkeypatch):
    """(The worker is left out here, as in production: the page says it reads it now.)"""
    queued = []
    monkeypatch.setattr(views, "refresh_calendar", SimpleNamespace(enqueue=queued.append))
    response = teacher_client.post(
        PAGE, {"url": "webcal://calendar.example.org/basic.ics"}, follow=True
    )
    calendar = ExternalCalendar.objects.get(teacher=teacher)
    assert calendar.url == "https://calendar.example.org/basic.ics"
    assert queued == [calendar.pk]
    assert any("is reading" in m for m in messages_of(response))
    assert "Not read yet" in response.content.decode()


def test_a_broken_feed_shows_its_error_and_never_breaks_the_page(teacher_client, server):
    url = server.serve("/gone.ics", status=404)
    response = teacher_client.post(PAGE, {"url": url}, follow=True)
    assert response.status_code == 200
    assert any("could not be read" in m for m in messages_of(response))
    page = response.content.decode()
    assert "Could not be read" in page and "HTTP 404" in page
    assert "Nothing has been read from it yet" in page


def test_stale_busy_times_of_a_broken_feed_are_explained(teacher_client, teacher):
    calendar = ExternalCalendar.objects.create(
        teacher=teacher,
        url=DEMO_FEED_URL,
        last_fetched_at=timezone.now(),
        last_ok_at=timezone.now() - timedelta(hours=2),
        last_error="The calendar server did not answer within 10 seconds.",
    )
    start = timezone.now() + timedelta(days=2)
    ExternalBusyTime.objects.create(calendar=calendar, start=start, end=start + timedelta(hours=1))
    page = teacher_client.get(PAGE).content.decode()
    assert "did not answer within 10 seconds" in page
    assert "still block your slots" in page


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://example.com/cal.ics", "starts with https://"),
        ("not a url", "starts with https://"),
        ("https://me:pw@example.com/cal.ics", "Remove the user name and password"),
        ("", "This field is required"),
    ],
)
def test_bad_addresses_get_a_clear_message_and_keep_the_input(teacher_client, url, words):
    response = teacher_client.post(PAGE, {"url": url, "name": "Mine"})
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page
    assert 'value="Mine"' in page
    assert not ExternalCalendar.objects.exists()


def test_private_addresses_are_refused_on_entry_in_production(teacher_client, settings):
    settings.CALENDAR_FEEDS_ALLOW_LOOPBACK = False
    response = teacher_client.post(PAGE, {"url": "http://127.0.0.1:8000/cal.ics"})
    assert response.status_code == 400
    assert "private or local network" in response.content.decode()


def test_the_same_feed_twice_and_too_many_feeds_are_refused(teacher_client, teacher):
    ExternalCalendar.objects.create(teacher=teacher, url="https://example.com/0.ics")
    duplicate = teacher_client.post(PAGE, {"url": "webcal://EXAMPLE.com/0.ics"})
    assert "already in your list" in duplicate.content.decode()
    for n in range(1, MAX_CALENDARS_PER_TEACHER):
        ExternalCalendar.objects.create(teacher=teacher, url=f"https://example.com/{n}.ics")
    full = teacher_client.post(PAGE, {"url": "https://example.com/more.ics"})
    assert f"up to {MAX_CALENDARS_PER_TEACHER} calendars" in full.content.decode()
    assert "the most Petit Talk reads" in teacher_client.get(PAGE).content.decode()


def test_refresh_now_reads_the_feed_at_most_once_a_minute(teacher_client, teacher, server):
    url = server.serve("/cal.ics", FEED)
    calendar = ExternalCalendar.objects.create(teacher=teacher, url=url)
    refresh = reverse("booking:calendar_refresh", args=[calendar.pk])
    assert teacher_client.get(refresh).status_code == 405
    first = teacher_client.post(refresh, follow=True)
    assert any("is up to date" in m for m in messages_of(first))
    again = teacher_client.post(refresh, follow=True)
    assert any("less than a minute ago" in m for m in messages_of(again))
    assert len(server.requests) == 1


def test_removing_a_feed_frees_its_busy_times(teacher_client, teacher):
    calendar = ExternalCalendar.objects.create(teacher=teacher, url=DEMO_FEED_URL)
    start = timezone.now() + timedelta(days=2)
    ExternalBusyTime.objects.create(calendar=calendar, start=start, end=start + timedelta(hours=1))
    response = teacher_client.post(reverse("booking:calendar_delete", args=[calendar.pk]))
    assert response.status_code == 302
    assert not ExternalCalendar.objects.exists() and not ExternalBusyTime.objects.exists()


def test_another_teachers_feeds_are_neither_shown_nor_touched(teacher_client):
    other = ExternalCalendar.objects.create(
        teacher=TeacherFactory(), url="https://example.com/secret-token.ics", name="Theirs"
    )
    assert "Theirs" not in teacher_client.get(PAGE).content.decode()
    for name in ("booking:calendar_refresh", "booking:calendar_delete"):
        assert teacher_client.post(reverse(name, args=[other.pk])).status_code == 404
    assert ExternalCalendar.objects.filter(pk=other.pk, last_fetched_at=None).exists()


def test_the_page_costs_the_same_queries_whatever_the_feeds(
    teacher_client, teacher, django_assert_max_num_queries
):
    def add_feed(n):
        calendar = ExternalCalendar.objects.create(
            teacher=teacher, url=f"https://example.com/{n}.ics", last_ok_at=timezone.now()
        )
        start = timezone.now() + timedelta(days=n + 1)
        ExternalBusyTime.objects.create(
            calendar=calendar, start=start, end=start + timedelta(hours=1)
        )

    add_feed(0)
    with django_assert_max_num_queries(20) as one:
        teacher_client.get(PAGE)
    for n in range(1, 4):
        add_feed(n)
    with django_assert_max_num_queries(len(one)):
        teacher_client.get(PAGE)


def test_the_dashboard_and_availability_pages_link_to_the_calendars(teacher_client):
    for page in ("booking:teacher_dashboard", "booking:availability"):
        assert f'href="{PAGE}"' in teacher_client.get(reverse(page)).content.decode()
