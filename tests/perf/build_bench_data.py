"""Grow the benchmark data set to size N (run after ``load_demo``, in a subprocess with the
benchmark's environment).

The benchmark logs in as many real users: 100 students and 20 teachers (``SESSION_STUDENTS``,
``SESSION_TEACHERS``), whatever N is. Every student has two lessons in the basket (held for
the next two hours: the builder runs again before each size, which renews them) and N past
lessons; every teacher gets lessons from the background set below.

Size N means N extra teachers (with photos and weekly availability), N approved testimonials,
N active offers and N past lessons of every benchmark student and of the demo student. The
first run also adds 1,000 lessons spread over every teacher (past ones completed, future ones
paid or confirmed) booked by the benchmark students. Running it again with a larger N only
adds the difference, so one database serves the three sizes in turn.

Prints a JSON description of the data set (the teacher whose booking page is measured).

    python tests/perf/build_bench_data.py --n 100
    python tests/perf/build_bench_data.py --sessions   # log every benchmark user in

``--sessions`` logs each benchmark user in through the session engine (Django's test client
``force_login``, the same store the servers read) and prints their ``Cookie`` headers:
session cookie plus a CSRF cookie, as a browser that has seen a form sends them. Run it after
the cache is emptied (sessions may live in Redis).
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
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from accounts import roles  # noqa: E402
from accounts.demo import DEMO_PASSWORD  # noqa: E402
from booking.models import AvailabilityWindow, Booking, BookingStatus  # noqa: E402

DEMO_STUDENT = "student@petittalk.example"
DEMO_TEACHER_SLUG = "camille-martin"
BACKGROUND_BOOKINGS = 1000
SESSION_STUDENTS = 100
SESSION_TEACHERS = 20
BASKET_LESSONS = 2
HOUR = datetime.timedelta(hours=1)
# Lessons sit in disjoint hour ranges so no teacher or student has two at once (PostgreSQL's
# exclusion constraints): background past -60 to -39 days, demo student's past from -120
# days on, benchmark students' past before -121 days, demo bookings within 22 days,
# background future +22 to +43 days, baskets from +50 days.
SESSION_PAST_END = datetime.timedelta(days=121)
BASKET_START = datetime.timedelta(days=50)


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


def session_teachers(demo_teacher):
    """The teachers the benchmark logs in as: part of the base data, the same at every N."""
    teachers = bench_users(
        "session-teacher", SESSION_TEACHERS, group=roles.TEACHERS, display="Session Teacher"
    )
    set_up_teachers(teachers, demo_teacher, slug_prefix="session-teacher")
    return teachers


def session_students():
    return bench_users("student", SESSION_STUDENTS, group=roles.STUDENTS, display="Bench Student")


def grow_teachers(n, demo_teacher):
    teachers = bench_users("teacher", n, group=roles.TEACHERS, display="Bench Teacher")
    set_up_teachers(teachers, demo_teacher, slug_prefix="bench-teacher")


def set_up_teachers(teachers, demo_teacher, *, slug_prefix):
    photo = demo_teacher.profile.photo.name
    windows = []
    for teacher in teachers:
        profile = teacher.profile
        if not profile.slug:
            profile.slug = f"{slug_prefix}-{teacher.pk}"
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
        from cms_pages.models import Comment
        from site_config.moderation import ModerationStatus
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


def grow_session_histories(n, students, teachers, base):
    """N past lessons of every benchmark student: lesson i of student k in hour
    ``i * students + k`` before -121 days, so no two lessons share an hour."""
    goal = "[bench] session history"
    existing = Booking.objects.filter(student=students[0], goal=goal).count()
    end = base - SESSION_PAST_END
    count = len(students)
    Booking.objects.bulk_create(
        lesson(
            teachers[(i + k) % len(teachers)],
            student,
            end - (i * count + k + 1) * HOUR,
            base,
            goal,
        )
        for i in range(existing, n)
        for k, student in enumerate(students)
    )


def fill_baskets(students, teachers, now, base):
    """``BASKET_LESSONS`` held lessons per benchmark student, held for two more hours."""
    goal = "[bench] basket"
    held_until = now + 2 * HOUR
    if Booking.objects.filter(goal=goal).exists():
        Booking.objects.filter(goal=goal).update(hold_expires_at=held_until)
        return
    start = base + BASKET_START
    Booking.objects.bulk_create(
        Booking(
            teacher=teachers[(k + j) % len(teachers)],
            student=student,
            start=start + (k * BASKET_LESSONS + j) * HOUR,
            end=start + (k * BASKET_LESSONS + j + 1) * HOUR,
            status=BookingStatus.HELD,
            is_active=True,
            hold_expires_at=held_until,
            goal=goal,
            price_cents=1800,
        )
        for k, student in enumerate(students)
        for j in range(BASKET_LESSONS)
    )


def session_cookies(users):
    """One browser's ``Cookie`` header per user: a session made by the session engine (test
    client ``force_login``) and a CSRF cookie (a random 32-character secret, the form Django
    issues)."""
    headers = []
    for user in users:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        headers.append(
            f"{settings.SESSION_COOKIE_NAME}={session}; "
            f"{settings.CSRF_COOKIE_NAME}={get_random_string(32)}"
        )
    return headers


def print_sessions():
    demo_teacher = get_user_model().objects.get(profile__slug=DEMO_TEACHER_SLUG)
    students = session_students()
    teachers = session_teachers(demo_teacher)
    print(  # noqa: T201
        json.dumps(
            {
                "students": session_cookies(students),
                "teachers": session_cookies(teachers),
                "student_emails": [user.email for user in students],
                "teacher_emails": [user.email for user in teachers],
            }
        )
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
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--n", type=int, help="grow the data set to size N")
    group.add_argument("--sessions", action="store_true", help="log the benchmark users in")
    options = parser.parse_args()
    if options.sessions:
        print_sessions()
        return

    User = get_user_model()
    now = timezone.now()
    base = now.replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        demo_teacher = User.objects.get(profile__slug=DEMO_TEACHER_SLUG)
        student = User.objects.get(email__iexact=DEMO_STUDENT)
        logged_in_teachers = session_teachers(demo_teacher)
        grow_teachers(options.n, demo_teacher)
        teachers = list(
            User.objects.filter(groups__name=roles.TEACHERS, is_active=True).order_by("pk")
        )
        students = session_students()
        background_bookings(teachers, students, base)
        comments = grow_comments(options.n, students)
        offers = grow_offers(options.n)
        grow_student_bookings(options.n, student, teachers, base)
        grow_session_histories(options.n, students, teachers, base)
        fill_baskets(students, logged_in_teachers, now, base)

    print(  # noqa: T201
        json.dumps(
            {
                "n": options.n,
                "teachers": len(teachers),
                "approved_comments": comments,
                "active_offers": offers,
                "student_bookings": Booking.objects.filter(student=student).count(),
                "session_students": len(students),
                "session_teachers": len(logged_in_teachers),
                "bookings_per_session_student": Booking.objects.filter(student=students[0]).count(),
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
