"""Demo content for booking (idempotent): the teachers' weekly availability.

The demo student's lessons are made by ``commerce.demo``: they are booked and paid through
the basket and checkout, so each paid lesson has its order."""

from datetime import time

from django.contrib.auth import get_user_model

from accounts import roles

from .models import AvailabilityWindow

WEEKLY_WINDOWS = [(time(9), time(12)), (time(14), time(18))]  # Monday to Friday


def load(log):
    User = get_user_model()
    teachers = list(
        User.objects.filter(groups__name=roles.TEACHERS, is_active=True)
        .select_related("profile")
        .order_by("pk")
    )
    for teacher in teachers:
        if not AvailabilityWindow.objects.filter(teacher=teacher).exists():
            AvailabilityWindow.objects.bulk_create(
                AvailabilityWindow(teacher=teacher, weekday=day, start_time=start, end_time=end)
                for day in range(5)
                for start, end in WEEKLY_WINDOWS
            )
    log(f"Booking: availability for {len(teachers)} teacher(s).")
    return []
