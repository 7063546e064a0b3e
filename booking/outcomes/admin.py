"""No-show disputes in the Wagtail admin: admins list them (open first), read the student's
explanation next to the lesson, and decide once: uphold the outcome or refund the lesson
(``services.resolve_dispute``). The admins-only policy is registered in
``booking.wagtail_hooks``."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet

from accounts import roles
from accounts.admin_display import LocalDisplayInspectMixin, LocalTimeColumn

from ..exceptions import BookingError
from .models import DisputeStatus, OutcomeDispute
from .services import resolve_dispute


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            ("uphold", "Uphold the outcome: the lesson stays spent (no refund)"),
            ("refund", "Refund the lesson in full"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Message to the student (optional; sent by email)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DisputeIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("booking__teacher__profile", "booking__student__profile")
        )


class DisputeInspectView(LocalDisplayInspectMixin, InspectView):
    url_namespace = None

    def get_fields(self):
        return [
            "booking",
            "explanation",
            "created_at",
            "status",
            "resolved_by",
            "resolved_at",
            "resolution_note",
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dispute = self.object
        context.update(
            lesson=dispute.booking,
            resolve_url=reverse(f"{self.url_namespace}:resolve", args=(dispute.pk,))
            if dispute.status == DisputeStatus.OPEN
            else "",
        )
        return context


class ResolveDisputeView(WagtailAdminTemplateMixin, FormView):
    """Decide one open dispute as the admin; a decided one explains and changes nothing."""

    template_name = "booking/outcomes/admin/resolve.html"
    form_class = ResolveForm
    url_namespace = None
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not roles.is_admin(request.user):
            raise PermissionDenied
        self.dispute = get_object_or_404(
            OutcomeDispute.objects.select_related(
                "booking__teacher__profile", "booking__student__profile"
            ),
            pk=kwargs["pk"],
        )
        if self.dispute.status != DisputeStatus.OPEN:
            messages.error(
                request,
                f"This dispute was already decided: {self.dispute.get_status_display().lower()}.",
            )
            return redirect(self.inspect_url())
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Decide: {self.dispute}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(dispute=self.dispute, inspect_url=self.inspect_url())
        return context

    def inspect_url(self):
        return reverse(f"{self.url_namespace}:inspect", args=(self.dispute.pk,))

    def form_valid(self, form):
        refund = form.cleaned_data["decision"] == "refund"
        try:
            resolve_dispute(
                self.dispute, by=self.request.user, refund=refund, note=form.cleaned_data["note"]
            )
        except (BookingError, PermissionDenied) as error:
            messages.error(self.request, str(error))
        else:
            messages.success(
                self.request,
                "The lesson is refunded and the student told."
                if refund
                else "The outcome is upheld and the student told.",
            )
        return redirect(self.inspect_url())


class OutcomeDisputeViewSet(ModelViewSet):
    model = OutcomeDispute
    icon = "warning"
    menu_label = "No-show disputes"
    menu_order = 252
    add_to_admin_menu = True
    form_fields = ["resolution_note"]
    index_view_class = DisputeIndexView
    inspect_view_enabled = True
    inspect_view_class = DisputeInspectView
    inspect_template_name = "booking/outcomes/admin/inspect.html"
    list_filter = ["status"]
    search_backend_name = None
    search_fields = [
        "explanation",
        "booking__student__email",
        "booking__student__profile__display_name",
        "booking__teacher__email",
        "booking__teacher__profile__display_name",
    ]
    list_display = [
        "__str__",
        LocalTimeColumn("booking.start", label="Lesson"),
        Column("teacher", label="Teacher", accessor="booking.teacher"),
        Column("student", label="Student", accessor="booking.student"),
        "excerpt",
        Column("status", label="Status", accessor="get_status_display"),
        LocalTimeColumn("created_at", label="Sent"),
    ]
    ordering = ["status", "-created_at"]

    @property
    def inspect_view(self):
        return self.construct_view(
            self.inspect_view_class,
            **self.get_inspect_view_kwargs(),
            url_namespace=self.url_namespace,
        )

    def resolve_view(self, request, pk):
        view = ResolveDisputeView.as_view(url_namespace=self.url_namespace)
        return view(request, pk=pk)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("resolve/<int:pk>/", self.resolve_view, name="resolve"),
        ]


outcome_dispute_viewset = OutcomeDisputeViewSet("outcome_disputes")


@hooks.register("register_admin_viewset")
def register_outcome_dispute_viewset():
    return outcome_dispute_viewset
