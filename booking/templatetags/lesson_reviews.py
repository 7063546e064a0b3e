"""Template tags for lesson reviews, also used by other apps' pages:

- ``{% teacher_reviews teacher_user %}`` on a teacher's public page (accounts)
- ``{% review_link booking %}`` in "My bookings" for a completed lesson
"""

from django import template
from django.db.models import Avg, Count
from django.template.loader import render_to_string

from ..reviews.models import LessonReview

register = template.Library()

REVIEWS_SHOWN = 10


@register.simple_tag(takes_context=True)
def teacher_reviews(context, teacher):
    """Average rating, count and the newest verified reviews of a teacher (two queries).

    The rating's JSON-LD is part of the teacher page's one ``Person`` (accounts.views)."""
    approved = LessonReview.objects.verified().filter(booking__teacher=teacher)
    summary = approved.aggregate(average=Avg("rating"), count=Count("pk"))
    reviews = []
    if summary["count"]:
        reviews = list(
            approved.select_related("booking__student__profile").order_by("-created_at")[
                :REVIEWS_SHOWN
            ]
        )
    return render_to_string(
        "booking/reviews/teacher_reviews.html",
        {
            "teacher": teacher,
            "average": summary["average"],
            "count": summary["count"],
            "reviews": reviews,
        },
    )


def booking_has_review(booking):
    """Use a precomputed ``has_review`` (e.g. an Exists() annotation) or a select_related
    ``review`` when the caller provides one; otherwise ask the database once."""
    precomputed = getattr(booking, "has_review", None)
    if precomputed is not None:
        return bool(precomputed)
    if "review" in booking._state.fields_cache:
        return booking._state.fields_cache["review"] is not None
    return LessonReview.objects.filter(booking_id=booking.pk).exists()


@register.simple_tag(takes_context=True)
def review_link(context, booking):
    """A "Rate this lesson" link for the booking's student once the lesson was held and is
    not yet reviewed. Costs no query unless the booking was held and is unannotated."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if (
        user is None
        or not user.is_authenticated
        or booking.student_id != user.pk
        or not booking.was_held
        or booking_has_review(booking)
    ):
        return ""
    return render_to_string("booking/reviews/link.html", {"booking": booking})
