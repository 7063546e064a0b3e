"""``{% next_free_time teacher as free %}``: a teacher's first free time for the viewer, for
other apps' pages (the teacher page in accounts), by the slot rule (``booking.slots``).

``free.start`` is None when the teacher has no free time within the booking horizon
(``free.horizon_weeks``): they cannot be booked now, and pages say so instead of offering
a Book button. ``free.text`` is the time in the viewer's zone, with the zone's name."""

from dataclasses import dataclass
from datetime import datetime

from django import template
from wagtail.models import Site

from accounts.zones import format_local

from ..models import BookingSettings
from ..slots import next_free_slots

register = template.Library()


@dataclass(frozen=True)
class NextFreeTime:
    start: datetime | None
    text: str
    horizon_weeks: int

    def __bool__(self):
        return self.start is not None


def booking_settings_for(request):
    if request is not None and Site.find_for_request(request) is not None:
        return BookingSettings.for_request(request)
    return BookingSettings.current()


def next_free_time_for(teacher, viewer, booking_settings):
    """The ``NextFreeTime`` of ``teacher`` for ``viewer`` (None: a visitor)."""
    start = next_free_slots([teacher], viewer=viewer, settings=booking_settings)[teacher.pk]
    return NextFreeTime(
        start=start,
        text=format_local(start, viewer) if start else "",
        horizon_weeks=booking_settings.horizon_weeks,
    )


@register.simple_tag(takes_context=True)
def next_free_time(context, teacher):
    request = context.get("request")
    user = getattr(request, "user", None)
    viewer = user if getattr(user, "is_authenticated", False) else None
    return next_free_time_for(teacher, viewer, booking_settings_for(request))
