"""Writing, publishing and emailing a lesson's notes."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.progress.models import LevelSource
from accounts.progress.services import record_levels
from accounts.services import delete_files_on_commit
from accounts.zones import format_local
from site_config.mail import send_templated_email

from ..exceptions import BookingError
from ..models import Booking
from .models import LessonNote
from .rules import lesson_was_held, may_write_notes

NOT_HELD = "Notes and homework can be written once the lesson has taken place."
NOT_YOURS = "Only the teacher of this lesson can write its notes."


class NotesNotAllowed(BookingError):
    default_message = NOT_HELD


def save_note(
    booking,
    by,
    *,
    notes,
    homework="",
    attachment=None,
    remove_attachment=False,
    publish=False,
    levels=None,
    now=None,
):
    """Save the notes and homework of a held lesson as its teacher (``by``), with the
    attachment (``(file, content type, download name)`` from ``uploads.process_attachment``)
    and the student's changed levels (``{skill: level}``, recorded by ``by``).

    ``publish`` shows the note to the student; the first publication emails them, exactly
    once (``notified_at`` is set with the lesson's row locked, so two clicks or two tabs
    cannot both send). Later edits of a published note send nothing. Returns the note."""
    now = now or timezone.now()
    if not may_write_notes(by, booking):
        raise PermissionDenied(NOT_YOURS)
    with transaction.atomic():
        locked = Booking.objects.select_for_update().select_related("student").get(pk=booking.pk)
        if not lesson_was_held(locked, now):
            raise NotesNotAllowed()
        note = LessonNote.objects.filter(booking=locked).first() or LessonNote(
            booking=locked, author=by, created_at=now
        )
        replaced = note.attachment.name if (attachment or remove_attachment) else ""
        note.notes, note.homework = notes, homework
        if attachment:
            stored, content_type, download_name = attachment
            note.attachment.save(stored.name, stored, save=False)
            note.attachment_type, note.attachment_name = content_type, download_name
        elif remove_attachment:
            note.attachment, note.attachment_type, note.attachment_name = "", "", ""
        if publish and note.published_at is None:
            note.published_at = now
        notify = note.published_at is not None and note.notified_at is None
        if notify:
            note.notified_at = now
        note.save()
        if replaced and replaced != note.attachment.name:
            delete_files_on_commit(replaced)
        if levels:
            record_levels(locked.student, levels, by=by, source=LevelSource.TEACHER, at=now)
        if notify:
            queue_note_email(note)
    return note


def queue_note_email(note):
    """Tell the student their teacher's notes are there (sent once the transaction commits)."""
    booking = note.booking
    student, teacher = booking.student, booking.teacher
    kwargs = {
        "template_prefix": "booking/email/lesson_notes_student",
        "context": {
            "recipient_name": student.display_name,
            "other_name": teacher.display_name,
            "when": format_local(booking.start, student),
            "notes_path": reverse("booking:lesson_notes", args=[booking.pk]),
            "has_homework": bool(note.homework.strip()),
            "has_attachment": bool(note.attachment),
        },
        "to": [student.email],
    }
    transaction.on_commit(lambda: send_templated_email.enqueue(**kwargs))
