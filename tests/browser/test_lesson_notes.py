"""A teacher writes notes and homework for a lesson that took place, records a level and
publishes; the student is emailed, sees the homework in My bookings and reads the notes on
the lesson's page. Then the student takes the placement quiz and accepts its level, and the
progress page draws it. axe finds nothing on any of these pages."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from accounts.models import LevelRecord
from booking.factories import BookingFactory
from booking.models import LessonNote

from .conftest import assert_no_axe_violations, login
from .test_a11y_sweep import demo_path
from .test_mobile_overflow import overflow

User = get_user_model()
TEACHER = "camille@petittalk.example"
STUDENT = "student@petittalk.example"


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.mark.django_db(transaction=True)
def test_teacher_writes_notes_with_homework_and_the_student_reads_them(
    browser, live_server, demo_site
):
    teacher, student = User.objects.get(email=TEACHER), User.objects.get(email=STUDENT)
    lesson = BookingFactory(teacher=teacher, student=student, completed=True, days_from_now=-2)
    mail.outbox.clear()

    context, page = new_page(browser, live_server)
    try:
        login(page, TEACHER)
        expect(page).to_have_url(re.compile(r"/teacher/$"))
        card = page.locator(f'[data-booking="{lesson.pk}"]')
        card.get_by_role("link", name=re.compile("^Write notes and homework")).click()
        expect(page.get_by_role("heading", name="Notes and homework")).to_be_visible()
        assert_no_axe_violations(page)
        page.get_by_label("Notes on the lesson").fill("We practised the **passé composé**.")
        page.get_by_label("Homework (optional)").fill("- Exercise 4 page 12\n- Write a postcard")
        page.get_by_label("Speaking level").select_option("B2")
        page.get_by_role("button", name=re.compile("^Publish to")).click()
        expect(page.get_by_role("heading", name="Lesson notes")).to_be_visible()
        expect(page.locator(".lesson-notes__text strong")).to_have_text("passé composé")
    finally:
        context.close()

    note = LessonNote.objects.get(booking=lesson)
    assert note.is_published
    assert [m.to for m in mail.outbox if "notes from your lesson" in m.subject] == [[STUDENT]]
    assert LevelRecord.objects.filter(student=student, recorded_by=teacher, level="B2").exists()

    context, page = new_page(browser, live_server)
    try:
        login(page, STUDENT)
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        page.goto("/bookings/")
        card = page.locator(f'[data-booking="{lesson.pk}"]')
        expect(card.get_by_role("listitem").filter(has_text="Write a postcard")).to_be_visible()
        assert_no_axe_violations(page)
        card.get_by_role("link", name=re.compile("^Read the notes")).click()
        expect(page.get_by_role("heading", name="Homework")).to_be_visible()
        expect(page.locator("li", has_text="Exercise 4 page 12")).to_be_visible()
        assert_no_axe_violations(page)

        page.goto("/profile/placement/")
        page.locator("fieldset.placement-question").first.get_by_label("Bonjour").check()
        page.get_by_role("button", name="See my suggested level").click()
        expect(
            page.get_by_role("heading", name=re.compile("^Your suggested level"))
        ).to_be_visible()
        assert_no_axe_violations(page)
        page.get_by_role("button", name=re.compile("^Accept")).click()
        expect(page.get_by_role("heading", name="My progress")).to_be_visible()
        expect(page.locator("svg.level-chart__svg")).to_be_visible()
        expect(page.locator("table.level-table caption")).to_have_text(re.compile("level change"))
        assert_no_axe_violations(page)
    finally:
        context.close()


PHONE_PAGES = [
    (STUDENT, "/profile/progress/"),
    (STUDENT, "/profile/placement/"),
    (STUDENT, "/bookings/{lesson}/notes/"),
    (TEACHER, "/teacher/lessons/{lesson}/notes/"),
    (TEACHER, "/teacher/students/{student}/"),
]


@pytest.mark.django_db(transaction=True)
def test_the_notes_progress_and_quiz_pages_fit_a_390px_phone(browser, live_server, demo_site):
    problems = []
    for email in (STUDENT, TEACHER):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            login(page, email)
            expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
            for who, path in PHONE_PAGES:
                if who == email:
                    assert page.goto(demo_path(path)).status == 200, path
                    problems.append(overflow(page))
        finally:
            context.close()
    assert [problem for problem in problems if problem] == []
