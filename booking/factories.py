"""Factories for lessons and teachers' calendars (tests and benchmarks).

Bookings made here are written directly, to set up a state; the rules (holding, paying,
confirming) are tested through ``Booking``'s transition methods and services.
"""

import itertools
from datetime import date, time, timedelta

import factory
from django.utils import timezone

from accounts.factories import StudentFactory, TeacherFactory

from .models import AvailabilityWindow, Booking, BookingSeries, LessonNote, TimeOff
from .transitions import ACTIVE_STATUSES, BookingStatus, LessonOutcome
from .video_rooms import new_room_url

#: Each booking without an explicit start gets its own hour, so none overlap.
_next_hour = itertools.count()
_next_ended = itertools.count()


def restart_hours():
    """Start the own hours again from the first (the test suite does it before each test):
    without it a lesson's hour depended on how many lessons earlier tests of the same process
    had made, and drifted weeks away (past a credit lot's expiry or a session's age)."""
    global _next_hour, _next_ended
    _next_hour = itertools.count()
    _next_ended = itertools.count()


def _own_hour(days_from_now):
    """An hour of its own, ``days_from_now`` days away, moving further from now (past lessons
    further into the past) so a future lesson never becomes a past one or the other way."""
    base = (timezone.now() + timedelta(days=days_from_now)).replace(
        minute=0, second=0, microsecond=0
    )
    step = timedelta(hours=2 * next(_next_hour))
    return base - step if days_from_now < 0 else base + step


def _ended():
    """The start of a 60-minute lesson that ended an hour ago, or (each next call) two hours
    earlier than the last one."""
    now = timezone.now().replace(second=0, microsecond=0)
    return now - timedelta(hours=2 + 2 * next(_next_ended))


class BookingFactory(factory.django.DjangoModelFactory):
    """A confirmed 60-minute lesson at €18.00, three days from now (each in its own hour).

    Traits: ``held`` (in a basket, hold expiring in 30 minutes), ``paid``, ``confirmed``,
    ``completed`` (in the past, outcome "held"), ``ended`` (confirmed, ended an hour or more
    ago, awaiting its outcome), ``cancelled``, ``declined``, ``expired``, ``removed``.
    ``is_active`` follows the status, as the transitions keep it, and a lesson that was
    confirmed (confirmed, completed) has its video room, as confirming gives it.
    """

    class Meta:
        model = Booking

    class Params:
        minutes = 60
        days_from_now = 3
        held = factory.Trait(
            status=BookingStatus.HELD,
            hold_expires_at=factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=30)),
        )
        paid = factory.Trait(status=BookingStatus.PAID)
        confirmed = factory.Trait(status=BookingStatus.CONFIRMED)
        completed = factory.Trait(
            status=BookingStatus.COMPLETED,
            days_from_now=-3,
            outcome=LessonOutcome.HELD,
            outcome_at=factory.LazyAttribute(lambda o: o.end),
        )
        # Confirmed, ended an hour ago (each next one two hours earlier), outcome not
        # recorded yet.
        ended = factory.Trait(status=BookingStatus.CONFIRMED, start=factory.LazyFunction(_ended))
        cancelled = factory.Trait(status=BookingStatus.CANCELLED)
        declined = factory.Trait(status=BookingStatus.DECLINED)
        expired = factory.Trait(status=BookingStatus.EXPIRED)
        removed = factory.Trait(status=BookingStatus.REMOVED)

    teacher = factory.SubFactory(TeacherFactory)
    student = factory.SubFactory(StudentFactory)
    status = BookingStatus.CONFIRMED
    start = factory.LazyAttribute(lambda o: _own_hour(o.days_from_now))
    end = factory.LazyAttribute(lambda o: o.start + timedelta(minutes=o.minutes))
    is_active = factory.LazyAttribute(lambda o: o.status in ACTIVE_STATUSES)
    price_cents = 1800
    video_room_url = factory.LazyAttribute(
        lambda o: (
            new_room_url() if o.status in (BookingStatus.CONFIRMED, BookingStatus.COMPLETED) else ""
        )
    )


class AvailabilityWindowFactory(factory.django.DjangoModelFactory):
    """A weekly window in the teacher's own zone: Mondays 09:00-12:00 unless told."""

    class Meta:
        model = AvailabilityWindow

    teacher = factory.SubFactory(TeacherFactory)
    weekday = 0
    start_time = time(9)
    end_time = time(12)


class TimeOffFactory(factory.django.DjangoModelFactory):
    """A teacher's days off: a week starting ten days from now unless told."""

    class Meta:
        model = TimeOff

    teacher = factory.SubFactory(TeacherFactory)
    start_date = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=10)).date())
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=6))


class LessonNoteFactory(factory.django.DjangoModelFactory):
    """Published notes with homework of a completed lesson (notified: its email went out)."""

    class Meta:
        model = LessonNote

    booking = factory.SubFactory(BookingFactory, completed=True)
    author = factory.LazyAttribute(lambda o: o.booking.teacher)
    notes = "We practised **greetings** and the verb _être_."
    homework = "- Learn the days of the week\n- Write five sentences with être"
    published_at = factory.LazyFunction(timezone.now)
    notified_at = factory.LazyAttribute(lambda o: o.published_at)


class BookingSeriesFactory(factory.django.DjangoModelFactory):
    """A weekly series: Tuesdays 18:00 Europe/Paris for 6 weeks from 2 March 2027 unless told
    (its lessons are ``BookingFactory(series=...)`` rows at ``series.series_occurrences``)."""

    class Meta:
        model = BookingSeries

    teacher = factory.SubFactory(TeacherFactory)
    student = factory.SubFactory(StudentFactory)
    weekday = factory.LazyAttribute(lambda o: o.first_date.weekday())
    local_time = time(18)
    zone = "Europe/Paris"
    first_date = date(2027, 3, 2)
    weeks = 6
