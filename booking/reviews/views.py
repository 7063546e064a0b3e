"""Rating a lesson: ``/bookings/<id>/review/`` (URL name ``booking:review_create``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from site_config.public_forms import render_rate_limited
from site_config.ratelimit import over_limit

from ..models import Booking
from .forms import ReviewForm
from .models import LessonReview

REVIEW_THANKS = "Thank you! Your review awaits approval by our team before it is published."
ALREADY_REVIEWED = "You have already reviewed this lesson."
# Posts per account and per address (django-ratelimit rates).
RATE_LIMIT = {"per_account": "5/10m", "per_address": "10/10m"}
FORM_TEMPLATE = "booking/reviews/form.html"
UNAVAILABLE_TEMPLATE = "booking/reviews/unavailable.html"


def review_problem(booking):
    """Why this booking's student cannot rate it now, or None: a lesson is rated once, after
    it has taken place (its outcome is "held")."""
    if not booking.was_held:
        return "You can rate a lesson once it has taken place and is recorded as held."
    if LessonReview.objects.filter(booking=booking).exists():
        return "You have already rated this lesson. Thank you!"
    return None


def unavailable(request, booking, problem):
    return render(
        request, UNAVAILABLE_TEMPLATE, {"booking": booking, "problem": problem}, status=403
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_create(request, booking_id):
    """The student of a completed lesson may rate it once. Other users get a 404."""
    booking = get_object_or_404(
        Booking.objects.select_related("teacher__profile"), pk=booking_id, student=request.user
    )
    problem = review_problem(booking)
    if problem:
        return unavailable(request, booking, problem)
    form = ReviewForm(request.POST or None)
    context = {"form": form, "booking": booking}
    if request.method == "POST":
        if over_limit(request, "review", **RATE_LIMIT):
            return render_rate_limited(request, FORM_TEMPLATE, context)
        if form.is_valid():
            if not form.is_spam():
                form.instance.booking = booking
                try:
                    with transaction.atomic():
                        form.save()
                except IntegrityError:
                    # A second click raced the first past the check above; the one-review-
                    # per-lesson constraint kept the first.
                    return unavailable(request, booking, ALREADY_REVIEWED)
            messages.success(request, REVIEW_THANKS)
            return redirect("booking:my_bookings")
    return render(request, FORM_TEMPLATE, context)
