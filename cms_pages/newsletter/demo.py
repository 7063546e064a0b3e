"""Demo newsletter (idempotent): a few confirmed subscribers and a draft campaign to send."""

from django.utils import timezone

from .models import Campaign, Subscriber, SubscriberStatus

DRAFT_CAMPAIGN = (
    "Nouveautés chez Petit Talk",
    "<p>Bonjour ! This month: new evening slots and a DELF B1 preparation course.</p>",
)

SUBSCRIBERS = (
    "marie.reader@example.com",
    "paul.reader@example.com",
    "lea.reader@example.com",
)


def load(log):
    now = timezone.now()
    for email in SUBSCRIBERS:
        Subscriber.objects.get_or_create(
            email=email,
            defaults={
                "status": SubscriberStatus.CONFIRMED,
                "source": "demo",
                "consented_at": now,
                "confirmed_at": now,
            },
        )
    subject, body = DRAFT_CAMPAIGN
    Campaign.objects.get_or_create(subject=subject, defaults={"body": body})
    log("Newsletter: subscribers and a draft campaign ready.")
    return []
