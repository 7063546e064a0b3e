"""Picking a time: the booking page is a week grid of time buttons in the viewer's zone with its
abbreviation, each a submit button of a POST form; choosing one shows the lesson, its price
and the cancellation rule with "Add to basket"; weeks move by GET links and "Next available"
jumps to the first free time; the zone switcher sits on the page."""

import re
from datetime import timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.factories import StudentFactory
from accounts.zones import format_clock, format_moment
from booking.factories import TimeOffFactory
from booking.models import Booking, BookingStatus
from booking.services import hold_slot
from booking.slots import available_slots, week_bounds

NEW_YORK = "America/New_York"
TIME_BUTTON = re.compile(
    r'<button[^>]*name="choose"[^>]*value="([^"]+)"[^>]*>(?:\s*<span class="visually-hidden">'
    r"[^<]*</span>)?\s*([^<]+?)\s*</button>"
)


def book_url(teacher, week=0):
    return f"{reverse('booking:book')}?teacher={teacher.profile.slug}&week={week}"


@pytest.fixture
def new_yorker(student):
    student.profile.timezone = NEW_YORK
    student.profile.save()
    return student


def week_slots(teacher, student, week=0):
    start, end = week_bounds(ZoneInfo(student.profile.timezone), week)
    return available_slots(teacher, start, end, viewer=student)


def time_buttons(html):
    return [(value, unescape(label)) for value, label in TIME_BUTTON.findall(html)]


def test_time_buttons_are_labelled_in_the_viewers_zone_with_its_abbreviation(
    client, new_yorker, available_teacher
):
    client.force_login(new_yorker)
    html = client.get(book_url(available_teacher)).content.decode()
    slots = week_slots(available_teacher, new_yorker)
    zone = ZoneInfo(NEW_YORK)
    assert slots, "the fixture teacher should be free this week"
    assert time_buttons(html) == [(s.isoformat(), format_clock(s, zone)) for s in slots]
    assert re.search(r"\d\d:\d\d E[SD]T", html)
    assert 'type="radio"' not in html


def test_en_us_viewers_see_a_12_hour_clock(client, new_yorker, available_teacher):
    client.force_login(new_yorker)
    html = client.get(
        book_url(available_teacher), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    ).content.decode()
    slots = week_slots(available_teacher, new_yorker)
    labels = [label for _, label in time_buttons(html)]
    assert labels == [format_clock(s, ZoneInfo(NEW_YORK), twelve_hour=True) for s in slots]
    assert all(re.fullmatch(r"\d{1,2}:\d\d [AP]M E[SD]T", label) for label in labels)


def test_each_time_button_submits_a_post_form(client, student, available_teacher):
    client.force_login(student)
    html = client.get(book_url(available_teacher)).content.decode()
    form = re.search(
        r'<form method="post"[^>]*class="week-grid-form"[^>]*>(.*?)</form>', html, re.S
    )
    assert form, "the grid is one POST form"
    assert 'type="submit" name="choose"' in form.group(1)
    assert "csrfmiddlewaretoken" in form.group(1)


def test_the_grid_has_seven_days_with_their_names_and_empty_days_say_so(
    client, student, available_teacher
):
    TimeOffFactory(
        teacher=available_teacher,
        start_date=timezone.now().date(),
        end_date=timezone.now().date() + timedelta(days=3),
    )
    client.force_login(student)
    response = client.get(book_url(available_teacher))
    grid = response.context["grid"]
    assert len(grid.days) == 7
    assert grid.days[1].date - grid.days[0].date == timedelta(days=1)
    assert "No free times" in response.content.decode()
    assert f'id="day-{grid.days[0].date.isoformat()}"' in response.content.decode()


def test_price_and_cancellation_rule_are_shown_before_holding(client, student, available_teacher):
    client.force_login(student)
    html = client.get(book_url(available_teacher)).content.decode()
    assert "€18.00" in html
    assert "Free cancellation until 24 h before the lesson" in html
    assert "Hold this lesson" not in html


def test_week_navigation_is_get_links(client, student, available_teacher):
    client.force_login(student)
    slug = available_teacher.profile.slug
    first = client.get(book_url(available_teacher, 0))
    html = first.content.decode()
    assert f'href="?teacher={slug}&amp;week=1"' in html
    assert "Previous week" not in html
    second = client.get(book_url(available_teacher, 1))
    assert f'href="?teacher={slug}&amp;week=0"' in second.content.decode()
    assert second.context["grid"].days[0].date - first.context["grid"].days[0].date == timedelta(
        days=7
    )
    last = client.get(book_url(available_teacher, 999))
    assert last.context["grid"].next_week is None
    assert "Next week" not in last.content.decode()


def test_next_available_jumps_to_the_week_of_the_first_free_time(
    client, new_yorker, available_teacher
):
    today = timezone.now().date()
    TimeOffFactory(teacher=available_teacher, start_date=today, end_date=today + timedelta(days=9))
    client.force_login(new_yorker)
    response = client.get(book_url(available_teacher))
    html = response.content.decode()
    assert time_buttons(html) == []
    now = timezone.now()
    first = available_slots(available_teacher, now, now + timedelta(weeks=8), viewer=new_yorker)[0]
    zone = ZoneInfo(NEW_YORK)
    local_day = first.astimezone(zone).date()
    week = (local_day - now.astimezone(zone).date()).days // 7
    assert week >= 1
    link = re.search(r'<a[^>]*href="([^"]*)"[^>]*>\s*Next available', html)
    assert link, html
    assert unescape(link.group(1)) == (
        f"?teacher={available_teacher.profile.slug}&week={week}#day-{local_day.isoformat()}"
    )
    assert format_moment(first, zone) in html


