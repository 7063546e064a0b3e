"""Run the periodic operator commands every minute (the Procfile's ``scheduler`` process).

The list is the ``SCHEDULED_COMMANDS`` setting (command names, resolved by Django when they
run), so the project's scheduler imports no app. Each command is idempotent and safe to run
every minute on any number of servers: expire stale basket holds, mark past lessons
completed, send due reminders, reconcile payments with Stripe, and publish scheduled Wagtail
pages. Commands that are not installed are skipped. Use ``--once`` from cron (or Heroku
Scheduler) instead of the loop.
"""

import logging
import time

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import close_old_connections

logger = logging.getLogger("petit_talk.scheduler")


def periodic_commands():
    """The command names the scheduler runs, in order (``settings.SCHEDULED_COMMANDS``)."""
    return tuple(settings.SCHEDULED_COMMANDS)


def available_commands(names=None):
    """The periodic commands installed in this project, in order."""
    installed = get_commands()
    return [name for name in (periodic_commands() if names is None else names) if name in installed]


def run_once(stdout=None):
    """Run every available periodic command once; one failing does not stop the others.

    Returns the names of the commands that failed.
    """
    failed = []
    for name in available_commands():
        started = time.monotonic()
        try:
            call_command(name, stdout=stdout)
        except Exception:
            logger.exception("Scheduled command %s failed", name)
            failed.append(name)
        else:
            logger.info(
                "Scheduled command %s done",
                name,
                extra={"duration_ms": round((time.monotonic() - started) * 1000, 1)},
            )
    return failed


class Command(BaseCommand):
    help = "Run the SCHEDULED_COMMANDS (expire_holds, complete_lessons, ...) every minute."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run each command once, exit.")
        parser.add_argument(
            "--interval", type=int, default=60, help="Seconds between runs (default 60)."
        )

    def handle(self, *args, once=False, interval=60, **options):
        missing = sorted(set(periodic_commands()) - set(available_commands()))
        if missing:
            logger.warning("Periodic commands not installed: %s", ", ".join(missing))
        while True:
            started = time.monotonic()
            failed = run_once(stdout=self.stdout)
            if once:
                if failed:
                    raise SystemExit(1)
                return
            time.sleep(max(1.0, interval - (time.monotonic() - started)))
            # Like a request boundary: drop connections the database closed while we slept.
            close_old_connections()
