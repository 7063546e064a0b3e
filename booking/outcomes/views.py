"""Outcome pages: the teacher records what happened (POST from the dashboard), the student
disputes a no-show (``/bookings/<id>/dispute/``) or chooses after a technical problem
(``/bookings/<id>/technical-problem/``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.zones import format_local

from ..exceptions import BookingError
from ..models import Booking
from ..permissions import student_required, teacher_required
from ..transitions import LessonOutcome
from .forms import DisputeForm, OutcomeForm
from .models import dispute_deadline
from .services import dispute_refusal, open_dispute

RECORDED = {
    LessonOutcome.HELD: "Recorded as held. Thank you!",
    LessonOutcome.STUDENT_NO_SHOW: "Recorded: the student did not come. They can explain "
    "within 48 hours.",
    LessonOutcome.TEACHER_NO_SHOW: "Recorded: you did not come. The student is refunded in "
    "full and gets a bonus credit.",
    LessonOutcome.TECHNICAL_PROBLEM: "Recorded: a technical problem. The student chooses a "
    "refund or a free new time.",
}


@require_POST
@teacher_required
def record_outcome(request, pk):
    """The lesson's teacher records what happened (``Booking.record_outcome``)."""
    booking = get_object_or_404(Booking, pk=pk, teacher=request.user)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please choose what happened at the lesson.")
        return redirect(f"{reverse('booking:teacher_dashboard')}#to-mark")
    outcome = form.cleaned_data["outcome"]
    try:
        booking.record_outcome(outcome, by=request.user, note=form.cleaned_data["note"])
    except (BookingError, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, RECORDED[outcome])
    return redirect(f"{reverse('booking:teacher_dashboard')}#to-mark")


@require_http_methods(["GET", "POST"])
@student_required
def dispute(request, pk):
    """The link in the "you were marked absent" email: for 48 hours, the student explains
    what happened; afterwards (or once sent) the page says why it is closed."""
    booking = get_object_or_404(Booking.objects.with_people(), pk=pk, student=request.user)
    refusal = dispute_refusal(booking)
    form = DisputeForm(request.POST if request.method == "POST" and not refusal else None)
    if form.is_bound and form.is_valid():
        try:
            open_dispute(booking, form.cleaned_data["explanation"])
        except BookingError as error:
            refusal = str(error)
        else:
            messages.success(
                request, "Thank you. Our team will look at your explanation and reply by email."
            )
            return redirect("booking:my_bookings")
    deadline = dispute_deadline(booking)
    status = 410 if refusal else (400 if form.errors else 200)
    return render(
        request,
        "booking/outcomes/dispute.html",
        {
            "booking": booking,
            "form": form,
            "refusal": refusal,
            "lesson_text": format_local(booking.start, request.user),
            "deadline_text": format_local(deadline, request.user) if deadline else "",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@student_required
def technical_problem(request, pk):
    """After a technical problem, the student's one choice: a full refund (POST) or a free
    new time (the reschedule page)."""
    booking = get_object_or_404(Booking.objects.with_people(), pk=pk, student=request.user)
    if request.method == "POST":
        try:
            booking.refund_technical_problem(by=request.user)
        except (BookingError, PermissionDenied) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Your lesson is refunded in full.")
            return redirect("booking:my_bookings")
    return render(
        request,
        "booking/outcomes/technical_problem.html",
        {
            "booking": booking,
            "open": booking.awaits_technical_choice,
            "lesson_text": format_local(booking.start, request.user),
        },
        status=200 if booking.awaits_technical_choice else 410,
    )