def test_a_teacher_with_no_free_time_in_the_horizon_says_so(client, student, teacher):
    client.force_login(student)
    html = client.get(book_url(teacher)).content.decode()
    assert "No free times in the next 8 weeks" in html
    assert "Next available" not in html


def test_choosing_a_time_shows_the_lesson_and_add_to_basket(
    client, new_yorker, available_teacher, site_settings
):
    client.force_login(new_yorker)
    slot = week_slots(available_teacher, new_yorker)[0]
    response = client.post(
        book_url(available_teacher),
        {"teacher": available_teacher.profile.slug, "choose": slot.isoformat()},
    )
    assert response.status_code == 200
    html = response.content.decode()
    zone = ZoneInfo(NEW_YORK)
    assert format_moment(slot, zone) in html
    deadline = slot - timedelta(hours=site_settings.cancellation_hours)
    assert f"Free cancellation until {format_moment(deadline, zone)}" in html
    assert "€18.00" in html
    assert re.search(r'<button type="submit"[^>]*>\s*Add to basket\s*</button>', html)
    assert f'name="slot" value="{slot.isoformat()}"' in html
    assert 'aria-current="true"' in html
    assert not Booking.objects.exists(), "choosing a time holds nothing"


def test_add_to_basket_holds_the_lesson_and_goes_to_the_basket(client, student, available_teacher):
    client.force_login(student)
    slot = week_slots(available_teacher, student)[0]
    response = client.post(
        book_url(available_teacher),
        {"teacher": available_teacher.profile.slug, "slot": slot.isoformat(), "goal": "Verbs"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("commerce:basket")
    booking = Booking.objects.get(student=student)
    assert booking.status == BookingStatus.HELD and booking.start == slot
    assert booking.goal == "Verbs"


@pytest.mark.parametrize("value", ["", "not-a-time", "2030-01-01T10:00:00", "9999-12-31"])
def test_choosing_an_odd_time_says_so(client, student, available_teacher, value):
    client.force_login(student)
    response = client.post(
        book_url(available_teacher), {"teacher": available_teacher.profile.slug, "choose": value}
    )
    assert response.status_code == 400
    assert "This time is not available. Please pick another time." in response.content.decode()


def test_choosing_a_time_someone_else_holds_says_it_is_not_available(
    client, student, available_teacher
):
    slot = week_slots(available_teacher, student)[0]
    hold_slot(StudentFactory(), available_teacher, slot)
    client.force_login(student)
    response = client.post(
        book_url(available_teacher),
        {"teacher": available_teacher.profile.slug, "choose": slot.isoformat()},
    )
    assert response.status_code == 400
    assert "not available" in response.content.decode()
    assert "Add to basket" not in response.content.decode()


def test_a_goal_typed_before_the_slot_was_taken_is_kept(client, student, available_teacher):
    slot = week_slots(available_teacher, student)[0]
    hold_slot(StudentFactory(), available_teacher, slot)
    client.force_login(student)
    response = client.post(
        book_url(available_teacher),
        {
            "teacher": available_teacher.profile.slug,
            "slot": slot.isoformat(),
            "goal": "Subjonctif & co",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "this slot was just taken" in html
    assert 'name="goal" value="Subjonctif &amp; co"' in html  # carried to the next choice
    other = week_slots(available_teacher, student)[0]
    chosen = client.post(
        book_url(available_teacher),
        {
            "teacher": available_teacher.profile.slug,
            "choose": other.isoformat(),
            "goal": "Subjonctif & co",
        },
    )
    assert "Subjonctif &amp; co</textarea>" in chosen.content.decode()


def test_the_zone_switcher_is_on_the_booking_page(client, new_yorker, available_teacher):
    client.force_login(new_yorker)
    html = client.get(book_url(available_teacher)).content.decode()
    switcher = re.search(
        rf'<form method="post" action="{reverse("accounts:timezone_switch")}"(.*?)</form>',
        html,
        re.S,
    )
    assert switcher
    assert re.search(rf'<option value="{NEW_YORK}" selected[ >]', switcher.group(1))
    assert 'name="next" value="/book/?teacher=' in switcher.group(1)


def test_switching_zone_relabels_the_grid(client, new_yorker, available_teacher):
    client.force_login(new_yorker)
    client.post(
        reverse("accounts:timezone_switch"),
        {"timezone": "Asia/Tokyo", "next": book_url(available_teacher)},
    )
    html = client.get(book_url(available_teacher)).content.decode()
    labels = [label for _, label in time_buttons(html)]
    assert labels and all(label.endswith(" JST") for label in labels)


def test_the_booking_page_costs_a_fixed_number_of_queries(
    client, student, available_teacher, django_assert_max_num_queries
):
    client.force_login(student)
    client.get(book_url(available_teacher))
    with django_assert_max_num_queries(12):
        client.get(book_url(available_teacher, 2))
