"""Demo content for booking (idempotent): the teachers' weekly availability; two past lessons
of the demo student with the first teacher: one held (outcome recorded), one that ended an
hour before the demo was loaded and waits for its teacher to record how it went; the notes
and homework of the demo student's held lesson; and a weekly series crossing a clock change.

The demo student's paid lessons are made by ``commerce.demo``: they are booked and paid
through the basket and checkout, so each paid lesson has its order; the two past ones are
written directly (a past time cannot be booked), as if paid another way. ``load_notes`` runs
after ``commerce.demo`` (``load_demo``'s list).

The weekly series belongs to a second student in New York, with the first demo teacher
(Paris): six Tuesdays at 17:00 in Paris around the next March gap (the US changes its clocks
two weeks before Europe), so the student sees 11:00, then 12:00 for two weeks, then 11:00
again. Those weeks are usually beyond the booking horizon, so its lessons are written
directly, confirmed, without an order (a cancel refunds nothing); everything else about them
is ordinary."""

import io
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from accounts import roles
from accounts.demo import DEMO_PASSWORD, STUDENT_EMAIL, ensure_user

from .models import (
    AvailabilityWindow,
    Booking,
    BookingEvent,
    BookingSeries,
    BookingSettings,
    BookingStatus,
    LessonNote,
    LessonOutcome,
)
from .notes.rules import held_lessons
from .notes.uploads import process_attachment
from .series import series_occurrences
from .services import lesson_price_cents
from .video_rooms import new_room_url

WEEKLY_WINDOWS = [(time(9), time(12)), (time(14), time(18))]  # Monday to Friday
HELD_GOAL = "Small talk: the weekend."
AWAITING_GOAL = "Role play: at the doctor's."
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
    student = User.objects.filter(email__iexact=STUDENT_EMAIL).first()
    if teachers and student is not None:
        _past_lessons(teachers[0], student, log)
    if not teachers:
        return []
    _weekly_series(teachers[0], log)
    return [("student with a weekly series (New York)", SERIES_STUDENT, DEMO_PASSWORD)]


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


DEMO_STUDENT = "student@petittalk.example"
DEMO_NOTES = """We talked about your weekend and your favourite café in London.

- **Greetings**: _bonjour_, _salut_, _bonsoir_ and when to use each
- Ordering: « Je voudrais un café, s'il vous plaît. »

Your pronunciation of the French **r** is much better. Next time: the passé composé."""
DEMO_HOMEWORK = """1. Learn the days of the week (see the attached card).
2. Write five sentences about your weekend, starting with « Samedi, j'ai… ».
3. Listen to https://www.rfi.fr/fr/podcasts for ten minutes."""
DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def _days_card():
    """A small generated worksheet: the days of the week, as a PNG attachment."""
    image = Image.new("RGB", (600, 420), (250, 246, 238))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=36)
    draw.text((30, 20), "Les jours de la semaine", fill=(20, 33, 61), font=font)
    for index, day in enumerate(DAYS):
        draw.text((50, 80 + index * 46), f"{index + 1}. {day}", fill=(0, 85, 164), font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("jours-de-la-semaine.png", buffer.getvalue(), "image/png")


def load_notes(log):
    """The demo student's first held lesson gets its teacher's published notes, homework and
    a worksheet (written directly: the demo sends no email)."""
    lesson = (
        Booking.objects.filter(held_lessons(), student__email__iexact=DEMO_STUDENT)
        .order_by("start")
        .first()
    )
    if lesson is None or LessonNote.objects.filter(booking=lesson).exists():
        return []
    stored, content_type, download_name = process_attachment(_days_card())
    now = timezone.now()
    note = LessonNote(
        booking=lesson,
        author=lesson.teacher,
        notes=DEMO_NOTES,
        homework=DEMO_HOMEWORK,
        attachment_type=content_type,
        attachment_name=download_name,
        published_at=now,
        notified_at=now,
    )
    note.attachment.save(stored.name, stored, save=False)
    note.save()
    log("Booking: notes and homework for the demo student's held lesson.")
    return []


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
