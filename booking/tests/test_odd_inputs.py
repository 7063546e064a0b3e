"""Odd slot, date and week values are refused with the form's message, never a 500."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from booking.exceptions import SlotUnavailable
from booking.forms import HoldForm
from booking.models import Booking, TimeOff
from booking.services import hold_slot

SLOT_REFUSED = "This time is not available. Please pick another time."

ODD_SLOTS = [
    "9999-12-31T23:30:00+00:00",
    "9999-12-31T23:30:00-12:00",
    "9999-12-31T00:00:00+00:00",
    "0001-01-01T00:00:00+00:00",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:30:00-01:00",
    "2026-13-45T10:00:00+00:00",
    "2026-13-45",
    "2026-02-30T10:00:00+00:00",
    "2026-06-01T25:00:00+00:00",
    "2026-06-01T10:00:00+25:00",
    "+10000-01-01T00:00:00+00:00",
    "9999-12-31",
    "2026-06-01",
    "2999-12-31T23:30:00-12:00",
]


@pytest.mark.parametrize(
    "start", [datetime.max.replace(tzinfo=UTC), datetime(9999, 12, 31, 23, 30, tzinfo=UTC)]
)
def test_hold_slot_refuses_far_future_starts_without_overflowing(student, available_teacher, start):
    with pytest.raises(SlotUnavailable, match="not available"):
        hold_slot(student, available_teacher, start)


def book_url(teacher, week=0):
    return f"{reverse('booking:book')}?teacher={teacher.profile.slug}&week={week}"


@pytest.mark.parametrize("slot", ODD_SLOTS)
def test_odd_slot_values_are_refused_with_the_form_error(client, student, available_teacher, slot):
    client.force_login(student)
    response = client.post(
        book_url(available_teacher), {"teacher": available_teacher.profile.slug, "slot": slot}
    )
    assert response.status_code == 400
    assert SLOT_REFUSED in response.content.decode()
    assert not Booking.objects.exists()


@pytest.mark.parametrize("slot", ODD_SLOTS)
def test_hold_form_refuses_odd_slot_values(slot):
    form = HoldForm({"slot": slot})
    assert not form.is_valid()
    assert form.errors["slot"] == [SLOT_REFUSED]


@pytest.mark.parametrize(
    "week",
    ["99999999999999999999999999", "-99999999999999999999", "1e400", "nan", "", "٣", "9" * 5000],
)
def test_odd_week_numbers_show_a_week_of_the_booking_page(client, student, available_teacher, week):
    client.force_login(student)
    response = client.get(book_url(available_teacher, week))
    assert response.status_code == 200
    assert "Europe/" in response.content.decode() or "UTC" in response.content.decode()


@pytest.mark.parametrize("slot", ["9999-12-31T23:30:00+00:00", "0001-01-01T00:00:00+00:00"])
def test_odd_slot_on_get_is_ignored(client, student, available_teacher, slot):
    client.force_login(student)
    response = client.get(book_url(available_teacher) + f"&slot={slot}&start={slot}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("0001-01-01", "9999-12-31"),
        ("9999-12-31", "9999-12-31"),
        ("0001-01-01", "0001-01-01"),
    ],
)
def test_extreme_time_off_saves_and_the_booking_page_still_works(
    client, student, available_teacher, first, last
):
    client.force_login(available_teacher)
    response = client.post(
        reverse("booking:availability"),
        {
            "windows-TOTAL_FORMS": "1",
            "windows-INITIAL_FORMS": "0",
            "windows-0-weekday": "0",
            "windows-0-start_time": "09:00",
            "windows-0-end_time": "12:00",
            "timeoff-TOTAL_FORMS": "1",
            "timeoff-INITIAL_FORMS": "0",
            "timeoff-0-start_date": first,
            "timeoff-0-end_date": last,
        },
    )
    assert response.status_code == 302
    assert TimeOff.objects.filter(teacher=available_teacher).count() == 1
    client.force_login(student)
    assert client.get(book_url(available_teacher)).status_code == 200
    assert client.get(reverse("booking:teacher_dashboard")).status_code in (302, 403)


@pytest.mark.parametrize("value", ["2026-13-45", "10000-01-01", "0000-01-01", "2026-02-30"])
def test_impossible_time_off_dates_are_a_form_error(client, available_teacher, value):
    client.force_login(available_teacher)
    response = client.post(
        reverse("booking:availability"),
        {
            "windows-TOTAL_FORMS": "0",
            "windows-INITIAL_FORMS": "0",
            "timeoff-TOTAL_FORMS": "1",
            "timeoff-INITIAL_FORMS": "0",
            "timeoff-0-start_date": value,
            "timeoff-0-end_date": value,
        },
    )
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    assert not TimeOff.objects.exists()
