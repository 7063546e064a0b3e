"""Emails and calendar (.ics) files for bookings.

A transition whose row in the status table lists ``EMAILS`` has its emails queued by the
``booking_transitioned`` receiver (``booking.receivers``) with ``transaction.on_commit``, so
nothing is sent for a change that rolls back. Emails go through
``site_config.mail.send_templated_email`` (a django-tasks task); each carries an .ics
attachment whose UID is stable per booking, so calendar apps update or cancel the same event.
"""

from datetime import UTC

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from accounts.zones import format_local
from site_config.mail import brand_name, encode_attachment, send_templated_email

from .models import BookingStatus
from .outcomes.models import dispute_deadline
from .video_rooms import JOIN_OPENS_BEFORE

PRODID = "-//Petit Talk//Lessons//EN"
ORGANIZER = "mailto:hello@petittalk.example"

# new status of a transition that emails (booking.transitions.EMAILS)
#   → [(recipient side, email template name, iTIP method)]
TRANSITION_EMAILS = {
    BookingStatus.PAID: [
        ("student", "paid_student", "REQUEST"),
        ("teacher", "paid_teacher", "REQUEST"),
    ],
    BookingStatus.CONFIRMED: [
        ("student", "confirmed_student", "REQUEST"),
        ("teacher", "confirmed_teacher", "REQUEST"),
    ],
    BookingStatus.DECLINED: [("student", "declined_student", "CANCEL")],
    BookingStatus.CANCELLED: [
        ("student", "cancelled_student", "CANCEL"),
        ("teacher", "cancelled_teacher", "CANCEL"),
    ],
}
# A moved lesson (the "reschedule" transition): both sides, with the updated .ics.
RESCHEDULE_EMAILS = [
    ("student", "rescheduled_student", "REQUEST"),
    ("teacher", "rescheduled_teacher", "REQUEST"),
]
# A transition that records a lesson's outcome or settles it (booking.outcomes), by name
#   → [(recipient side, email template name)]: no calendar file, the lesson is over.
OUTCOME_EMAILS = {
    "mark_held": [("student", "held_student")],
    "complete": [("student", "held_student")],
    "mark_student_no_show": [("student", "student_no_show_student")],
    "mark_teacher_no_show": [
        ("student", "teacher_no_show_student"),
        ("teacher", "teacher_no_show_teacher"),
    ],
    "mark_technical_problem": [("student", "technical_problem_student")],
    "refund_technical_problem": [
        ("student", "technical_refund_student"),
        ("teacher", "technical_refund_teacher"),
    ],
    "refund_after_dispute": [
        ("student", "dispute_refunded_student"),
        ("teacher", "dispute_refunded_teacher"),
    ],
}
REMINDER_EMAILS = [
    ("student", "reminder_student", "REQUEST"),
    ("teacher", "reminder_teacher", "REQUEST"),
]


def booking_uid(booking):
    return f"booking-{booking.pk}@petittalk.example"


def event_sequence(booking):
    """The event's SEQUENCE: it grows with every change calendar apps must apply (the time of
    the last change, plus one per move, so a move always counts as a newer revision)."""
    changed = int(booking.updated_at.timestamp()) if booking.updated_at else 0
    return changed + booking.reschedule_count


def lesson_event(booking, *, cancelled=False, attendee=None, viewer=None, organizer_name=None):
    """The lesson as a calendar event for ``viewer`` (default: the ``attendee``): its video
    room, when they may see it, is the event's LOCATION and URL. The organizer is the site
    (Site settings' brand name, looked up once per calendar: pass ``organizer_name`` when
    building several)."""
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", booking.start.astimezone(UTC))
    event.add("dtend", booking.end.astimezone(UTC))
    event.add(
        "summary",
        f"French lesson: {booking.student.display_name} with {booking.teacher.display_name}",
    )
    if booking.goal:
        event.add("description", f"Lesson goal: {booking.goal}")
    room = booking.video_url_for(viewer or attendee)
    if room:
        event.add("location", room)
        event.add("url", room)
    event.add("sequence", event_sequence(booking))
    if cancelled:
        event.add("status", "CANCELLED")
    elif booking.status == BookingStatus.CONFIRMED:
        event.add("status", "CONFIRMED")
    else:
        event.add("status", "TENTATIVE")
    organizer = vCalAddress(ORGANIZER)
    organizer.params["cn"] = vText(organizer_name or brand_name())
    event["organizer"] = organizer
    if attendee is not None:
        address = vCalAddress(f"mailto:{attendee.email}")
        address.params["cn"] = vText(attendee.display_name)
        event.add("attendee", address)
    return event


