"""Data for the booking stress run (run after ``load_demo`` in a subprocess with the stress
run's environment): one teacher free every day, the first 50 bookable slots, and 200
students each with a logged-in session in the shared session store (Redis).

Sessions are written directly rather than through the login form: allauth allows 30 logins
per minute per IP address, and all 200 students come from 127.0.0.1.

Prints JSON: teacher slug, slot values (ISO 8601, as the booking page posts them) and the
students' session keys.

    python tests/perf/build_stress_data.py --students 200 --slots 50
"""

import argparse
import datetime
import json
import os
import sys
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.perf.perf_settings")

from build_bench_data import bench_users
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone

from accounts import roles
from booking.models import AvailabilityWindow, BookingSettings
from booking.slots import available_slots


def session_for(user):
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--slots", type=int, default=50)
    options = parser.parse_args()

    (teacher,) = bench_users("stress-teacher", 1, group=roles.TEACHERS, display="Stress Teacher")
    profile = teacher.profile
    profile.slug = "stress-teacher"
    profile.save(update_fields=["slug"])
    AvailabilityWindow.objects.filter(teacher=teacher).delete()
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(
            teacher=teacher,
            weekday=day,
            start_time=datetime.time(7),
            end_time=datetime.time(21),
        )
        for day in range(7)
    )
    # Start a few hours past the minimum notice so no slot crosses it during the run.
    booking_settings = BookingSettings.current()
    first = timezone.now() + datetime.timedelta(hours=booking_settings.min_notice_hours + 3)
    slots = available_slots(teacher, first, first + datetime.timedelta(weeks=4))
    slots = slots[: options.slots]
    if len(slots) < options.slots:
        raise SystemExit(f"only {len(slots)} free slots, {options.slots} wanted")
    students = bench_users(
        "stress-student", options.students, group=roles.STUDENTS, display="Stress Student"
    )
    print(  # noqa: T201
        json.dumps(
            {
                "teacher_slug": profile.slug,
                "teacher_id": teacher.pk,
                "slots": [slot.isoformat() for slot in slots],
                "sessions": [session_for(student) for student in students],
            }
        )
    )


if __name__ == "__main__":
    main()
