"""Lesson reviews in "download my data" and in account erasure (connected by
``BookingConfig.ready()``)."""

from django.dispatch import receiver

from accounts.exports import register_exporter
from accounts.signals import user_erased

from .models import LessonReview


@register_exporter("reviews")
def export_reviews(user):
    return [
        {
            "lesson": r.booking_id,
            "rating": r.rating,
            "text": r.text,
            "status": r.status,
            "created_at": r.created_at.isoformat(),
        }
        for r in LessonReview.objects.filter(booking__student=user).order_by("created_at")
    ]


@receiver(user_erased, dispatch_uid="booking.reviews.erase_user_reviews")
def erase_reviews(sender, user, email, **kwargs):
    """An erased student's reviews are deleted: they are personal texts, and nothing in
    accounting depends on them."""
    LessonReview.objects.filter(booking__student=user).delete()
