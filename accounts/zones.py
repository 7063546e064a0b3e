"""Time zones: the one rule every page, email and slot list uses, and the one list people
choose from.

A user's zone is their profile's zone; visitors, users without a profile and unknown zone
names fall back to UTC. Times shown to a user carry the zone's name or abbreviation. A
visitor may pick a zone for their visit (``remember_zone``: kept in the session).

The list people choose from (sign-up, profile, teachers in the admin, any zone switcher) is
curated from the IANA database the ``tzdata`` package ships: the places of ``zone.tab`` (one
or more per country, named after a city people know) plus UTC, grouped by region. Names
that are only legacy aliases (``US/Eastern``, ``Asia/Calcutta``, ``GMT``), ``Factory`` and
``localtime`` are not offered; ``canonical_zone`` maps an alias a browser may still report
to the listed zone it stands for.
"""

from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.utils.dateformat import format as date_format
from django.utils.translation.trans_real import parse_accept_lang_header
from django_countries import countries

UTC = ZoneInfo("UTC")
DEFAULT_ZONE = "Europe/Paris"  # without a browser guess: where the teachers are

# zone.tab's first path component, as people call the region.
REGION_LABELS = {
    "Africa": "Africa",
    "America": "Americas",
    "Antarctica": "Antarctica",
    "Arctic": "Arctic",
    "Asia": "Asia",
    "Atlantic": "Atlantic Ocean",
    "Australia": "Australia",
    "Europe": "Europe",
    "Indian": "Indian Ocean",
    "Pacific": "Pacific Ocean",
}
UNIVERSAL = ("Universal time", [("UTC", "UTC (Coordinated Universal Time)")])
# Links in the database that mean UTC itself.
UTC_TARGETS = {"Etc/UTC", "Etc/GMT", "UTC"}

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
    name = local.tzname() or "UTC"
    return f"UTC{name}" if name[:1] in "+-" else name


def format_clock(moment, zone, *, twelve_hour=False):
    """``09:00 EST`` (``9:00 AM EST`` on a 12-hour clock): ``moment`` in ``zone``."""
    local = moment.astimezone(zone)
    # Django's "H:i" written directly: a booking week formats dozens of these.
    clock = date_format(local, "g:i A") if twelve_hour else f"{local.hour:02d}:{local.minute:02d}"
    return f"{clock} {zone_abbreviation(local)}"


def format_moment(moment, zone, *, twelve_hour=False):
    """``Monday 5 January 2026, 09:00 EST``: the day and ``format_clock``'s time."""
    local = moment.astimezone(zone)
    return f"{date_format(local, 'l j F Y')}, {format_clock(local, zone, twelve_hour=twelve_hour)}"


def format_local(moment, user, *, short=False):
    """``Monday 3 March 2025, 14:00 (Europe/Paris)`` in ``user``'s zone; ``short`` gives
    ``3 Mar 2025, 14:00 CET`` (lists and admin pages: the abbreviation in force then)."""
    zone = zone_of(user)
    local = moment.astimezone(zone)
    if short:
        return f"{date_format(local, 'j M Y, H:i')} {zone_abbreviation(local)}"
    return f"{date_format(local, 'l j F Y, H:i')} ({zone.key})"


def _database_file(name):
    return files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")


@cache
def _places():
    """``{zone name: (region, label)}`` for every place of zone.tab this system can load."""
    loadable = available_timezones()
    places = {}
    for line in _database_file("zone.tab").splitlines():
        if not line or line.startswith("#"):
            continue
        code, _coordinates, name, *_comment = line.split("\t")
        region = name.split("/", 1)[0]
        if name not in loadable or region not in REGION_LABELS:
            continue
        country = str(countries.name(code)) or code
        parts = [part.replace("_", " ") for part in name.split("/")[1:]]
        city = parts[-1]
        if len(parts) > 1 and parts[0] != country:  # America/North_Dakota/Center
            city = f"{city}, {parts[0]}"
        places[name] = (region, f"{city} ({country})")
    return places


@cache
def _links():
    """``{alias: target}`` from the database's link lines (``L target alias``)."""
    links = {}
    for line in _database_file("tzdata.zi").splitlines():
        if line.startswith("L "):
            _l, target, alias = line.split()
            links[alias] = target
    return links


@cache
def listed_zones():
    """The names people may choose: every listed place and UTC."""
    return frozenset(_places()) | {"UTC"}


def canonical_zone(name):
    """The listed zone ``name`` stands for (itself, or the place an alias links to), or ""
    when it is no zone people may choose (``Factory``, ``localtime``, a typo)."""
    name = (name or "").strip()
    seen = set()
    while name and name not in seen:
        if name in listed_zones():
            return name
        if name in UTC_TARGETS:
            return "UTC"
        seen.add(name)
        name = _links().get(name, "")
    return ""


@cache
def aliases_by_zone():
    """``{listed zone: [aliases]}``, so a browser reporting an old name finds its place."""
    found = {}
    for alias in _links():
        target = canonical_zone(alias)
        if target and target != alias:
            found.setdefault(target, []).append(alias)
    return {zone: sorted(names) for zone, names in found.items()}


@cache
def _grouped():
    groups = {}
    for name, (region, label) in _places().items():
        groups.setdefault(region, []).append((name, label))
    return [
        *(
            (REGION_LABELS[region], sorted(groups[region], key=lambda choice: choice[1]))
            for region in sorted(groups, key=REGION_LABELS.get)
        ),
        UNIVERSAL,
    ]


def zone_choices():
    """Choices for a zone select, grouped by region (``<optgroup>``), places sorted by
    label ("Paris (France)"). A callable, so model and form fields share one list."""
    return _grouped()


def zone_label(name):
    """A listed zone's label, like "Paris (France)"; else the name itself."""
    if name == "UTC":
        return UNIVERSAL[1][0][1]
    place = _places().get(name)
    return place[1] if place else name
