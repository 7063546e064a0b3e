"""A teacher's external calendar feeds and the busy times read from them (stored in UTC)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone

__all__ = ["ExternalBusyTime", "ExternalCalendar"]


class ExternalCalendar(models.Model):
    """One ICS feed a teacher pasted, and what happened when it was last fetched.

    ``url`` is often a secret (Google's "secret address"): it is shown to its teacher only;
    the admin sees the server's name. ``etag``/``last_modified`` are the validators of the
    last successful download (conditional requests); ``expanded_until`` is the end of the
    window the stored busy times cover. A failed fetch records ``last_error`` and keeps the
    busy times of the last good one.
    """

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_calendars"
    )
    name = models.CharField(max_length=100, blank=True)
    url = models.CharField("feed address", max_length=2000)
    etag = models.CharField(max_length=255, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_ok_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=500, blank=True, editable=False)
    expanded_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "external calendar"
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "url"],
                name="booking_external_calendar_unique_url",
                violation_error_message="This calendar is already in your list.",
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """The teacher's name for the feed, else its server's name."""
        return self.name or self.host

    @property
    def host(self):
        return urlsplit(self.url).hostname or ""

    @property
    def failing(self):
        return bool(self.last_error)


class ExternalBusyTimeQuerySet(models.QuerySet):
    def for_teacher(self, teacher):
        return self.filter(calendar__teacher=teacher)

    def overlapping(self, start, end):
        return self.filter(start__lt=end, end__gt=start)


class ExternalBusyTime(models.Model):
    """A time (UTC) when the teacher is busy according to one of their external calendars."""

    calendar = models.ForeignKey(
        ExternalCalendar, on_delete=models.CASCADE, related_name="busy_times"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()

    objects = ExternalBusyTimeQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["calendar", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="booking_external_busy_end_after_start",
            )
        ]

    def __str__(self):
        return f"Busy {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC"
