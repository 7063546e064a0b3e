"""``manage.py expire_credits``: record expired credits in the ledger and email the 30- and
7-day expiry reminders, each once. Idempotent; the scheduler runs it every minute."""

from django.core.management.base import BaseCommand

from commerce.credits.tasks import run_credit_expiry


class Command(BaseCommand):
    help = "Record expired lesson credits and send expiry reminders (30 and 7 days before)."

    def handle(self, *args, **options):
        self.stdout.write(run_credit_expiry().summary())
