"""``{{ booking.start|local_time:request.user }}``: "4 Dec 2026, 18:00 CET", a time in the
viewer's zone with its abbreviation (``accounts.zones.format_local(short=True)``); nothing
for an empty value."""

import datetime

from django import template

from accounts.zones import format_local

register = template.Library()


@register.filter
def local_time(moment, user):
    if not isinstance(moment, datetime.datetime):
        return ""
    return format_local(moment, user, short=True)
