"""What a lesson card shows, worked out in Python once per card instead of per template tag.

The teacher dashboard lists up to four pages of lessons. Each card used to be an include with
two simple tags (each binds its arguments through ``inspect``), four or five ``{% url %}``
(each a reverse), the same time formatted up to four times and two ``get_*_display`` calls.
Here each address is reversed once per request (``AddressPattern``), each time formatted once
per card (``LocalTimeTexts``) and a card is a plain dict, which the template reads without
the attribute-lookup fallbacks model instances cost.

The rules stay where they are (``Booking.video_url_for``, ``Booking.is_joinable``,
``booking.notes.rules.lesson_was_held``, ``Profile.get_absolute_url``); the video room and the
notes link are the same values the ``{% video_room %}`` and ``{% lesson_notes_link %}`` tags
render (``video_room_values``, ``notes_link_values``).
"""

import re
from functools import cache
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.formats import date_format
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language

from accounts.zones import format_local

from .notes.markup import render_markup
from .notes.models import LessonNote
from .notes.rules import lesson_was_held
from .reviews.models import booking_has_review
from .transitions import BookingStatus, LessonOutcome
from .video_rooms import JOIN_OPENS_BEFORE

# What ``reverse`` leaves unquoted in a path (django.urls.resolvers._reverse_with_prefix).
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"
# Numbers and slugs, which quoting leaves as they are.
_AS_IS = re.compile(r"[-\w]+", re.ASCII)
_MARKER = "pt-address-marker"
_NUMBER_MARKER = 987654321987

STATUS_LABELS = dict(BookingStatus.choices)
OUTCOME_LABELS = dict(LessonOutcome.choices)


class AddressPattern:
    """One URL name reversed once, then filled in for each value: ``confirm(42)`` gives
    ``reverse("booking:confirm", args=[42])``. Reverse it per request (the script prefix is
    the request's), not at import."""

    def __init__(self, viewname, kwarg, *, number=False):
        marker = _NUMBER_MARKER if number else _MARKER
        head, marker_found, tail = reverse(viewname, kwargs={kwarg: marker}).partition(str(marker))
        if not marker_found or str(marker) in tail:
            raise ValueError(f"{viewname} does not take {kwarg} once in its path")
        self.head, self.tail = head, tail

    def __call__(self, value):
        text = str(value)
        if not _AS_IS.fullmatch(text):
            text = quote(text, safe=_PATH_SAFE)
        return f"{self.head}{text}{self.tail}"


@cache
def _day_and_month_names(language):
    """The day and month names in ``language`` (the active one, which ``str`` translates to),
    the same for every user: worked out once per language."""
    return [str(WEEKDAYS[day]) for day in range(7)], {
        number: str(name) for number, name in MONTHS.items()
    }


class LocalTimeTexts:
    """``texts(moment)`` gives ``("Monday 3 March 2025, 14:00", "3 March, 14:00")``:
    ``moment`` in the current time zone, as the templates' ``date:"l j F Y, H:i"`` and
    ``date:"j F, H:i"`` write it (the same day and month names, translated once here instead
    of on each use). ``clock(moment)`` gives ``date:"H:i"``'s ``"14:00"``."""

    def __init__(self):
        self.zone = timezone.get_current_timezone()
        self.weekdays, self.months = _day_and_month_names(get_language())

    def __call__(self, moment):
        local = moment.astimezone(self.zone)
        month = self.months[local.month]
        clock = f"{local.hour:02d}:{local.minute:02d}"
        return (
            f"{self.weekdays[local.weekday()]} {local.day} {month} {local.year:04d}, {clock}",
            f"{local.day} {month}, {clock}",
        )

    def clock(self, moment):
        local = moment.astimezone(self.zone)
        return f"{local.hour:02d}:{local.minute:02d}"


