"""One status table (booking.transitions.TRANSITIONS) says, for every transition, from which
states, to which state, who may make it and which side effects it fires. The model methods,
the admin actions and the side effects (emails, refunds) all read it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.factories import StudentFactory, TeacherFactory
from booking.exceptions import InvalidTransition
from booking.models import BookingStatus
from booking.services import hold_slot
from booking.signals import booking_transitioned
from booking.transitions import EMAILS, REFUND, TRANSITIONS, allowed_transitions


@pytest.fixture
def held(available_teacher, student, future_slot):
    return hold_slot(student, available_teacher, future_slot, "Goal")


@pytest.fixture
def paid(held):
    return held.mark_paid()


def test_the_table_says_who_may_do_what_from_which_state(paid, admin_user, editor):
    teacher, student = paid.teacher, paid.student
    assert {"confirm", "decline"} <= set(allowed_transitions(paid, teacher))
    assert "cancel" not in allowed_transitions(paid, teacher)
    assert "cancel" in allowed_transitions(paid, student)
    assert not {"confirm", "decline"} & set(allowed_transitions(paid, student))
    assert {"confirm", "decline", "cancel"} <= set(allowed_transitions(paid, admin_user))
    for outsider in (StudentFactory(), TeacherFactory(), editor):
        assert allowed_transitions(paid, outsider) == []
    assert "complete" not in allowed_transitions(paid, None)  # paid lessons are not completed
    assert "mark_held" not in allowed_transitions(paid, teacher)  # nor marked held


def test_every_transition_names_its_states_and_effects():
    targets = {name: t.target for name, t in TRANSITIONS.items()}
    assert targets["mark_paid"] == BookingStatus.PAID
    assert TRANSITIONS["mark_paid"].sources == (BookingStatus.HELD, BookingStatus.EXPIRED)
    assert REFUND in TRANSITIONS["decline"].effects and EMAILS in TRANSITIONS["decline"].effects
    assert REFUND in TRANSITIONS["cancel"].effects
    assert TRANSITIONS["expire"].effects == ()


def test_admin_offers_exactly_the_actions_the_table_allows(client, admin_user, paid):
    client.force_login(admin_user)
    page = client.get(f"/admin/bookings/inspect/{paid.pk}/").content.decode()
    offered = {name for name in TRANSITIONS if f"/admin/bookings/action/{paid.pk}/{name}/" in page}
    admin_actions = {name for name, t in TRANSITIONS.items() if t.admin_label}
    assert offered == set(allowed_transitions(paid, admin_user)) & admin_actions
    assert offered == {"confirm", "decline", "cancel", "reschedule"}


def test_admin_marking_a_lesson_held_is_recorded_as_the_admin(client, admin_user, paid):
    paid.confirm(by=paid.teacher)
    paid.__class__.objects.filter(pk=paid.pk).update(
        start=paid.start.replace(year=paid.start.year - 1),
        end=paid.end.replace(year=paid.end.year - 1),
    )
    client.force_login(admin_user)
    client.post(f"/admin/bookings/action/{paid.pk}/mark_held/")
    paid.refresh_from_db()
    assert paid.status == BookingStatus.COMPLETED
    assert paid.outcome == "held"
    assert paid.events.last().by == admin_user


def test_emails_are_a_receiver_of_booking_transitioned_like_refunds(
    paid, django_capture_on_commit_callbacks, mailoutbox
):
    """Disconnecting the email receiver silences a transition's emails: they are a side
    effect of the signal, not a call hard-wired into the model."""
    assert booking_transitioned.disconnect(dispatch_uid="booking_transition_emails")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            paid.confirm(by=paid.teacher)
        assert mailoutbox == []
    finally:
        from booking.receivers import email_on_transition

        booking_transitioned.connect(email_on_transition, dispatch_uid="booking_transition_emails")
    with django_capture_on_commit_callbacks(execute=True):
        paid.cancel(by=paid.student)
    assert len(mailoutbox) == 2


def test_the_table_says_a_lesson_is_marked_only_after_its_end_and_held_by_itself_48h_later(
    paid, admin_user
):
    paid.confirm(by=paid.teacher)
    mark_held, complete = TRANSITIONS["mark_held"], TRANSITIONS["complete"]
    assert not mark_held.is_due(paid, paid.end - timedelta(minutes=1))
    assert mark_held.is_due(paid, paid.end)
    assert not complete.is_due(paid, paid.end + timedelta(hours=47, minutes=59))
    assert complete.is_due(paid, paid.end + timedelta(hours=48))
    assert "mark_held" not in allowed_transitions(paid, admin_user)
    assert "mark_held" in allowed_transitions(paid, admin_user, now=paid.end)
    assert "complete" not in allowed_transitions(paid, None, now=paid.end)
    assert "complete" not in allowed_transitions(paid, None, now=paid.end + timedelta(hours=47))
    assert "complete" in allowed_transitions(paid, None, now=paid.end + timedelta(hours=48))
    assert "complete" not in allowed_transitions(paid, admin_user, now=paid.end + timedelta(days=3))


def test_admin_is_not_offered_an_outcome_for_a_future_lesson(client, admin_user, paid):
    paid.confirm(by=paid.teacher)
    client.force_login(admin_user)
    page = client.get(f"/admin/bookings/inspect/{paid.pk}/").content.decode()
    assert "Mark as held" not in page
    assert f"/admin/bookings/action/{paid.pk}/mark_held/" not in page
    assert f"/admin/bookings/action/{paid.pk}/cancel/" in page


def test_admin_is_offered_the_outcomes_once_the_lesson_has_ended(client, admin_user, paid):
    paid.confirm(by=paid.teacher)
    paid.__class__.objects.filter(pk=paid.pk).update(
        start=timezone.now() - timedelta(hours=2), end=timezone.now() - timedelta(hours=1)
    )
    client.force_login(admin_user)
    page = client.get(f"/admin/bookings/inspect/{paid.pk}/").content.decode()
    for name in (
        "mark_held",
        "mark_student_no_show",
        "mark_teacher_no_show",
        "mark_technical_problem",
    ):
        assert f"/admin/bookings/action/{paid.pk}/{name}/" in page
    assert "Mark as held" in page
    assert f"/admin/bookings/action/{paid.pk}/complete/" not in page


def test_an_action_link_the_table_does_not_offer_explains_and_changes_nothing(
    client, admin_user, paid
):
    paid.confirm(by=paid.teacher)
    client.force_login(admin_user)
    url = f"/admin/bookings/action/{paid.pk}/mark_held/"
    for response in (client.get(url, follow=True), client.post(url, follow=True)):
        assert response.status_code == 200
        assert "only be recorded after it has ended" in response.content.decode()
        assert response.redirect_chain[-1][0] == f"/admin/bookings/inspect/{paid.pk}/"
    paid.refresh_from_db()
    assert paid.status == BookingStatus.CONFIRMED
    with pytest.raises(InvalidTransition, match="after it has ended"):
        paid.complete(by=admin_user)
