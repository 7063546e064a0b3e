"""Wagtail admin views for bookings: inspect with history, and transitions as actions."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies.base import BasePermissionPolicy

from accounts import roles
from accounts.admin_display import LocalDisplayInspectMixin

from .exceptions import BookingError
from .models import Booking, LessonNote
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


class BookingActionView(WagtailAdminTemplateMixin, FormView):
    """Confirm and run one transition as the admin; errors come back as messages."""

    template_name = "booking/admin/action.html"
    form_class = ActionForm
    url_namespace = None
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        if not roles.is_admin(request.user):
            raise PermissionDenied
        self.booking = get_object_or_404(Booking.objects.with_people(), pk=kwargs["pk"])
        self.action = kwargs["action"]
        self.transition = TRANSITIONS.get(self.action)
        if self.transition is None or not self.transition.admin_label:
            raise PermissionDenied
        refusal = self.transition.refusal(request.user, self.booking, timezone.now())
        if refusal:
            # An action the table does not offer now (an old link, a second tab): say why.
            messages.error(request, refusal)
            return redirect(self.inspect_url())
        return super().dispatch(request, *args, **kwargs)

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

    def inspect_url(self):
        return reverse(f"{self.url_namespace}:inspect", args=(self.booking.pk,))

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
