"""External calendars in "download my data" and in account erasure (connected by
``BookingConfig.ready()``)."""

from django.dispatch import receiver

from accounts.exports import register_exporter
from accounts.signals import user_erased

from .models import ExternalCalendar


@register_exporter("external_calendars")
def export_external_calendars(user):
    """The teacher's feeds as they entered them, and what Petit Talk read from each."""
    return [
        {
            "name": c.name,
            "url": c.url,
            "added_at": c.created_at.isoformat(),
            "last_ok_at": c.last_ok_at.isoformat() if c.last_ok_at else None,
            "last_error": c.last_error,
            "busy_times": [
                {"start": b.start.isoformat(), "end": b.end.isoformat()} for b in c.busy_times.all()
            ],
        }
        for c in ExternalCalendar.objects.filter(teacher=user).prefetch_related("busy_times")
    ]


@receiver(user_erased, dispatch_uid="booking.calendars.erase_external_calendars")
def erase_external_calendars(sender, user, email, **kwargs):
    """An erased teacher's feeds go, with their busy times: the addresses are often secret
    links, and nothing else depends on them."""
    ExternalCalendar.objects.filter(teacher=user).delete()
