from django.core.management.base import BaseCommand

from booking.calendars.services import sync_due_calendars


class Command(BaseCommand):
    help = (
        "Read teachers' external calendar feeds not read for CALENDAR_FEEDS_REFRESH_MINUTES "
        "(15) and store their busy times. Safe every minute, on any number of servers."
    )

    def handle(self, *args, **options):
        synced, failed = sync_due_calendars()
        self.stdout.write(f"sync_calendars: {synced} feed(s) read, {failed} failed.")
