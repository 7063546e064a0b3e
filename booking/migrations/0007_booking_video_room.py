"""Each confirmed lesson's video room (issue 14): a stored room address, given when a lesson
is confirmed. Lessons already confirmed when this runs get theirs here, so every confirmed
lesson has one; other rows are kept as they are (they get one if they are confirmed)."""

import importlib
import secrets

from django.conf import settings
from django.db import migrations, models


def give_confirmed_lessons_a_room(apps, schema_editor):
    Booking = apps.get_model("booking", "Booking")
    base = settings.VIDEO_ROOM_BASE_URL.rstrip("/")
    lessons = list(Booking.objects.filter(status="confirmed", video_room_url=""))
    for lesson in lessons:
        lesson.video_room_url = f"{base}/PetitTalk-{secrets.token_urlsafe(16)}"
    Booking.objects.bulk_update(lessons, ["video_room_url"], batch_size=500)


# SQLite rebuilds the table to add a column, which drops 0003's no-overlap triggers: put them
# back (PostgreSQL's exclusion constraints survive ALTER TABLE).
restore_sqlite_triggers = importlib.import_module(
    "booking.migrations.0003_no_double_booking"
).restore_sqlite_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0006_external_calendars"),
    ]

    operations = [
        # Reversed, this runs last: after RemoveField has rebuilt the table again.
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_triggers),
        migrations.AddField(
            model_name="booking",
            name="video_room_url",
            field=models.URLField(
                blank=True, editable=False, max_length=300, verbose_name="video room"
            ),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
        migrations.RunPython(give_confirmed_lessons_a_room, migrations.RunPython.noop),
    ]
