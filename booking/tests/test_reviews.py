"""Lesson reviews: once per completed lesson, only by its student, moderated, shown on the
teacher's page with an AggregateRating."""

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from booking.factories import BookingFactory
from booking.lesson_cards import StudentCards
from booking.models import Booking, BookingStatus, LessonReview
from booking.reviews.views import REVIEW_THANKS
from site_config.moderation import ModerationStatus
from site_config.public_forms import RATE_LIMITED


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def make_booking(teacher, student, status=BookingStatus.COMPLETED):
    """A lesson that took place (two days ago or earlier, outcome "held" when completed), in
    its own hour."""
    outcome = "held" if status == BookingStatus.COMPLETED else ""
    return BookingFactory(
        teacher=teacher, student=student, status=status, outcome=outcome, days_from_now=-2
    )


def review_url(booking):
    return reverse("booking:review_create", args=[booking.pk])


def render(template, **context):
    request = RequestFactory().get("/")
    request.user = context.get("user")
    return Template("{% load lesson_reviews %}" + template).render(
        Context({"request": request, **context})
    )


def test_student_rates_a_completed_lesson_and_it_waits_for_approval(client, student, teacher):
    booking = make_booking(teacher, student)
    client.force_login(student)
    assert client.get(review_url(booking)).status_code == 200
    response = client.post(
        review_url(booking), {"rating": "4", "text": "Très bien", "status": "approved"}
    )
    assert response.status_code == 302
    review = LessonReview.objects.get()
    assert (review.booking, review.rating, review.status) == (booking, 4, "pending")
    assert REVIEW_THANKS in [str(m) for m in response.wsgi_request._messages]


@pytest.mark.parametrize("rating", ["0", "6", "", "abc"])
def test_rating_must_be_one_to_five_stars(client, student, teacher, rating):
    booking = make_booking(teacher, student)
    client.force_login(student)
    response = client.post(review_url(booking), {"rating": rating, "text": "x"})
    assert response.status_code == 200
    assert not LessonReview.objects.exists()


def test_lesson_can_be_reviewed_only_once(client, student, teacher):
    booking = make_booking(teacher, student)
    client.force_login(student)
    client.post(review_url(booking), {"rating": "5"})
    response = client.post(review_url(booking), {"rating": "1"})
    assert response.status_code == 403
    assert "already rated" in response.content.decode()
    assert LessonReview.objects.get().rating == 5


@pytest.mark.parametrize("status", [BookingStatus.PAID, BookingStatus.CONFIRMED])
def test_lesson_not_completed_cannot_be_reviewed(client, student, teacher, status):
    booking = make_booking(teacher, student, status=status)
    client.force_login(student)
    response = client.post(review_url(booking), {"rating": "5"})
    assert response.status_code == 403
    assert "once it has taken place" in response.content.decode()
    assert not LessonReview.objects.exists()


def test_other_users_get_404_on_someone_elses_lesson(client, student, other_student, teacher):
    booking = make_booking(teacher, student)
    for user in (other_student, teacher):
        client.force_login(user)
        assert client.post(review_url(booking), {"rating": "5"}).status_code == 404
    assert not LessonReview.objects.exists()


def test_visitor_is_sent_to_login(client, student, teacher):
    booking = make_booking(teacher, student)
    response = client.get(review_url(booking))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_honeypot_review_is_dropped(client, student, teacher):
    booking = make_booking(teacher, student)
    client.force_login(student)
    response = client.post(review_url(booking), {"rating": "5", "website": "spam"})
    assert response.status_code == 302
    assert not LessonReview.objects.exists()


def test_review_posts_are_rate_limited_per_account(client, student, teacher):
    bookings = [make_booking(teacher, student) for _ in range(6)]
    client.force_login(student)
    for booking in bookings[:5]:
        client.post(review_url(booking), {"rating": "3"})
    response = client.post(review_url(bookings[5]), {"rating": "3"})
    assert response.status_code == 429
    assert RATE_LIMITED in response.content.decode()
    assert LessonReview.objects.count() == 5


def test_teacher_reviews_show_average_count_and_only_approved(
    student, other_student, teacher, django_assert_num_queries
):
    for rating, who, status in [
        (5, student, "approved"),
        (4, other_student, "approved"),
        (1, student, "pending"),
        (1, student, "rejected"),
    ]:
        LessonReview.objects.create(
            booking=make_booking(teacher, who),
            rating=rating,
            text=f"{status} <b>{rating}</b>",
            status=status,
        )
    with django_assert_num_queries(2):
        html = render("{% teacher_reviews teacher %}", teacher=teacher)
    assert "4.5 out of 5" in html
    assert "from 2 reviews" in html
    assert "approved &lt;b&gt;5&lt;/b&gt;" in html
    assert "pending" not in html
    assert "rejected" not in html
    # The rating's JSON-LD is in the teacher page's one Person:
    # accounts/tests/test_one_place_rules.py (exactly one Person, with its rating).
    assert "application/ld+json" not in html


def test_teacher_without_approved_reviews_has_no_aggregate_rating(student, teacher):
    LessonReview.objects.create(booking=make_booking(teacher, student), rating=5, text="x")
    html = render("{% teacher_reviews teacher %}", teacher=teacher)
    assert "No reviews yet" in html
    assert "application/ld+json" not in html


def test_json_ld_cannot_break_out_of_its_script(student, teacher):
    teacher.profile.display_name = "</script><script>alert(1)</script>"
    teacher.profile.save()
    LessonReview.objects.create(
        booking=make_booking(teacher, student), rating=5, status=ModerationStatus.APPROVED
    )
    html = render("{% teacher_reviews teacher %}", teacher=teacher)
    assert "<script>alert(1)" not in html


def test_review_link_only_for_a_completed_unreviewed_lesson(
    student, teacher, django_assert_num_queries
):
    """ "My bookings" shows "Rate this lesson" on a past lesson that was held and has no
    review yet (its card: booking.lesson_cards.StudentCards)."""
    joined = Booking.objects.select_related("student", "teacher__profile", "lesson_note")
    completed = joined.get(pk=make_booking(teacher, student).pk)
    confirmed = joined.get(pk=make_booking(teacher, student, status=BookingStatus.CONFIRMED).pk)
    cards = StudentCards()
    with django_assert_num_queries(1):  # is there a review? (not joined here)
        assert cards.past(completed)["review_url"] == review_url(completed)
    with django_assert_num_queries(0):
        assert cards.past(confirmed)["review_url"] == ""
    LessonReview.objects.create(booking=completed, rating=4)
    assert cards.past(completed)["review_url"] == ""


def test_review_link_uses_a_precomputed_has_review_without_queries(
    student, teacher, django_assert_num_queries
):
    completed = Booking.objects.select_related("student", "teacher__profile", "lesson_note").get(
        pk=make_booking(teacher, student).pk
    )
    completed.has_review = False
    cards = StudentCards()
    with django_assert_num_queries(0):
        assert cards.past(completed)["review_url"] == review_url(completed)
    fetched = Booking.objects.select_related(
        "review", "student", "teacher__profile", "lesson_note"
    ).get(pk=completed.pk)
    with django_assert_num_queries(0):
        assert cards.past(fetched)["review_url"] == review_url(completed)
