"""Lesson outcomes (issue 15): what happened at a lesson and when it was recorded, the
"did not take place" status, and students' disputes of a no-show. Lessons completed before
outcomes existed took place: their outcome is "held"."""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# SQLite rebuilds the table to add a column, which drops 0003's no-overlap triggers: put them
# back (PostgreSQL's exclusion constraints survive ALTER TABLE).
restore_sqlite_triggers = importlib.import_module(
    "booking.migrations.0003_no_double_booking"
).restore_sqlite_triggers


def completed_lessons_were_held(apps, schema_editor):
    Booking = apps.get_model("booking", "Booking")
    Booking.objects.filter(status="completed", outcome="").update(
        outcome="held", outcome_at=models.F("end")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0009_series'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Reversed, this runs last: after RemoveField has rebuilt the table again.
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_triggers),
        migrations.AddField(
            model_name='booking',
            name='outcome',
            field=models.CharField(blank=True, choices=[('held', 'Held'), ('student_no_show', 'Student did not come'), ('teacher_no_show', 'Teacher did not come'), ('technical_problem', 'Technical problem')], editable=False, max_length=20),
        ),
        migrations.AddField(
            model_name='booking',
            name='outcome_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='outcome recorded at'),
        ),
        migrations.AlterField(
            model_name='booking',
            name='status',
            field=models.CharField(choices=[('held', 'In basket'), ('paid', 'Paid, awaiting teacher'), ('confirmed', 'Confirmed'), ('completed', 'Completed'), ('expired', 'Hold expired'), ('removed', 'Removed from basket'), ('declined', 'Declined by teacher'), ('cancelled', 'Cancelled'), ('missed', 'Did not take place')], db_index=True, default='held', max_length=12),
        ),
        migrations.AlterField(
            model_name='bookingevent',
            name='from_status',
            field=models.CharField(blank=True, choices=[('held', 'In basket'), ('paid', 'Paid, awaiting teacher'), ('confirmed', 'Confirmed'), ('completed', 'Completed'), ('expired', 'Hold expired'), ('removed', 'Removed from basket'), ('declined', 'Declined by teacher'), ('cancelled', 'Cancelled'), ('missed', 'Did not take place')], max_length=12),
        ),
        migrations.AlterField(
            model_name='bookingevent',
            name='to_status',
            field=models.CharField(choices=[('held', 'In basket'), ('paid', 'Paid, awaiting teacher'), ('confirmed', 'Confirmed'), ('completed', 'Completed'), ('expired', 'Hold expired'), ('removed', 'Removed from basket'), ('declined', 'Declined by teacher'), ('cancelled', 'Cancelled'), ('missed', 'Did not take place')], max_length=12),
        ),
        migrations.CreateModel(
            name='OutcomeDispute',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('explanation', models.TextField(max_length=2000, verbose_name='what happened')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('status', models.CharField(choices=[('open', 'Waiting for a decision'), ('upheld', 'Outcome upheld (no refund)'), ('refunded', 'Refunded')], db_index=True, default='open', max_length=10)),
                ('resolved_at', models.DateTimeField(blank=True, null=True)),
                ('resolution_note', models.TextField(blank=True, max_length=1000, verbose_name='message to the student')),
                ('booking', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='outcome_dispute', to='booking.booking')),
                ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'no-show dispute',
                'verbose_name_plural': 'no-show disputes',
                'ordering': ['-created_at', '-pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('resolved_at__isnull', True), ('status', 'open')), models.Q(models.Q(('status', 'open'), _negated=True), ('resolved_at__isnull', False)), _connector='OR'), name='booking_dispute_resolved_when_decided', violation_error_message='A decided dispute has its decision time.')],
            },
        ),
        migrations.RunPython(completed_lessons_were_held, migrations.RunPython.noop),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
