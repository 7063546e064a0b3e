"""Wagtail admin: offers (editors and admins) and orders with refunds (admins only)."""

import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin.panels import ObjectList, extract_panel_definitions_from_model_class
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.admin_display import (
    EuroExportMixin,
    LocalDisplayInspectMixin,
    LocalTimeColumn,
    MoneyColumn,
)
from accounts.roles import is_admin
from site_config.spreadsheets import InertSpreadsheetExportMixin

from . import dashboard  # registers the revenue panel; may_view_orders
from .credits.admin_views import CreditEntryViewSet, CreditLotViewSet, PackViewSet
from .forms import OfferAdminForm, RefundForm
from .models import CreditEntry, CreditLot, Offer, Order, OrderItem, OrderStatus
from .services import (
    RefundRefused,
    needs_attention_count,
    refund_item,
    refundable_cents,
    resolve_attention,
)


class OfferViewSet(SnippetViewSet):
    model = Offer
    icon = "tag"
    menu_label = "Offers"
    menu_order = 300
    add_to_admin_menu = True
    list_display = [
        "name",
        "summary",
        "code",
        LocalTimeColumn("starts_at"),
        LocalTimeColumn("ends_at"),
        "active",
    ]
    list_filter = ["kind", "active", "first_order_only"]
    search_fields = ["name", "code", "description"]

    def get_edit_handler(self):
        """The model's own fields, through OfferAdminForm: fixed amounts are typed in euros."""
        exclude = self.get_exclude_form_fields()
        panels = extract_panel_definitions_from_model_class(self.model, exclude=exclude)
        return ObjectList(panels, base_form_class=OfferAdminForm).bind_to_model(self.model)


