"""Demo content for booking (idempotent): the teachers' weekly availability, and a weekly
series crossing a clock change.

The demo student's lessons are made by ``commerce.demo``: they are booked and paid through
the basket and checkout, so each paid lesson has its order. The weekly series belongs to a
second student in New York, with the first demo teacher (Paris): six Tuesdays at 17:00 in
Paris around the next March gap (the US changes its clocks two weeks before Europe), so the
student sees 11:00, then 12:00 for two weeks, then 11:00 again. Those weeks are usually
beyond the booking horizon, so its lessons are written directly, confirmed, without an order
(a cancel refunds nothing); everything else about them is ordinary."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.demo import DEMO_PASSWORD, ensure_user

from .models import AvailabilityWindow, Booking, BookingEvent, BookingSeries, BookingSettings
from .series import series_occurrences
from .services import lesson_price_cents
from .transitions import BookingStatus
from .video_rooms import new_room_url

WEEKLY_WINDOWS = [(time(9), time(12)), (time(14), time(18))]  # Monday to Friday
SERIES_STUDENT = "nora@petittalk.example"
SERIES_TIME = time(17)  # Tuesdays, in the teacher's zone (Europe/Paris)
SERIES_WEEKS = 6


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
    if not teachers:
        return []
    _weekly_series(teachers[0], log)
    return [("student with a weekly series (New York)", SERIES_STUDENT, DEMO_PASSWORD)]


def first_tuesday_of_the_gap(today):
    """The Tuesday 12 days before the next US spring change (second Sunday of March) at least
    two weeks after ``today``: weeks 3 and 4 of a series from it are the gap weeks, when New
    York has changed its clocks and Paris not yet (Europe changes on the last Sunday)."""
    year = today.year
    while True:
        march = date(year, 3, 1)
        change = march + timedelta(days=(6 - march.weekday()) % 7 + 7)
        first = change - timedelta(days=12)
        if first - today >= timedelta(weeks=2):
            return first
        year += 1


def _weekly_series(teacher, log):
    student = ensure_user(SERIES_STUDENT, display_name="Nora (New York)", group=roles.STUDENTS)
    if student.profile.timezone != "America/New_York":
        student.profile.timezone = "America/New_York"
        student.profile.save(update_fields=["timezone"])
    if BookingSeries.objects.filter(student=student).exists():
        return
    zone = ZoneInfo(teacher.profile.timezone or "Europe/Paris")
    now = timezone.now()
    first_date = first_tuesday_of_the_gap(now.astimezone(zone).date())
    booking_settings = BookingSettings.current()
    lesson = timedelta(minutes=booking_settings.lesson_minutes)
    with transaction.atomic():
        series = BookingSeries.objects.create(
            student=student,
            teacher=teacher,
            weekday=first_date.weekday(),
            local_time=SERIES_TIME,
            zone=zone.key,
            first_date=first_date,
            weeks=SERIES_WEEKS,
        )
        for occurrence in series_occurrences(first_date, SERIES_TIME, zone, SERIES_WEEKS):
            booking = Booking.objects.create(
                teacher=teacher,
                student=student,
                start=occurrence.start,
                end=occurrence.start + lesson,
                status=BookingStatus.CONFIRMED,
                is_active=True,
                goal="Weekly conversation practice.",
                price_cents=lesson_price_cents(teacher, booking_settings),
                video_room_url=new_room_url(),
                series=series,
            )
            BookingEvent.objects.create(
                booking=booking,
                from_status="",
                to_status=BookingStatus.CONFIRMED,
                note="Demo weekly series, written directly.",
            )
    log(
        f"Booking: a weekly series for {SERIES_STUDENT} from {first_date:%d %B %Y} "
        "across the March clock changes."
    )
