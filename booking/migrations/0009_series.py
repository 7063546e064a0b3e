"""Weekly series (issue 15 part 2): the series, each lesson's link to it, and the one
shift email per series and shift period."""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# SQLite rebuilds the table to add a column, which drops 0003's no-overlap triggers: put them
# back (PostgreSQL's exclusion constraints survive ALTER TABLE).
restore_sqlite_triggers = importlib.import_module(
    "booking.migrations.0003_no_double_booking"
).restore_sqlite_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0008_reschedule"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BookingSeries",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "weekday",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "Monday"),
                            (1, "Tuesday"),
                            (2, "Wednesday"),
                            (3, "Thursday"),
                            (4, "Friday"),
                            (5, "Saturday"),
                            (6, "Sunday"),
                        ]
                    ),
                ),
                ("local_time", models.TimeField(verbose_name="time (teacher's zone)")),
                ("zone", models.CharField(max_length=64, verbose_name="teacher's time zone")),
                ("first_date", models.DateField(verbose_name="first lesson (teacher's date)")),
                ("weeks", models.PositiveSmallIntegerField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "student",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lesson_series",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "teacher",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="teaching_series",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "weekly series",
                "verbose_name_plural": "weekly series",
                "ordering": ["-created_at"],
            },
        ),
        # Reversed, this runs last: after RemoveField has rebuilt the table again.
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_triggers),
        migrations.AddField(
            model_name="booking",
            name="series",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="lessons",
                to="booking.bookingseries",
            ),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
        migrations.CreateModel(
            name="SeriesShiftNotice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("period_start", models.DateTimeField(verbose_name="first week of the shift")),
                ("lessons", models.PositiveSmallIntegerField()),
                ("sent_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "series",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notices",
                        to="booking.bookingseries",
                    ),
                ),
            ],
            options={
                "ordering": ["period_start"],
            },
        ),
        migrations.AddConstraint(
            model_name="bookingseries",
            constraint=models.CheckConstraint(
                condition=models.Q(("weeks__gte", 2)),
                name="booking_series_two_weeks_or_more",
                violation_error_message="A weekly series has at least two weeks.",
            ),
        ),
        migrations.AddConstraint(
            model_name="seriesshiftnotice",
            constraint=models.UniqueConstraint(
                fields=("series", "period_start"), name="booking_series_notice_once"
            ),
        ),
    ]
