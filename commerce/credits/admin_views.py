"""Wagtail admin of packs and credits: packs are snippets editors manage; credit lots and
the ledger are for admins, who refund, move or extend a lot's credits from its page (each
with a reason kept in the ledger). Registered by ``commerce.wagtail_hooks``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.admin_display import (
    EuroExportMixin,
    LocalDisplayInspectMixin,
    LocalTimeColumn,
    MoneyColumn,
)
from accounts.roles import is_admin
from site_config.spreadsheets import InertSpreadsheetExportMixin

from ..models import CreditEntry, CreditLot, Pack
from . import services
from .forms import ExtendLotForm, MoveCreditsForm, RefundCreditsForm


class PackViewSet(SnippetViewSet):
    model = Pack
    icon = "tag"
    menu_label = "Lesson packs"
    menu_order = 305
    add_to_admin_menu = True
    list_display = [
        "name",
        "lessons",
        MoneyColumn("price_cents"),
        "validity_months",
        "active",
    ]
    list_filter = ["active", "lessons"]
    search_fields = ["name", "description"]


class LotIndexView(EuroExportMixin, InertSpreadsheetExportMixin, IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("student__profile", "pack", "order_item")
            .annotate(remaining=Coalesce(Sum("entries__delta"), 0))
        )


class LotInspectView(LocalDisplayInspectMixin, InspectView):
    """A lot: its ledger entries and the three admin actions, each with a reason."""

    template_name = "commerce/admin/credit_lot_inspect.html"
    forms = {"refund": RefundCreditsForm, "move": MoveCreditsForm, "extend": ExtendLotForm}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lot = self.object
        entries = lot.entries.select_related("booking", "by", "lot__order_item").order_by(
            "created_at", "pk"
        )
        remaining = sum(entry.delta for entry in entries)
        bound = kwargs.get("bound")
        context.update(
            lot=lot,
            entries=entries,
            remaining=remaining,
            refund_amount=services.refund_amount_cents(lot, max(remaining, 0)),
            credit_value=services.refund_amount_cents(lot, 1),
            **{
                f"{name}_form": bound
                if bound is not None and bound.prefix == name
                else form(prefix=name)
                for name, form in self.forms.items()
            },
        )
        return context

    def post(self, request, *args, **kwargs):
        if not is_admin(request.user):
            raise PermissionDenied
        name = request.POST.get("action", "")
        if name not in self.forms:
            messages.error(request, "Choose an action.")
            return redirect(request.path)
        form = self.forms[name](request.POST, prefix=name)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(bound=form))
        data = form.cleaned_data
        try:
            if name == "refund":
                refund = services.refund_credits(
                    self.object,
                    data["credits"],
                    reason=data["reason"],
                    by=request.user,
                    key=f"credits-{self.object.pk}-{data['token']}",
                )
                messages.success(
                    request, f"Refund {refund.get_status_display().lower()}: {refund}."
                )
            elif name == "move":
                new = services.move_credits(
                    self.object,
                    data["to_student"],
                    data["credits"],
                    reason=data["reason"],
                    by=request.user,
                )
                messages.success(request, f"{data['credits']} credit(s) moved to {new.student}.")
            else:
                services.extend_lot(
                    self.object, data["expires_at"], reason=data["reason"], by=request.user
                )
                messages.success(request, "The expiry was extended.")
        except services.CreditError as exc:
            messages.error(request, str(exc))
        return redirect(request.path)


class CreditLotViewSet(ModelViewSet):
    model = CreditLot
    index_view_class = LotIndexView
    inspect_view_class = LotInspectView
    inspect_view_enabled = True
    add_to_reference_index = False
    icon = "pick"
    menu_label = "Credit lots"
    menu_order = 312
    add_to_admin_menu = True
    list_display = [
        "__str__",
        "student",
        "quantity",
        Column("remaining", label="Left"),
        MoneyColumn("order_item.paid_cents", label="Paid (€)", empty="–"),
        LocalTimeColumn("expires_at"),
        LocalTimeColumn("created_at"),
    ]
    list_filter = ["pack", "expires_at"]
    search_fields = ["student__email", "student__profile__display_name"]
    list_export = ["pk", "student", "pack", "quantity", "expires_at", "created_at"]
    export_filename = "credit_lots"
    form_fields = ["expires_at"]  # never editable (view-only policy); Wagtail needs a form
    inspect_view_fields = ["student", "pack", "order", "quantity", "expires_at", "created_at"]


class EntryIndexView(EuroExportMixin, InertSpreadsheetExportMixin, IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("student__profile", "lot__pack", "lot__order_item", "by")
        )


class CreditEntryViewSet(ModelViewSet):
    """The whole ledger, newest first (read only: entries are never changed)."""

    model = CreditEntry
    index_view_class = EntryIndexView
    add_to_reference_index = False
    icon = "list-ul"
    menu_label = "Credit ledger"
    menu_order = 313
    add_to_admin_menu = True
    list_display = [
        LocalTimeColumn("created_at"),
        "student",
        "kind",
        "delta",
        "lot",
        MoneyColumn("value_cents", label="Value (€)", sort_key="delta", empty="–"),
        "reason",
        "by",
    ]
    list_filter = ["kind", "created_at"]
    search_fields = ["student__email", "reason"]
    list_export = ["pk", "created_at", "student", "kind", "delta", "lot", "booking", "reason"]
    export_filename = "credit_ledger"
    form_fields = ["reason"]
