"""Demo content for booking (idempotent): teachers' availability and a few demo bookings."""

from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts import roles

from .models import AvailabilityWindow, Booking, BookingStatus
from .services import hold_slot
from .slots import available_slots

DEMO_STUDENT = "student@petittalk.example"
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

    student = User.objects.filter(email__iexact=DEMO_STUDENT).first()
    if student is None or not teachers or Booking.objects.filter(student=student).exists():
        return []
    _demo_bookings(student, teachers)
    log("Booking: demo bookings in several states for the demo student.")
    return []


def _demo_bookings(student, teachers):
    now = timezone.now()
    teacher = teachers[0]
    slots = available_slots(teacher, now, now + timedelta(days=21), viewer=student)
    # Spread the demo lessons out so each is on a different day.
    picks = slots[::7][:4]
    if len(picks) < 4:
        return
    held = hold_slot(student, teacher, picks[0], "Practise ordering at a café.")
    paid = hold_slot(student, teacher, picks[1], "Prepare a job interview in French.")
    paid.mark_paid()
    confirmed = hold_slot(student, teacher, picks[2], "Talk about French films.")
    confirmed.mark_paid()
    confirmed.confirm(by=teacher, message="À bientôt !")
    cancelled = hold_slot(student, teacher, picks[3], "Grammar: the subjunctive.")
    cancelled.mark_paid()
    cancelled.cancel(by=student, reason="Change of plans.")

    # A finished lesson last week, so "past lessons" and reviews have something to show.
    start = (now - timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    past = Booking.objects.create(
        teacher=teacher,
        student=student,
        start=start,
        end=start + timedelta(hours=1),
        status=BookingStatus.HELD,
        hold_expires_at=now + timedelta(minutes=5),
        goal="First conversation lesson.",
        price_cents=held.price_cents,
    )
    past.mark_paid()
    past.confirm(by=teacher)
    past.complete(now=now)