def video_room_values(booking, viewer, *, now=None):
    """What ``booking/_video_room.html`` shows of a lesson's video room to ``viewer``, or
    None when they are shown none (``Booking.video_url_for``)."""
    url = booking.video_url_for(viewer)
    if not url:
        return None
    return {
        "url": url,
        "joinable": booking.is_joinable(now),
        "opens_text": format_local(booking.join_opens_at, viewer),
        "minutes": int(JOIN_OPENS_BEFORE.total_seconds() // 60),
    }


def note_of(booking):
    """The lesson's notes (None: none written); no query when the booking was read with
    ``select_related("lesson_note")`` (``booking.selectors``)."""
    if "lesson_note" in booking._state.fields_cache:
        return booking._state.fields_cache["lesson_note"]
    return LessonNote.objects.filter(booking_id=booking.pk).first()


def booking_address(viewname, pk):
    return reverse(viewname, args=[pk])


def notes_link_values(booking, user, *, now=None, address=booking_address, when=None):
    """What ``booking/notes/_link.html`` shows of a held lesson's notes to ``user``, or None
    when it shows nothing: for the lesson's student the published notes and homework, for its
    teacher a link to read, write or edit them. ``address(viewname, pk)`` reverses the links
    and ``when`` is the lesson's ``"3 March, 14:00"`` when the caller has them already."""
    if user is None or not user.is_authenticated or not lesson_was_held(booking, now):
        return None
    for_teacher = user.pk == booking.teacher_id
    for_student = user.pk == booking.student_id
    if not (for_teacher or for_student):
        return None
    note = note_of(booking)
    published = note is not None and note.is_published
    if not (published or for_teacher):
        return None
    return {
        "note": note,
        "published": published,
        "for_teacher": for_teacher,
        "teacher_name": booking.teacher.display_name if published else "",
        "homework_html": render_markup(note.homework) if published and for_student else "",
        "read_url": address("booking:lesson_notes", booking.pk) if published else "",
        "edit_url": address("booking:note_edit", booking.pk) if for_teacher else "",
        "when": when or date_format(timezone.localtime(booking.start), "j F, H:i"),
    }


class _LessonCards:
    """What both lists of cards share: the moment they are worked out for, the time texts,
    and ``address(viewname, pk)`` for each of ``ADDRESSES`` (URL names taking a ``pk``),
    each reversed once per request."""

    ADDRESSES = ()

    def __init__(self, *, now=None):
        self.now = now or timezone.now()
        self.time_texts = LocalTimeTexts()
        self.by_pk = {name: AddressPattern(name, "pk", number=True) for name in self.ADDRESSES}

    def address(self, viewname, pk):
        return self.by_pk[viewname](pk)


class TeacherCards(_LessonCards):
    """The teacher dashboard's cards of lessons read with ``booking.selectors.teacher_lessons``
    (so each lesson's ``teacher`` is the viewer): the addresses reversed once."""

    ADDRESSES = (
        "booking:confirm",
        "booking:decline",
        "booking:outcome",
        "booking:lesson_notes",
        "booking:note_edit",
    )

    def __init__(self, *, now=None):
        super().__init__(now=now)
        self.teacher_page = AddressPattern("accounts:teacher_detail", "slug")
        self.student_page = AddressPattern("accounts:student_detail", "public_slug")
        self.progress = AddressPattern("booking:teacher_student", "public_slug")

    def profile_url(self, profile):
        """``Profile.get_absolute_url`` with the addresses reversed once."""
        if profile is None:
            return ""
        if profile.slug:
            return self.teacher_page(profile.slug)
        return self.student_page(profile.public_slug)

    def card(self, booking):
        """One lesson's card: its texts and addresses."""
        # The viewer: the lesson's teacher is the request's user itself, without the lazy
        # wrapper whose every attribute costs a lookup more.
        teacher = booking.teacher
        student = booking.student
        profile = getattr(student, "profile", None)
        when, when_short = self.time_texts(booking.start)
        pk = booking.pk
        return {
            "pk": pk,
            "when": when,
            "student_name": student.display_name,
            "student_url": self.profile_url(profile),
            "progress_url": self.progress(profile.public_slug) if profile is not None else "",
            "status": booking.status,
            "status_label": STATUS_LABELS.get(booking.status, booking.status),
            "outcome_label": OUTCOME_LABELS.get(booking.outcome, booking.outcome),
            # Booked as one week of a weekly series (booking.series): the card says so.
            "weekly": booking.series_id is not None,
            "goal": booking.goal,
            "teacher_message": booking.teacher_message,
            "room": video_room_values(booking, teacher, now=self.now),
            "notes": notes_link_values(
                booking, teacher, now=self.now, address=self.address, when=when_short
            ),
            "confirm_url": self.address("booking:confirm", pk),
            "decline_url": self.address("booking:decline", pk),
            "outcome_url": self.address("booking:outcome", pk),
        }

    def cards(self, bookings):
        return [self.card(booking) for booking in bookings]


class StudentCards(_LessonCards):
    """The cards of "My bookings": a student's lessons read with ``booking.selectors``
    (``upcoming_lessons``, ``lesson_history_page``: teacher, notes, review and dispute joined,
    ``booking.student`` the viewer), with the addresses reversed once. The view works out
    the cancellation and moving rules (``can_cancel``, ``can_cancel_late``,
    ``cancel_deadline_text``, ``cannot_move``, ``dispute_open``) on each lesson first."""

    ADDRESSES = (
        "booking:remove",
        "booking:cancel",
        "booking:reschedule",
        "booking:cancel_series",
        "booking:outcome_dispute",
        "booking:outcome_technical_problem",
        "booking:lesson_notes",
        "booking:note_edit",
    )

    def __init__(self, *, now=None):
        super().__init__(now=now)
        self.review = AddressPattern("booking:review_create", "booking_id", number=True)

    def _common(self, booking):
        when, when_short = self.time_texts(booking.start)
        return {
            "pk": booking.pk,
            "when": when,
            "when_short": when_short,
            "teacher_name": booking.teacher.display_name,
            "status": booking.status,
            "status_label": STATUS_LABELS.get(booking.status, booking.status),
        }

    def upcoming(self, booking):
        """A lesson in the basket, paid or confirmed and not over."""
        card = self._common(booking)
        held = booking.status == BookingStatus.HELD
        booked = booking.status in (BookingStatus.PAID, BookingStatus.CONFIRMED)
        pk = booking.pk
        card.update(
            room=video_room_values(booking, booking.student, now=self.now),
            held=held,
            hold_minutes_left=booking.hold_minutes_left if held else 0,
            hold_until=self.time_texts.clock(booking.hold_expires_at) if held else "",
            remove_url=self.address("booking:remove", pk) if held else "",
            goal=booking.goal,
            series_cancel_url=(
                self.address("booking:cancel_series", booking.series_id)
                if booking.series_id
                else ""
            ),
            day=card["when_short"].rpartition(",")[0],
            teacher_message=booking.teacher_message,
            can_cancel=getattr(booking, "can_cancel", False),
            can_cancel_late=getattr(booking, "can_cancel_late", False),
            cancel_deadline_text=getattr(booking, "cancel_deadline_text", ""),
            cancel_url=self.address("booking:cancel", pk),
            booked=booked,
            cannot_move=getattr(booking, "cannot_move", "") if booked else "",
            reschedule_url=self.address("booking:reschedule", pk) if booked else "",
        )
        return card

    def past(self, booking):
        """A lesson that is over or closed (a lapsed hold shows as "Hold expired")."""
        card = self._common(booking)
        pk = booking.pk
        if booking.status == BookingStatus.HELD:
            card.update(status="expired", status_label="Hold expired")
        outcome = booking.outcome
        dispute = booking._state.fields_cache.get("outcome_dispute") if outcome else None
        card.update(
            outcome_label=(
                OUTCOME_LABELS.get(outcome, outcome)
                if outcome and outcome != LessonOutcome.HELD
                else ""
            ),
            notes=notes_link_values(
                booking,
                booking.student,
                now=self.now,
                address=self.address,
                when=card["when_short"],
            ),
            review_url=(
                self.review(pk) if booking.was_held and not booking_has_review(booking) else ""
            ),
            technical_choice_url=(
                self.address("booking:outcome_technical_problem", pk)
                if booking.awaits_technical_choice
                else ""
            ),
            dispute_url=(
                self.address("booking:outcome_dispute", pk)
                if getattr(booking, "dispute_open", False)
                else ""
            ),
            dispute_status=(
                dispute.get_status_display().lower()
                if dispute is not None and outcome == LessonOutcome.STUDENT_NO_SHOW
                else ""
            ),
        )
        return card
