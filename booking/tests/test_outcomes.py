"""Lesson outcomes (issue 15.3): each outcome is a row of the status table (who may, from
which state, from the lesson's end, its effects); recording one stores it on the lesson with
its time, a history line and the right emails; unmarked lessons are held 48 hours after
their end; a technical problem's free move does not count against the moves; only held
lessons can be reviewed."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.factories import StudentFactory, TeacherFactory
from booking.exceptions import InvalidTransition
from booking.factories import BookingFactory
from booking.models import Booking, BookingStatus, LessonOutcome
from booking.reviews.models import LessonReview
from booking.reviews.views import review_problem
from booking.services import complete_lessons, reschedule_booking
from booking.transitions import (
    BONUS_CREDIT,
    EMAILS,
    OUTCOME_TRANSITIONS,
    REFUND,
    TRANSITIONS,
    allowed_transitions,
    outcome_window_over,
)

from .conftest import another_slot

pytestmark = pytest.mark.django_db

MARKS = tuple(OUTCOME_TRANSITIONS.values())


@pytest.fixture
def ended(available_teacher, student):
    """A confirmed lesson of the available teacher that ended an hour ago."""
    return BookingFactory(ended=True, teacher=available_teacher, student=student)


def emails_to(mailoutbox, user):
    return [message for message in mailoutbox if message.to == [user.email]]


# The table ------------------------------------------------------------------------------


def test_every_outcome_is_a_row_from_confirmed_after_the_end_by_the_teacher_or_an_admin():
    for outcome, name in OUTCOME_TRANSITIONS.items():
        row = TRANSITIONS[name]
        assert row.sources == (BookingStatus.CONFIRMED,)
        assert row.outcome == outcome
        assert row.when.__name__ == "after_the_end"
        assert {may.__name__ for may in row.may} == {"teacher_owner", "staff"}
        assert EMAILS in row.effects
        assert row.admin_label
    assert TRANSITIONS["mark_held"].target == BookingStatus.COMPLETED
    assert TRANSITIONS["mark_student_no_show"].target == BookingStatus.MISSED
    assert TRANSITIONS["mark_technical_problem"].target == BookingStatus.MISSED
    no_show = TRANSITIONS["mark_teacher_no_show"]
    assert no_show.target == BookingStatus.CANCELLED
    assert set(no_show.effects) == {EMAILS, REFUND, BONUS_CREDIT}
    assert REFUND not in TRANSITIONS["mark_student_no_show"].effects  # the lesson is spent
    auto = TRANSITIONS["complete"]
    assert auto.outcome == LessonOutcome.HELD and auto.when is outcome_window_over
    assert [may.__name__ for may in auto.may] == ["system"]


def test_the_settling_rows_start_from_their_own_outcome():
    refund = TRANSITIONS["refund_technical_problem"]
    assert refund.outcomes == (LessonOutcome.TECHNICAL_PROBLEM,)
    assert REFUND in refund.effects and refund.target == BookingStatus.CANCELLED
    move = TRANSITIONS["reschedule_technical_problem"]
    assert move.outcomes == (LessonOutcome.TECHNICAL_PROBLEM,) and move.target == BookingStatus.PAID
    dispute = TRANSITIONS["refund_after_dispute"]
    assert dispute.outcomes == (LessonOutcome.STUDENT_NO_SHOW,)
    assert [may.__name__ for may in dispute.may] == ["staff"] and REFUND in dispute.effects


def test_who_may_record_an_outcome_and_when(ended, admin_user, editor):
    teacher, student = ended.teacher, ended.student
    assert set(MARKS) <= set(allowed_transitions(ended, teacher))
    assert set(MARKS) <= set(allowed_transitions(ended, admin_user))
    for outsider in (student, TeacherFactory(), StudentFactory(), editor):
        assert not set(MARKS) & set(allowed_transitions(ended, outsider))
    before_the_end = ended.end - timedelta(minutes=1)
    assert not set(MARKS) & set(allowed_transitions(ended, teacher, now=before_the_end))
    with pytest.raises(PermissionDenied):
        ended.record_outcome(LessonOutcome.HELD, by=student)
    with pytest.raises(PermissionDenied):
        ended.record_outcome(LessonOutcome.HELD, by=TeacherFactory())


def test_an_outcome_is_recorded_only_after_the_end(available_teacher, student):
    coming = BookingFactory(confirmed=True, teacher=available_teacher, student=student)
    with pytest.raises(InvalidTransition, match="after it has ended"):
        coming.record_outcome(LessonOutcome.STUDENT_NO_SHOW, by=available_teacher)
    coming.refresh_from_db()
    assert coming.status == BookingStatus.CONFIRMED and coming.outcome == ""


@pytest.mark.parametrize("status", ["paid", "completed", "cancelled", "missed"])
def test_an_outcome_is_recorded_only_for_a_confirmed_lesson(available_teacher, student, status):
    lesson = BookingFactory(status=status, teacher=available_teacher, student=student, ended=True)
    with pytest.raises(InvalidTransition):
        lesson.record_outcome(LessonOutcome.HELD, by=available_teacher)


def test_an_outcome_is_recorded_once(ended):
    ended.record_outcome(LessonOutcome.HELD, by=ended.teacher)
    with pytest.raises(InvalidTransition, match="completed"):
        ended.record_outcome(LessonOutcome.TEACHER_NO_SHOW, by=ended.teacher)


def test_an_unknown_outcome_is_refused_with_a_sentence(ended):
    with pytest.raises(InvalidTransition, match="choose what happened"):
        ended.record_outcome("party", by=ended.teacher)


# Each outcome ---------------------------------------------------------------------------


def test_held_completes_the_lesson_and_invites_a_review(
    ended, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ended.record_outcome(LessonOutcome.HELD, by=ended.teacher, note="Bravo !")
    ended.refresh_from_db()
    assert (ended.status, ended.outcome) == (BookingStatus.COMPLETED, LessonOutcome.HELD)
    assert ended.outcome_at is not None and ended.was_held
    event = ended.events.last()
    assert (event.from_status, event.to_status) == ("confirmed", "completed")
    assert event.by == ended.teacher and event.note == "Bravo !"
    (message,) = emails_to(mailoutbox, ended.student)
    assert f"/bookings/{ended.pk}/review/" in message.body
    assert not emails_to(mailoutbox, ended.teacher)
    assert message.attachments == []  # the lesson is over: no calendar file


def test_student_no_show_spends_the_lesson_and_sends_the_dispute_link(
    ended, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ended.record_outcome(LessonOutcome.STUDENT_NO_SHOW, by=ended.teacher)
    ended.refresh_from_db()
    assert ended.status == BookingStatus.MISSED and not ended.is_active
    assert ended.outcome == LessonOutcome.STUDENT_NO_SHOW
    (message,) = emails_to(mailoutbox, ended.student)
    assert f"/bookings/{ended.pk}/dispute/" in message.body
    assert "not refunded" in message.body


def test_teacher_no_show_cancels_and_tells_both_sides(
    ended, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ended.record_outcome(LessonOutcome.TEACHER_NO_SHOW, by=ended.teacher)
    ended.refresh_from_db()
    assert (ended.status, ended.outcome) == (BookingStatus.CANCELLED, "teacher_no_show")
    (student_mail,) = emails_to(mailoutbox, ended.student)
    assert "refunded in full" in student_mail.body and "bonus" in student_mail.body
    assert len(emails_to(mailoutbox, ended.teacher)) == 1


def test_technical_problem_sends_the_choice_page(
    ended, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ended.record_outcome(LessonOutcome.TECHNICAL_PROBLEM, by=ended.teacher)
    ended.refresh_from_db()
    assert ended.status == BookingStatus.MISSED and ended.awaits_technical_choice
    (message,) = emails_to(mailoutbox, ended.student)
    assert f"/bookings/{ended.pk}/technical-problem/" in message.body


def test_the_signal_carries_the_refund_and_bonus_credit_for_a_teacher_no_show(ended):
    from booking.signals import booking_transitioned

    seen = []

    def listen(sender, transition, **kwargs):
        seen.append((transition.name, transition.effects, kwargs["refund"]))

    booking_transitioned.connect(listen, dispatch_uid="test_outcome_listener")
    try:
        ended.record_outcome(LessonOutcome.TEACHER_NO_SHOW, by=ended.teacher)
    finally:
        booking_transitioned.disconnect(dispatch_uid="test_outcome_listener")
    assert seen == [("mark_teacher_no_show", (EMAILS, REFUND, BONUS_CREDIT), True)]


# Technical problem: the student's one choice ---------------------------------------------


@pytest.fixture
def spoiled(ended):
    ended.record_outcome(LessonOutcome.TECHNICAL_PROBLEM, by=ended.teacher)
    return ended


def test_technical_refund_is_the_students_choice_once(spoiled, admin_user):
    with pytest.raises(PermissionDenied):
        spoiled.refund_technical_problem(by=spoiled.teacher)
    spoiled.refund_technical_problem(by=spoiled.student)
    spoiled.refresh_from_db()
    assert spoiled.status == BookingStatus.CANCELLED
    assert spoiled.outcome == LessonOutcome.TECHNICAL_PROBLEM  # what happened stays recorded
    with pytest.raises(InvalidTransition):
        spoiled.refund_technical_problem(by=spoiled.student)
    with pytest.raises(InvalidTransition):
        reschedule_booking(spoiled, another_slot(spoiled), by=spoiled.student)


def test_free_move_after_a_technical_problem_does_not_count_against_the_moves(
    spoiled, site_settings, mailoutbox, django_capture_on_commit_callbacks
):
    site_settings.max_reschedules = 0  # moves are switched off; the free one still works
    site_settings.save()
    Booking.objects.filter(pk=spoiled.pk).update(reschedule_count=0)
    new_start = another_slot(spoiled)
    with django_capture_on_commit_callbacks(execute=True):
        reschedule_booking(spoiled, new_start, by=spoiled.student)
    spoiled.refresh_from_db()
    assert spoiled.start == new_start and spoiled.status == BookingStatus.PAID
    assert spoiled.reschedule_count == 0
    assert spoiled.outcome == "" and spoiled.outcome_at is None  # the lesson is to come again
    assert "technical problem" in spoiled.events.last().note
    assert len(emails_to(mailoutbox, spoiled.student)) == 1  # the move's email, with the .ics
    with pytest.raises(InvalidTransition):
        spoiled.refund_technical_problem(by=spoiled.student)  # the choice was made


def test_a_technical_problem_cannot_be_moved_by_another_student(spoiled):
    with pytest.raises(PermissionDenied):
        reschedule_booking(spoiled, another_slot(spoiled), by=StudentFactory())


# The 48-hour rule -------------------------------------------------------------------------


def test_unmarked_lessons_become_held_48_hours_after_their_end(
    available_teacher, student, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    old = BookingFactory(
        confirmed=True, teacher=available_teacher, student=student, start=now - timedelta(hours=50)
    )
    recent = BookingFactory(
        confirmed=True, teacher=available_teacher, student=student, start=now - timedelta(hours=40)
    )
    marked = BookingFactory(
        confirmed=True, teacher=available_teacher, student=student, start=now - timedelta(hours=60)
    )
    marked.record_outcome(LessonOutcome.STUDENT_NO_SHOW, by=available_teacher)
    with django_capture_on_commit_callbacks(execute=True):
        assert complete_lessons(now=now) == 1
    for lesson in (old, recent, marked):
        lesson.refresh_from_db()
    assert (old.status, old.outcome) == (BookingStatus.COMPLETED, LessonOutcome.HELD)
    assert old.events.last().by is None
    assert recent.status == BookingStatus.CONFIRMED and recent.outcome == ""
    assert marked.status == BookingStatus.MISSED
    assert len(emails_to(mailoutbox, student)) == 1  # the held email of the old lesson
    assert complete_lessons(now=now) == 0


# Reviews ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "outcome",
    [
        LessonOutcome.STUDENT_NO_SHOW,
        LessonOutcome.TEACHER_NO_SHOW,
        LessonOutcome.TECHNICAL_PROBLEM,
    ],
)
def test_only_held_lessons_can_be_reviewed(ended, outcome, client):
    ended.record_outcome(outcome, by=ended.teacher)
    ended.refresh_from_db()
    assert review_problem(ended)
    client.force_login(ended.student)
    response = client.get(f"/bookings/{ended.pk}/review/")
    assert response.status_code == 403
    assert "recorded as held" in response.content.decode()


def test_a_held_lesson_can_be_reviewed_and_counts_in_the_rating(ended, client):
    ended.record_outcome(LessonOutcome.HELD, by=ended.teacher)
    client.force_login(ended.student)
    assert client.get(f"/bookings/{ended.pk}/review/").status_code == 200
    LessonReview.objects.create(booking=ended, rating=5, status="approved")
    assert list(LessonReview.objects.verified()) == [ended.review]


def test_a_review_of_a_lesson_not_held_does_not_count(available_teacher, student):
    missed = BookingFactory(
        status=BookingStatus.COMPLETED, teacher=available_teacher, student=student, ended=True
    )  # completed without the "held" outcome: not a verified lesson
    LessonReview.objects.create(booking=missed, rating=1, status="approved")
    assert not LessonReview.objects.verified().exists()
