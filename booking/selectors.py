"""Read-only queries the booking pages need (teachers come from accounts.selectors)."""

from wagtail.models import Site

from accounts.selectors import active_teachers
from site_config import page_cache

from .models import BookingSettings


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


def student_lessons(student):
    """``student``'s lessons, for their own lists ("My bookings"): the teacher (with profile),
    the review, the lesson notes and a no-show dispute joined; ``booking.student`` is
    ``student`` itself (no join, no query)."""
    return student.bookings.select_related(
        "teacher__profile", "review", "lesson_note", "outcome_dispute"
    ).defer(*_other_person("teacher"))


def teacher_lessons(teacher):
    """``teacher``'s lessons, for their own lists (the dashboard): the student (with profile)
    and the lesson notes joined; ``booking.teacher`` is ``teacher`` itself (no join, no
    query)."""
    return teacher.teaching_bookings.select_related("student__profile", "lesson_note").defer(
        *_other_person("student")
    )


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
    "active_teachers",
    "bookable_teacher",
    "booking_settings",
    "student_lessons",
    "teacher_lessons",
]
