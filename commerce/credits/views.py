"""Packs and credits pages: /pricing/, putting a pack in the basket, booking a lesson with a
credit, "My credits" and the teacher's waiver of a late cancel."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.zones import zone_of
from booking.exceptions import BookingError
from booking.forms import HoldForm
from booking.models import Booking
from booking.permissions import student_required, teacher_required
from booking.selectors import bookable_teacher, booking_settings
from booking.series_views import read_series, refusal_status, render_preview

from .. import services as commerce_services
from ..basket_hint import note_packs
from ..models import CreditEntry, Pack
from ..permissions import checkout_student_required
from . import services


def pricing(request):
    """The lesson packs on sale, with their price per lesson, and the single lesson price."""
    packs = list(Pack.objects.filter(active=True).prefetch_related("image__renditions"))
    return render(request, "commerce/credits/pricing.html", {"packs": packs})


@checkout_student_required
@require_POST
def add_pack(request, pk):
    """Put an active pack in the basket (POST from /pricing/ or the home page)."""
    pack = Pack.objects.filter(pk=pk).first()
    if pack is None:
        messages.error(request, "This pack does not exist any more.")
        return redirect("commerce:pricing")
    try:
        commerce_services.add_pack_to_basket(request.user, pack)
    except commerce_services.PackUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("commerce:pricing")
    note_packs(request.session)
    messages.success(request, f"{pack.name} is in your basket.")
    return redirect("commerce:basket")


@checkout_student_required
@require_POST
def remove_pack(request, pk):
    """Take a pack out of the basket."""
    if commerce_services.remove_pack_from_basket(request.user, pk):
        messages.info(request, "The pack was removed from your basket.")
    return redirect("commerce:basket")


class UseCreditForm(HoldForm):
    """The chosen slot (and goal) of the booking page, with the teacher's public slug."""

    teacher = forms.CharField(max_length=200)


@student_required
@require_POST
def use_credit(request):
    """Book the chosen time and pay it with one credit: the lesson is paid (awaiting the
    teacher) at once, without checkout. Any refusal goes back to the booking page."""
    form = UseCreditForm(request.POST)
    slug = request.POST.get("teacher", "")
    back = f"{reverse('booking:book')}?{urlencode({'teacher': slug})}"
    if not form.is_valid():
        messages.error(request, "Please choose a time again.")
        return redirect(back)
    teacher = bookable_teacher(form.cleaned_data["teacher"])
    if teacher is None:
        messages.error(request, "This teacher cannot be booked. Please choose another teacher.")
        return redirect(reverse("booking:book"))
    try:
        services.book_with_credit(
            request.user, teacher, form.cleaned_data["slot"], form.cleaned_data["goal"]
        )
    except BookingError as error:
        messages.error(request, str(error))
        return redirect(back)
    left = services.credit_balance(request.user)
    messages.success(
        request,
        f"Your lesson is booked with a credit ({left} left) and waits for "
        f"{teacher.display_name} to confirm it.",
    )
    return redirect("booking:my_bookings")


@student_required
@require_POST
def use_credits_for_series(request):
    """The series preview's "Use N credits": hold the ticked weeks and pay each with one
    credit, all or nothing (``services.book_series_with_credits``). The form is read as the
    series view reads it; a refusal (a week taken meanwhile, too few credits) shows the
    preview again with the ticked weeks and the goal as they were, nothing held or spent."""
    current = booking_settings(request)
    choice, response = read_series(request, current)
    if response is not None:
        return response
    try:
        _series, bookings = services.book_series_with_credits(
            request.user,
            choice.teacher,
            choice.start,
            choice.weeks,
            choice.chosen,
            choice.goal,
        )
    except BookingError as refused:
        error = str(refused)
        if isinstance(refused, services.NotEnoughCredits):
            left = services.credit_balance(request.user)
            error = (
                f"{error} You have {left} credit{'s' if left != 1 else ''}: untick weeks, or "
                "add the lessons to your basket. Nothing was booked or spent."
            )
        return render_preview(request, choice, current, error=error, status=refusal_status(refused))
    count = len(bookings)
    left = services.credit_balance(request.user)
    messages.success(
        request,
        f"{count} weekly lesson{'s are' if count != 1 else ' is'} booked with "
        f"{count} credit{'s' if count != 1 else ''} ({left} left) and wait for "
        f"{choice.teacher.display_name} to confirm them.",
    )
    return redirect("booking:my_bookings")


@student_required
def my_credits(request):
    """The student's wallet: balance per expiry date, the ledger, and the receipt of each
    pack bought."""
    now = timezone.now()
    lots = list(services.lots_with_remaining(request.user, now=now, include_expired=True))
    current = [lot for lot in lots if lot.expires_at > now]
    entries = list(
        CreditEntry.objects.filter(student=request.user)
        .select_related("lot__pack", "booking__teacher__profile")
        .order_by("-created_at", "-pk")[:200]
    )
    purchases = [lot for lot in lots if lot.order_id]
    return render(
        request,
        "commerce/credits/my_credits.html",
        {
            "balance": sum(max(lot.remaining, 0) for lot in current),
            "groups": services.balance_by_expiry(current),
            "entries": entries,
            "purchases": purchases,
            "zone_name": zone_of(request.user).key,
        },
    )


@teacher_required
@require_POST
def waive(request, pk):
    """The teacher gives back the credit of a lesson their student cancelled late."""
    booking = get_object_or_404(Booking, pk=pk, teacher=request.user)
    try:
        services.waive_late_cancel(booking, by=request.user)
    except (services.CreditError, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{booking.student.display_name} got their credit back.")
    return redirect("booking:teacher_dashboard")
