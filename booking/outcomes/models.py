"""A student's dispute of a "student did not come" outcome, decided by an admin."""

from datetime import timedelta

from django.conf import settings
from django.db import models

# How long after the outcome was recorded the student may dispute a "student did not come".
DISPUTE_WINDOW = timedelta(hours=48)


def dispute_deadline(booking):
    """Until when the lesson's student may dispute its no-show outcome (None: no outcome)."""
    return booking.outcome_at + DISPUTE_WINDOW if booking.outcome_at else None


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Waiting for a decision"
    UPHELD = "upheld", "Outcome upheld (no refund)"
    REFUNDED = "refunded", "Refunded"


class OutcomeDispute(models.Model):
    """The student's account of a lesson their teacher marked as a student no-show: at most
    one per lesson, sent within 48 hours of the outcome (``services.open_dispute``); an admin
    upholds the outcome or refunds the lesson (``services.resolve_dispute``), once."""

    booking = models.OneToOneField(
        "booking.Booking", on_delete=models.CASCADE, related_name="outcome_dispute"
    )
    explanation = models.TextField("what happened", max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN, db_index=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField("message to the student", blank=True, max_length=1000)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "no-show dispute"
        verbose_name_plural = "no-show disputes"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", resolved_at__isnull=True)
                | (~models.Q(status="open") & models.Q(resolved_at__isnull=False)),
                name="booking_dispute_resolved_when_decided",
                violation_error_message="A decided dispute has its decision time.",
            )
        ]

    def __str__(self):
        return f"Dispute of lesson {self.booking_id} ({self.get_status_display()})"

    @property
    def excerpt(self):
        text = " ".join(self.explanation.split())
        return text if len(text) <= 80 else f"{text[:79]}…"
