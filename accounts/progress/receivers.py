"""Levels and placement attempts in "download my data" and in account erasure (connected by
``AccountsConfig.ready()``)."""

from django.dispatch import receiver

from ..exports import register_exporter
from ..placement.models import PlacementAttempt
from ..signals import user_erased
from .models import LevelRecord


@register_exporter("levels")
def export_levels(user):
    return [
        {
            "skill": r.skill,
            "level": r.level,
            "source": r.source,
            "recorded_by": r.recorded_by.display_name if r.recorded_by else None,
            "at": r.at.isoformat(),
        }
        for r in LevelRecord.objects.for_student(user).history()
    ]


@register_exporter("placement_attempts")
def export_placement_attempts(user):
    return [
        {
            "suggested_level": a.suggested_level,
            "correct": a.correct,
            "asked": a.asked,
            "created_at": a.created_at.isoformat(),
            "accepted_at": a.accepted_at.isoformat() if a.accepted_at else None,
        }
        for a in PlacementAttempt.objects.filter(student=user).order_by("created_at")
    ]


@receiver(user_erased, dispatch_uid="accounts.progress.erase_levels")
def erase_levels(sender, user, email, **kwargs):
    """An erased student's levels and quiz attempts are personal data: deleted."""
    LevelRecord.objects.filter(student=user).delete()
    PlacementAttempt.objects.filter(student=user).delete()
