"""A lesson review submitted twice at once: the second answer is a clear message, not a 500."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from booking.factories import BookingFactory
from booking.models import LessonReview
from booking.reviews import forms as review_forms


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_double_submitted_review_says_already_reviewed(client, student, teacher, monkeypatch):
    booking = BookingFactory(completed=True, teacher=teacher, student=student)
    real_is_spam = review_forms.ReviewForm.is_spam

    def first_submit_lands_meanwhile(form):
        # The other click's request saves its review after this one's "already reviewed?"
        # check and before this one saves: exactly the window of a double submit.
        LessonReview.objects.create(booking=booking, rating=5)
        return real_is_spam(form)

    monkeypatch.setattr(review_forms.ReviewForm, "is_spam", first_submit_lands_meanwhile)
    client.force_login(student)
    response = client.post(reverse("booking:review_create", args=[booking.pk]), {"rating": "1"})
    assert response.status_code == 403
    assert "You have already reviewed this lesson." in response.content.decode()
    assert LessonReview.objects.get().rating == 5
