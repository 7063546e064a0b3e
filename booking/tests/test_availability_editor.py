"""The availability editor without JavaScript (issue 14.11): per weekday a list of start-end
time inputs (add a row, remove a row), time off as a list of date ranges with a remove button
each, and one error summary at the top whose links lead to the fields."""

import re
from datetime import date, time

import pytest
from django.urls import reverse

from booking.models import AvailabilityWindow, TimeOff, Weekday

from .conftest import add_windows, availability_data, set_zone

URL = "/teacher/availability/"


@pytest.fixture
def editor_teacher(teacher, client):
    set_zone(teacher, "Europe/Paris")
    add_windows(teacher, [(0, "09:00", "12:00"), (0, "14:00", "18:00"), (3, "10:00", "11:30")])
    TimeOff.objects.create(
        teacher=teacher, start_date=date(2030, 8, 1), end_date=date(2030, 8, 15), note="Été"
    )
    client.force_login(teacher)
    return teacher


def day_section(page, weekday):
    """The HTML of one weekday's list of windows."""
    match = re.search(rf'<fieldset[^>]*id="day-{weekday}".*?</fieldset>', page, flags=re.DOTALL)
    assert match, f"no list for weekday {weekday}"
    return match.group(0)


def test_each_weekday_lists_its_windows_as_time_inputs_with_a_blank_row(client, editor_teacher):
    page = client.get(URL).content.decode()

    for weekday in Weekday:
        section = day_section(page, weekday.value)
        assert f"<legend>{weekday.label}</legend>" in section
        assert section.count('type="time"') >= 2  # at least the blank row's start and end
        assert "Add a window" in section
    monday = day_section(page, 0)
    assert 'value="09:00"' in monday and 'value="12:00"' in monday
    assert 'value="14:00"' in monday and 'value="18:00"' in monday
    assert 'value="11:30"' in day_section(page, 3)
    assert 'value="09:00"' not in day_section(page, 1)
    assert "<select" not in page.split('id="weekly-hours"', 1)[1].split("</section>", 1)[0]


def test_time_off_is_a_list_of_iso_date_ranges_each_with_a_remove_button(client, editor_teacher):
    page = client.get(URL).content.decode()

    assert 'type="date"' in page and 'value="2030-08-01"' in page and 'value="2030-08-15"' in page
    assert re.search(r'<button[^>]*name="timeoff-0-DELETE"[^>]*value="on"', page)
    assert "Remove" in page


def test_a_remove_button_removes_that_time_off_and_keeps_the_rest(client, editor_teacher):
    data = availability_data(
        [(0, "09:00", "12:00")],
        [(date(2030, 8, 1), date(2030, 8, 15), "Été"), (date(2030, 9, 1), date(2030, 9, 2), "")],
    )

    response = client.post(URL, data | {"timeoff-0-DELETE": "on"})

    assert response.status_code == 302
    assert list(TimeOff.objects.values_list("start_date", flat=True)) == [date(2030, 9, 1)]
    assert AvailabilityWindow.objects.get().start_time == time(9)


def test_add_a_window_without_javascript_shows_one_more_row_and_keeps_what_was_typed(
    client, editor_teacher
):
    data = availability_data([(2, "08:00", "09:00")], [(date(2030, 8, 1), date(2030, 8, 3), "x")])

    response = client.post(URL, data | {"add_row": "windows-2"})

    assert response.status_code == 200
    page = response.content.decode()
    wednesday = day_section(page, 2)
    assert 'value="08:00"' in wednesday
    assert 'name="windows-1-start_time"' in wednesday  # the new, blank row
    total = re.search(r'<input[^>]*name="windows-TOTAL_FORMS"[^>]*>', page).group(0)
    assert 'value="2"' in total
    # Nothing saved yet: the old windows are still the teacher's.
    assert AvailabilityWindow.objects.filter(teacher=editor_teacher).count() == 3
    assert TimeOff.objects.get().end_date == date(2030, 8, 15)


def test_one_error_summary_at_the_top_links_to_each_field_in_error(client, editor_teacher):
    data = availability_data(
        [(1, "09:00", ""), (4, "12:00", "09:00"), (5, "09:00", "12:00"), (5, "11:00", "13:00")],
        [(date(2030, 8, 15), date(2030, 8, 1), "")],
    )

    response = client.post(URL, data)

    assert response.status_code == 400
    page = response.content.decode()
    main = page.split("<main", 1)[1]
    assert main.count('class="error-summary"') == 1
    summary = main.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    # The summary comes before the form, and each link's target exists in the page.
    assert main.index('class="error-summary"') < main.index('id="availability-form"')
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert len(targets) == 4, summary
    for target in targets:
        assert f'id="{target}"' in page
    assert "id_windows-0-end_time" in targets
    assert "Tuesday" in summary and "Friday" in summary and "Saturday" in summary
    assert "overlaps" in summary and "must end on or after" in summary
    # The field says it is in error too, for screen readers.
    field = re.search(r'<input[^>]*id="id_windows-0-end_time"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and "aria-describedby" in field
    assert AvailabilityWindow.objects.filter(teacher=editor_teacher).count() == 3


def test_a_window_with_only_one_time_says_which_is_missing(client, editor_teacher):
    response = client.post(URL, availability_data([(1, "", "12:00")]))

    assert response.status_code == 400
    assert "Enter the time this window starts." in response.content.decode()


def test_the_page_links_back_and_names_the_zone(client, editor_teacher):
    page = client.get(reverse("booking:availability")).content.decode()
    assert "Europe/Paris" in page
    assert reverse("booking:teacher_dashboard") in page
