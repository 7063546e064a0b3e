"""Taking the placement quiz and accepting its suggestion."""

from django.db import transaction
from django.utils import timezone

from ..levels import SKILLS
from ..progress.models import LevelSource
from ..progress.services import record_levels
from .models import PlacementAttempt
from .scoring import suggest_level


def score_quiz(student, questions, chosen):
    """Score ``student``'s answers (``chosen``: ``{question pk: answer pk or None}``) to the
    quiz ``questions`` (answers prefetched) and keep the attempt. A blank question counts as
    missed."""
    results = []
    for question in questions:
        picked = chosen.get(question.pk)
        right = any(a.pk == picked and a.is_correct for a in question.answers.all())
        results.append((question.level, right))
    return PlacementAttempt.objects.create(
        student=student,
        suggested_level=suggest_level(results),
        correct=sum(right for _level, right in results),
        asked=len(results),
    )


def accept_suggestion(attempt, now=None):
    """The student accepts the attempt's level as their starting level: it is recorded for
    every skill (source: placement) and becomes their profile's level. Accepting the same
    attempt twice records nothing more. Returns whether this call accepted it."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = PlacementAttempt.objects.filter(pk=attempt.pk, accepted_at__isnull=True).update(
            accepted_at=now
        )
        if not claimed:
            return False
        student = attempt.student
        level = attempt.suggested_level
        record_levels(student, dict.fromkeys(SKILLS, level), source=LevelSource.PLACEMENT, at=now)
        profile = student.profile
        profile.cefr_level = level
        profile.save(update_fields=["cefr_level"])
    attempt.accepted_at = now
    return True
