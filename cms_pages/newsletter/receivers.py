"""The newsletter in "download my data" and in account erasure (connected by
``CmsPagesConfig.ready()``)."""

from django.dispatch import receiver

from accounts.exports import register_exporter
from accounts.signals import user_erased

from .models import Subscriber


@register_exporter("newsletter")
def export_newsletter(user):
    return [
        {
            "email": s.email,
            "status": s.status,
            "source": s.source,
            "consented_at": s.consented_at.isoformat(),
        }
        for s in Subscriber.objects.filter(email__iexact=user.email)
    ]


@receiver(user_erased, dispatch_uid="cms_pages.newsletter.erase_user_address")
def erase_newsletter_address(sender, user, email, **kwargs):
    """An erased user's newsletter address is deleted (with its deliveries)."""
    Subscriber.objects.filter(email__iexact=email).delete()
