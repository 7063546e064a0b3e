"""The time zone of a user: the one rule every page, email and slot list uses.

A user's zone is their profile's zone; visitors, users without a profile and unknown zone
names fall back to UTC. Times shown to a user carry the zone's name.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.dateformat import format as date_format

UTC = ZoneInfo("UTC")


def zone_of(user):
    """``user``'s time zone (a ``ZoneInfo``, so ``.key`` names it), else UTC."""
    name = getattr(getattr(user, "profile", None), "timezone", "") if user is not None else ""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def format_local(moment, user):
    """``Monday 3 March 2025, 14:00 (Europe/Paris)`` in ``user``'s zone."""
    zone = zone_of(user)
    return f"{date_format(moment.astimezone(zone), 'l j F Y, H:i')} ({zone.key})"
