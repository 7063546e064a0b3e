"""The weekly series pages: "every week" from a chosen time on the booking page, the preview
(both zones, shifting weeks marked, conflicts skipped), the weeks into the basket, and
"cancel the rest of the series" from My bookings. Bad input gets a clear message, never a
500; the preview's query count does not grow with the weeks or the bookings."""

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.factories import StudentFactory
from booking.factories import BookingFactory, BookingSeriesFactory, TimeOffFactory
from booking.models import Booking, BookingSeries, BookingStatus

from .conftest import add_windows, set_zone

PARIS = ZoneInfo("Europe/Paris")


def tuesday_before_the_next_us_change():
    """A Tuesday 18:00 in Paris 12 days before the next US spring change (second Sunday of
    March) at least three weeks away: its weeks 3 and 4 are the gap weeks."""
    today = timezone.now().date()
    year = today.year
    while True:
        march = date(year, 3, 1)
        change = march + timedelta(days=(6 - march.weekday()) % 7 + 7)
        first = change - timedelta(days=12)
        if first - today >= timedelta(weeks=3):
            return datetime.combine(first, time(18), tzinfo=PARIS).astimezone(ZoneInfo("UTC"))
        year += 1


@pytest.fixture
def long_horizon(site_settings):
    site_settings.horizon_weeks = 40
    site_settings.save()
    return site_settings


@pytest.fixture
def paris_teacher(teacher):
    set_zone(teacher, "Europe/Paris")
    add_windows(teacher, [(1, "17:00", "20:00")])
    return teacher


@pytest.fixture
def ny_student(student):
    set_zone(student, "America/New_York")
    return student


@pytest.fixture
def first(long_horizon):
    return tuesday_before_the_next_us_change()


def preview_url(teacher, start, weeks):
    query = urlencode({"teacher": teacher.profile.slug, "start": start.isoformat(), "weeks": weeks})
    return f"{reverse('booking:series')}?{query}"


def test_a_chosen_time_offers_every_week(client, paris_teacher, ny_student, first):
    client.force_login(ny_student)
    url = f"{reverse('booking:book')}?teacher={paris_teacher.profile.slug}"
    html = client.post(url, {"teacher": paris_teacher.profile.slug, "choose": first.isoformat()})
    html = html.content.decode()
    assert f'action="{reverse("booking:series")}"' in html
    assert '<label for="series-weeks">Or book this time every week, for</label>' in html
    assert '<option value="40">40 weeks</option>' in html
    assert f'name="start" value="{first.isoformat()}"' in html


def test_the_preview_shows_both_zones_the_shift_weeks_and_the_conflicts(
    client, paris_teacher, ny_student, first
):
    TimeOffFactory(
        teacher=paris_teacher,
        start_date=(first + timedelta(weeks=1)).astimezone(PARIS).date(),
        end_date=(first + timedelta(weeks=1)).astimezone(PARIS).date(),
    )
    client.force_login(ny_student)
    response = client.get(preview_url(paris_teacher, first, 6))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Every <strong>Tuesday at 18:00 CET</strong>" in html
    assert "<strong>Europe/Paris</strong>" in html
    assert "Your time zone: <strong>America/New_York</strong>" in html
    assert html.count("12:00 EST") == 3  # week 1; week 2 (time off) in the list and conflicts
    assert html.count("13:00 EDT") == 2  # the two gap weeks
    assert html.count('<span class="badge badge--accent">Time shifts</span> A different') == 2
    assert "1 week cannot be booked" in html
    assert "Your teacher is on time off that day." in html
    assert html.count('name="week"') == 5
    assert 'value="1" id="week-1"' not in html
    assert html.count(" checked>") == 5


