"""The lesson note model (one per lesson)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

__all__ = ["LessonNote", "attachment_upload_to"]


def attachment_upload_to(instance, filename):
    """A name nobody can guess, under a prefix the media bucket keeps private
    (``site_config.storage``): attachments are only served by ``notes:attachment``."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"lesson-notes/{uuid.uuid4().hex}.{extension}"


class LessonNoteQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


class LessonNote(models.Model):
    """The teacher's notes and homework for one held lesson. A draft until published; the
    student is emailed once, when it is first published (``notified_at``)."""

    booking = models.OneToOneField(
        "booking.Booking", on_delete=models.CASCADE, related_name="lesson_note"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField("notes", max_length=10_000)
    homework = models.TextField("homework", max_length=5_000, blank=True)
    attachment = models.FileField(upload_to=attachment_upload_to, blank=True, max_length=200)
    # What the upload's content turned out to be, and the name it is downloaded under.
    attachment_type = models.CharField(max_length=40, blank=True, editable=False)
    attachment_name = models.CharField(max_length=120, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = LessonNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "lesson note"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notified_at__isnull=True) | models.Q(published_at__isnull=False),
                name="booking_lessonnote_notified_only_when_published",
                violation_error_message="A note is sent to the student only once published.",
            )
        ]

    def __str__(self):
        return f"Notes of lesson {self.booking_id}"

    @property
    def is_published(self):
        return self.published_at is not None
