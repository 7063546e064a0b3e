"""Bookings in the Wagtail admin: admins only (editors never see them)."""

import django_filters
from django.contrib.auth import get_user_model
from django.urls import path
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from accounts import roles
from accounts.admin_display import EuroExportMixin, LocalTimeColumn, MoneyColumn
from site_config.spreadsheets import InertSpreadsheetExportMixin

from . import dashboard  # noqa: F401 - registers the bookings chart panel
from .admin_views import (
    AdminOnlyViewPolicy,
    BookingActionView,
    BookingInspectView,
    BookingRescheduleView,
)
from .models import (
    Booking,
    BookingSeries,
    BookingStatus,
    ExternalCalendar,
    LessonOutcome,
    OutcomeDispute,
)
from .outcomes import admin as outcomes_admin  # noqa: F401 - registers the disputes viewset
from .reviews import admin as reviews_admin  # noqa: F401 - registers the reviews viewset

register_permission_policy(Booking, AdminOnlyViewPolicy(Booking))
register_permission_policy(ExternalCalendar, AdminOnlyViewPolicy(ExternalCalendar))
register_permission_policy(OutcomeDispute, AdminOnlyViewPolicy(OutcomeDispute))
register_permission_policy(BookingSeries, AdminOnlyViewPolicy(BookingSeries))


class BookingFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=BookingStatus.choices)
    outcome = django_filters.ChoiceFilter(choices=LessonOutcome.choices)
    teacher = django_filters.ModelChoiceFilter(
        queryset=lambda request: (
            get_user_model()
            .objects.filter(groups__name=roles.TEACHERS)
            .select_related("profile")
            .order_by("profile__display_name")
        )
    )
    start = django_filters.DateFromToRangeFilter(label="Lesson date", widget=DateRangePickerWidget)

    class Meta:
        model = Booking
        fields = ["status", "outcome", "teacher", "start"]


class BookingIndexView(EuroExportMixin, InertSpreadsheetExportMixin, IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("teacher__profile", "student__profile")


class BookingViewSet(ModelViewSet):
    model = Booking
    icon = "date"
    menu_label = "Bookings"
    menu_order = 250
    add_to_admin_menu = True
    form_fields = ["goal"]
    index_view_class = BookingIndexView
    inspect_view_enabled = True
    inspect_view_class = BookingInspectView
    inspect_template_name = "booking/admin/inspect.html"
    filterset_class = BookingFilterSet
    search_backend_name = None
    search_fields = [
        "student__email",
        "student__first_name",
        "student__last_name",
        "student__profile__display_name",
        "teacher__email",
        "teacher__first_name",
        "teacher__last_name",
        "teacher__profile__display_name",
    ]
    list_display = [
        "__str__",
        LocalTimeColumn("start"),
        "teacher",
        "student",
        Column("status", label="Status", accessor="get_status_display"),
        Column("outcome", label="Outcome", accessor="get_outcome_display"),
        MoneyColumn("price_cents"),
    ]
    list_export = [
        "pk",
        "start",
        "end",
        "teacher",
        "student",
        "status",
        "outcome",
        "price_cents",
        "goal",
    ]
    export_headings = {
        "pk": "Booking",
        "start": "Start (UTC)",
        "end": "End (UTC)",
    }
    export_filename = "bookings"
    ordering = ["-start"]

    @property
    def inspect_view(self):
        return self.construct_view(
            self.inspect_view_class,
            **self.get_inspect_view_kwargs(),
            url_namespace=self.url_namespace,
        )

    def action_view(self, request, pk, action):
        # Moving a lesson needs its new time: a page of its own.
        view_class = BookingRescheduleView if action == "reschedule" else BookingActionView
        view = view_class.as_view(url_namespace=self.url_namespace)
        return view(request, pk=pk, action=action)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("action/<int:pk>/<str:action>/", self.action_view, name="action"),
        ]


booking_viewset = BookingViewSet("bookings")


@hooks.register("register_admin_viewset")
def register_booking_viewset():
    return booking_viewset


class ExternalCalendarIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("teacher__profile")


class ExternalCalendarViewSet(ModelViewSet):
    """Teachers' external calendars, read-only: whose, from which server, the last result.
    The feed address itself (often a secret link) is not shown."""

    model = ExternalCalendar
    icon = "calendar-alt"
    menu_label = "External calendars"
    menu_order = 255
    add_to_admin_menu = True
    form_fields = ["name"]
    index_view_class = ExternalCalendarIndexView
    inspect_view_enabled = True
    inspect_view_fields = [
        "teacher",
        "name",
        "host",
        "created_at",
        "last_fetched_at",
        "last_ok_at",
        "last_error",
        "expanded_until",
    ]
    search_backend_name = None
    search_fields = ["name", "teacher__email", "teacher__profile__display_name"]
    list_display = [
        "label",
        "teacher",
        "host",
        Column("last_ok_at", label="Last read (UTC)"),
        "last_error",
    ]
    ordering = ["teacher", "pk"]


@hooks.register("register_admin_viewset")
def register_external_calendar_viewset():
    return ExternalCalendarViewSet("external_calendars")


class BookingSeriesIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("teacher__profile", "student__profile")


class BookingSeriesViewSet(ModelViewSet):
    """Weekly series, read-only: who, the anchor (weekday and time in the teacher's zone),
    how many weeks. Each lesson is an ordinary booking (Bookings, search the student); see
    ``docs/weekly-series.md``."""

    model = BookingSeries
    icon = "rotate"
    menu_label = "Weekly series"
    menu_order = 252
    add_to_admin_menu = True
    form_fields = ["weeks"]
    index_view_class = BookingSeriesIndexView
    inspect_view_enabled = True
    inspect_view_fields = [
        "student",
        "teacher",
        "weekday",
        "local_time",
        "zone",
        "first_date",
        "weeks",
        "created_at",
    ]
    search_backend_name = None
    search_fields = [
        "student__email",
        "student__profile__display_name",
        "teacher__email",
        "teacher__profile__display_name",
    ]
    list_display = ["__str__", "student", "teacher", "first_date", "weeks"]
    ordering = ["-created_at"]


@hooks.register("register_admin_viewset")
def register_booking_series_viewset():
    return BookingSeriesViewSet("weekly_series")
