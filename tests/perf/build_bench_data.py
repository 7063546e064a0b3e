"""Grow the benchmark data set to size N (run after ``load_demo``, in a subprocess with the
benchmark's environment).

Size N means N extra teachers (with photos and weekly availability), N approved testimonials,
N active offers and N past lessons of the demo student. The first run also adds 1,000 lessons
spread over every teacher (past ones completed, future ones paid or confirmed) booked by 20
other students. Running it again with a larger N only adds the difference, so one database
serves the three sizes in turn.

Prints a JSON description of the data set (logins, the teacher whose pages are measured).

    python tests/perf/build_bench_data.py --n 100
"""

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.perf.perf_settings")

import django

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts import roles  # noqa: E402
from accounts.demo import DEMO_PASSWORD  # noqa: E402
from booking.models import AvailabilityWindow, Booking, BookingStatus  # noqa: E402

DEMO_STUDENT = "student@petittalk.example"
DEMO_TEACHER_SLUG = "camille-martin"
BACKGROUND_BOOKINGS = 1000
BACKGROUND_STUDENTS = 20
HOUR = datetime.timedelta(hours=1)


def bench_users(prefix, count, *, group, display):
    """``count`` users named ``<prefix>-<i>@bench.example`` (created if missing), with a
    verified address and the demo password (hashed once: hashing is slow on purpose)."""
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    group_obj, _ = Group.objects.get_or_create(name=group)
    users = []
    for index in range(count):
        email = f"{prefix}-{index}@bench.example"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create(email=email, password=password)
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
            user.groups.add(group_obj)
            profile = user.profile
            profile.display_name = f"{display} {index}"
            profile.save(update_fields=["display_name"])
        users.append(user)
    return users


def grow_teachers(n, demo_teacher):
    teachers = bench_users("teacher", n, group=roles.TEACHERS, display="Bench Teacher")
    photo = demo_teacher.profile.photo.name
    windows = []
    for teacher in teachers:
        profile = teacher.profile
        if not profile.slug:
            profile.slug = f"bench-teacher-{teacher.pk}"
            profile.bio = "Native French teacher. Conversation, grammar and exam preparation."
            profile.languages = "French, English"
            profile.photo = photo
            profile.save(update_fields=["slug", "bio", "languages", "photo"])
        if not AvailabilityWindow.objects.filter(teacher=teacher).exists():
            windows.extend(
                AvailabilityWindow(
                    teacher=teacher, weekday=day, start_time=datetime.time(start), end_time=end
                )
                for day in range(5)
                for start, end in ((9, datetime.time(12)), (14, datetime.time(18)))
            )
    AvailabilityWindow.objects.bulk_create(windows)


def grow_comments(n, authors):
    try:
        from cms_pages.models.community import Comment, ModerationStatus
    except ImportError:
        return "no community app"
    existing = Comment.objects.filter(text__startswith="[bench]").count()
    Comment.objects.bulk_create(
        Comment(
            author=authors[index % len(authors)],
            text=f"[bench] Lesson {index}: friendly teacher, I finally dare to speak French.",
            status=ModerationStatus.APPROVED,
        )
        for index in range(existing, n)
    )
    return Comment.objects.approved().count()


def grow_offers(n):
    try:
        from commerce.models import Offer, OfferKind
    except ImportError:
        return "no commerce app"
    existing = Offer.objects.filter(name__startswith="Bench offer").count()
    Offer.objects.bulk_create(
        Offer(
            name=f"Bench offer {index}",
            description="A few percent off every lesson.",
            kind=OfferKind.PERCENTAGE,
            value=1 + index % 20,
            active=True,
        )
        for index in range(existing, n)
    )
    return Offer.objects.filter(active=True).count()


def lesson(teacher, student, start, now, goal):
    if start + HOUR <= now:
        status = BookingStatus.COMPLETED
    else:
        status = BookingStatus.CONFIRMED if start.hour % 2 else BookingStatus.PAID
    return Booking(
        teacher=teacher,
        student=student,
        start=start,
        end=start + HOUR,
        status=status,
        is_active=True,
        goal=goal,
        price_cents=1800,
    )


def grow_student_bookings(n, student, teachers, base):
    """N past lessons of the demo student, one per hour starting 120 days ago."""
    goal = "[bench] conversation practice"
    existing = Booking.objects.filter(student=student, goal=goal).count()
    start = base - datetime.timedelta(days=120)
    Booking.objects.bulk_create(
        lesson(teachers[i % len(teachers)], student, start + i * HOUR, base, goal)
        for i in range(existing, n)
    )


def background_bookings(teachers, students, base):
    """1,000 lessons spread over every teacher: hours from 60 days ago (completed) and from
    22 days ahead (after the demo bookings), so no two overlap."""
    goal = "[bench] background"
    if Booking.objects.filter(goal=goal).exists():
        return
    past_start = base - datetime.timedelta(days=60)
    future_start = base + datetime.timedelta(days=22)
    half = BACKGROUND_BOOKINGS // 2
    Booking.objects.bulk_create(
        lesson(
            teachers[i % len(teachers)],
            students[i % len(students)],
            (past_start if i < half else future_start) + (i % half) * HOUR,
            base,
            goal,
        )
        for i in range(BACKGROUND_BOOKINGS)
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True)
    options = parser.parse_args()

    User = get_user_model()
    now = timezone.now()
    base = now.replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        demo_teacher = User.objects.get(profile__slug=DEMO_TEACHER_SLUG)
        student = User.objects.get(email__iexact=DEMO_STUDENT)
        grow_teachers(options.n, demo_teacher)
        teachers = list(
            User.objects.filter(groups__name=roles.TEACHERS, is_active=True).order_by("pk")
        )
        students = bench_users(
            "student", BACKGROUND_STUDENTS, group=roles.STUDENTS, display="Bench Student"
        )
        background_bookings(teachers, students, base)
        comments = grow_comments(options.n, students)
        offers = grow_offers(options.n)
        grow_student_bookings(options.n, student, teachers, base)

    print(  # noqa: T201
        json.dumps(
            {
                "n": options.n,
                "teachers": len(teachers),
                "approved_comments": comments,
                "active_offers": offers,
                "student_bookings": Booking.objects.filter(student=student).count(),
                "bookings": Booking.objects.count(),
                "student_email": DEMO_STUDENT,
                "teacher_email": demo_teacher.email,
                "teacher_slug": DEMO_TEACHER_SLUG,
                "password": DEMO_PASSWORD,
            }
        )
    )


if __name__ == "__main__":
    main()
