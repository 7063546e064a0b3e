"""Weekly series pages: the preview before the basket, and "cancel the rest of the series".

The rules are in ``booking.series``; these views parse, call and render."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_http_methods

from accounts.zones import format_clock, uses_12_hour_clock, zone_of
from site_config.money import format_cents

from . import selectors
from .basket_hint import note_holds
from .exceptions import BookingError
from .forms import SeriesForm, SeriesHoldForm
from .models import BookingSeries
from .permissions import student_required
from .series import (
    CANCEL,
    KEEP,
    REMOVE,
    SeriesConflict,
    cancel_rest_of_series,
    hold_series,
    plan_cancel_rest,
    series_preview,
    weeks_allowed,
)
from .services import lesson_price_cents
from .views import after_hold_url


@dataclass(frozen=True)
class SeriesChoice:
    """What the preview's form asks for, read by ``read_series``: the teacher, the first
    lesson, the number of weeks, the ticked weeks (None on GET) and the goal."""

    teacher: object
    start: object
    weeks: int
    chosen: object
    goal: str
    book_url: str


def read_series(request, booking_settings):
    """Read the preview's GET (``?teacher=&start=&weeks=``) or POST (with ``week`` and
    ``goal``). Returns ``(choice, None)``, or ``(None, response)``: a redirect back to the
    booking page with the messages saying what is wrong. The series view and any other
    view posting the preview's form (paying it with credits) read it here."""
    allowed = weeks_allowed(booking_settings)
    data = request.POST if request.method == "POST" else request.GET
    teacher = selectors.bookable_teacher(data.get("teacher", ""))
    if teacher is None:
        messages.error(request, "This teacher cannot be booked. Please choose another teacher.")
        return None, redirect("booking:book")
    book_url = f"{reverse('booking:book')}?{urlencode({'teacher': teacher.profile.slug})}"
    if request.method == "POST":
        form = SeriesHoldForm(request.POST, weeks_allowed=allowed)
    else:
        form = SeriesForm(request.GET, weeks_allowed=allowed)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return None, redirect(book_url)
    posted = request.method == "POST"
    choice = SeriesChoice(
        teacher=teacher,
        start=form.cleaned_data["start"],
        weeks=form.cleaned_data["weeks"],
        chosen=set(form.cleaned_data["week"]) if posted else None,
        goal=form.cleaned_data["goal"] if posted else "",
        book_url=book_url,
    )
    return choice, None


def refusal_status(refused):
    """The HTTP status of the preview shown again after ``refused`` (a ``BookingError``)."""
    return 409 if isinstance(refused, SeriesConflict) else 400


@require_http_methods(["GET", "POST"])
@student_required
def series(request):
    """GET ``?teacher=&start=&weeks=``: every week of the series in both zones, the weeks
    whose time shifts for the student marked, conflicts listed, one checkbox per free week
    (all ticked: conflicts are skipped, the rest booked). POST: those weeks go into the
    basket together (``series.hold_series``), then the basket. (The preview's second
    button, "Use N credits", posts the same form to commerce.)"""
    booking_settings = selectors.booking_settings(request)
    choice, response = read_series(request, booking_settings)
    if response is not None:
        return response
    if request.method == "POST":
        try:
            _series, bookings = hold_series(
                request.user,
                choice.teacher,
                choice.start,
                choice.weeks,
                choice.chosen,
                choice.goal,
            )
        except BookingError as refused:
            error, status = str(refused), refusal_status(refused)
            return render_preview(request, choice, booking_settings, error=error, status=status)
        note_holds(request.session, bookings[0].created_at, booking_settings)
        count = len(bookings)
        messages.success(
            request,
            f"{count} weekly lesson{'s are' if count != 1 else ' is'} in your basket. Pay "
            f"within {booking_settings.hold_minutes} minutes to keep the times.",
        )
        return redirect(after_hold_url())
    return render_preview(request, choice, booking_settings)


def render_preview(request, choice, booking_settings, *, error="", status=200):
    """The preview page of ``choice`` (with ``error`` shown when a POST was refused: the
    ticked weeks and the goal stay as they were)."""
    teacher, start, weeks = choice.teacher, choice.start, choice.weeks
    twelve_hour = uses_12_hour_clock(request)
    preview = series_preview(
        teacher,
        request.user,
        start,
        weeks,
        booking_settings=booking_settings,
        twelve_hour=twelve_hour,
    )
    price = lesson_price_cents(teacher, booking_settings)
    free = preview.free_rows
    teacher_zone = zone_of(teacher)
    return render(
        request,
        "booking/series_preview.html",
        {
            "teacher": teacher,
            "preview": preview,
            "weeks": weeks,
            "start_value": start.isoformat(),
            "error": error,
            "chosen": choice.chosen,
            "goal": choice.goal,
            "price": format_cents(price),
            "total": format_cents(price * len(free)),
            "free_count": len(free),
            "anchor_weekday": date_format(start.astimezone(teacher_zone), "l"),
            "anchor_clock": format_clock(start, teacher_zone),
            "book_url": choice.book_url,
            "weeks_allowed": weeks_allowed(booking_settings),
            "lesson_minutes": booking_settings.lesson_minutes,
            "cancellation_hours": booking_settings.cancellation_hours,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@student_required
def cancel_series(request, pk):
    """GET: what "cancel the rest of the series" does to each lesson still to come (the
    normal cancel rule per lesson); POST: do it and say what happened."""
    series = get_object_or_404(
        BookingSeries.objects.select_related("teacher__profile"), pk=pk, student=request.user
    )
    booking_settings = selectors.booking_settings(request)
    if request.method == "POST":
        try:
            changed, kept = cancel_rest_of_series(series, by=request.user)
        except PermissionDenied as refused:
            messages.error(request, str(refused))
            return redirect("booking:my_bookings")
        if changed:
            count = len(changed)
            messages.success(
                request,
                f"{count} lesson{'s' if count != 1 else ''} of the series "
                f"{'are' if count != 1 else 'is'} cancelled or removed from your basket; "
                "paid lessons are refunded in full.",
            )
        if kept:
            count = len(kept)
            messages.warning(
                request,
                f"{count} lesson{'s' if count != 1 else ''} could not be cancelled (past the "
                f"{booking_settings.cancellation_hours}-hour deadline) and "
                f"{'stay' if count != 1 else 'stays'} booked.",
            )
        if not changed and not kept:
            messages.info(request, "This series has no lessons left to cancel.")
        return redirect("booking:my_bookings")
    plan = plan_cancel_rest(series, request.user, booking_settings=booking_settings)
    return render(
        request,
        "booking/series_cancel.html",
        {
            "series": series,
            "plan": plan,
            "actionable": any(lesson.action != KEEP for lesson in plan),
            "REMOVE": REMOVE,
            "CANCEL": CANCEL,
            "KEEP": KEEP,
            "cancellation_hours": booking_settings.cancellation_hours,
            "zone_name": zone_of(request.user).key,
        },
    )
