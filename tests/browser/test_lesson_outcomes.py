"""Browser: after a lesson the teacher records what happened from the dashboard; the student
then sees what follows in My bookings: after a technical problem, a page to choose a refund
or a free new time; after a "student did not come", a page to explain within 48 hours. Each
page passes axe and fits a 390 px screen."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from booking.demo import AWAITING_GOAL
from booking.models import Booking, BookingStatus, LessonOutcome, OutcomeDispute

from .conftest import assert_no_axe_violations, login
from .test_mobile_overflow import overflow

DEMO_STUDENT = "student@petittalk.example"


def awaiting_lesson():
    return Booking.objects.select_related("teacher").get(goal=AWAITING_GOAL)


@pytest.mark.django_db(transaction=True)
def test_teacher_records_a_technical_problem_and_the_student_chooses_a_refund(page):
    lesson = awaiting_lesson()
    login(page, lesson.teacher.email)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto("/teacher/")
    expect(page.get_by_role("heading", name="How did these lessons go?")).to_be_visible()
    card = page.locator(f'.booking-card[data-booking="{lesson.pk}"]')
    expect(card.get_by_role("group", name="What happened at this lesson?")).to_be_visible()
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert overflow(page) is None  # the outcome form fits a phone
    page.set_viewport_size({"width": 1280, "height": 900})
    card.get_by_label("Technical problem").check()
    card.get_by_label(re.compile("Message to")).fill("The sound kept cutting out, sorry.")
    card.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("Recorded: a technical problem.")).to_be_visible()
    expect(page.get_by_role("heading", name="How did these lessons go?")).to_have_count(0)
    lesson.refresh_from_db()
    assert (lesson.status, lesson.outcome) == (BookingStatus.MISSED, "technical_problem")

    page.context.clear_cookies()
    login(page, DEMO_STUDENT)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto("/bookings/")
    page.locator(f'.booking-card[data-booking="{lesson.pk}"]').get_by_role(
        "link", name=re.compile("Choose a refund or a new time")
    ).click()
    expect(page.get_by_role("heading", name="A refund or a new time?")).to_be_visible()
    expect(page.get_by_role("link", name="Choose a new time")).to_be_visible()
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert overflow(page) is None
    page.get_by_role("button", name="Refund this lesson").click()
    expect(page).to_have_url(re.compile(r"/bookings/$"))
    expect(page.get_by_text("Your lesson is refunded in full.")).to_be_visible()
    assert Booking.objects.get(pk=lesson.pk).status == BookingStatus.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_student_marked_absent_explains_within_48_hours(page):
    lesson = awaiting_lesson()
    lesson.record_outcome(LessonOutcome.STUDENT_NO_SHOW, by=lesson.teacher)
    login(page, DEMO_STUDENT)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto("/bookings/")
    page.locator(f'.booking-card[data-booking="{lesson.pk}"]').get_by_role(
        "link", name=re.compile("Tell us what happened")
    ).click()
    expect(page.get_by_role("heading", name="Tell us what happened at your lesson")).to_be_visible()
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert overflow(page) is None
    page.get_by_role("button", name="Send my explanation").click()  # empty: a clear error
    expect(page.get_by_text("Please tell us what happened.")).to_be_visible()
    page.get_by_label("What happened?").fill("I was in the room; my teacher never joined.")
    page.get_by_role("button", name="Send my explanation").click()
    expect(page).to_have_url(re.compile(r"/bookings/$"))
    expect(page.get_by_text("Our team will look at your explanation")).to_be_visible()
    assert OutcomeDispute.objects.get(booking=lesson).explanation.startswith("I was in the room")


@pytest.mark.django_db(transaction=True)
def test_an_expired_dispute_link_says_so(page):
    lesson = awaiting_lesson()
    lesson.record_outcome(LessonOutcome.STUDENT_NO_SHOW, by=lesson.teacher)
    Booking.objects.filter(pk=lesson.pk).update(outcome_at=timezone.now() - timedelta(days=3))
    login(page, DEMO_STUDENT)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    response = page.goto(f"/bookings/{lesson.pk}/dispute/")
    assert response.status == 410
    expect(page.get_by_text("can no longer be disputed")).to_be_visible()
    assert_no_axe_violations(page)
