"""Community data in "download my data" and in account erasure.

Registered at import time (this module is imported by community_admin, which Wagtail loads with
the other wagtail_hooks; cms_pages' AppConfig.ready() may import it too: it is idempotent).
"""

from django.dispatch import receiver

from accounts.exports import register_exporter
from accounts.signals import user_erased


@register_exporter("comments")
def export_comments(user):
    from .models import Comment

    return [
        {"text": c.text, "status": c.status, "created_at": c.created_at.isoformat()}
        for c in Comment.objects.filter(author=user).order_by("created_at")
    ]


@register_exporter("reviews")
def export_reviews(user):
    from .models import LessonReview

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


@register_exporter("newsletter")
def export_newsletter(user):
    from .models import Subscriber

    return [
        {
            "email": s.email,
            "status": s.status,
            "source": s.source,
            "consented_at": s.consented_at.isoformat(),
        }
        for s in Subscriber.objects.filter(email__iexact=user.email)
    ]


@receiver(user_erased, dispatch_uid="cms_pages.community.erase_user_content")
def erase_community_content(sender, user, email, **kwargs):
    """An erased user's testimonials, reviews and newsletter address are deleted: they are
    personal texts, and nothing in accounting depends on them."""
    from .models import Comment, LessonReview, Subscriber

    Comment.objects.filter(author=user).delete()
    LessonReview.objects.filter(booking__student=user).delete()
    Subscriber.objects.filter(email__iexact=email).delete()
