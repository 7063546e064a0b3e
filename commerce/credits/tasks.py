"""The scheduled credit job (``manage.py expire_credits``, in ``SCHEDULED_COMMANDS``)."""

from dataclasses import dataclass

from django.utils import timezone

from .services import record_expiries, send_expiry_reminders


@dataclass(frozen=True)
class ExpiryReport:
    expired_lots: int
    reminders: int

    def summary(self):
        return f"{self.expired_lots} lot(s) expired, {self.reminders} reminder(s) queued."


def run_credit_expiry(now=None):
    """Record the expiry of lots past their date and queue the 30- and 7-day reminders.
    Idempotent: safe every minute."""
    now = now or timezone.now()
    return ExpiryReport(record_expiries(now), send_expiry_reminders(now))
