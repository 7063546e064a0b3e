"""Demo content for the community features (idempotent): approved and pending testimonials
from demo users, a few confirmed newsletter subscribers and a draft campaign to send."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts import roles
from accounts.demo import ensure_user

from .models import Campaign, Comment, ModerationStatus, Subscriber, SubscriberStatus

EXTRA_STUDENTS = (
    ("camille.student@petittalk.example", "Camille R."),
    ("tom.student@petittalk.example", "Tom B."),
)

TESTIMONIALS = (
    (
        "student@petittalk.example",
        "After three months of weekly lessons I finally dare to speak French on the phone. "
        "My teacher adapts every lesson to what I need.",
        ModerationStatus.APPROVED,
    ),
    (
        "camille.student@petittalk.example",
        "Booking is easy and the teachers are patient and funny. I love the conversation "
        "practice about French films.",
        ModerationStatus.APPROVED,
    ),
    (
        "tom.student@petittalk.example",
        "I passed my DELF B1 thanks to the exam preparation lessons. Merci !",
        ModerationStatus.APPROVED,
    ),
    (
        "camille.student@petittalk.example",
        "The new evening slots are perfect for me. Waiting for approval in the demo.",
        ModerationStatus.PENDING,
    ),
)

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
    for email, name in EXTRA_STUDENTS:
        ensure_user(email, display_name=name, group=roles.STUDENTS)
    User = get_user_model()
    for email, text, status in TESTIMONIALS:
        author = User.objects.filter(email__iexact=email).first()
        if author is None:
            continue
        Comment.objects.get_or_create(author=author, text=text, defaults={"status": status})
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
    log("Community: testimonials, newsletter subscribers and a draft campaign ready.")
    return []