class AdminsReadOnly(ModelPermissionPolicy):
    """Orders are money records: admins may look and refund; nobody edits or deletes them."""

    def user_has_permission(self, user, action):
        return action == "view" and is_admin(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and is_admin(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True, is_superuser=True)
        return users if "view" in actions else users.none()


# Orders with money received that may still be (partly) refunded.
REFUNDABLE_STATUSES = (
    OrderStatus.PAID,
    OrderStatus.PARTIALLY_REFUNDED,
    OrderStatus.NEEDS_ATTENTION,
)


class OrderInspectView(LocalDisplayInspectMixin, InspectView):
    """Order detail: lessons, payments, refunds (failed ones too) and a refund form."""

    template_name = "commerce/admin/order_inspect.html"

    def _refund_form(self, data=None):
        # Pack lines are refunded from their credit lot (Credits), so the ledger follows.
        items = list(
            OrderItem.objects.filter(order=self.object, booking__isnull=False).select_related(
                "booking"
            )
        )
        refundable = {item.pk: refundable_cents(item) for item in items}
        initial = {"token": uuid.uuid4().hex}
        if items:
            initial["item"] = str(items[0].pk)
        return RefundForm(data, items=items, refundable=refundable, initial=initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        context.update(
            order=order,
            items=order.items.select_related("booking__teacher__profile", "pack"),
            payments=order.payments.all(),
            refunds=order.refunds.select_related("item", "by"),
            refund_form=kwargs.get("refund_form") or self._refund_form(),
            can_refund=order.status in REFUNDABLE_STATUSES,
            needs_attention=order.status == OrderStatus.NEEDS_ATTENTION,
        )
        return context

    def post(self, request, *args, **kwargs):
        if not is_admin(request.user):
            raise PermissionDenied
        if "resolve" in request.POST:
            resolve_attention(self.object.pk, by=request.user)
            messages.success(request, f"{self.object} no longer needs attention.")
            return redirect(request.path)
        if self.object.status not in REFUNDABLE_STATUSES:
            messages.error(request, "Nothing is left to refund on this order.")
            return redirect(request.path)
        form = self._refund_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(refund_form=form))
        data = form.cleaned_data
        try:
            with transaction.atomic():
                refund = refund_item(
                    data["item_obj"],
                    amount_cents=data["amount_cents"],
                    reason=data["reason"],
                    by=request.user,
                    key=f"admin-{self.object.pk}-{data['token']}",
                )
        except RefundRefused as exc:
            # Another refund of this lesson went through since the form was shown.
            messages.error(request, str(exc))
            return redirect(request.path)
        if refund is None:
            messages.error(request, "Nothing is left to refund on this lesson.")
        else:
            refund.refresh_from_db()
            level = messages.error if refund.status == "failed" else messages.success
            level(request, f"Refund {refund.get_status_display().lower()}: {refund}.")
        return redirect(request.path)


class OrderIndexView(EuroExportMixin, InertSpreadsheetExportMixin, IndexView):
    def get_base_queryset(self):
        # the listing and its exports show each order's student (and their display name)
        return super().get_base_queryset().select_related("student__profile")


class OrderViewSet(ModelViewSet):
    model = Order
    index_view_class = OrderIndexView
    icon = "doc-full"
    menu_label = "Orders"
    menu_order = 310
    add_to_admin_menu = True
    inspect_view_enabled = True
    add_to_reference_index = False  # orders reference nothing editors manage
    inspect_view_class = OrderInspectView
    list_display = [
        "__str__",
        "student",
        "status",
        MoneyColumn("total_cents"),
        LocalTimeColumn("created_at"),
        LocalTimeColumn("paid_at"),
    ]
    # "status" filters by every state, "Needs attention" and "Payment in progress" included.
    list_filter = ["status", "created_at", "paid_at", "offer"]
    search_fields = ["billing_name", "billing_email", "payment_intent_id", "promo_code"]
    list_export = [
        "pk",
        "student",
        "status",
        "subtotal_cents",
        "discount_cents",
        "total_cents",
        "currency",
        "promo_code",
        "payment_intent_id",
        "billing_country",
        "created_at",
        "paid_at",
    ]
    export_filename = "orders"
    # Never editable (the permission policy grants view only); Wagtail still needs a form.
    form_fields = ["billing_name"]
    inspect_view_fields = [
        "student",
        "status",
        "subtotal_cents",
        "discount_cents",
        "total_cents",
        "offer",
        "promo_code",
        "payment_provider",
        "payment_intent_id",
        "failure_reason",
        "attention_reason",
        "student_notice",
        "billing_name",
        "billing_email",
        "billing_country",
        "created_at",
        "paid_at",
    ]


register_permission_policy(Order, AdminsReadOnly(Order))
register_permission_policy(CreditLot, AdminsReadOnly(CreditLot))
register_permission_policy(CreditEntry, AdminsReadOnly(CreditEntry))
register_snippet(OfferViewSet)
register_snippet(PackViewSet)
order_viewset = OrderViewSet("orders")
credit_lot_viewset = CreditLotViewSet("credit_lots")
credit_entry_viewset = CreditEntryViewSet("credit_ledger")


@hooks.register("register_admin_viewset")
def register_order_viewset():
    return order_viewset


@hooks.register("register_admin_viewset")
def register_credit_viewsets():
    return [credit_lot_viewset, credit_entry_viewset]


class NeedsAttentionPanel(Component):
    """Admins' dashboard: how many orders need attention, linked to the filtered listing."""

    name = "petit_talk_orders_needing_attention"
    template_name = "commerce/admin/needs_attention_panel.html"
    order = 40

    def __init__(self, count):
        self.count = count

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["count"] = self.count
        context["url"] = order_viewset.get_url_name("index")
        context["status"] = OrderStatus.NEEDS_ATTENTION.value
        return context


@hooks.register("construct_homepage_panels")
def add_needs_attention_panel(request, panels):
    if dashboard.may_view_orders(request.user):
        count = needs_attention_count()
        if count:
            panels.append(NeedsAttentionPanel(count))
