from django.core.management.base import BaseCommand

from booking import services


class Command(BaseCommand):
    help = "Email reminders 24 hours before confirmed lessons, each exactly once."

    def handle(self, *args, **options):
        count = services.send_reminders()
        self.stdout.write(f"send_reminders: {count} booking(s) handled.")
