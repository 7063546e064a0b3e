"""After a held lesson its teacher writes notes and homework from the dashboard (draft or
published), with the student's changed levels; the student reads them in My bookings and on
the lesson's page and gets one email per note, at its first publication."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.factories import LevelRecordFactory, StudentFactory, TeacherFactory
from accounts.models import LevelRecord
from booking.factories import BookingFactory, LessonNoteFactory
from booking.models import Booking, LessonNote
from booking.notes.markup import render_markup
from booking.notes.rules import held_lessons, lesson_was_held
from booking.notes.services import NotesNotAllowed, save_note

pytestmark = pytest.mark.django_db


def edit_url(booking):
    return f"/teacher/lessons/{booking.pk}/notes/"


@pytest.fixture
def lesson():
    """A completed lesson three days ago."""
    return BookingFactory(completed=True)


def note_email(mailoutbox):
    return [m for m in mailoutbox if "notes from your lesson" in m.subject]


# When a lesson takes notes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("traits", "days", "held"),
    [
        ({"completed": True}, -3, True),
        ({"confirmed": True}, -3, True),  # not yet marked completed by the scheduler
        ({"confirmed": True}, 3, False),
        ({"paid": True}, -3, False),
        ({"cancelled": True}, -3, False),
        ({"declined": True}, -3, False),
    ],
)
def test_a_lesson_is_held_once_confirmed_or_completed_and_over(traits, days, held):
    booking = BookingFactory(**traits, days_from_now=days)
    assert lesson_was_held(booking) is held
    assert Booking.objects.filter(held_lessons(), pk=booking.pk).exists() is held


def test_notes_cannot_be_written_before_the_lesson_is_over(client):
    booking = BookingFactory(confirmed=True)
    with pytest.raises(NotesNotAllowed):
        save_note(booking, booking.teacher, notes="Too early")
    client.force_login(booking.teacher)
    response = client.get(edit_url(booking))
    assert response["Location"] == "/teacher/"
    assert not LessonNote.objects.exists()


# Writing ---------------------------------------------------------------------------------


def test_the_teacher_publishes_notes_with_homework_and_the_student_is_emailed_once(
    client, lesson, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(lesson.teacher)
    assert client.get(edit_url(lesson)).status_code == 200
    data = {"notes": "Greetings and **être**.", "homework": "- Exercise 3\n- Exercise 4"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(lesson), {**data, "publish": "1"})
    assert response["Location"] == f"/bookings/{lesson.pk}/notes/"
    note = LessonNote.objects.get(booking=lesson)
    assert note.is_published and note.notified_at is not None and note.author == lesson.teacher
    [email] = note_email(mailoutbox)
    assert email.to == [lesson.student.email]
    assert f"/bookings/{lesson.pk}/notes/" in email.body
    assert "and homework" in email.subject

    # Editing the published note (even pressing publish again) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(lesson), {**data, "notes": "Edited", "publish": "1"})
        client.post(edit_url(lesson), {**data, "notes": "Edited again", "draft": "1"})
    note.refresh_from_db()
    assert note.notes == "Edited again"
    assert note.is_published  # a published note stays published
    assert len(note_email(mailoutbox)) == 1


def test_a_draft_sends_nothing_until_it_is_published(
    client, lesson, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(lesson.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(lesson), {"notes": "Draft", "draft": "1"})
    note = LessonNote.objects.get(booking=lesson)
    assert not note.is_published and note.notified_at is None
    assert note_email(mailoutbox) == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(lesson), {"notes": "Final", "publish": "1"})
    assert len(note_email(mailoutbox)) == 1


def test_publishing_twice_from_the_service_emails_once(
    lesson, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save_note(lesson, lesson.teacher, notes="One", publish=True)
        save_note(lesson, lesson.teacher, notes="Two", publish=True)
    assert len(note_email(mailoutbox)) == 1
    assert LessonNote.objects.count() == 1


def test_notes_are_required_and_an_empty_form_is_a_message(client, lesson):
    client.force_login(lesson.teacher)
    response = client.post(edit_url(lesson), {"notes": "", "publish": "1"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_the_note_form_records_the_levels_that_changed(client, lesson):
    LevelRecordFactory(student=lesson.student, skill="speaking", level="A2")
    client.force_login(lesson.teacher)
    page = client.get(edit_url(lesson)).content.decode()
    assert "No change (now A2)" in page
    client.post(
        edit_url(lesson),
        {"notes": "Good", "level_speaking": "A2", "level_listening": "B1", "publish": "1"},
    )
    [new] = LevelRecord.objects.filter(recorded_by=lesson.teacher)
    assert (new.student, new.skill, new.level) == (lesson.student, "listening", "B1")
    assert LevelRecord.objects.filter(student=lesson.student, skill="speaking").count() == 1


def test_a_bad_level_is_a_message(client, lesson):
    client.force_login(lesson.teacher)
    response = client.post(edit_url(lesson), {"notes": "x", "level_reading": "Z9"})
    assert response.status_code == 400
    assert not LessonNote.objects.exists()


def test_another_teacher_cannot_write_the_notes(client, lesson):
    client.force_login(TeacherFactory())
    assert client.get(edit_url(lesson)).status_code == 404
    assert client.post(edit_url(lesson), {"notes": "Mine", "publish": "1"}).status_code == 404
    client.force_login(lesson.student)
    assert client.get(edit_url(lesson)).status_code == 403
    assert not LessonNote.objects.exists()


# Reading ---------------------------------------------------------------------------------


def test_my_bookings_shows_the_published_homework_and_a_link_to_the_notes(client):
    note = LessonNoteFactory()
    client.force_login(note.booking.student)
    page = client.get("/bookings/").content.decode()
    assert "<li>Learn the days of the week</li>" in page
    assert f'href="/bookings/{note.booking.pk}/notes/"' in page


def test_my_bookings_hides_a_draft(client):
    note = LessonNoteFactory(published_at=None, notified_at=None, homework="Secret draft")
    client.force_login(note.booking.student)
    page = client.get("/bookings/").content.decode()
    assert "Secret draft" not in page
    assert f"/bookings/{note.booking.pk}/notes/" not in page


def test_the_lesson_page_shows_notes_and_homework_as_rich_text(client):
    note = LessonNoteFactory()
    client.force_login(note.booking.student)
    page = client.get(f"/bookings/{note.booking.pk}/notes/").content.decode()
    assert "<strong>greetings</strong>" in page
    assert "<em>être</em>" in page
    assert "<ul><li>Learn the days of the week</li>" in page


def test_the_dashboard_offers_notes_for_held_lessons_only(client):
    teacher = TeacherFactory()
    held = BookingFactory(teacher=teacher, completed=True)
    coming = BookingFactory(teacher=teacher, confirmed=True)
    written = LessonNoteFactory(booking__teacher=teacher).booking
    client.force_login(teacher)
    page = client.get("/teacher/").content.decode()
    assert f'href="{edit_url(held)}"' in page
    assert f'href="{edit_url(coming)}"' not in page
    assert f'href="/bookings/{written.pk}/notes/"' in page


def test_the_teacher_records_levels_from_the_students_page(client, lesson):
    url = f"/teacher/students/{lesson.student.profile.public_slug}/"
    client.force_login(lesson.teacher)
    page = client.get(url).content.decode()
    assert "No level has been recorded yet." in page
    response = client.post(url, {"level_writing": "B1"})
    assert response["Location"] == url
    assert LevelRecord.objects.get(student=lesson.student).level == "B1"
    assert "<svg" in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 400  # nothing chosen: a message


def test_a_teacher_without_lessons_with_the_student_gets_no_student_page(client, lesson):
    url = f"/teacher/students/{lesson.student.profile.public_slug}/"
    client.force_login(TeacherFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"level_writing": "C2"}).status_code == 404
    held_only = BookingFactory(held=True, student=StudentFactory())
    client.force_login(held_only.teacher)
    assert (
        client.get(f"/teacher/students/{held_only.student.profile.public_slug}/").status_code == 404
    )


# The markup ------------------------------------------------------------------------------


def test_the_markup_escapes_html_and_allows_only_its_own_tags():
    html = render_markup(
        "<script>alert(1)</script> **bold** <img src=x onerror=alert(1)>\n\n"
        "- one\n- two\n\n1. first\n2. second\n\n"
        'See https://example.com/a_b?x=1&y="2" now. javascript:alert(1)'
    )
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert "<strong>bold</strong>" in html
    assert "<ul><li>one</li><li>two</li></ul>" in html
    assert "<ol><li>first</li><li>second</li></ol>" in html
    assert '<a href="https://example.com/a_b?x=1&amp;y=" rel="nofollow noopener">' in html
    assert 'href="javascript' not in html


def test_the_markup_keeps_line_breaks_and_paragraphs():
    assert render_markup("a\nb\n\nc") == "<p>a<br>b</p><p>c</p>"
    assert render_markup("") == ""


def test_lessons_are_still_listed_when_old(client):
    old = BookingFactory(completed=True, days_from_now=-200)
    LessonNoteFactory(booking=old)
    client.force_login(old.teacher)
    assert client.get(f"/bookings/{old.pk}/notes/").status_code == 200
    assert timezone.now() - old.end > timedelta(days=100)


# Personal data ---------------------------------------------------------------------------


def test_notes_and_levels_are_in_the_students_data_and_erased_with_the_account(
    client, django_capture_on_commit_callbacks
):
    from accounts.services import erase_user

    note = LessonNoteFactory()
    student = note.booking.student
    LevelRecordFactory(student=student, level="B1")
    client.force_login(student)
    data = client.get("/profile/data/").json()
    assert data["lesson_notes"][0]["homework"] == note.homework
    assert data["levels"][0]["level"] == "B1"
    assert data["placement_attempts"] == []
    with django_capture_on_commit_callbacks(execute=True):
        erase_user(student)
    assert not LessonNote.objects.exists()
    assert not LevelRecord.objects.filter(student=student).exists()
