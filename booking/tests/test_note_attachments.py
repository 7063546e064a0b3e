"""A note's attachment is checked by its content (a complete PDF, or a JPEG/PNG/WebP image
re-encoded without its EXIF data, 10 MB at most), stored under an unguessable name in the
default storage, and served only through a checked view: the student, the lesson's teacher,
the student's other teachers and admins may download it; anyone else gets a 404 (visitors
are sent to log in), and a draft's attachment is its teacher's and the admins' only."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.factories import AdminFactory, StudentFactory, TeacherFactory
from accounts.tests.media import image_bytes, mp4_bytes
from booking.factories import BookingFactory, LessonNoteFactory
from booking.models import LessonNote
from booking.notes.uploads import ATTACHMENT_MAX_BYTES

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def edit_url(booking):
    return f"/teacher/lessons/{booking.pk}/notes/"


def attach(client, booking, upload, **extra):
    client.force_login(booking.teacher)
    return client.post(
        edit_url(booking),
        {"notes": "With a file", "publish": "1", "attachment_file": upload, **extra},
    )


@pytest.fixture
def lesson():
    return BookingFactory(completed=True)


def test_a_pdf_is_stored_under_an_unguessable_name_and_downloaded_with_its_own(client, lesson):
    response = attach(client, lesson, SimpleUploadedFile("Worksheet 3.pdf", PDF, "text/plain"))
    assert response.status_code == 302
    note = LessonNote.objects.get()
    assert note.attachment.name.startswith("lesson-notes/")
    assert "Worksheet" not in note.attachment.name
    assert default_storage.exists(note.attachment.name)
    assert (note.attachment_type, note.attachment_name) == ("application/pdf", "Worksheet_3.pdf")

    client.force_login(lesson.student)
    download = client.get(f"/bookings/{lesson.pk}/notes/attachment/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="Worksheet_3.pdf"'
    assert download["Cache-Control"] == "private, no-store"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert note.attachment.url not in client.get(f"/bookings/{lesson.pk}/notes/").content.decode()


def test_an_image_is_re_encoded_without_its_exif_data(client, lesson):
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    Image.new("RGB", (300, 200), (10, 120, 200)).save(buffer, format="JPEG", exif=exif)
    attach(client, lesson, SimpleUploadedFile("board.jpg", buffer.getvalue(), "image/jpeg"))
    note = LessonNote.objects.get()
    assert note.attachment_type == "image/jpeg"
    with note.attachment.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (300, 200)  # full size: a worksheet must stay readable
        assert not image.getexif()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\n", "incomplete or damaged"),
        ("photo.png", b"not an image at all", "Please attach a PDF or an image"),
        ("film.pdf", mp4_bytes(), "Please attach a PDF or an image"),
        ("anim.gif", image_bytes("GIF"), "Please attach a PDF or an image"),
        ("huge.png", image_bytes("PNG", size=(4100, 10)), "the limit is 4000×4000"),
    ],
)
def test_other_content_is_refused_with_a_message(client, lesson, name, content, message):
    response = attach(client, lesson, SimpleUploadedFile(name, content, "application/pdf"))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LessonNote.objects.exists()


def test_a_file_over_the_limit_is_refused(client, lesson):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * ATTACHMENT_MAX_BYTES, "application/pdf")
    response = attach(client, lesson, big)
    assert response.status_code == 400
    assert "the limit is 10 MB" in response.content.decode()


def test_removing_or_replacing_the_attachment_deletes_the_old_file(
    client, lesson, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attach(client, lesson, SimpleUploadedFile("a.pdf", PDF))
    first = LessonNote.objects.get().attachment.name
    with django_capture_on_commit_callbacks(execute=True):
        attach(client, lesson, SimpleUploadedFile("b.png", image_bytes()))
    note = LessonNote.objects.get()
    second = note.attachment.name
    assert second != first and not default_storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(lesson), {"notes": "No file", "remove_attachment": "on"})
    note.refresh_from_db()
    assert not note.attachment and not default_storage.exists(second)


# Who may read -----------------------------------------------------------------------------


@pytest.fixture
def shared():
    """A published note with a PDF, the student's other teacher (a confirmed lesson of their
    own together), a teacher and a student with nothing to do with it, and an admin."""
    note = LessonNoteFactory()
    note.attachment.save("x.pdf", SimpleUploadedFile("x.pdf", PDF), save=False)
    note.attachment_type, note.attachment_name = "application/pdf", "x.pdf"
    note.save()
    other_teacher = BookingFactory(student=note.booking.student, confirmed=True).teacher
    return {
        "note": note,
        "student": note.booking.student,
        "teacher": note.booking.teacher,
        "their other teacher": other_teacher,
        "admin": AdminFactory(),
        "another student": StudentFactory(),
        "another teacher": TeacherFactory(),
        "a teacher with only a basket hold": BookingFactory(
            student=note.booking.student, held=True
        ).teacher,
    }


def urls(note):
    pk = note.booking_id
    return [f"/bookings/{pk}/notes/", f"/bookings/{pk}/notes/attachment/"]


@pytest.mark.parametrize("who", ["student", "teacher", "their other teacher", "admin"])
def test_the_student_their_teachers_and_admins_read_the_note_and_its_file(client, shared, who):
    client.force_login(shared[who])
    for url in urls(shared["note"]):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "who", ["another student", "another teacher", "a teacher with only a basket hold"]
)
def test_anyone_else_gets_a_404(client, shared, who):
    client.force_login(shared[who])
    for url in urls(shared["note"]):
        assert client.get(url).status_code == 404, url


def test_a_visitor_is_sent_to_log_in(client, shared):
    for url in urls(shared["note"]):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("who", "status"),
    [("teacher", 200), ("admin", 200), ("student", 404), ("their other teacher", 404)],
)
def test_a_draft_is_read_only_by_its_teacher_and_admins(client, shared, who, status):
    LessonNote.objects.filter(pk=shared["note"].pk).update(published_at=None, notified_at=None)
    client.force_login(shared[who])
    for url in urls(shared["note"]):
        assert client.get(url).status_code == status, url


def test_a_lesson_without_notes_or_without_a_file_is_a_404(client, lesson):
    client.force_login(lesson.student)
    assert client.get(f"/bookings/{lesson.pk}/notes/").status_code == 404
    note = LessonNoteFactory(booking=lesson)
    assert client.get(f"/bookings/{note.booking_id}/notes/attachment/").status_code == 404


def test_the_admin_booking_page_links_to_its_notes(client, shared):
    note = shared["note"]
    client.force_login(shared["admin"])
    page = client.get(f"/admin/bookings/inspect/{note.booking_id}/").content.decode()
    assert f'href="/bookings/{note.booking_id}/notes/"' in page
    other = BookingFactory(completed=True)
    assert "/notes/" not in client.get(f"/admin/bookings/inspect/{other.pk}/").content.decode()
