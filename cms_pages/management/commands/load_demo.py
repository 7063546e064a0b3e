"""Load demo content idempotently: running it twice changes nothing the second time."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import import_string

from accounts.roles import grant_editor_permissions

# Each app owns a `demo.load(log)` that creates its own content with get_or_create.
DEMO_LOADERS = (
    "accounts.demo.load",
    "cms_pages.demo.load",
    "booking.demo.load",
    "booking.calendars.demo.load",
    "commerce.demo.load",
    "booking.demo.load_notes",  # after commerce: notes need the demo student's held lesson
    "cms_pages.testimonials.demo.load",
    "cms_pages.newsletter.demo.load",
)


class Command(BaseCommand):
    help = "Create demo pages, users, teachers, offers and bookings (idempotent)."

    def handle(self, *args, **options):
        logins = []
        # Demo bookings go through the real transitions; their emails would go to made-up
        # addresses, so they are discarded while the demo loads.
        dummy_email = override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
        )
        with dummy_email, transaction.atomic():
            for dotted in DEMO_LOADERS:
                logins.extend(import_string(dotted)(self.stdout.write) or [])
            # Last, once the page tree and every model exist (a flushed database lost what
            # the data migration granted).
            grant_editor_permissions(apps)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        if logins:
            self.stdout.write("Demo logins (open http://127.0.0.1:8000):")
            for role, email, password in logins:
                self.stdout.write(f"  {role:<8} {email:<32} password: {password}")
