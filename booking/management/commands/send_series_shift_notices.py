from django.core.management.base import BaseCommand

from booking import series


class Command(BaseCommand):
    help = (
        "Email students 7 days before a week whose lesson time shifts for them "
        "(clock changes), once per series and shift period."
    )

    def handle(self, *args, **options):
        count = series.send_shift_notices()
        self.stdout.write(f"send_series_shift_notices: {count} email(s) queued.")
