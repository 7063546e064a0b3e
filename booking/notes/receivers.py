"""Lesson notes in "download my data" and in account erasure (connected by
``BookingConfig.ready()``)."""

from django.dispatch import receiver

from accounts.exports import register_exporter
from accounts.services import delete_files_on_commit
from accounts.signals import user_erased

from .models import LessonNote


@register_exporter("lesson_notes")
def export_lesson_notes(user):
    """The published notes of the student's lessons (a teacher's own are in their lessons)."""
    return [
        {
            "lesson": n.booking_id,
            "notes": n.notes,
            "homework": n.homework,
            "attachment": n.attachment_name or None,
            "published_at": n.published_at.isoformat(),
        }
        for n in LessonNote.objects.published()
        .filter(booking__student=user)
        .order_by("published_at", "pk")
    ]


@receiver(user_erased, dispatch_uid="booking.notes.erase_student_notes")
def erase_notes(sender, user, email, **kwargs):
    """Notes about an erased student are personal texts: deleted with their files."""
    notes = LessonNote.objects.filter(booking__student=user)
    delete_files_on_commit(*[name for name in notes.values_list("attachment", flat=True) if name])
    notes.delete()
