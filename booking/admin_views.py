"""Wagtail admin views for bookings: inspect with history, and transitions as actions
(moving a lesson to another time has a page of its own: ``BookingRescheduleView``)."""

from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.generic import FormView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies.base import BasePermissionPolicy

from accounts import roles
from accounts.admin_display import LocalDisplayInspectMixin
from accounts.zones import format_clock, format_moment, zone_of

from .exceptions import BookingError
from .models import Booking, BookingSettings, LessonNote
from .services import reschedule_booking
from .slots import available_slots
from .transitions import OUTCOME_TRANSITIONS, TRANSITIONS, allowed_transitions


class AdminOnlyViewPolicy(BasePermissionPolicy):
    """Admins may list, inspect and export bookings; nobody edits them as raw data
    (every change goes through a transition action)."""

    def user_has_permission(self, user, action):
        return action == "view" and roles.is_admin(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and roles.is_admin(user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_active=True, is_superuser=True)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


def actions_for(booking, user, now=None):
    """(name, button label) of each admin action the status table allows ``user`` now: none
    that the booking's state or the moment rules out (no outcome, such as "Mark as held",
    before the lesson's end)."""
    return [
        (name, TRANSITIONS[name].admin_label)
        for name in allowed_transitions(booking, user, now)
        if TRANSITIONS[name].admin_label
    ]


class HistoryPanel(Component):
    template_name = "booking/admin/history_panel.html"

    def __init__(self, booking, user, url_namespace):
        self.booking = booking
        self.user = user
        self.url_namespace = url_namespace

    def get_context_data(self, parent_context=None):
        return {
            "viewer": self.user,
            "events": self.booking.events.select_related("by__profile"),
            "actions": [
                (label, reverse(f"{self.url_namespace}:action", args=(self.booking.pk, name)))
                for name, label in actions_for(self.booking, self.user)
            ],
        }


class BookingInspectView(LocalDisplayInspectMixin, InspectView):
    url_namespace = None

    def get_fields(self):
        return [
            "start",
            "end",
            "teacher",
            "student",
            "status",
            "outcome",
            "outcome_at",
            "hold_expires_at",
            "hold_extended_at",
            "goal",
            "price_cents",
            "teacher_message",
            "video_url",
            "reminder_sent_at",
            "created_at",
        ]

    def get_field_label(self, field_name, field):
        if field_name == "video_url":
            return "Video room (what the student and teacher are shown)"
        return super().get_field_label(field_name, field)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history_panel"] = HistoryPanel(self.object, self.request.user, self.url_namespace)
        # Admins read a lesson's notes (drafts too) on its page, as its student does.
        if LessonNote.objects.filter(booking=self.object).exists():
            context["notes_url"] = reverse("booking:lesson_notes", args=[self.object.pk])
        return context


class ActionForm(forms.Form):
    note = forms.CharField(
        label="Reason or message (optional; sent to the people concerned)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    refund = forms.BooleanField(label="Refund the student", required=False, initial=True)


class BookingPageMixin(WagtailAdminTemplateMixin):
    """An admin page about one booking (``self.booking``), for admins only: what the page
    would do that the booking's state rules out now (``refusal()``, an old link or a second
    tab) is a message on the booking's own page; its breadcrumbs lead back to the bookings
    and to that page."""

    url_namespace = None
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        if not roles.is_admin(request.user):
            raise PermissionDenied
        self.booking = get_object_or_404(Booking.objects.with_people(), pk=kwargs["pk"])
        refusal = self.refusal()
        if refusal:
            messages.error(request, refusal)
            return redirect(self.inspect_url())
        return super().dispatch(request, *args, **kwargs)

    def refusal(self):
        """Why this page cannot act on ``self.booking`` now ("" when it can)."""
        return ""

    def inspect_url(self):
        return reverse(f"{self.url_namespace}:inspect", args=(self.booking.pk,))

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{self.url_namespace}:index"), "label": "Bookings"},
            {"url": self.inspect_url(), "label": str(self.booking)},
            {"url": "", "label": self.get_page_title()},
        ]


class BookingActionView(BookingPageMixin, FormView):
    """Confirm and run one transition as the admin; errors come back as messages."""

    template_name = "booking/admin/action.html"
    form_class = ActionForm

    def refusal(self):
        self.action = self.kwargs["action"]
        self.transition = TRANSITIONS.get(self.action)
        if self.transition is None or not self.transition.admin_label:
            raise PermissionDenied
        return self.transition.refusal(self.request.user, self.booking, timezone.now())

    def get_page_title(self):
        return f"{self.transition.admin_label}: {self.booking}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            booking=self.booking,
            action=self.action,
            action_label=self.transition.admin_label,
            inspect_url=self.inspect_url(),
        )
        return context

    def form_valid(self, form):
        """Run the transition; one the table refuses comes back as its message."""
        note = form.cleaned_data["note"]
        by = self.request.user
        booking = self.booking
        calls = {
            "mark_paid": lambda: booking.mark_paid(by=by),
            "confirm": lambda: booking.confirm(by=by, message=note),
            "decline": lambda: booking.decline(by=by, message=note),
            "cancel": lambda: booking.cancel(
                by=by, reason=note, refund=form.cleaned_data["refund"]
            ),
            "remove": lambda: booking.remove(by=by),
            "refund_technical_problem": lambda: booking.refund_technical_problem(by=by),
        }
        for outcome, name in OUTCOME_TRANSITIONS.items():
            calls[name] = lambda outcome=outcome: booking.record_outcome(outcome, by=by, note=note)
        try:
            calls[self.action]()
        except (BookingError, PermissionDenied) as error:
            messages.error(self.request, str(error))
        else:
            messages.success(self.request, f"{booking}: done.")
        return redirect(self.inspect_url())


