"""Template tags for lesson reviews, also used by other apps' pages:

- ``{% teacher_reviews teacher_user %}`` on a teacher's public page (accounts)
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
