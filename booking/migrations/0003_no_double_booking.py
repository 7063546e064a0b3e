"""No double booking, enforced by the database.

PostgreSQL: exclusion constraints (btree_gist) so that no two active bookings of the same
teacher, or of the same student, overlap in time.
SQLite (used by `make run`): triggers that abort an insert or update creating such an
overlap; booking code additionally runs its check-then-insert in an IMMEDIATE transaction.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

PG_FORWARD = [
    """
    ALTER TABLE booking_booking ADD CONSTRAINT booking_no_teacher_overlap
    EXCLUDE USING gist (teacher_id WITH =, tstzrange(start, "end", '[)') WITH &&)
    WHERE (is_active)
    """,
    """
    ALTER TABLE booking_booking ADD CONSTRAINT booking_no_student_overlap
    EXCLUDE USING gist (student_id WITH =, tstzrange(start, "end", '[)') WITH &&)
    WHERE (is_active)
    """,
]
PG_BACKWARD = [
    "ALTER TABLE booking_booking DROP CONSTRAINT IF EXISTS booking_no_teacher_overlap",
    "ALTER TABLE booking_booking DROP CONSTRAINT IF EXISTS booking_no_student_overlap",
]

_SQLITE_CLASH = """
    SELECT RAISE(ABORT, 'booking_no_overlap: this time is already booked')
    WHERE EXISTS (
        SELECT 1 FROM booking_booking AS other
        WHERE other.is_active
          AND other.id IS NOT NEW.id
          AND (other.teacher_id = NEW.teacher_id OR other.student_id = NEW.student_id)
          AND other.start < NEW."end"
          AND NEW.start < other."end"
    );
"""
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER booking_no_overlap_insert BEFORE INSERT ON booking_booking
    WHEN NEW.is_active BEGIN {_SQLITE_CLASH} END
    """,
    f"""
    CREATE TRIGGER booking_no_overlap_update
    BEFORE UPDATE OF is_active, start, "end", teacher_id, student_id ON booking_booking
    WHEN NEW.is_active BEGIN {_SQLITE_CLASH} END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS booking_no_overlap_insert",
    "DROP TRIGGER IF EXISTS booking_no_overlap_update",
]


def _run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


# SQLite rebuilds the table when a later migration adds a column, which drops the triggers:
# such a migration runs this after (and, for its reverse, before) its AddField.
restore_sqlite_triggers = _run({"sqlite": SQLITE_BACKWARD + SQLITE_FORWARD})


class Migration(migrations.Migration):
    dependencies = [("booking", "0002_history_calendar_reminders")]

    operations = [
        # CreateExtension does nothing on databases other than PostgreSQL.
        BtreeGistExtension(),
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
