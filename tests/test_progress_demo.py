"""The demo has a held lesson with published notes, homework and a worksheet, a student
with a level history (placement, then their teacher's changes), and placement questions
with one right answer each; loading twice adds none of them again."""

import pytest
from django.core.management import call_command

from accounts.models import LevelRecord, PlacementQuestion
from booking.models import LessonNote
from booking.notes.rules import lesson_was_held

pytestmark = pytest.mark.django_db
DEMO_STUDENT = "student@petittalk.example"


def test_the_demo_has_notes_levels_and_a_placement_quiz(django_capture_on_commit_callbacks, client):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0)
        call_command("load_demo", verbosity=0)
    [note] = LessonNote.objects.select_related("booking__student")
    assert note.booking.student.email == DEMO_STUDENT
    assert lesson_was_held(note.booking)
    assert note.is_published and note.homework and note.attachment_type == "image/png"

    records = LevelRecord.objects.filter(student__email=DEMO_STUDENT)
    assert {r.source for r in records} == {"placement", "teacher"}
    assert records.count() == 8

    questions = list(PlacementQuestion.objects.active().prefetch_related("answers"))
    assert len(questions) >= 6
    for question in questions:
        assert sum(a.is_correct for a in question.answers.all()) == 1, question

    client.force_login(note.booking.student)
    assert client.get(f"/bookings/{note.booking_id}/notes/attachment/").status_code == 200
    assert "Les jours" not in client.get("/bookings/").content.decode()  # in the file only
