"""The teacher's external calendars page: add, refresh and remove ICS feeds, and see what
Petit Talk last read from each (or why it could not)."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.zones import format_local, zone_of

from ..permissions import teacher_required
from .forms import ExternalCalendarForm
from .models import ExternalCalendar
from .services import MAX_CALENDARS_PER_TEACHER, may_refresh
from .tasks import refresh_calendar


def _feeds(teacher, now):
    """The teacher's feeds with their status texts in the teacher's zone (one query)."""
    coming = Q(busy_times__end__gt=now)
    feeds = list(
        ExternalCalendar.objects.filter(teacher=teacher)
        .annotate(
            busy_count=Count("busy_times", filter=coming),
            next_busy=Min("busy_times__start", filter=coming),
        )
        .order_by("created_at", "pk")
    )
    for feed in feeds:
        feed.fetched_text = (
            format_local(feed.last_fetched_at, teacher) if feed.last_fetched_at else ""
        )
        feed.ok_text = format_local(feed.last_ok_at, teacher) if feed.last_ok_at else ""
        feed.next_busy_text = format_local(feed.next_busy, teacher) if feed.next_busy else ""
    return feeds


def _refresh(request, calendar):
    """Read the feed in the background; say the result if it is already known."""
    started = timezone.now()
    refresh_calendar.enqueue(calendar.pk)
    calendar.refresh_from_db()
    if calendar.last_fetched_at is None or calendar.last_fetched_at < started:
        messages.info(
            request,
            f"Petit Talk is reading “{calendar.label}” now. Reload this page in a moment to "
            "see the result.",
        )
    elif calendar.last_error:
        messages.warning(request, f"“{calendar.label}” could not be read: {calendar.last_error}")
    else:
        count = calendar.busy_times.count()
        messages.success(
            request,
            f"“{calendar.label}” is up to date: {count} busy time{'s' if count != 1 else ''} "
            "in the coming weeks block your slots.",
        )


@require_http_methods(["GET", "POST"])
@teacher_required
def calendars(request):
    """GET: the teacher's feeds and the add form; POST: add a feed (then read it)."""
    teacher = request.user
    form = ExternalCalendarForm(request.POST or None, teacher=teacher)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                calendar = form.save()
        except IntegrityError:  # the same address sent twice at once (a double click)
            messages.info(request, "This calendar is already in your list.")
            return redirect("booking:calendars")
        messages.success(request, f"“{calendar.label}” is added.")
        _refresh(request, calendar)
        return redirect("booking:calendars")
    feeds = _feeds(teacher, timezone.now())
    return render(
        request,
        "booking/calendars/calendars.html",
        {
            "feeds": feeds,
            "form": form,
            "can_add": len(feeds) < MAX_CALENDARS_PER_TEACHER,
            "max_calendars": MAX_CALENDARS_PER_TEACHER,
            "zone_name": zone_of(teacher).key,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@teacher_required
def calendar_refresh(request, pk):
    calendar = get_object_or_404(ExternalCalendar, pk=pk, teacher=request.user)
    if may_refresh(calendar):
        _refresh(request, calendar)
    else:
        messages.info(
            request,
            f"“{calendar.label}” was read less than a minute ago. Try again in a minute.",
        )
    return redirect("booking:calendars")


@require_POST
@teacher_required
def calendar_delete(request, pk):
    calendar = get_object_or_404(ExternalCalendar, pk=pk, teacher=request.user)
    calendar.delete()
    messages.success(
        request, f"“{calendar.label}” is removed; its busy times no longer block your slots."
    )
    return redirect("booking:calendars")