# The admin's page for moving a lesson lists this many days of free times at once.
RESCHEDULE_PAGE_DAYS = 14


class RescheduleForm(forms.Form):
    """The new time: one of the free times listed (``choices``, grouped by day), sent as
    an ISO moment; the service checks it again when the lesson moves."""

    slot = forms.CharField(label="New time", widget=forms.Select)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].widget.choices = [("", "Choose a time"), *choices]

    def clean_slot(self):
        try:
            moment = datetime.fromisoformat(self.cleaned_data["slot"])
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise forms.ValidationError("Please choose one of the times listed.")
        return moment


def slot_choices(slots, zone):
    """``(day, [(ISO moment, "09:00 CET"), ...])`` for each day of ``slots`` in ``zone``."""
    days = {}
    for slot in slots:
        local = slot.astimezone(zone)
        day = date_format(local, "l j F Y")
        days.setdefault(day, []).append((slot.isoformat(), format_clock(slot, zone)))
    return list(days.items())


class BookingRescheduleView(BookingPageMixin, FormView):
    """Move a paid or confirmed lesson to another free time of its teacher, as the admin
    (``services.reschedule_booking``, the "reschedule" row of the status table: the same
    rules as the student's own move, the teacher confirms again, both get an email). The
    free times are the ones the student would be offered, ``RESCHEDULE_PAGE_DAYS`` at a
    time (``?page=``), in the admin's time zone."""

    template_name = "booking/admin/reschedule.html"
    form_class = RescheduleForm

    def refusal(self):
        self.booking_settings = BookingSettings.current()
        self.zone = zone_of(self.request.user)
        return TRANSITIONS["reschedule"].refusal(
            self.request.user, self.booking, timezone.now()
        ) or self.booking.reschedule_refusal(booking_settings=self.booking_settings)

    def page_number(self):
        pages = max(1, self.booking_settings.horizon_weeks * 7 // RESCHEDULE_PAGE_DAYS + 1)
        try:
            number = int(self.request.GET.get("page", 1))
        except (TypeError, ValueError):
            number = 1
        return min(max(number, 1), pages), pages

    def get_page_title(self):
        return f"Move to another time: {self.booking}"

    def get_form_kwargs(self):
        number, _pages = self.page_number()
        now = timezone.now()
        start = now + timedelta(days=RESCHEDULE_PAGE_DAYS * (number - 1))
        self.days = (start, start + timedelta(days=RESCHEDULE_PAGE_DAYS))
        slots = available_slots(
            self.booking.teacher,
            *self.days,
            viewer=self.booking.student,
            now=now,
            settings=self.booking_settings,
            ignore=self.booking,
        )
        self.slots = [slot for slot in slots if slot != self.booking.start]
        return {**super().get_form_kwargs(), "choices": slot_choices(self.slots, self.zone)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        number, pages = self.page_number()
        context.update(
            booking=self.booking,
            inspect_url=self.inspect_url(),
            current_text=format_moment(self.booking.start, self.zone),
            zone_name=self.zone.key,
            student_zone=zone_of(self.booking.student).key,
            teacher_zone=zone_of(self.booking.teacher).key,
            has_slots=bool(self.slots),
            days_text=" to ".join(
                date_format(moment.astimezone(self.zone), "l j F Y") for moment in self.days
            ),
            earlier_url=f"?page={number - 1}" if number > 1 else "",
            later_url=f"?page={number + 1}" if number < pages else "",
        )
        return context

    def form_valid(self, form):
        """Move the lesson; a refusal (the time was taken meanwhile, a rule) comes back on
        the form with the times listed again."""
        try:
            reschedule_booking(self.booking, form.cleaned_data["slot"], by=self.request.user)
        except (BookingError, PermissionDenied) as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{self.booking}: moved to {format_moment(self.booking.start, self.zone)}. "
            "The teacher confirms the new time; the student pays nothing more.",
        )
        return redirect(self.inspect_url())
