from django.core.management.base import BaseCommand

from booking import services


class Command(BaseCommand):
    help = "Mark confirmed lessons whose end has passed as completed (idempotent)."

    def handle(self, *args, **options):
        count = services.complete_lessons()
        self.stdout.write(f"complete_lessons: {count} booking(s) changed.")
