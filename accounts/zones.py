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


def zone_abbreviation(local_moment):
    """The zone's abbreviation at that moment ("CET", "CEST", "EST"); zones that have none
    print an offset, which reads better as "UTC+04" than as "+04"."""
    name = local_moment.tzname() or "UTC"
    return f"UTC{name}" if name[:1] in "+-" else name


def format_local(moment, user, *, short=False):
    """``Monday 3 March 2025, 14:00 (Europe/Paris)`` in ``user``'s zone; ``short`` gives
    ``3 Mar 2025, 14:00 CET`` (lists and admin pages: the abbreviation in force then)."""
    zone = zone_of(user)
    local = moment.astimezone(zone)
    if short:
        return f"{date_format(local, 'j M Y, H:i')} {zone_abbreviation(local)}"
    return f"{date_format(local, 'l j F Y, H:i')} ({zone.key})"
