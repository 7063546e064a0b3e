from django.core.management.base import BaseCommand

from booking import services


class Command(BaseCommand):
    help = (
        "Record confirmed lessons whose teacher recorded no outcome within 48 hours of "
        "their end as held (completed; idempotent)."
    )

    def handle(self, *args, **options):
        count = services.complete_lessons()
        self.stdout.write(f"complete_lessons: {count} booking(s) changed.")
