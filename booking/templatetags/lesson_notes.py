"""``{% lesson_notes_link booking %}``: in "My bookings" the published notes and homework of
a held lesson; in the teacher's lists a link to write or edit them. Costs no query when the
booking was read with ``select_related("lesson_note")`` (``booking.selectors``)."""

from django import template
from django.template.loader import render_to_string

from ..notes.markup import render_markup
from ..notes.models import LessonNote
from ..notes.rules import lesson_was_held

register = template.Library()


def note_of(booking):
    if "lesson_note" in booking._state.fields_cache:
        return booking._state.fields_cache["lesson_note"]
    return LessonNote.objects.filter(booking_id=booking.pk).first()


@register.simple_tag(takes_context=True)
def lesson_notes_link(context, booking):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not lesson_was_held(booking):
        return ""
    for_teacher = user.pk == booking.teacher_id
    for_student = user.pk == booking.student_id
    if not (for_teacher or for_student):
        return ""
    note = note_of(booking)
    if note is None and not for_teacher:
        return ""
    return render_to_string(
        "booking/notes/_link.html",
        {
            "booking": booking,
            "note": note,
            "for_teacher": for_teacher,
            "for_student": for_student,
            "homework_html": render_markup(note.homework) if note and for_student else "",
        },
    )
