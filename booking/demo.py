"""Demo content for booking (idempotent): the teachers' weekly availability, and two past
lessons of the demo student with the first teacher: one held (outcome recorded), one that
ended an hour before the demo was loaded and waits for its teacher to record how it went.

The demo student's paid lessons are made by ``commerce.demo``: they are booked and paid
through the basket and checkout, so each paid lesson has its order; these two are written
directly (a past time cannot be booked), as if paid another way."""

from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts import roles
from accounts.demo import STUDENT_EMAIL

from .models import AvailabilityWindow, Booking, BookingEvent, BookingStatus, LessonOutcome
from .services import lesson_price_cents
from .video_rooms import new_room_url

WEEKLY_WINDOWS = [(time(9), time(12)), (time(14), time(18))]  # Monday to Friday
HELD_GOAL = "Small talk: the weekend."
AWAITING_GOAL = "Role play: at the doctor's."


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
    student = User.objects.filter(email__iexact=STUDENT_EMAIL).first()
    if teachers and student is not None:
        _past_lessons(teachers[0], student, log)
    return []


def _past_lessons(teacher, student, log):
    """A held lesson three days ago and one that ended an hour ago, awaiting its outcome."""
    if Booking.objects.filter(student=student, goal__in=(HELD_GOAL, AWAITING_GOAL)).exists():
        return
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    held = _confirmed_lesson(teacher, student, now - timedelta(days=3, hours=5), HELD_GOAL)
    held.record_outcome(LessonOutcome.HELD, by=teacher, note="Très bien, à la semaine prochaine !")
    _confirmed_lesson(teacher, student, now - timedelta(hours=2), AWAITING_GOAL)
    log("Booking: a past held lesson and a past lesson awaiting its outcome.")


def _confirmed_lesson(teacher, student, start, goal):
    booking = Booking.objects.create(
        teacher=teacher,
        student=student,
        start=start,
        end=start + timedelta(hours=1),
        status=BookingStatus.CONFIRMED,
        goal=goal,
        price_cents=lesson_price_cents(teacher),
        video_room_url=new_room_url(),
    )
    BookingEvent.objects.create(
        booking=booking,
        from_status="",
        to_status=BookingStatus.CONFIRMED,
        by=teacher,
        at=start - timedelta(days=2),
        note="Demo lesson.",
    )
    return booking