def build_calendar(events, *, method=None, name=None):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def booking_ics(booking, method="REQUEST", attendee=None):
    cancelled = method == "CANCEL"
    return build_calendar(
        [lesson_event(booking, cancelled=cancelled, attendee=attendee)], method=method
    )


def _email_args(booking, side, template, method, note="", previous_start=None):
    """One email's task arguments; ``method`` None: no calendar file."""
    recipient = booking.student if side == "student" else booking.teacher
    other = booking.teacher if side == "student" else booking.student
    context = {
        "recipient_name": recipient.display_name,
        "other_name": other.display_name,
        "when": format_local(booking.start, recipient),
        "goal": booking.goal,
        "note": note,
        "status": booking.get_status_display(),
        "dashboard_path": "/bookings/" if side == "student" else "/teacher/",
        "video_url": booking.video_url_for(recipient),
        "join_minutes": int(JOIN_OPENS_BEFORE.total_seconds() // 60),
        "old_when": format_local(previous_start, recipient) if previous_start else "",
    }
    if booking.outcome:
        deadline = dispute_deadline(booking)
        context |= {
            "outcome": booking.get_outcome_display(),
            "review_path": f"/bookings/{booking.pk}/review/",
            "dispute_path": f"/bookings/{booking.pk}/dispute/",
            "dispute_until": format_local(deadline, recipient) if deadline else "",
            "choice_path": f"/bookings/{booking.pk}/technical-problem/",
        }
    attachments = []
    if method:
        attachments.append(
            encode_attachment(
                "lesson.ics",
                booking_ics(booking, method, attendee=recipient),
                f"text/calendar; method={method}; charset=utf-8",
            )
        )
    return {
        "template_prefix": f"booking/email/{template}",
        "context": context,
        "to": [recipient.email],
        "attachments": attachments,
    }


def _queue(messages):
    def send():
        for kwargs in messages:
            send_templated_email.enqueue(**kwargs)

    if messages:
        transaction.on_commit(send)


def queue_transition_emails(booking, new_status, note=""):
    """Queue the emails that tell the student and/or teacher about a status change."""
    plan = TRANSITION_EMAILS[new_status]
    _queue([_email_args(booking, side, template, method, note) for side, template, method in plan])


def queue_outcome_emails(booking, transition_name, note=""):
    """Tell the people concerned what was recorded about a lesson that has ended, or how it
    was settled (``OUTCOME_EMAILS``)."""
    _queue(
        [
            _email_args(booking, side, template, None, note)
            for side, template in OUTCOME_EMAILS[transition_name]
        ]
    )


def queue_dispute_upheld_email(booking, note=""):
    """An admin kept the "student did not come" outcome the student disputed."""
    _queue([_email_args(booking, "student", "dispute_upheld_student", None, note)])


def queue_reschedule_emails(booking, previous_start):
    """Tell both sides a lesson moved from ``previous_start``: the new time, that the teacher
    confirms it again, and the .ics with the same UID and a higher SEQUENCE."""
    _queue(
        [
            _email_args(booking, side, template, method, previous_start=previous_start)
            for side, template, method in RESCHEDULE_EMAILS
        ]
    )


def queue_reminder_emails(booking):
    _queue([_email_args(booking, side, t, method) for side, t, method in REMINDER_EMAILS])


def feed_for(user, bookings):
    """A user's private calendar feed (their paid, confirmed and completed lessons)."""
    brand = brand_name()
    events = [lesson_event(b, viewer=user, organizer_name=brand) for b in bookings]
    return build_calendar(events, method="PUBLISH", name=f"{brand} – {user.display_name}")


def feed_url(token):
    """The private calendar feed's address for the secret ``token`` (a CalendarToken's)."""
    return f"{settings.SITE_URL.rstrip('/')}/calendar/{token}.ics"
