"""Rescheduling (issue 14): how often a lesson was moved, and how often it may be."""

import importlib

from django.db import migrations, models

# SQLite rebuilds the table to add a column, which drops 0003's no-overlap triggers: put them
# back (PostgreSQL's exclusion constraints survive ALTER TABLE).
restore_sqlite_triggers = importlib.import_module(
    "booking.migrations.0003_no_double_booking"
).restore_sqlite_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0007_booking_video_room"),
    ]

    operations = [
        # Reversed, this runs last: after RemoveField has rebuilt the table again.
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_triggers),
        migrations.AddField(
            model_name="booking",
            name="reschedule_count",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="bookingsettings",
            name="max_reschedules",
            field=models.PositiveSmallIntegerField(
                default=2,
                help_text="How many times a student may reschedule one paid or confirmed "
                "lesson (up to the cancellation deadline). 0 turns rescheduling off.",
                verbose_name="moves per lesson",
            ),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
