"""What "download my data" includes about a user's lessons."""

from django.db.models import Q

from .models import Booking


def export_bookings(user):
    """Every lesson the user took or taught, with its history, as JSON-ready dicts."""
    bookings = (
        Booking.objects.filter(Q(student=user) | Q(teacher=user))
        .with_people()
        .prefetch_related("events")
        .order_by("start")
    )
    return [
        {
            "id": b.pk,
            "role": "student" if b.student_id == user.pk else "teacher",
            "teacher": b.teacher.display_name,
            "student": b.student.display_name,
            "start": b.start.isoformat(),
            "end": b.end.isoformat(),
            "status": b.status,
            "outcome": b.outcome,
            "goal": b.goal,
            "price_cents": b.price_cents,
            "teacher_message": b.teacher_message,
            "history": [
                {"from": e.from_status, "to": e.to_status, "at": e.at.isoformat(), "note": e.note}
                for e in b.events.all()
            ],
        }
        for b in bookings
    ]
