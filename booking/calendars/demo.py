"""Demo content: the demo teacher has an external calendar (idempotent, no network).

Its address is ``DEMO_FEED_URL``, on the reserved ``.example`` domain, which the sync reads
from ``demo.ics`` beside this module: weekly italki lessons, a monthly all-day workshop
and a "free" entry that blocks nothing. Every run (and the scheduler) re-reads it, so the
busy times follow today's date.
"""

from django.contrib.auth import get_user_model

from accounts.demo import TEACHERS

from .models import ExternalCalendar
from .services import DEMO_FEED_URL, sync_calendar


def load(log):
    teacher = get_user_model().objects.filter(email__iexact=TEACHERS[0]["email"]).first()
    if teacher is None:
        return []
    calendar, _ = ExternalCalendar.objects.get_or_create(
        teacher=teacher, url=DEMO_FEED_URL, defaults={"name": "italki (demo)"}
    )
    sync_calendar(calendar)
    log(
        f"Booking: {teacher.display_name}'s external calendar, "
        f"{calendar.busy_times.count()} busy time(s)."
    )
    return []
