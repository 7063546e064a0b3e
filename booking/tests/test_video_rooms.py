"""Joining the lesson: each confirmed lesson's video room, who sees it, and when Join shows.

The rule (``Booking.video_url``): the teacher's own fixed room when their profile has one at
the time the link is shown, else the room generated once when the lesson was confirmed.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.factories import EditorFactory, StudentFactory, TeacherFactory
from booking.factories import BookingFactory
from booking.models import BookingStatus, CalendarToken
from booking.notifications import booking_ics
from booking.services import hold_slot, send_reminders

JITSI_ROOM = re.compile(r"^https://meet\.jit\.si/PetitTalk-[A-Za-z0-9_-]{22,}$")
TEACHER_ROOM = "https://zoom.example/j/1234567890"


@pytest.fixture
def paid(available_teacher, student, future_slot):
    return hold_slot(student, available_teacher, future_slot, "Goal").mark_paid()


def set_teacher_room(teacher, url):
    teacher.profile.video_room_url = url
    teacher.profile.save(update_fields=["video_room_url"])


def tomorrow():
    """A lesson start a day away, for tests that move the clock to the lesson: the factory's
    own hours drift further out with every lesson made before in the process, and a clock
    moved past the login session's two weeks would log the user out."""
    return (timezone.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)


def freeze(monkeypatch, moment):
    """Every ``timezone.now()`` (views, templates, models) answers ``moment``."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


# The room itself ---------------------------------------------------------------------------


def test_confirming_gives_the_lesson_an_unguessable_jitsi_room(paid):
    assert paid.video_room_url == ""
    assert paid.video_url == ""  # paid, not confirmed: no room yet
    paid.confirm(by=paid.teacher)
    paid.refresh_from_db()
    assert JITSI_ROOM.match(paid.video_room_url)
    assert paid.video_url == paid.video_room_url


def test_each_lesson_gets_its_own_room(available_teacher, student):
    now = timezone.now()
    from booking.slots import available_slots

    slots = available_slots(available_teacher, now, now + timedelta(days=7), viewer=student)[:3]
    rooms = set()
    for slot in slots:
        booking = hold_slot(student, available_teacher, slot).mark_paid()
        booking.confirm(by=available_teacher)
        rooms.add(booking.video_room_url)
    assert len(rooms) == 3


def test_the_room_base_url_is_a_setting(paid, settings):
    settings.VIDEO_ROOM_BASE_URL = "https://video.petittalk.example/rooms"
    paid.confirm(by=paid.teacher)
    assert re.match(
        r"^https://video\.petittalk\.example/rooms/PetitTalk-[\w-]{22,}$", paid.video_room_url
    )


def test_an_admin_confirming_also_gives_a_room(paid, admin_user):
    paid.confirm(by=admin_user, message="Confirmed for the teacher")
    assert JITSI_ROOM.match(paid.video_room_url)


def test_the_room_is_generated_once_and_kept_when_the_lesson_moves(paid):
    """A reschedule changes the time and sends the lesson back to the teacher to confirm
    again: the room stays the same."""
    paid.confirm(by=paid.teacher)
    room = paid.video_room_url
    paid.refresh_from_db()
    paid.start += timedelta(days=1)
    paid.end += timedelta(days=1)
    paid.status = BookingStatus.PAID  # awaiting the teacher's new confirmation
    paid.save()
    paid.confirm(by=paid.teacher)
    paid.refresh_from_db()
    assert paid.video_room_url == room


def test_teachers_fixed_room_wins_for_new_and_existing_lessons(paid):
    paid.confirm(by=paid.teacher)
    generated = paid.video_room_url
    set_teacher_room(paid.teacher, TEACHER_ROOM)
    paid.refresh_from_db()
    assert paid.video_url == TEACHER_ROOM
    assert paid.video_room_url == generated  # kept, in case the teacher removes theirs
    set_teacher_room(paid.teacher, "")
    paid.refresh_from_db()
    assert paid.video_url == generated


@pytest.mark.parametrize(
    "status",
    [
        BookingStatus.PAID,
        BookingStatus.CANCELLED,
        BookingStatus.DECLINED,
        BookingStatus.COMPLETED,
        BookingStatus.HELD,
    ],
)
def test_only_a_confirmed_lesson_has_a_link(teacher, student, status):
    set_teacher_room(teacher, TEACHER_ROOM)
    booking = BookingFactory(teacher=teacher, student=student, status=status)
    booking.video_room_url = "https://meet.jit.si/PetitTalk-somethingsomethingsome"
    assert booking.video_url == ""


def test_only_the_student_the_teacher_and_admins_see_the_link(
    teacher, student, other_student, admin_user
):
    booking = BookingFactory(teacher=teacher, student=student)
    assert JITSI_ROOM.match(booking.video_url)
    assert booking.video_url_for(student) == booking.video_url
    assert booking.video_url_for(teacher) == booking.video_url
    assert booking.video_url_for(admin_user) == booking.video_url
    from django.contrib.auth.models import AnonymousUser

    for outsider in (other_student, TeacherFactory(), EditorFactory(), AnonymousUser(), None):
        assert booking.video_url_for(outsider) == ""


def test_join_opens_15_minutes_before_the_start_and_closes_at_the_end(teacher, student):
    booking = BookingFactory(teacher=teacher, student=student)
    opens = booking.start - timedelta(minutes=15)
    assert booking.join_opens_at == opens
    assert not booking.is_joinable(now=opens - timedelta(seconds=1))
    assert booking.is_joinable(now=opens)
    assert booking.is_joinable(now=booking.end - timedelta(seconds=1))
    assert not booking.is_joinable(now=booking.end)
    booking.status = BookingStatus.CANCELLED
    assert not booking.is_joinable(now=opens)


# Emails and calendar files -----------------------------------------------------------------


def the_event(ics_bytes):
    (event,) = Calendar.from_ical(ics_bytes).walk("VEVENT")
    return event


def test_confirmation_and_reminder_emails_and_their_ics_carry_the_room(
    paid, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        paid.confirm(by=paid.teacher)
    paid.refresh_from_db()
    room = paid.video_room_url
    assert len(mailoutbox) == 2
    assert all(room in message.body for message in mailoutbox)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(now=paid.start - timedelta(hours=2)) == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted([paid.student.email, paid.teacher.email])
    for message in mailoutbox:
        assert "Reminder" in message.subject
        assert f"Join the lesson: {room}" in message.body
        assert "15 minutes before" in message.body
        (attachment,) = message.attachments
        event = the_event(attachment[1])
        assert str(event["LOCATION"]) == room
        assert str(event["URL"]) == room


def test_reminder_carries_the_teachers_fixed_room(
    paid, django_capture_on_commit_callbacks, mailoutbox
):
    paid.confirm(by=paid.teacher)
    set_teacher_room(paid.teacher, TEACHER_ROOM)
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(now=paid.start - timedelta(hours=2))
    assert all(TEACHER_ROOM in m.body for m in mailoutbox)
    assert all(paid.video_room_url not in m.body for m in mailoutbox)


def test_ics_of_a_lesson_without_a_room_has_no_location(paid):
    event = the_event(booking_ics(paid, attendee=paid.student))
    assert "LOCATION" not in event and "URL" not in event
    paid.confirm(by=paid.teacher)
    event = the_event(booking_ics(paid, "CANCEL", attendee=paid.student))
    assert str(event["LOCATION"]) == paid.video_room_url  # CANCEL of a confirmed lesson


def test_cancellation_email_has_no_join_link(paid, django_capture_on_commit_callbacks, mailoutbox):
    paid.confirm(by=paid.teacher)
    room = paid.video_room_url
    with django_capture_on_commit_callbacks(execute=True):
        paid.cancel(by=paid.student)
    assert len(mailoutbox) == 2
    assert all(room not in m.body for m in mailoutbox)


def test_calendar_feed_events_carry_the_room(client, teacher, student):
    booking = BookingFactory(teacher=teacher, student=student)
    client.force_login(student)
    client.post(reverse("booking:calendar_token"), {"action": "regenerate"})
    token = CalendarToken.objects.get(user=student).token
    (event,) = Calendar.from_ical(client.get(f"/calendar/{token}.ics").content).walk("VEVENT")
    assert str(event["LOCATION"]) == booking.video_url
    assert str(event["URL"]) == booking.video_url


# Pages -------------------------------------------------------------------------------------


def card_of(html, booking):
    """The HTML of ``booking``'s card on a page."""
    match = re.search(
        rf'<li class="card booking-card" data-booking="{booking.pk}">(.*?)</li>', html, re.S
    )
    assert match, f"no card for lesson {booking.pk}"
    return match.group(1)


