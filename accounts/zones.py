"""The time zone of a user: the one rule every page, email and slot list uses.

A user's zone is their profile's zone; visitors, users without a profile and unknown zone
names fall back to UTC. Times shown to a user carry the zone's name or abbreviation. A
visitor may pick a zone for their visit (``remember_zone``: kept in the session).
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.dateformat import format as date_format
from django.utils.translation.trans_real import parse_accept_lang_header

UTC = ZoneInfo("UTC")

# Where a visitor's chosen zone is kept (a logged-in user's is their profile's).
SESSION_KEY = "timezone"


def zone_named(name):
    """The ``ZoneInfo`` called ``name``, or None for anything that is not a zone name."""
    if not name or not isinstance(name, str):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        return None


def zone_of(user):
    """``user``'s time zone (a ``ZoneInfo``, so ``.key`` names it), else UTC."""
    name = getattr(getattr(user, "profile", None), "timezone", "") if user is not None else ""
    return zone_named(name) or UTC


def viewer_zone(request):
    """The zone times are shown in for this request: a logged-in user's own zone, else the
    one the visitor chose in this session (``remember_zone``), else UTC."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return zone_of(user)
    return zone_named(request.session.get(SESSION_KEY)) or UTC


def remember_zone(request, name):
    """Show this viewer's times in zone ``name`` from now on: a logged-in user's profile keeps
    it (every page and email follows), a visitor's session keeps it for the visit."""
    user = request.user
    if user.is_authenticated:
        profile = user.profile
        profile.timezone = name
        profile.save(update_fields=["timezone"])
    else:
        request.session[SESSION_KEY] = name


def uses_12_hour_clock(request):
    """True for en-US viewers, who read times on a 12-hour clock ("9:00 AM"); everyone else
    reads 24-hour times ("09:00"). En-US means the browser's first language (Accept-Language)
    is American English: profiles keep no locale or country that could say otherwise."""
    languages = parse_accept_lang_header(request.headers.get("Accept-Language", ""))
    return bool(languages) and languages[0][0] == "en-us"


def zone_abbreviation(local):
    """The abbreviation of an aware local time's zone at that moment ("EST", "CEST"); zones
    without one are named by their offset ("UTC+04")."""
    name = local.tzname() or ""
    return f"UTC{name}" if name[:1] in "+-" else name


def format_clock(moment, zone, *, twelve_hour=False):
    """``09:00 EST`` (``9:00 AM EST`` on a 12-hour clock): ``moment`` in ``zone``."""
    local = moment.astimezone(zone)
    return f"{date_format(local, 'g:i A' if twelve_hour else 'H:i')} {zone_abbreviation(local)}"


def format_moment(moment, zone, *, twelve_hour=False):
    """``Monday 5 January 2026, 09:00 EST``: the day and ``format_clock``'s time."""
    local = moment.astimezone(zone)
    return f"{date_format(local, 'l j F Y')}, {format_clock(local, zone, twelve_hour=twelve_hour)}"


def format_local(moment, user):
    """``Monday 3 March 2025, 14:00 (Europe/Paris)`` in ``user``'s zone."""
    zone = zone_of(user)
    return f"{date_format(moment.astimezone(zone), 'l j F Y, H:i')} ({zone.key})"
