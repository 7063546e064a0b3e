"""The lesson review model. It moved here from cms_pages (issue 13) and keeps its table,
``cms_pages_lessonreview``, and its constraint name, so no row was copied."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Count

from site_config.moderation import TEXT_MAX_LENGTH, Moderated, ModeratedQuerySet

from ..transitions import BookingStatus, LessonOutcome

__all__ = ["LessonReview", "teacher_ratings"]


class LessonReviewQuerySet(ModeratedQuerySet):
    def verified(self):
        """Reviews a teacher's rating counts: approved by an editor and written by the
        student of a lesson that took place (completed, outcome "held"), so every one is from
        a real lesson."""
        return self.approved().filter(
            booking__status=BookingStatus.COMPLETED, booking__outcome=LessonOutcome.HELD
        )


class LessonReview(Moderated):
    """A student's rating (1 to 5) and review of one completed lesson: at most one per booking."""

    booking = models.OneToOneField(
        "booking.Booking", on_delete=models.CASCADE, related_name="review"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(max_length=TEXT_MAX_LENGTH, blank=True)

    objects = LessonReviewQuerySet.as_manager()

    class Meta:
        db_table = "cms_pages_lessonreview"
        ordering = ["-created_at", "-pk"]
        verbose_name = "lesson review"
        verbose_name_plural = "lesson reviews"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5),
                name="cms_pages_review_rating_1_to_5",
                violation_error_message="A rating is between 1 and 5 stars.",
            )
        ]

    def __str__(self):
        return f"{self.rating}★ lesson {self.booking_id}"

    @property
    def stars(self):
        return "★" * self.rating + "☆" * (5 - self.rating)


def teacher_ratings(teacher_ids):
    """``{teacher_id: (average rating, number of verified reviews)}`` for the teachers that
    have verified reviews, in one query (teachers without any are absent)."""
    rows = (
        LessonReview.objects.verified()
        .filter(booking__teacher_id__in=list(teacher_ids))
        .values("booking__teacher_id")
        .annotate(average=Avg("rating"), count=Count("pk"))
        .order_by()
    )
    return {row["booking__teacher_id"]: (row["average"], row["count"]) for row in rows}


def booking_has_review(booking):
    """Use a precomputed ``has_review`` (e.g. an Exists() annotation) or a select_related
    ``review`` when the caller provides one; otherwise ask the database once."""
    precomputed = getattr(booking, "has_review", None)
    if precomputed is not None:
        return bool(precomputed)
    if "review" in booking._state.fields_cache:
        return booking._state.fields_cache["review"] is not None
    return LessonReview.objects.filter(booking_id=booking.pk).exists()