JOIN_BUTTON = re.compile(
    r'<a class="button button--primary booking-room__join" href="(?P<url>[^"]+)" '
    r'target="_blank" rel="noopener">Join the lesson'
)


def test_my_bookings_shows_join_from_15_minutes_before_the_start(
    client, teacher, student, monkeypatch
):
    booking = BookingFactory(teacher=teacher, student=student, start=tomorrow())
    client.force_login(student)
    url = reverse("booking:my_bookings")

    freeze(monkeypatch, booking.start - timedelta(minutes=15, seconds=1))
    card = card_of(client.get(url).content.decode(), booking)
    assert not JOIN_BUTTON.search(card)
    assert "Join link opens 15 minutes before the lesson" in card
    assert f'href="{booking.video_url}" target="_blank" rel="noopener"' in card

    freeze(monkeypatch, booking.start - timedelta(minutes=15))
    card = card_of(client.get(url).content.decode(), booking)
    assert JOIN_BUTTON.search(card)["url"] == booking.video_url
    assert "Join link opens" not in card

    freeze(monkeypatch, booking.end - timedelta(minutes=1))  # still joinable during the lesson
    assert JOIN_BUTTON.search(card_of(client.get(url).content.decode(), booking))


def test_teacher_dashboard_shows_join_and_the_message_they_sent(client, paid, monkeypatch):
    client.force_login(paid.teacher)  # the teacher confirms on the page, with a message
    client.post(reverse("booking:confirm", args=[paid.pk]), {"message": "Bring your questions"})
    paid.refresh_from_db()
    url = reverse("booking:teacher_dashboard")

    card = card_of(client.get(url).content.decode(), paid)
    assert "Message sent to" in card and "Bring your questions" in card
    assert "Join link opens 15 minutes before the lesson" in card
    assert not JOIN_BUTTON.search(card)

    freeze(monkeypatch, paid.start - timedelta(minutes=5))
    card = card_of(client.get(url).content.decode(), paid)
    assert JOIN_BUTTON.search(card)["url"] == paid.video_room_url


