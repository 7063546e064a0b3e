"""Rescheduling: a paid or confirmed lesson moves, at least the cancellation notice before it
starts, to another free time of the same teacher without paying again; the old time is free
again, the teacher confirms again, both get an email with the updated .ics (same UID, higher
SEQUENCE), the history records the move, and a lesson moves at most ``max_reschedules``
times (BookingSettings). Every refusal is a sentence, never a 500."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from icalendar import Calendar

from accounts.factories import StudentFactory, TeacherFactory
from accounts.zones import format_local
from booking.exceptions import InvalidTransition, SlotTaken, SlotUnavailable
from booking.models import Booking, BookingStatus
from booking.notifications import booking_uid
from booking.services import hold_slot, reschedule_booking
from booking.transitions import EMAILS, REFUND, TRANSITIONS, allowed_transitions

from .conftest import another_slot, free_slots, make_booking


@pytest.fixture
def paid(available_teacher, student):
    first = free_slots(available_teacher, student)[0]
    return hold_slot(student, available_teacher, first, "Goal").mark_paid()


@pytest.fixture
def confirmed(paid):
    return paid.confirm(by=paid.teacher, message="See you")


def ics_of(message):
    (attachment,) = message.attachments
    return Calendar.from_ical(attachment[1]).walk("VEVENT")[0]


# The status table ---------------------------------------------------------------------------


def test_the_table_has_a_reschedule_transition_for_the_student_and_admins(confirmed, admin_user):
    transition = TRANSITIONS["reschedule"]
    assert transition.sources == (BookingStatus.PAID, BookingStatus.CONFIRMED)
    assert transition.target == BookingStatus.PAID
    assert EMAILS in transition.effects and REFUND not in transition.effects
    assert "reschedule" in allowed_transitions(confirmed, confirmed.student)
    assert "reschedule" in allowed_transitions(confirmed, admin_user)
    assert "reschedule" not in allowed_transitions(confirmed, confirmed.teacher)
    assert "reschedule" not in allowed_transitions(confirmed, StudentFactory())


# The service -------------------------------------------------------------------------------


def test_a_confirmed_lesson_moves_and_waits_for_the_teacher_again(confirmed):
    old_start, old_end = confirmed.start, confirmed.end
    new_start = another_slot(confirmed)
    moved = reschedule_booking(confirmed, new_start, by=confirmed.student)
    confirmed.refresh_from_db()
    assert moved.pk == confirmed.pk
    assert confirmed.status == BookingStatus.PAID
    assert (confirmed.start, confirmed.end) == (new_start, new_start + (old_end - old_start))
    assert confirmed.reschedule_count == 1
    assert confirmed.price_cents == 1800 and confirmed.is_active
    assert old_start in free_slots(confirmed.teacher, StudentFactory()), "the old time is free"
    assert new_start not in free_slots(confirmed.teacher, StudentFactory())


def test_the_history_records_the_move_with_both_times(confirmed):
    old_start = confirmed.start
    new_start = another_slot(confirmed)
    reschedule_booking(confirmed, new_start, by=confirmed.student)
    event = confirmed.events.last()
    assert (event.from_status, event.to_status) == (BookingStatus.CONFIRMED, BookingStatus.PAID)
    assert event.by == confirmed.student
    assert f"{old_start:%Y-%m-%d %H:%M} UTC" in event.note
    assert f"{new_start:%Y-%m-%d %H:%M} UTC" in event.note


def test_a_paid_lesson_moves_too(paid):
    reschedule_booking(paid, another_slot(paid), by=paid.student)
    paid.refresh_from_db()
    assert paid.status == BookingStatus.PAID and paid.reschedule_count == 1


def test_an_admin_may_move_a_lesson(confirmed, admin_user):
    reschedule_booking(confirmed, another_slot(confirmed), by=admin_user)
    assert confirmed.events.last().by == admin_user


@pytest.mark.parametrize("who", ["teacher", "stranger"])
def test_nobody_else_may_move_a_lesson(confirmed, who):
    by = confirmed.teacher if who == "teacher" else StudentFactory()
    with pytest.raises(PermissionDenied):
        reschedule_booking(confirmed, another_slot(confirmed), by=by)


def test_a_lesson_moves_at_most_twice_by_default(confirmed):
    for _ in range(2):
        reschedule_booking(confirmed, another_slot(confirmed), by=confirmed.student)
        confirmed.refresh_from_db()
    with pytest.raises(InvalidTransition, match="Already moved twice"):
        reschedule_booking(confirmed, another_slot(confirmed), by=confirmed.student)
    confirmed.refresh_from_db()
    assert confirmed.reschedule_count == 2


def test_the_limit_is_a_setting(confirmed, site_settings):
    site_settings.max_reschedules = 1
    site_settings.save()
    reschedule_booking(confirmed, another_slot(confirmed), by=confirmed.student)
    confirmed.refresh_from_db()
    with pytest.raises(InvalidTransition, match="Already moved once"):
        reschedule_booking(confirmed, another_slot(confirmed), by=confirmed.student)


def test_too_late_to_move_inside_the_cancellation_notice(available_teacher, student):
    soon = timezone.now() + timedelta(hours=23)
    booking = make_booking(available_teacher, student, soon, status=BookingStatus.CONFIRMED)
    target = free_slots(available_teacher, student)[0]
    with pytest.raises(InvalidTransition, match="Too late to reschedule"):
        reschedule_booking(booking, target, by=student)
    booking.refresh_from_db()
    assert booking.start == soon and booking.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize("status", [BookingStatus.HELD, BookingStatus.CANCELLED])
def test_only_paid_or_confirmed_lessons_move(available_teacher, student, status):
    start = free_slots(available_teacher, student)[0]
    booking = make_booking(
        available_teacher,
        student,
        start,
        status=status,
        hold_expires_at=timezone.now() + timedelta(minutes=30),
    )
    with pytest.raises(InvalidTransition):
        reschedule_booking(booking, another_slot(booking), by=student)


def test_the_new_time_must_be_free(confirmed):
    target = another_slot(confirmed)
    hold_slot(StudentFactory(), confirmed.teacher, target)
    with pytest.raises(SlotTaken, match="just taken"):
        reschedule_booking(confirmed, target, by=confirmed.student)
    confirmed.refresh_from_db()
    assert confirmed.status == BookingStatus.CONFIRMED and confirmed.reschedule_count == 0


def test_the_student_cannot_move_onto_another_of_their_lessons(confirmed):
    target = another_slot(confirmed)
    make_booking(TeacherFactory(), confirmed.student, target)
    with pytest.raises(SlotUnavailable):
        reschedule_booking(confirmed, target, by=confirmed.student)


@pytest.mark.parametrize(
    ("shift", "message"),
    [
        (timedelta(minutes=7), "not available"),  # off the grid
        (-timedelta(days=400), "in the past"),
        (timedelta(weeks=60), "not available"),  # beyond the horizon
    ],
)
def test_the_new_time_must_be_a_slot_the_teacher_offers(confirmed, shift, message):
    with pytest.raises(SlotUnavailable, match=message):
        reschedule_booking(confirmed, another_slot(confirmed) + shift, by=confirmed.student)


def test_outside_the_teachers_availability_is_refused(confirmed):
    night = another_slot(confirmed).replace(hour=2)  # the teacher's windows are 9-12 and 14-18
    with pytest.raises(SlotUnavailable, match="not available"):
        reschedule_booking(confirmed, night, by=confirmed.student)


def test_the_same_time_is_not_a_move(confirmed):
    with pytest.raises(SlotUnavailable, match="already"):
        reschedule_booking(confirmed, confirmed.start, by=confirmed.student)


def test_a_move_may_overlap_the_lessons_own_old_time(available_teacher, student, site_settings):
    site_settings.grid_minutes = 30
    site_settings.save()
    paris = ZoneInfo("Europe/Paris")
    nine = next(s for s in free_slots(available_teacher, student) if s.astimezone(paris).hour == 9)
    booking = make_booking(available_teacher, student, nine, status=BookingStatus.CONFIRMED)
    half_hour_later = nine + timedelta(minutes=30)
    reschedule_booking(booking, half_hour_later, by=student)
    booking.refresh_from_db()
    assert (booking.start, booking.end) == (half_hour_later, half_hour_later + timedelta(hours=1))


def test_a_lapsed_hold_on_the_new_time_does_not_block_the_move(confirmed):
    target = another_slot(confirmed)
    stale = make_booking(
        confirmed.teacher,
        StudentFactory(),
        target,
        status=BookingStatus.HELD,
        hold_expires_at=timezone.now() - timedelta(minutes=1),
    )
    reschedule_booking(confirmed, target, by=confirmed.student)
    stale.refresh_from_db()
    assert stale.status == BookingStatus.EXPIRED
    confirmed.refresh_from_db()
    assert confirmed.start == target


def test_a_move_resets_the_reminder(confirmed):
    Booking.objects.filter(pk=confirmed.pk).update(reminder_sent_at=timezone.now())
    confirmed.refresh_from_db()
    reschedule_booking(confirmed, another_slot(confirmed), by=confirmed.student)
    confirmed.refresh_from_db()
    assert confirmed.reminder_sent_at is None


# Emails and .ics --------------------------------------------------------------------------


def test_both_get_an_email_with_the_updated_ics(
    paid, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        paid.confirm(by=paid.teacher)
    before = {m.to[0]: ics_of(m) for m in mailoutbox}
    mailoutbox.clear()
    old_start = paid.start
    new_start = another_slot(paid)
    with django_capture_on_commit_callbacks(execute=True):
        reschedule_booking(paid, new_start, by=paid.student)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([paid.student.email, paid.teacher.email])
    for message in mailoutbox:
        event = ics_of(message)
        old = before[message.to[0]]
        assert str(event["UID"]) == str(old["UID"]) == booking_uid(paid)
        assert int(event["SEQUENCE"]) > int(old["SEQUENCE"])
        assert event.decoded("DTSTART") == new_start
        assert str(event["STATUS"]) == "TENTATIVE"
        assert "moved" in message.subject.lower()
    teacher_mail = next(m for m in mailoutbox if m.to == [paid.teacher.email])
    assert "confirm" in teacher_mail.body.lower()
    student_mail = next(m for m in mailoutbox if m.to == [paid.student.email])
    for mail, recipient in ((student_mail, paid.student), (teacher_mail, paid.teacher)):
        assert f"Was: {format_local(old_start, recipient)}" in mail.body
        assert f"Now: {format_local(new_start, recipient)}" in mail.body


def test_a_refused_move_sends_nothing(confirmed, django_capture_on_commit_callbacks, mailoutbox):
    target = another_slot(confirmed)
    hold_slot(StudentFactory(), confirmed.teacher, target)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SlotTaken):
        reschedule_booking(confirmed, target, by=confirmed.student)
    assert mailoutbox == []
