"""Read-only queries the booking pages need (teachers come from accounts.selectors)."""

from datetime import datetime

from django.db.models import Q
from wagtail.models import Site

from accounts.selectors import active_teachers
from site_config import page_cache
from site_config.compiled import CompiledQuery

from .models import Booking, BookingSettings, BookingStatus, CalendarToken


def bookable_teacher(slug):
    """The active teacher (a User, profile joined) with this public slug, or None."""
    if not slug:
        return None
    return active_teachers().filter(profile__slug=slug).first()


# What the teacher picker's names need: not every teacher's bio, video and favourites.
_PICKER_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "email",
    "profile__slug",
    "profile__display_name",
)


def teacher_picker(request):
    """``[(slug, name, pk)]`` of every bookable teacher, for the booking page's picker: the
    same list for every user, kept in the cache until content changes (users, profiles and
    their groups are in ``site_config.page_cache.PURGING_MODELS``), so a booking page neither
    reads nor builds every teacher (and finds the chosen one's id by its slug)."""

    def compute():
        teachers = active_teachers().only(*_PICKER_FIELDS)
        return [(teacher.profile.slug, teacher.display_name, teacher.pk) for teacher in teachers]

    return page_cache.remember(request, "teacher-picker-ids", compute)


# What a lesson list never shows of the other person (their password hash, the long texts of
# their profile): not read, so a page of lessons reads and builds less.
_NOT_IN_LESSON_LISTS = (
    "password",
    "profile__bio",
    "profile__favourite_books",
    "profile__favourite_films",
    "profile__favourite_words",
    "profile__favourite_songs",
    "profile__learning_goals",
    "profile__intro_video",
    "profile__languages",
)


def _other_person(relation):
    return [f"{relation}__{field}" for field in _NOT_IN_LESSON_LISTS]


def _with_student_joins(bookings):
    """Lessons for their student's own lists ("My bookings"): the teacher (with profile), the
    review, the lesson notes and a no-show dispute joined; the callers set ``booking.student``
    to the student (no join, no query)."""
    return bookings.select_related(
        "teacher__profile", "review", "lesson_note", "outcome_dispute"
    ).defer(*_other_person("teacher"))


# "My bookings" splits a student's lessons in two: upcoming (in the basket, paid or
# confirmed, not over, hold not lapsed) and the rest, newest first, a page at a time.
OPEN_STATUSES = (BookingStatus.HELD, BookingStatus.PAID, BookingStatus.CONFIRMED)
LESSON_PAGE_SIZE = 20


def _upcoming_of(student_id, ends_after, lapsed_by):
    return (
        _with_student_joins(Booking.objects.filter(student_id=student_id))
        .filter(status__in=OPEN_STATUSES, end__gt=ends_after)
        .exclude(status=BookingStatus.HELD, hold_expires_at__lte=lapsed_by)
    )


def _history_of(student_id, ended_by, lapsed_by):
    """Everything ``_upcoming_of`` leaves out (statuses and ends are never NULL; a NULL hold
    expiry is not a lapsed hold on either side), newest first."""
    closed = ~Q(status__in=OPEN_STATUSES) | Q(end__lte=ended_by)
    lapsed = Q(status=BookingStatus.HELD, hold_expires_at__lte=lapsed_by)
    return (
        _with_student_joins(Booking.objects.filter(student_id=student_id))
        .filter(closed | lapsed)
        .order_by("-start", "-pk")
    )


# Every "My bookings" request runs these two: compiled once per process (site_config.compiled).
_upcoming_lessons = CompiledQuery(
    _upcoming_of, kinds=(int, datetime, datetime), name="upcoming_lessons"
)
_first_history_page = CompiledQuery(
    lambda student_id, ended_by, lapsed_by: _history_of(student_id, ended_by, lapsed_by)[
        : LESSON_PAGE_SIZE + 1
    ],
    kinds=(int, datetime, datetime),
    name="first_history_page",
)


def upcoming_lessons(student, now):
    """``student``'s upcoming lessons at ``now``, soonest first."""
    lessons = _upcoming_lessons.objects(student.pk, now, now)
    for booking in lessons:
        booking.student = student
    return lessons


def lesson_history_page(student, now, number):
    """Page ``number`` (from 1) of the student's other lessons, newest first:
    ``{"items", "number", "next", "previous"}``. Reads one row more than a page instead of
    counting, so a page costs one query whatever the history holds."""
    if number == 1:
        rows = _first_history_page.objects(student.pk, now, now)
    else:
        offset = (number - 1) * LESSON_PAGE_SIZE
        rows = list(_history_of(student.pk, now, now)[offset : offset + LESSON_PAGE_SIZE + 1])
    for booking in rows:
        booking.student = student
    return _page(rows, number)


