"""Testimonials in "download my data" and in account erasure (connected by
``CmsPagesConfig.ready()``)."""

from django.dispatch import receiver

from accounts.exports import register_exporter
from accounts.signals import user_erased

from .models import Comment


@register_exporter("comments")
def export_comments(user):
    return [
        {"text": c.text, "status": c.status, "created_at": c.created_at.isoformat()}
        for c in Comment.objects.filter(author=user).order_by("created_at")
    ]


@receiver(user_erased, dispatch_uid="cms_pages.testimonials.erase_user_testimonials")
def erase_testimonials(sender, user, email, **kwargs):
    """An erased user's testimonials are deleted: they are personal texts, and nothing in
    accounting depends on them."""
    Comment.objects.filter(author=user).delete()
