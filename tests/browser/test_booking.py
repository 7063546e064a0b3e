"""A student books a free slot, the teacher confirms, the student sees it confirmed."""

from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts import roles
from accounts.demo import DEMO_PASSWORD, ensure_user
from accounts.zones import format_clock
from booking.models import AvailabilityWindow, Booking, BookingStatus

from .conftest import assert_no_axe_violations, login

pytestmark = pytest.mark.browser

STUDENT_ZONE = "America/New_York"


@pytest.fixture
def people(demo_site):
    teacher = ensure_user(
        "browser-teacher@petittalk.example", display_name="Brigitte Browser", group=roles.TEACHERS
    )
    teacher.profile.slug = "brigitte-browser"
    teacher.profile.timezone = "Europe/Paris"
    teacher.profile.save()
    AvailabilityWindow.objects.filter(teacher=teacher).delete()
    for day in range(7):
        AvailabilityWindow.objects.create(
            teacher=teacher, weekday=day, start_time="09:00", end_time="17:00"
        )
    student = ensure_user(
        "browser-student@petittalk.example", display_name="Sam Student", group=roles.STUDENTS
    )
    student.profile.timezone = STUDENT_ZONE
    student.profile.save()
    return teacher, student


def test_student_books_teacher_confirms_student_sees_confirmed(page, browser, live_server, people):
    teacher, student = people
    login(page, student.email, DEMO_PASSWORD)
    page.goto(f"/book/?teacher={teacher.profile.slug}")
    assert STUDENT_ZONE in page.content()
    assert_no_axe_violations(page)

    first_time = page.locator('button[name="choose"]').first
    slot_value = first_time.get_attribute("value")
    label = first_time.inner_text()
    first_time.focus()
    page.keyboard.press("Enter")  # keyboard usable
    page.wait_for_load_state()
    chosen = page.locator("#chosen")
    assert "Free cancellation until" in chosen.inner_text()  # the rule before holding
    assert_no_axe_violations(page)
    page.get_by_label("What would you like to work on?").fill("Ordering at a restaurant")
    page.get_by_role("button", name="Add to basket").click()
    page.wait_for_load_state()

    booking = Booking.objects.get(student=student)
    assert booking.status == BookingStatus.HELD
    assert booking.start.isoformat() == slot_value
    local = booking.start.astimezone(ZoneInfo(STUDENT_ZONE))
    # Labelled in the viewer's zone with its abbreviation ("09:00 EST", or "9:00 AM EST" en-US).
    zone = ZoneInfo(STUDENT_ZONE)
    clocks = [format_clock(booking.start, zone, twelve_hour=twelve) for twelve in (False, True)]
    assert any(clock in label for clock in clocks), (label, clocks)

    page.goto("/bookings/")
    card = page.locator(f'[data-booking="{booking.pk}"]')
    assert "In basket" in card.inner_text()
    assert f"{local:%H:%M}" in card.inner_text() and STUDENT_ZONE in card.inner_text()
    assert_no_axe_violations(page)

    booking.mark_paid()  # payment arrives through commerce; the model API stands in here

    teacher_context = browser.new_context(base_url=live_server.url)
    teacher_page = teacher_context.new_page()
    teacher_page.set_default_timeout(10_000)
    login(teacher_page, teacher.email, DEMO_PASSWORD)
    teacher_page.goto("/teacher/")
    assert_no_axe_violations(teacher_page)
    teacher_card = teacher_page.locator(f'[data-booking="{booking.pk}"]')
    teacher_card.get_by_label("Message to Sam Student (optional)").fill("À bientôt !")
    teacher_card.get_by_role("button", name="Confirm").click()
    teacher_page.wait_for_load_state()
    assert "Lesson confirmed." in teacher_page.content()
    teacher_page.goto("/teacher/availability/")
    assert_no_axe_violations(teacher_page)
    teacher_context.close()

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    page.goto("/bookings/")
    card = page.locator(f'[data-booking="{booking.pk}"]')
    assert "Confirmed" in card.inner_text()
    assert f"{local:%H:%M}" in card.inner_text()
    assert timezone.now() < booking.start
