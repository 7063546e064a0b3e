"""The level history model. Registered through ``accounts.models``."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..levels import LEVELS, SKILLS, CefrLevel, Skill

__all__ = ["LevelRecord", "LevelSource"]


class LevelSource(models.TextChoices):
    TEACHER = "teacher", "Teacher"
    PLACEMENT = "placement", "Placement quiz"


class LevelRecordQuerySet(models.QuerySet):
    def for_student(self, student):
        return self.filter(student=student)

    def history(self):
        """Oldest first, with whoever recorded each level (profile joined)."""
        return self.select_related("recorded_by__profile").order_by("at", "pk")


class LevelRecord(models.Model):
    """From ``at`` on, ``student``'s level in ``skill`` is ``level``: set by a teacher
    (``recorded_by``) or accepted from the placement quiz. Records are never edited; a new one
    is added when the level changes (``accounts.progress.services.record_levels``)."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="level_records"
    )
    skill = models.CharField(max_length=10, choices=Skill.choices)
    level = models.CharField("CEFR level", max_length=2, choices=CefrLevel.choices)
    source = models.CharField(max_length=10, choices=LevelSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The teacher who recorded the level; empty for the placement quiz.",
    )
    at = models.DateTimeField(default=timezone.now)

    objects = LevelRecordQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "level record"
        indexes = [models.Index(fields=["student", "skill", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=LEVELS),
                name="accounts_levelrecord_cefr_level",
                violation_error_message="A level is one of A1, A2, B1, B2, C1, C2.",
            ),
            models.CheckConstraint(
                condition=models.Q(skill__in=SKILLS),
                name="accounts_levelrecord_skill",
                violation_error_message="A skill is speaking, listening, reading or writing.",
            ),
        ]

    def __str__(self):
        return f"{self.get_skill_display()} {self.level} ({self.at:%Y-%m-%d})"
