"""Browser: joining the lesson. A lesson starting in a few minutes has a prominent Join button
on "My bookings" and on the teacher dashboard, which opens the lesson's room in a new tab; a
later lesson says when the button appears and shows the room's address. At 1280 px and
390 px, with zero axe violations and nothing sticking out sideways on the phone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.factories import StudentFactory, TeacherFactory
from booking.factories import BookingFactory

from .conftest import assert_no_axe_violations, login

PASSWORD = "correct-horse-battery"
JOIN = "Join the lesson (opens in a new tab)"
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def lessons(demo_site):
    teacher = TeacherFactory(email="room-teacher@example.com", display_name="Rémi Room")
    student = StudentFactory(email="room-student@example.com", display_name="Jo Join")
    for user in (teacher, student):
        user.profile.timezone = "Europe/Paris"
        user.profile.save(update_fields=["timezone"])
    now = timezone.now().replace(microsecond=0)
    soon = BookingFactory(teacher=teacher, student=student, start=now + timedelta(minutes=5))
    later = BookingFactory(
        teacher=teacher, student=student, start=(now + timedelta(days=3)).replace(minute=0)
    )
    return teacher, student, soon, later


def open_context(browser, live_server, size):
    width, height = SIZES[size]
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        is_mobile=size == "phone",
    )
    # The room is on another site: answer it here, so the test never leaves the machine.
    context.route(
        re.compile(r"^https://meet\.jit\.si/"),
        lambda route: route.fulfill(
            content_type="text/html", body="<!doctype html><title>Room</title><p>Room</p>"
        ),
    )
    page = context.new_page()
    page.set_default_timeout(20_000)  # a busy machine
    return context, page


def assert_fits(page):
    sizes = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert sizes["scroll"] <= sizes["inner"] <= SIZES["phone"][0], sizes


def check_cards(page, soon, later, size):
    soon_card = page.locator(f'[data-booking="{soon.pk}"]')
    join = soon_card.get_by_role("link", name=JOIN)
    expect(join).to_be_visible()
    expect(join).to_have_attribute("href", soon.video_url)
    expect(join).to_have_attribute("target", "_blank")
    expect(join).to_have_attribute("rel", "noopener")

    later_card = page.locator(f'[data-booking="{later.pk}"]')
    expect(later_card).to_contain_text("Join link opens 15 minutes before the lesson")
    expect(later_card.get_by_role("link", name=JOIN)).to_have_count(0)
    room_link = later_card.locator(f'a[href="{later.video_url}"]')
    expect(room_link).to_be_visible()
    expect(room_link).to_have_text(f"{later.video_url} (opens in a new tab)")
    expect(room_link).to_have_attribute("target", "_blank")

    assert_no_axe_violations(page)
    if size == "phone":
        assert_fits(page)
    else:
        with page.expect_popup() as popup_info:
            join.click()
        popup = popup_info.value
        assert popup.url == soon.video_url
        popup.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", sorted(SIZES))
def test_student_and_teacher_see_join_shortly_before_the_lesson(
    browser, live_server, lessons, size
):
    teacher, student, soon, later = lessons
    for user, path in ((student, "/bookings/"), (teacher, "/teacher/")):
        context, page = open_context(browser, live_server, size)
        login(page, user.email, PASSWORD)
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        page.goto(path)
        check_cards(page, soon, later, size)
        context.close()
