from django.core.management.base import BaseCommand

from booking import services


class Command(BaseCommand):
    help = "Expire basket holds whose time has run out (idempotent)."

    def handle(self, *args, **options):
        count = services.expire_holds()
        self.stdout.write(f"expire_holds: {count} booking(s) changed.")
