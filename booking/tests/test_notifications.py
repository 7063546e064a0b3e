"""Emails with .ics files on transitions, reminders exactly once, the private calendar feed."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.exports import exporters
from booking.factories import BookingFactory
from booking.models import BookingStatus, CalendarToken
from booking.notifications import booking_uid
from booking.services import complete_lessons, expire_holds, hold_slot, send_reminders

from .conftest import make_booking


@pytest.fixture
def paid(available_teacher, student, future_slot):
    return hold_slot(student, available_teacher, future_slot, "Goal").mark_paid()


def ics_of(message):
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def test_confirm_emails_both_sides_with_a_request_ics_after_commit(
    paid, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        paid.confirm(by=paid.teacher, message="Bring questions")
        assert mailoutbox == []  # nothing goes out before the transaction commits
    assert callbacks
    assert sorted(m.to[0] for m in mailoutbox) == sorted([paid.student.email, paid.teacher.email])
    student_mail = next(m for m in mailoutbox if m.to == [paid.student.email])
    assert "confirmed" in student_mail.subject
    assert "Bring questions" in student_mail.body
    assert "Europe/Paris" in student_mail.body
    calendar = ics_of(student_mail)
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == booking_uid(paid)
    assert event.decoded("DTSTART") == paid.start
    assert event.decoded("DTEND") == paid.end
    assert event["DTSTART"].to_ical().endswith(b"Z")


def test_cancel_sends_a_cancel_ics_with_the_same_uid(
    paid, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        paid.cancel(by=paid.student)
    assert len(mailoutbox) == 2
    calendar = ics_of(mailoutbox[0])
    assert calendar["METHOD"] == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["UID"]) == booking_uid(paid)


def test_paid_and_declined_emails(paid, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        paid.decline(by=paid.teacher, message="Away")
    assert [m.to for m in mailoutbox] == [[paid.student.email]]
    assert "refunded" in mailoutbox[0].body


def test_reminders_are_sent_exactly_once(paid, django_capture_on_commit_callbacks, mailoutbox):
    paid.confirm(by=paid.teacher)
    now = paid.start - timedelta(hours=23)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(now=now) == 1
        assert send_reminders(now=now) == 0
        assert send_reminders(now=now + timedelta(hours=1)) == 0
    assert len(mailoutbox) == 2
    assert all("Reminder" in m.subject for m in mailoutbox)
    paid.refresh_from_db()
    assert paid.reminder_sent_at == now


def test_reminders_wait_until_24_hours_before(paid):
    paid.confirm(by=paid.teacher)
    assert send_reminders(now=paid.start - timedelta(hours=25)) == 0


def test_expire_holds_is_idempotent(available_teacher, student, future_slot):
    booking = hold_slot(student, available_teacher, future_slot)
    later = booking.hold_expires_at
    assert expire_holds(now=later) == 1
    assert expire_holds(now=later) == 0
    booking.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED
    assert booking.events.last().by is None


def test_complete_lessons_records_unmarked_lessons_as_held_48_hours_after_the_end(paid):
    paid.confirm(by=paid.teacher)
    assert complete_lessons(now=paid.end) == 0
    assert complete_lessons(now=paid.end + timedelta(hours=48) - timedelta(minutes=1)) == 0
    assert complete_lessons(now=paid.end + timedelta(hours=48)) == 1
    assert complete_lessons(now=paid.end + timedelta(hours=49)) == 0
    paid.refresh_from_db()
    assert paid.status == BookingStatus.COMPLETED
    assert paid.outcome == "held"
    assert paid.events.last().by is None


def test_scheduled_commands_expire_holds_complete_lessons_and_send_reminders(
    teacher, student, django_capture_on_commit_callbacks
):
    now = timezone.now()
    stale_hold = BookingFactory(
        held=True, teacher=teacher, student=student, hold_expires_at=now - timedelta(minutes=1)
    )
    finished = BookingFactory(
        confirmed=True, teacher=teacher, student=student, start=now - timedelta(hours=50)
    )
    tomorrow = BookingFactory(
        confirmed=True, teacher=teacher, student=student, start=now + timedelta(hours=20)
    )
    outputs = {}
    with django_capture_on_commit_callbacks(execute=True):
        for command in ("expire_holds", "complete_lessons", "send_reminders"):
            out = io.StringIO()
            call_command(command, stdout=out)
            outputs[command] = out.getvalue()

    assert outputs == {
        "expire_holds": "expire_holds: 1 booking(s) changed.\n",
        "complete_lessons": "complete_lessons: 1 booking(s) changed.\n",
        "send_reminders": "send_reminders: 1 booking(s) handled.\n",
    }
    stale_hold.refresh_from_db()
    finished.refresh_from_db()
    tomorrow.refresh_from_db()
    assert stale_hold.status == BookingStatus.EXPIRED
    assert finished.status == BookingStatus.COMPLETED
    assert tomorrow.reminder_sent_at is not None


def test_calendar_feed_lists_the_users_lessons_and_can_be_revoked(client, paid, student):
    client.force_login(student)
    client.post(reverse("booking:calendar_token"), {"action": "regenerate"})
    token = CalendarToken.objects.get(user=student).token
    make_booking(paid.teacher, paid.teacher, paid.start + timedelta(days=30))  # someone else's
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [booking_uid(paid)]

    client.post(reverse("booking:calendar_token"), {"action": "regenerate"})
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    new_token = CalendarToken.objects.get(user=student).token
    client.post(reverse("booking:calendar_token"), {"action": "revoke"})
    assert client.get(f"/calendar/{new_token}.ics").status_code == 404


def test_bookings_are_in_the_users_data_export(paid, student):
    rows = exporters()["bookings"](student)
    assert [r["id"] for r in rows] == [paid.pk]
    assert [h["to"] for h in rows[0]["history"]] == ["held", "paid"]
    assert exporters()["bookings"](paid.teacher)[0]["role"] == "teacher"


def test_hold_time_left(paid):
    paid.status = BookingStatus.HELD
    paid.hold_expires_at = timezone.now() + timedelta(minutes=10)
    assert 9 <= paid.hold_minutes_left <= 10
