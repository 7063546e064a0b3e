import os

from django.core.management.base import BaseCommand
from django.db import connection

from booking.benchmarks import run


class Command(BaseCommand):
    help = "Benchmark slot generation: one teacher, 8 weeks, 500 bookings (data rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument("--bookings", type=int, default=500)

    def handle(self, *args, **options):
        result = run(bookings=options["bookings"], runs=options["runs"])
        self.stdout.write(
            "available_slots: {median_ms:.2f} ms median, {best_ms:.2f} ms best over {runs} runs "
            "({bookings} bookings, {candidate_slots} candidate slots, {free_slots} free)".format(
                **result
            )
        )
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        self.stdout.write(f"database: {connection.vendor}; load average: {load}")
