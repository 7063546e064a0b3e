"""``/teachers/``: the teacher search. GET only: parse, find, render."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe
from wagtail.models import Site

from accounts.zones import zone_of

from ..models import BookingSettings
from . import services
from .forms import TeacherSearchForm


def _booking_settings(request):
    """The request's site's booking settings (Wagtail keeps them for the request)."""
    if Site.find_for_request(request) is None:
        return BookingSettings.current()
    return BookingSettings.for_request(request)


@require_safe
def teacher_list(request):
    """Every active teacher, or those matching the GET filters (so a search can be shared).
    A filter value that cannot be used is ignored, and the page says which and why."""
    booking_settings = _booking_settings(request)
    form = TeacherSearchForm(request.GET, specialties=services.specialties())
    form.is_valid()
    filters = form.filters()
    viewer = request.user if request.user.is_authenticated else None
    cards = services.find_teachers(
        **filters, viewer=viewer, now=timezone.now(), booking_settings=booking_settings
    )
    return render(
        request,
        "booking/finder/teacher_list.html",
        {
            "form": form,
            "cards": cards,
            "filtered": any(value for value in filters.values()),
            "problems": form.problems(),
            "zone_name": zone_of(viewer).key,
            "horizon_weeks": booking_settings.horizon_weeks,
        },
    )
