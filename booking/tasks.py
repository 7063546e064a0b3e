"""Periodic booking jobs as django-tasks tasks (a scheduler or cron enqueues them).

Each wraps an idempotent function in ``booking.services``; running one twice is harmless.
"""

from django_tasks import task

from . import services


@task()
def expire_holds_task():
    return services.expire_holds()


@task()
def complete_lessons_task():
    return services.complete_lessons()


@task()
def send_reminders_task():
    return services.send_reminders()
