"""The teacher's "Refresh now": one feed read in the background (the task worker), so a slow
calendar server never holds a web request."""

from django_tasks import task

from .models import ExternalCalendar
from .services import sync_calendar


@task()
def refresh_calendar(calendar_id):
    calendar = ExternalCalendar.objects.select_related("teacher__profile").filter(pk=calendar_id)
    calendar = calendar.first()
    if calendar is not None:  # removed before the worker got to it
        sync_calendar(calendar)
