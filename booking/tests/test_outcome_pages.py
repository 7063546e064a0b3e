"""Outcome pages (issue 15.3): the teacher records what happened from the dashboard; the
student marked absent disputes it for 48 hours (afterwards the page says so); the student of
a lesson spoiled by a technical problem chooses once; admins list and decide disputes in
Wagtail; the admin dashboard counts teachers' no-shows over 90 days."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.factories import StudentFactory, TeacherFactory
from booking.factories import BookingFactory
from booking.models import Booking, BookingStatus, LessonOutcome, OutcomeDispute
from booking.outcomes.models import DisputeStatus
from booking.outcomes.services import open_dispute, teacher_no_shows

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended(teacher, student):
    return BookingFactory(ended=True, teacher=teacher, student=student)


def outcome_url(booking):
    return reverse("booking:outcome", args=[booking.pk])


def dispute_url(booking):
    return reverse("booking:outcome_dispute", args=[booking.pk])


def choice_url(booking):
    return reverse("booking:outcome_technical_problem", args=[booking.pk])


# The teacher's dashboard ------------------------------------------------------------------


def test_dashboard_lists_ended_lessons_to_mark_with_the_four_outcomes(client, ended, teacher):
    coming = BookingFactory(confirmed=True, teacher=teacher)
    client.force_login(teacher)
    response = client.get(reverse("booking:teacher_dashboard"))
    page = response.content.decode()
    assert [b.pk for b in response.context["to_mark"]] == [ended.pk]
    assert [b.pk for b in response.context["upcoming"]] == [coming.pk]
    assert "How did these lessons go?" in page
    assert f'action="{outcome_url(ended)}"' in page
    assert f'action="{outcome_url(coming)}"' not in page
    for value in LessonOutcome.values:
        assert f'id="outcome-{ended.pk}-{value}"' in page


def test_teacher_records_an_outcome_from_the_dashboard(client, ended, teacher):
    client.force_login(teacher)
    response = client.post(
        outcome_url(ended), {"outcome": "student_no_show", "note": "Waited 20 minutes."}
    )
    assert response.status_code == 302
    ended.refresh_from_db()
    assert (ended.status, ended.outcome) == (BookingStatus.MISSED, "student_no_show")
    assert ended.events.last().note == "Waited 20 minutes."
    page = client.get(reverse("booking:teacher_dashboard")).content.decode()
    assert "They can explain within 48 hours" in page
    assert "Student did not come" in page  # shown with the lesson in the history


@pytest.mark.parametrize("data", [{}, {"outcome": "party"}])
def test_a_missing_or_unknown_outcome_is_a_message(client, ended, teacher, data):
    client.force_login(teacher)
    response = client.post(outcome_url(ended), data, follow=True)
    assert response.status_code == 200
    assert "Please choose what happened" in response.content.decode()
    ended.refresh_from_db()
    assert ended.status == BookingStatus.CONFIRMED


def test_another_teacher_or_a_student_cannot_record_an_outcome(client, ended):
    client.force_login(TeacherFactory())
    assert client.post(outcome_url(ended), {"outcome": "held"}).status_code == 404
    client.force_login(ended.student)
    assert client.post(outcome_url(ended), {"outcome": "held"}).status_code == 403
    ended.refresh_from_db()
    assert ended.status == BookingStatus.CONFIRMED


def test_an_outcome_before_the_end_is_a_message(client, teacher):
    coming = BookingFactory(confirmed=True, teacher=teacher)
    client.force_login(teacher)
    response = client.post(outcome_url(coming), {"outcome": "held"}, follow=True)
    assert "only be recorded after it has ended" in response.content.decode()


# The dispute ------------------------------------------------------------------------------


@pytest.fixture
def absent(ended):
    ended.record_outcome(LessonOutcome.STUDENT_NO_SHOW, by=ended.teacher)
    ended.refresh_from_db()
    return ended


def test_student_disputes_a_no_show_within_48_hours(client, absent):
    client.force_login(absent.student)
    page = client.get(reverse("booking:my_bookings")).content.decode()
    assert dispute_url(absent) in page
    response = client.get(dispute_url(absent))
    assert response.status_code == 200
    assert "Tell us what happened" in response.content.decode()
    response = client.post(dispute_url(absent), {"explanation": "I was in the room."})
    assert response.status_code == 302
    dispute = OutcomeDispute.objects.get(booking=absent)
    assert dispute.explanation == "I was in the room." and dispute.status == DisputeStatus.OPEN
    page = client.get(reverse("booking:my_bookings")).content.decode()
    assert dispute_url(absent) not in page  # once
    response = client.post(dispute_url(absent), {"explanation": "Again."})
    assert response.status_code == 410
    assert "already sent your explanation" in response.content.decode()
    assert OutcomeDispute.objects.count() == 1


def test_an_empty_explanation_is_a_clear_error(client, absent):
    client.force_login(absent.student)
    response = client.post(dispute_url(absent), {"explanation": "   "})
    assert response.status_code == 400
    assert "Please tell us what happened." in response.content.decode()
    assert not OutcomeDispute.objects.exists()


def test_the_dispute_link_expires_after_48_hours_with_a_clear_message(client, absent):
    Booking.objects.filter(pk=absent.pk).update(
        outcome_at=timezone.now() - timedelta(hours=48, minutes=1)
    )
    client.force_login(absent.student)
    for response in (
        client.get(dispute_url(absent)),
        client.post(dispute_url(absent), {"explanation": "Too late?"}),
    ):
        assert response.status_code == 410
        assert "can no longer be disputed" in response.content.decode()
    assert not OutcomeDispute.objects.exists()
    assert dispute_url(absent) not in client.get(reverse("booking:my_bookings")).content.decode()


def test_only_the_lessons_student_sees_the_dispute_page(client, absent, ended):
    client.force_login(StudentFactory())
    assert client.get(dispute_url(absent)).status_code == 404
    client.logout()
    assert client.get(dispute_url(absent)).status_code == 302  # to the login page


def test_a_lesson_not_marked_absent_cannot_be_disputed(client, ended):
    client.force_login(ended.student)
    response = client.get(dispute_url(ended))
    assert response.status_code == 410
    assert "can be disputed" in response.content.decode()


# Admins decide ----------------------------------------------------------------------------


def test_disputes_are_listed_in_the_admin_and_an_admin_upholds_one(
    client, absent, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    dispute = open_dispute(absent, "The link did not work for me.")
    client.force_login(admin_user)
    listing = client.get("/admin/outcome_disputes/")
    assert listing.status_code == 200
    assert "The link did not work for me." in listing.content.decode()
    inspect = client.get(f"/admin/outcome_disputes/inspect/{dispute.pk}/").content.decode()
    resolve = f"/admin/outcome_disputes/resolve/{dispute.pk}/"
    assert resolve in inspect
    assert client.get(resolve).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resolve, {"decision": "uphold", "note": "The teacher waited."})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.UPHELD and dispute.resolved_by == admin_user
    absent.refresh_from_db()
    assert absent.status == BookingStatus.MISSED  # nothing changes
    (message,) = [m for m in mailoutbox if m.to == [absent.student.email]]
    assert "The teacher waited." in message.body
    again = client.post(resolve, {"decision": "refund"}, follow=True)
    assert "already decided" in again.content.decode()
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.UPHELD


def test_an_admin_refunds_a_disputed_lesson(client, absent, admin_user):
    dispute = open_dispute(absent, "Power cut in my street.")
    client.force_login(admin_user)
    client.post(f"/admin/outcome_disputes/resolve/{dispute.pk}/", {"decision": "refund"})
    dispute.refresh_from_db()
    absent.refresh_from_db()
    assert dispute.status == DisputeStatus.REFUNDED
    assert absent.status == BookingStatus.CANCELLED
    assert absent.events.last().by == admin_user


def test_editors_and_teachers_cannot_reach_the_disputes(client, absent, editor, teacher):
    dispute = open_dispute(absent, "Please check.")
    for user in (editor, teacher):
        client.force_login(user)
        for url in (
            "/admin/outcome_disputes/",
            f"/admin/outcome_disputes/resolve/{dispute.pk}/",
        ):
            assert client.get(url).status_code in (302, 403)


# The technical problem's choice -----------------------------------------------------------


@pytest.fixture
def spoiled(ended):
    ended.record_outcome(LessonOutcome.TECHNICAL_PROBLEM, by=ended.teacher)
    ended.refresh_from_db()
    return ended


def test_student_chooses_a_refund_once(client, spoiled):
    client.force_login(spoiled.student)
    assert choice_url(spoiled) in client.get(reverse("booking:my_bookings")).content.decode()
    page = client.get(choice_url(spoiled)).content.decode()
    assert "Choose a new time" in page and "Refund this lesson" in page
    assert reverse("booking:reschedule", args=[spoiled.pk]) in page
    response = client.post(choice_url(spoiled), follow=True)
    assert "refunded in full" in response.content.decode()
    spoiled.refresh_from_db()
    assert spoiled.status == BookingStatus.CANCELLED
    response = client.post(choice_url(spoiled))
    assert response.status_code == 410
    assert "You chose a refund" in response.content.decode()


def test_the_reschedule_page_offers_the_free_move(client, spoiled):
    client.force_login(spoiled.student)
    response = client.get(reverse("booking:reschedule", args=[spoiled.pk]))
    assert response.status_code == 200
    assert "does not count as one of your moves" in response.content.decode()


def test_another_student_cannot_choose(client, spoiled):
    client.force_login(StudentFactory())
    assert client.get(choice_url(spoiled)).status_code == 404
    assert client.post(choice_url(spoiled)).status_code == 404


# The admin dashboard ----------------------------------------------------------------------


def test_admin_dashboard_counts_teacher_no_shows_per_teacher_over_90_days(client, admin_user):
    often, once, long_ago = TeacherFactory(), TeacherFactory(), TeacherFactory()
    now = timezone.now()
    for teacher, days in ((often, 2), (often, 10), (once, 30), (long_ago, 100)):
        BookingFactory(
            teacher=teacher,
            status=BookingStatus.CANCELLED,
            outcome=LessonOutcome.TEACHER_NO_SHOW,
            start=now - timedelta(days=days),
        )
    BookingFactory(teacher=once, completed=True)  # held lessons do not count
    rows = teacher_no_shows()
    assert [(row["teacher_id"], row["count"]) for row in rows] == [(often.pk, 2), (once.pk, 1)]
    client.force_login(admin_user)
    page = client.get("/admin/").content.decode()
    assert "Teacher no-shows, last 90 days" in page
    assert f'<td data-teacher="{often.pk}">2</td>' in page
    assert f'data-teacher="{long_ago.pk}"' not in page


# The booking admin's actions read the same table -----------------------------------------


def test_admin_records_a_teacher_no_show_from_the_booking_admin(client, ended, admin_user):
    client.force_login(admin_user)
    url = f"/admin/bookings/action/{ended.pk}/mark_teacher_no_show/"
    assert "full refund and a bonus credit" in client.get(url).content.decode()
    response = client.post(url, {"note": "The teacher told us."})
    assert response.status_code == 302
    ended.refresh_from_db()
    assert (ended.status, ended.outcome) == (BookingStatus.CANCELLED, "teacher_no_show")
    event = ended.events.last()
    assert event.by == admin_user and event.note == "The teacher told us."


def test_admin_refunds_a_technical_problem_for_the_student(client, spoiled, admin_user):
    client.force_login(admin_user)
    page = client.get(f"/admin/bookings/inspect/{spoiled.pk}/").content.decode()
    url = f"/admin/bookings/action/{spoiled.pk}/refund_technical_problem/"
    assert url in page
    assert f"/admin/bookings/action/{spoiled.pk}/mark_held/" not in page
    client.post(url)
    spoiled.refresh_from_db()
    assert spoiled.status == BookingStatus.CANCELLED
    again = client.post(url, follow=True)
    assert "cannot be refunded" in again.content.decode()
