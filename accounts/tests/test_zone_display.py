"""Times on the booking grid: the viewer's zone with its abbreviation ("09:00 EST"), a 12-hour
clock for en-US viewers and 24-hour for everyone else (accounts.zones), and a zone switcher
that remembers the choice (the profile of a logged-in user, the session of a visitor)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.zones import (
    format_clock,
    format_moment,
    remember_zone,
    uses_12_hour_clock,
    viewer_zone,
    zone_of,
)

NEW_YORK = ZoneInfo("America/New_York")
WINTER_MORNING = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)  # 09:00 in New York (EST)
SUMMER_EVENING = datetime(2026, 7, 6, 19, 30, tzinfo=UTC)  # 15:30 in New York (EDT)


def test_a_time_carries_its_zone_abbreviation_on_a_24_hour_clock():
    assert format_clock(WINTER_MORNING, NEW_YORK) == "09:00 EST"
    assert format_clock(SUMMER_EVENING, NEW_YORK) == "15:30 EDT"
    assert format_clock(WINTER_MORNING, ZoneInfo("Europe/Paris")) == "15:00 CET"
    assert format_clock(WINTER_MORNING, ZoneInfo("UTC")) == "14:00 UTC"


def test_en_us_viewers_read_a_12_hour_clock():
    assert format_clock(WINTER_MORNING, NEW_YORK, twelve_hour=True) == "9:00 AM EST"
    assert format_clock(SUMMER_EVENING, NEW_YORK, twelve_hour=True) == "3:30 PM EDT"


def test_a_zone_without_a_letter_abbreviation_is_named_by_its_offset():
    assert format_clock(WINTER_MORNING, ZoneInfo("Asia/Dubai")) == "18:00 UTC+04"


def test_a_moment_in_full_names_the_day_the_time_and_the_zone():
    assert format_moment(WINTER_MORNING, NEW_YORK) == "Monday 5 January 2026, 09:00 EST"
    assert (
        format_moment(WINTER_MORNING, NEW_YORK, twelve_hour=True)
        == "Monday 5 January 2026, 9:00 AM EST"
    )


@pytest.mark.parametrize(
    ("header", "twelve_hour"),
    [
        ("en-US,en;q=0.9", True),
        ("en-us", True),
        ("en-GB,en;q=0.9,en-US;q=0.8", False),
        ("fr-FR,fr;q=0.9,en-US;q=0.8", False),
        ("en", False),
        ("", False),
        ("*", False),
        (";;;garbage", False),
    ],
)
def test_the_clock_follows_the_browsers_first_language(rf, header, twelve_hour):
    request = rf.get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert uses_12_hour_clock(request) is twelve_hour


def test_without_an_accept_language_header_the_clock_is_24_hour(rf):
    assert uses_12_hour_clock(rf.get("/")) is False


class _Session(dict):
    modified = False


def visitor_request(session=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = _Session(session or {})
    return request


def test_a_visitors_zone_is_the_one_they_chose_in_this_session():
    request = visitor_request()
    assert viewer_zone(request).key == "UTC"
    remember_zone(request, "America/New_York")
    assert viewer_zone(request) == NEW_YORK
    assert viewer_zone(visitor_request({"timezone": "Not/AZone"})).key == "UTC"


@pytest.mark.django_db
def test_a_logged_in_users_choice_is_saved_in_their_profile(student):
    request = RequestFactory().get("/")
    request.user = student
    request.session = _Session()
    remember_zone(request, "Asia/Tokyo")
    student.refresh_from_db()
    assert student.profile.timezone == "Asia/Tokyo"
    assert zone_of(student) == ZoneInfo("Asia/Tokyo")
    assert viewer_zone(request) == ZoneInfo("Asia/Tokyo")
    assert "timezone" not in request.session


# The switcher's view -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_switcher_saves_a_students_zone_and_goes_back(client, student):
    client.force_login(student)
    response = client.post(
        reverse("accounts:timezone_switch"),
        {"timezone": "America/New_York", "next": "/book/?teacher=x&week=2"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/book/?teacher=x&week=2"
    student.refresh_from_db()
    assert student.profile.timezone == "America/New_York"
    page = client.get("/profile/").content.decode()
    assert "Times are now shown in America/New_York" in page


@pytest.mark.django_db
def test_the_switcher_keeps_a_visitors_choice_in_the_session(client):
    response = client.post(
        reverse("accounts:timezone_switch"), {"timezone": "Asia/Tokyo", "next": "/teachers/"}
    )
    assert response["Location"] == "/teachers/"
    assert client.session["timezone"] == "Asia/Tokyo"


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Not/AZone", "", "x" * 300])
def test_the_switcher_refuses_an_unknown_zone_with_a_message(client, student, zone):
    client.force_login(student)
    before = student.profile.timezone
    response = client.post(
        reverse("accounts:timezone_switch"), {"timezone": zone, "next": "/bookings/"}, follow=True
    )
    assert response.status_code == 200
    assert "Please choose a time zone from the list." in response.content.decode()
    student.refresh_from_db()
    assert student.profile.timezone == before


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", ""])
def test_the_switcher_never_redirects_off_site(client, target):
    response = client.post(
        reverse("accounts:timezone_switch"), {"timezone": "Asia/Tokyo", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_the_switcher_only_changes_on_post(client, student):
    client.force_login(student)
    assert client.get(reverse("accounts:timezone_switch")).status_code == 405