def test_the_ticked_weeks_go_into_the_basket_and_conflicts_are_skipped(
    client, paris_teacher, ny_student, first
):
    BookingFactory(teacher=paris_teacher, start=first + timedelta(weeks=2), status="paid")
    client.force_login(ny_student)
    response = client.post(
        reverse("booking:series"),
        {
            "teacher": paris_teacher.profile.slug,
            "start": first.isoformat(),
            "weeks": 5,
            "week": ["0", "1", "3", "4"],  # what the page ticks: every free week
            "goal": "Past tenses",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("commerce:basket")
    series = BookingSeries.objects.get(student=ny_student)
    lessons = list(series.lessons.order_by("start"))
    assert [lesson.start.astimezone(PARIS).time() for lesson in lessons] == [time(18)] * 4
    assert {lesson.status for lesson in lessons} == {BookingStatus.HELD}
    assert {lesson.goal for lesson in lessons} == {"Past tenses"}
    basket = client.get(reverse("commerce:basket")).content.decode()
    assert basket.count("Remove") >= 4


def test_a_week_taken_meanwhile_is_said_and_nothing_is_held(
    client, paris_teacher, ny_student, first
):
    client.force_login(ny_student)
    BookingFactory(
        teacher=paris_teacher,
        start=first + timedelta(weeks=1),
        status="held",
        hold_expires_at=timezone.now() + timedelta(minutes=20),
    )
    response = client.post(
        reverse("booking:series"),
        {
            "teacher": paris_teacher.profile.slug,
            "start": first.isoformat(),
            "weeks": 3,
            "week": ["0", "1", "2"],
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "1 of the weeks you chose is no longer free" in html
    assert "Your teacher is already booked at this time." in html
    assert not Booking.objects.filter(student=ny_student).exists()


@pytest.mark.parametrize(
    "query",
    [
        {"start": "not-a-time", "weeks": "4"},
        {"weeks": "4"},
        {"start": "2027-03-02T17:00:00+00:00", "weeks": "99"},
        {"start": "2027-03-02T17:00:00+00:00", "weeks": "x"},
        {"start": "9999-03-02T17:00:00+00:00", "weeks": "3"},
    ],
)
def test_bad_preview_input_goes_back_with_a_message(client, paris_teacher, ny_student, query):
    client.force_login(ny_student)
    response = client.get(
        reverse("booking:series"), {"teacher": paris_teacher.profile.slug, **query}
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert 'role="alert"' in page or "messages" in page


def test_bad_weeks_posted_get_a_message(client, paris_teacher, ny_student, first):
    client.force_login(ny_student)
    data = {"teacher": paris_teacher.profile.slug, "start": first.isoformat(), "weeks": 3}
    response = client.post(reverse("booking:series"), {**data, "week": ["999"]})
    assert response.status_code == 302  # not a week of the list: back with a message
    response = client.post(reverse("booking:series"), {**data, "week": ["7"]})
    assert response.status_code == 400  # not a week of this series
    response = client.post(reverse("booking:series"), data)  # nothing ticked
    assert response.status_code == 400
    assert "Please choose at least one week to book." in response.content.decode()


def test_unknown_teacher_goes_back_to_the_booking_page(client, ny_student):
    client.force_login(ny_student)
    response = client.get(reverse("booking:series"), {"teacher": "nobody"})
    assert response.status_code == 302
    assert response.url == reverse("booking:book")


def test_only_students_open_the_series_pages(client, teacher):
    response = client.get(reverse("booking:series"))
    assert response.status_code == 302 and "login" in response.url
    client.force_login(teacher)
    assert client.get(reverse("booking:series")).status_code == 403


# Cancel the rest ---------------------------------------------------------------------------


@pytest.fixture
def running_series(student, teacher):
    series = BookingSeriesFactory(student=student, teacher=teacher)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    soon = BookingFactory(
        series=series, student=student, teacher=teacher, start=now + timedelta(hours=10)
    )
    later = [
        BookingFactory(
            series=series, student=student, teacher=teacher, start=now + timedelta(days=7 * i)
        )
        for i in (1, 2)
    ]
    return series, soon, later


def test_my_bookings_offers_cancel_the_rest_on_a_series_lesson(client, running_series, student):
    series, _soon, _later = running_series
    client.force_login(student)
    html = client.get(reverse("booking:my_bookings")).content.decode()
    assert reverse("booking:cancel_series", args=[series.pk]) in html
    assert "Weekly lesson." in html


def test_cancel_the_rest_asks_first_then_cancels_per_the_rule(
    client, running_series, student, django_capture_on_commit_callbacks
):
    series, soon, later = running_series
    client.force_login(student)
    url = reverse("booking:cancel_series", args=[series.pk])
    page = client.get(url).content.decode()
    assert page.count("Cancelled: ") == 2
    assert "<strong>Not cancellable:</strong>" in page
    assert (
        Booking.objects.get(pk=later[0].pk).status == BookingStatus.CONFIRMED
    )  # GET writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert {Booking.objects.get(pk=b.pk).status for b in later} == {BookingStatus.CANCELLED}
    assert Booking.objects.get(pk=soon.pk).status == BookingStatus.CONFIRMED
    messages = client.get(reverse("booking:my_bookings")).content.decode()
    assert "2 lessons of the series are cancelled" in messages
    assert "1 lesson could not be cancelled" in messages


def test_another_students_series_is_not_found(client, running_series):
    series, _soon, _later = running_series
    client.force_login(StudentFactory())
    assert client.get(reverse("booking:cancel_series", args=[series.pk])).status_code == 404
    assert client.post(reverse("booking:cancel_series", args=[series.pk])).status_code == 404


# Query count ---------------------------------------------------------------------------------


def test_the_preview_costs_the_same_few_queries_for_2_or_20_weeks(
    client, paris_teacher, ny_student, first, django_assert_max_num_queries
):
    client.force_login(ny_student)
    client.get(preview_url(paris_teacher, first, 2))  # settings and session warm

    def count(weeks):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(preview_url(paris_teacher, first, weeks)).status_code == 200
        return len(queries)

    small = count(2)
    for week in range(1, 20, 2):
        BookingFactory(teacher=paris_teacher, start=first + timedelta(weeks=week), status="paid")
        TimeOffFactory(
            teacher=paris_teacher,
            start_date=(first + timedelta(weeks=week + 1)).astimezone(PARIS).date(),
            end_date=(first + timedelta(weeks=week + 1)).astimezone(PARIS).date(),
        )
    assert count(20) == small
    with django_assert_max_num_queries(7):
        client.get(preview_url(paris_teacher, first, 20))


# Admin -----------------------------------------------------------------------------------


def test_admins_list_and_inspect_weekly_series(client, admin_user, editor):
    series = BookingSeriesFactory()
    client.force_login(admin_user)
    listing = client.get("/admin/weekly_series/")
    assert listing.status_code == 200
    assert "Every Tuesday 18:00 (Europe/Paris), 6 weeks" in listing.content.decode()
    assert client.get(f"/admin/weekly_series/inspect/{series.pk}/").status_code == 200
    client.force_login(editor)
    assert client.get("/admin/weekly_series/").status_code in (302, 403)
