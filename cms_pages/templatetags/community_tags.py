"""Template tags other apps' templates use to show community features.

- ``{% teacher_reviews teacher_user %}`` on a teacher's public page
- ``{% review_link booking %}`` in "My bookings" for a completed lesson
"""

import json

from django import template
from django.db.models import Avg, Count
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from booking.models import BookingStatus
from cms_pages.models import LessonReview

register = template.Library()

REVIEWS_SHOWN = 10
# Keep "</script>" and friends out of the JSON-LD block.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def aggregate_rating_json_ld(teacher, average, count, request=None):
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": teacher.display_name,
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": f"{average:.1f}",
            "reviewCount": count,
            "bestRating": 5,
            "worstRating": 1,
        },
    }
    if request is not None:
        data["url"] = request.build_absolute_uri()
    return mark_safe(json.dumps(data).translate(JSON_SCRIPT_ESCAPES))  # noqa: S308 - escaped


@register.simple_tag(takes_context=True)
def teacher_reviews(context, teacher):
    """Average rating, count and the newest approved reviews of a teacher (two queries)."""
    approved = LessonReview.objects.approved().filter(booking__teacher=teacher)
    summary = approved.aggregate(average=Avg("rating"), count=Count("pk"))
    reviews = []
    json_ld = ""
    if summary["count"]:
        reviews = list(
            approved.select_related("booking__student__profile").order_by("-created_at")[
                :REVIEWS_SHOWN
            ]
        )
        json_ld = aggregate_rating_json_ld(
            teacher, summary["average"], summary["count"], context.get("request")
        )
    return render_to_string(
        "cms_pages/community/teacher_reviews.html",
        {
            "teacher": teacher,
            "average": summary["average"],
            "count": summary["count"],
            "reviews": reviews,
            "json_ld": json_ld,
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
    """A "Rate this lesson" link for the booking's student once the lesson is completed and
    not yet reviewed. Costs no query unless the booking is completed and unannotated."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if (
        user is None
        or not user.is_authenticated
        or booking.student_id != user.pk
        or booking.status != BookingStatus.COMPLETED
        or booking_has_review(booking)
    ):
        return ""
    return render_to_string("cms_pages/community/review_link.html", {"booking": booking})