def test_teacher_dashboard_shows_the_message_sent_with_a_decline(client, paid):
    client.force_login(paid.teacher)
    client.post(reverse("booking:decline", args=[paid.pk]), {"message": "I am away that week"})
    card = card_of(client.get(reverse("booking:teacher_dashboard")).content.decode(), paid)
    assert "Declined" in card and "I am away that week" in card


def test_pages_show_the_teachers_fixed_room(client, teacher, student, monkeypatch):
    set_teacher_room(teacher, TEACHER_ROOM)
    booking = BookingFactory(teacher=teacher, student=student, start=tomorrow())
    freeze(monkeypatch, booking.start)
    for user, name in ((student, "booking:my_bookings"), (teacher, "booking:teacher_dashboard")):
        client.force_login(user)
        card = card_of(client.get(reverse(name)).content.decode(), booking)
        assert JOIN_BUTTON.search(card)["url"] == TEACHER_ROOM


def test_nobody_else_sees_a_lessons_room(client, teacher, student):
    set_teacher_room(teacher, TEACHER_ROOM)
    booking = BookingFactory(teacher=teacher, student=student)
    generated = booking.video_room_url
    other_student = StudentFactory()
    BookingFactory(teacher=teacher, student=other_student)  # their own lesson with the teacher
    client.force_login(other_student)
    page = client.get(reverse("booking:my_bookings")).content.decode()
    assert generated not in page
    other_teacher = TeacherFactory()
    client.force_login(other_teacher)
    page = client.get(reverse("booking:teacher_dashboard")).content.decode()
    assert generated not in page and TEACHER_ROOM not in page
    client.logout()
    public = client.get(reverse("accounts:teacher_detail", args=[teacher.profile.slug]))
    assert TEACHER_ROOM not in public.content.decode()


def test_a_paid_lesson_shows_its_room_once_confirmed(client, paid):
    client.force_login(paid.student)
    card = card_of(client.get(reverse("booking:my_bookings")).content.decode(), paid)
    assert "booking-room" not in card
    paid.confirm(by=paid.teacher)
    card = card_of(client.get(reverse("booking:my_bookings")).content.decode(), paid)
    assert "booking-room" in card and paid.video_room_url in card


def test_admin_inspect_shows_the_lessons_room(client, admin_user, teacher, student):
    booking = BookingFactory(teacher=teacher, student=student)
    client.force_login(admin_user)
    page = client.get(f"/admin/bookings/inspect/{booking.pk}/").content.decode()
    assert booking.video_url in page
