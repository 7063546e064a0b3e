"""Wagtail admin dashboard: lessons booked this week and month, and per week (a chart); and
teachers' no-shows over the last 90 days (``booking.outcomes.services.teacher_no_shows``).

Only users who may view bookings (the bookings permission policy: admins) see this panel;
editors manage content and see no booking figures. The revenue panel is commerce's
(``commerce.dashboard``).
Every number comes from a fixed number of aggregate queries, whatever the amount of data.
"""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permissions import policy_registry

from .models import Booking, BookingStatus
from .outcomes.services import NO_SHOW_PERIOD, teacher_no_shows

CHART_WEEKS = 12

# A lesson counts as booked once it is paid for and stays booked through confirmation and
# completion; holds that were never paid, and lessons later declined or cancelled, do not.
BOOKED_STATUSES = (BookingStatus.PAID, BookingStatus.CONFIRMED, BookingStatus.COMPLETED)


def period_starts(now=None):
    """Midnight on this week's Monday, on the 1st of this month, and on the Monday that opens
    the chart, in the active time zone."""
    local = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    week_start = midnight - datetime.timedelta(days=local.weekday())
    month_start = midnight.replace(day=1)
    chart_start = week_start - datetime.timedelta(weeks=CHART_WEEKS - 1)
    return week_start, month_start, chart_start


def booking_summary(now=None):
    """Lessons booked this week and this month, and per week over the last 12 weeks
    (oldest first, weeks without bookings included as zero). Two queries."""
    week_start, month_start, chart_start = period_starts(now)
    booked = Booking.objects.filter(status__in=BOOKED_STATUSES)
    counts = booked.aggregate(
        week=Count("pk", filter=Q(created_at__gte=week_start)),
        month=Count("pk", filter=Q(created_at__gte=month_start)),
    )
    per_week = dict(
        booked.filter(created_at__gte=chart_start)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(count=Count("pk"))
        .values_list("week", "count")
    )
    per_week = {timezone.localtime(week).date(): count for week, count in per_week.items()}
    weeks = []
    for offset in range(CHART_WEEKS):
        monday = (chart_start + datetime.timedelta(weeks=offset)).date()
        weeks.append({"monday": monday, "count": per_week.get(monday, 0)})
    peak = max((week["count"] for week in weeks), default=0)
    for index, week in enumerate(weeks):
        # SVG geometry in a 0-100 high, 24-per-week wide viewBox.
        week["height"] = round(100 * week["count"] / peak, 1) if peak else 0
        week["y"] = round(100 - week["height"], 1)
        week["x"] = index * 24 + 4
    return {"week": counts["week"], "month": counts["month"], "weeks": weeks, "peak": peak}


class BookingsPanel(Component):
    """Lessons booked this week and month, and an accessible chart of the last 12 weeks with
    the same numbers in a table beside it; then the teachers who did not come to a lesson in
    the last 90 days, with how often."""

    name = "petit_talk_bookings"
    template_name = "booking/dashboard/bookings_panel.html"
    order = 50

    class Media:
        css = {"all": ["css/dashboard.css"]}

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["summary"] = booking_summary()
        context["chart_weeks"] = CHART_WEEKS
        context["no_shows"] = teacher_no_shows()
        context["no_show_days"] = NO_SHOW_PERIOD.days
        return context


@hooks.register("construct_homepage_panels")
def add_bookings_panel(request, panels):
    if policy_registry.get_by_type(Booking).user_has_permission(request.user, "view"):
        panels.append(BookingsPanel())
