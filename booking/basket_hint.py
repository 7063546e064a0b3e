"""Whether the header must count the student's basket: a hint kept in the session, so the
pages of a student with no held lesson cost no query for it.

The hint is the latest moment a hold this session knows of could still be in the basket: a
hold lives at most twice the hold length after it was made (``services.extend_holds``). It is
set when the student adds a lesson to the basket and, from the database, when they log in
(lessons held from another device). Past it, there is nothing to count. While it runs, the
header counts the basket for real (``commerce`` templatetag ``basket_count``), so a lesson
paid for or removed meanwhile is never shown.
"""

from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from .models import Booking, BookingSettings

SESSION_KEY = "booking_basket_until"


def _until(session):
    try:
        return datetime.fromisoformat(session.get(SESSION_KEY, ""))
    except (TypeError, ValueError):
        return None


def note_holds(session, held_at, booking_settings):
    """Remember that a lesson held at ``held_at`` may be in the basket for a while."""
    until = held_at + 2 * timedelta(minutes=booking_settings.hold_minutes)
    known = _until(session)
    if known is None or known.tzinfo is None or until > known:
        session[SESSION_KEY] = until.isoformat()


def basket_may_hold_lessons(session, now=None):
    """False when the session knows the basket holds no lesson (so nothing to count)."""
    until = _until(session)
    if until is None or until.tzinfo is None:
        return False
    return until > (now or timezone.now())


def note_holds_at_login(request, user):
    """At login: remember the student's latest hold still in the basket, if any (one query;
    the settings are read only when there is one)."""
    latest = Booking.objects.in_basket(user).aggregate(latest=Max("created_at"))["latest"]
    if latest is not None:
        note_holds(request.session, latest, BookingSettings.current())
