"""Syncing teachers' external calendars: the rules of when and what is kept.

- The scheduler runs ``sync_due_calendars`` every minute; a feed is due when it was last
  tried ``CALENDAR_FEEDS_REFRESH_MINUTES`` (15) ago or more, so each feed is read about every
  15 minutes whichever server runs the scheduler (a feed is claimed by one conditional
  UPDATE before it is fetched). One run stops starting new fetches after
  ``SYNC_BUDGET_SECONDS``; the rest are due at the next run.
- A good download replaces the feed's busy times in one transaction (the window: now to the
  end of the booking horizon, plus a day). ``304 Not Modified`` keeps them; the download is
  unconditional once the stored window would no longer reach the end of the horizon.
- Fail open, on the safe side for the teacher: a failed fetch (timeout, HTTP error, too big,
  not ICS, refused address) records the error and its time and **keeps** the busy times of
  the last good download, which go on blocking slots until the feed works again or is
  removed. Nothing here ever raises into a page or into slot generation.
"""

import logging
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.zones import zone_of

from ..models import BookingSettings
from .fetching import Download, FeedError, fetch_feed
from .models import ExternalBusyTime, ExternalCalendar
from .parsing import busy_intervals

logger = logging.getLogger("petit_talk.calendars")

SYNC_BUDGET_SECONDS = 30
# On-demand refreshes of one feed are at most this often (a button, not a load generator).
MIN_REFRESH_INTERVAL = timedelta(minutes=1)
MAX_CALENDARS_PER_TEACHER = 5

# The demo's feed (``load_demo``): a reserved ``.example`` address that no network can
# serve, read from the file shipped beside this module instead.
DEMO_FEED_URL = "https://calendar.petittalk.example/demo/camille-italki.ics"
DEMO_FEED_FILE = Path(__file__).with_name("demo.ics")


def sync_window(now, horizon_weeks):
    """The window whose busy times are kept: now to the end of the booking horizon + a day."""
    return now, now + timedelta(weeks=horizon_weeks, days=1)


def sync_calendar(calendar, *, now=None, horizon_weeks=None):
    """Fetch ``calendar``'s feed and store its busy times; returns the updated calendar.

    On failure the error is recorded and the old busy times stay (see the module's rules).
    """
    now = now or timezone.now()
    if horizon_weeks is None:
        horizon_weeks = BookingSettings.current().horizon_weeks
    start, end = sync_window(now, horizon_weeks)
    # Send the validators only while the stored busy times still cover the window.
    covered = calendar.expanded_until is not None and calendar.expanded_until >= end - timedelta(
        days=1
    )
    try:
        download = _download(calendar, conditional=covered)
        intervals = (
            None
            if download.body is None
            else busy_intervals(download.body, zone_of(calendar.teacher), start, end)
        )
    except FeedError as error:
        calendar.last_fetched_at = now
        calendar.last_error = str(error)[:500]
        ExternalCalendar.objects.filter(pk=calendar.pk).update(
            last_fetched_at=now, last_error=calendar.last_error
        )
        logger.info("External calendar %s failed: %s", calendar.pk, error)
        return calendar
    with transaction.atomic():
        fields = ["last_fetched_at", "last_ok_at", "last_error"]
        if intervals is not None:
            calendar.busy_times.all().delete()
            ExternalBusyTime.objects.bulk_create(
                ExternalBusyTime(calendar=calendar, start=s, end=e) for s, e in intervals
            )
            calendar.etag, calendar.last_modified = download.etag, download.last_modified
            calendar.expanded_until = end
            fields += ["etag", "last_modified", "expanded_until"]
        calendar.last_fetched_at = calendar.last_ok_at = now
        calendar.last_error = ""
        calendar.save(update_fields=fields)
    return calendar


def _download(calendar, *, conditional):
    if calendar.url == DEMO_FEED_URL:
        return Download(DEMO_FEED_FILE.read_bytes())
    if not conditional:
        return fetch_feed(calendar.url)
    return fetch_feed(calendar.url, etag=calendar.etag, last_modified=calendar.last_modified)


def due_calendars(now):
    """Feeds of active teachers not tried for ``CALENDAR_FEEDS_REFRESH_MINUTES``, oldest first."""
    due_before = now - timedelta(minutes=settings.CALENDAR_FEEDS_REFRESH_MINUTES)
    return (
        ExternalCalendar.objects.filter(teacher__is_active=True)
        .filter(Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=due_before))
        .select_related("teacher__profile")
        .order_by("last_fetched_at", "pk")
    )


def claim(calendar, now):
    """Mark ``calendar`` as being fetched at ``now``; False if another run claimed it first."""
    claimed = ExternalCalendar.objects.filter(
        pk=calendar.pk, last_fetched_at=calendar.last_fetched_at
    ).update(last_fetched_at=now)
    return claimed == 1


def sync_due_calendars(now=None):
    """Sync every due feed (within the time budget). Returns (synced, failed) counts."""
    now = now or timezone.now()
    horizon_weeks = BookingSettings.current().horizon_weeks
    started = time.monotonic()
    synced = failed = 0
    for calendar in due_calendars(now):
        if time.monotonic() - started > SYNC_BUDGET_SECONDS:
            break
        if not claim(calendar, now):
            continue
        sync_calendar(calendar, now=now, horizon_weeks=horizon_weeks)
        if calendar.last_error:
            failed += 1
        else:
            synced += 1
    return synced, failed


def may_refresh(calendar, now=None):
    """A teacher's "Refresh now" is refused within a minute of the last try."""
    now = now or timezone.now()
    return calendar.last_fetched_at is None or now - calendar.last_fetched_at >= (
        MIN_REFRESH_INTERVAL
    )
