"""Demo testimonials (idempotent): approved and pending ones from demo students."""

from django.contrib.auth import get_user_model

from accounts import roles
from accounts.demo import ensure_user
from site_config.moderation import ModerationStatus

from .models import Comment

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


def load(log):
    for email, name in EXTRA_STUDENTS:
        ensure_user(email, display_name=name, group=roles.STUDENTS)
    User = get_user_model()
    for email, text, status in TESTIMONIALS:
        author = User.objects.filter(email__iexact=email).first()
        if author is None:
            continue
        Comment.objects.get_or_create(author=author, text=text, defaults={"status": status})
    log("Testimonials ready.")
    return []
