"""Notes pages: the teacher writes a held lesson's notes (``/teacher/lessons/<id>/notes/``),
the people allowed read them (``/bookings/<id>/notes/``, the lesson's page) and download
the attachment through a checked view; a teacher's page of one of their students
(``/teacher/students/<public slug>/``) shows and records the student's levels."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import roles
from accounts.progress.chart import level_chart
from accounts.progress.models import LevelSource
from accounts.progress.services import current_levels, level_history, record_levels
from accounts.zones import format_local, zone_of

from ..models import Booking
from ..permissions import teacher_required
from .forms import LessonNoteForm, LevelsForm
from .markup import render_markup
from .models import LessonNote
from .rules import held_lessons, lesson_was_held, may_read_note, teaches
from .services import NotesNotAllowed, save_note

SAVED_DRAFT = "Your notes are saved as a draft: the student does not see them yet."
PUBLISHED = "Your notes are published. The student gets an email with a link to them."
UPDATED = "Your notes are updated."


@teacher_required
@require_http_methods(["GET", "POST"])
def note_edit(request, pk):
    """Write or edit the notes, homework, attachment and levels of one of the teacher's held
    lessons; "Publish" shows them to the student (and emails them, the first time)."""
    booking = get_object_or_404(
        Booking.objects.with_people().select_related("lesson_note"), pk=pk, teacher=request.user
    )
    if not lesson_was_held(booking):
        messages.error(request, NotesNotAllowed.default_message)
        return redirect("booking:teacher_dashboard")
    note = getattr(booking, "lesson_note", None)
    history = level_history(booking.student)
    posted = request.method == "POST"
    form = LessonNoteForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        instance=note,
        current_levels=current_levels(history),
    )
    if posted and form.is_valid():
        was_published = note is not None and note.is_published
        publish = was_published or "publish" in request.POST
        try:
            save_note(
                booking,
                request.user,
                notes=form.cleaned_data["notes"],
                homework=form.cleaned_data["homework"],
                attachment=form.attachment,
                remove_attachment=form.cleaned_data.get("remove_attachment", False),
                publish=publish,
                levels=form.levels(),
            )
        except (NotesNotAllowed, PermissionDenied) as error:
            messages.error(request, str(error))
            return redirect("booking:teacher_dashboard")
        messages.success(
            request, UPDATED if was_published else PUBLISHED if publish else SAVED_DRAFT
        )
        return redirect("booking:lesson_notes", pk=booking.pk)
    return render(
        request,
        "booking/notes/edit.html",
        {
            "booking": booking,
            "note": note,
            "form": form,
            "lesson_text": format_local(booking.start, request.user),
        },
        status=400 if form.errors else 200,
    )


def _readable_note(request, pk):
    note = (
        LessonNote.objects.select_related("booking__teacher__profile", "booking__student__profile")
        .filter(booking_id=pk)
        .first()
    )
    if note is None or not may_read_note(request.user, note):
        raise Http404("No notes for this lesson")
    return note


@login_required
def lesson_notes(request, pk):
    """A lesson's page with its notes and homework, for the people who may read them."""
    note = _readable_note(request, pk)
    booking = note.booking
    return render(
        request,
        "booking/notes/detail.html",
        {
            "note": note,
            "booking": booking,
            "notes_html": render_markup(note.notes),
            "homework_html": render_markup(note.homework),
            "lesson_text": format_local(booking.start, request.user),
            "published_text": format_local(note.published_at, request.user)
            if note.published_at
            else "",
            "may_edit": request.user.pk == booking.teacher_id,
            "is_student": request.user.pk == booking.student_id,
        },
    )


@login_required
def note_attachment(request, pk):
    """The attachment, read from storage and sent as a download (never a public media URL)
    to the people who may read the note; 404 for anyone else."""
    note = _readable_note(request, pk)
    if not note.attachment:
        raise Http404("No attachment")
    try:
        handle = note.attachment.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404("The attachment is missing") from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=note.attachment_name or "attachment",
        content_type=note.attachment_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@teacher_required
@require_http_methods(["GET", "POST"])
def teacher_student(request, public_slug):
    """One of the teacher's students: their level history (chart and table), a form to
    record new levels, and the notes of their held lessons with this teacher."""
    student = get_object_or_404(
        get_user_model().objects.filter(is_active=True).select_related("profile"),
        profile__public_slug=public_slug,
    )
    if not roles.is_student(student) or not teaches(request.user, student):
        raise Http404("Not one of your students")
    history = level_history(student)
    posted = request.method == "POST"
    form = LevelsForm(request.POST if posted else None, current=current_levels(history))
    if posted and form.is_valid():
        added = record_levels(student, form.levels(), by=request.user, source=LevelSource.TEACHER)
        if added:
            messages.success(
                request, f"{len(added)} level{'s' if len(added) != 1 else ''} recorded."
            )
        else:
            messages.info(request, "These are already the student's levels: nothing changed.")
        return redirect("booking:teacher_student", public_slug=public_slug)
    lessons = list(
        request.user.teaching_bookings.filter(held_lessons(), student=student)
        .select_related("lesson_note")
        .order_by("-start")[:20]
    )
    return render(
        request,
        "booking/notes/student.html",
        {
            "student": student,
            "chart": level_chart(history, zone_of(request.user)),
            "form": form,
            "lessons": lessons,
            "zone_name": zone_of(request.user).key,
        },
        status=400 if form.errors else 200,
    )
