"""Recording levels and reading a student's level history."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..levels import SKILLS
from .models import LevelRecord, LevelSource


def current_levels(records):
    """``{skill: latest record}`` of the records given (oldest first), for the skills that
    have one."""
    latest = {}
    for record in records:
        latest[record.skill] = record
    return latest


def record_levels(student, levels, *, by=None, source=LevelSource.TEACHER, at=None):
    """Record ``levels`` (``{skill: level}``; empty values are ignored) for ``student``, only
    for the skills whose level changed: a level equal to the current one adds nothing.
    Runs with the student's row locked, so two teachers saving at once cannot both add the
    same change. Returns the new records."""
    at = at or timezone.now()
    wanted = {skill: level for skill, level in levels.items() if level and skill in SKILLS}
    if not wanted:
        return []
    with transaction.atomic():
        list(get_user_model().objects.select_for_update().filter(pk=student.pk).values("pk"))
        now = current_levels(LevelRecord.objects.for_student(student).order_by("at", "pk"))
        new = [
            LevelRecord(
                student=student,
                skill=skill,
                level=level,
                source=source,
                recorded_by=by if source == LevelSource.TEACHER else None,
                at=at,
            )
            for skill, level in sorted(wanted.items(), key=lambda item: SKILLS.index(item[0]))
            if skill not in now or now[skill].level != level
        ]
        return LevelRecord.objects.bulk_create(new)


def level_history(student):
    """Every level record of ``student``, oldest first (one query)."""
    return list(LevelRecord.objects.for_student(student).history())
