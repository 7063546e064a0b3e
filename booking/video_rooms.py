"""Video rooms: where a confirmed lesson takes place.

A lesson gets its own room when it is first confirmed (the ``VIDEO_ROOM`` effect of the
status table, run by ``Booking._transition``): a Jitsi Meet address whose name is 128 random
bits, so nobody finds it by guessing. No call to the video service is needed; Jitsi opens a
room the first time someone joins it. The room is stored on the booking and never changes,
whatever happens to the lesson later (a reschedule keeps it). Which link people are shown is
``Booking.video_url``; when the Join button appears is ``Booking.is_joinable``.
"""

import secrets
from datetime import timedelta

from django.conf import settings

ROOM_NAME_PREFIX = "PetitTalk-"

# The Join button appears this long before the lesson starts (and stays until it ends).
JOIN_OPENS_BEFORE = timedelta(minutes=15)


def new_room_url():
    """A fresh, unguessable room address under ``settings.VIDEO_ROOM_BASE_URL``."""
    base = settings.VIDEO_ROOM_BASE_URL.rstrip("/")
    return f"{base}/{ROOM_NAME_PREFIX}{secrets.token_urlsafe(16)}"
