"""The CEFR levels and the four skills a student's level is recorded for (one vocabulary for
profiles, teachers' records, the placement quiz and the progress chart)."""

from django.db import models


class CefrLevel(models.TextChoices):
    """Codes sort in level order (A1 < A2 < … < C2), which the rules below rely on."""

    A1 = "A1", "A1 – Beginner"
    A2 = "A2", "A2 – Elementary"
    B1 = "B1", "B1 – Intermediate"
    B2 = "B2", "B2 – Upper intermediate"
    C1 = "C1", "C1 – Advanced"
    C2 = "C2", "C2 – Proficient"


LEVELS = tuple(CefrLevel.values)  # lowest first


class Skill(models.TextChoices):
    SPEAKING = "speaking", "Speaking"
    LISTENING = "listening", "Listening"
    READING = "reading", "Reading"
    WRITING = "writing", "Writing"


SKILLS = tuple(Skill.values)