def _page(rows, number):
    """A page of a lesson list from its rows plus one (which says whether more follow)."""
    return {
        "items": rows[:LESSON_PAGE_SIZE],
        "number": number,
        "next": number + 1 if len(rows) > LESSON_PAGE_SIZE else None,
        "previous": number - 1 if number > 1 else None,
    }


# What the teacher dashboard reads of a lesson (booking.lesson_cards, the outcome split, the
# late-cancel waivers), of its student and of its notes: nothing else is read or built.
TEACHER_LIST_FIELDS = (
    "id",
    "teacher",
    "student",
    "start",
    "end",
    "status",
    "goal",
    "teacher_message",
    "video_room_url",
    "outcome",
    "series",
    "updated_at",
    "student__id",
    "student__first_name",
    "student__last_name",
    "student__email",
    "student__profile__id",
    "student__profile__user",
    "student__profile__display_name",
    "student__profile__slug",
    "student__profile__public_slug",
    "lesson_note__id",
    "lesson_note__booking",
    "lesson_note__homework",
    "lesson_note__attachment",
    "lesson_note__published_at",
)


def _with_teacher_joins(bookings):
    """Lessons for their teacher's own lists: the student (with profile) and the lesson notes
    joined, with only the columns ``TEACHER_LIST_FIELDS`` names (any other field would cost a
    query per lesson)."""
    return bookings.select_related("student__profile", "lesson_note").only(*TEACHER_LIST_FIELDS)


def teacher_lessons(teacher):
    """``teacher``'s lessons as the dashboard reads them (``_with_teacher_joins``);
    ``booking.teacher`` is ``teacher`` itself (no join, no query)."""
    return _with_teacher_joins(teacher.teaching_bookings)


# The dashboard's "Past and closed lessons": every status but the basket's (held, expired,
# removed) and those of the lists above it (paid, confirmed).
_NOT_DASHBOARD_HISTORY = {
    BookingStatus.HELD,
    BookingStatus.EXPIRED,
    BookingStatus.REMOVED,
    BookingStatus.PAID,
    BookingStatus.CONFIRMED,
}
DASHBOARD_HISTORY_STATUSES = tuple(
    status for status in BookingStatus.values if status not in _NOT_DASHBOARD_HISTORY
)
# The dashboard's lists: their statuses, and whether the newest come first.
TEACHER_LISTS = {
    "decide": ((BookingStatus.PAID,), False),
    "upcoming": ((BookingStatus.CONFIRMED,), False),
    "history": (DASHBOARD_HISTORY_STATUSES, True),
}


def _teacher_list(teacher_id, name):
    statuses, newest_first = TEACHER_LISTS[name]
    return _with_teacher_joins(
        Booking.objects.filter(teacher_id=teacher_id, status__in=statuses)
    ).order_by(*(("-start", "-pk") if newest_first else ("start", "pk")))


# Every dashboard visit reads the first page of each list: compiled once.
_first_teacher_pages = {
    name: CompiledQuery(
        lambda teacher_id, name=name: _teacher_list(teacher_id, name)[: LESSON_PAGE_SIZE + 1],
        kinds=(int,),
        name=f"teacher_{name}_first_page",
    )
    for name in TEACHER_LISTS
}


def teacher_lesson_page(teacher, name, number):
    """Page ``number`` (from 1) of the dashboard list ``name`` (``TEACHER_LISTS``), as
    ``lesson_history_page`` gives a student's; ``booking.teacher`` is ``teacher``."""
    if number == 1:
        rows = _first_teacher_pages[name].objects(teacher.pk)
    else:
        offset = (number - 1) * LESSON_PAGE_SIZE
        rows = list(_teacher_list(teacher.pk, name)[offset : offset + LESSON_PAGE_SIZE + 1])
    for booking in rows:
        booking.teacher = teacher
    return _page(rows, number)


_calendar_tokens = CompiledQuery(
    lambda user_id: CalendarToken.objects.filter(user_id=user_id).values_list("token"),
    name="calendar_token",
)


def calendar_token(user):
    """The secret of ``user``'s private calendar feed, or None (one compiled query)."""
    rows = _calendar_tokens.rows(user.pk)
    return rows[0][0] if rows else None


def booking_settings(request):
    """The booking settings of the request's site (the default site's when no site matches).

    The same row for every user of the site: kept in the cache until content changes
    (``site_config.page_cache.remember``; saving the settings or a site starts a new content
    generation), so a booking page costs no query for it and shows an edit on the next request.
    """

    def load():
        site = Site.find_for_request(request)
        return BookingSettings.for_site(site) if site is not None else BookingSettings.current()

    if request is None:
        return BookingSettings.current()
    return page_cache.remember(request, "booking-settings", load)


__all__ = [
    "DASHBOARD_HISTORY_STATUSES",
    "active_teachers",
    "bookable_teacher",
    "booking_settings",
    "calendar_token",
    "lesson_history_page",
    "teacher_lesson_page",
    "teacher_lessons",
    "upcoming_lessons",
]
