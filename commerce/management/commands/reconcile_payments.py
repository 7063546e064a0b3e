"""``manage.py reconcile_payments``: fulfil payments whose webhook was missed, report the rest.

Idempotent and safe to run every minute (the scheduler runs it by name).
"""

from django.core.management.base import BaseCommand, CommandError

from commerce.payments.base import PaymentError
from commerce.reconcile import DEFAULT_DAYS, reconcile_payments


class Command(BaseCommand):
    help = "Compare recent Stripe PaymentIntents with orders; fulfil missed payments."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"Look at intents created in the last N days (default {DEFAULT_DAYS}).",
        )

    def handle(self, *args, days=DEFAULT_DAYS, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        try:
            report = reconcile_payments(days=days)
        except PaymentError as exc:
            raise CommandError(f"The payment provider could not list payments: {exc}") from exc
        self.stdout.write(report.summary())
        for line in report.fulfilled:
            self.stdout.write(self.style.SUCCESS(f"Fulfilled: {line}"))
        for line in report.problems:
            self.stdout.write(self.style.WARNING(f"Problem: {line}"))
