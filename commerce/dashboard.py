"""Wagtail admin dashboard: money taken this week, this month and in total, shown only to
users who may view orders (the orders permission policy: admins; editors manage content, not
finances). Two aggregate queries, whatever the amount of data."""

from django.db.models import Q, Sum
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permissions import policy_registry

from booking.dashboard import period_starts

from .models import PAID_STATUSES, Order, Refund, RefundStatus


def revenue_summary(now=None):
    """Money taken this week, this month and in total: paid orders minus succeeded refunds,
    in cents. Two queries."""
    week_start, month_start, _ = period_starts(now)
    paid = Order.objects.filter(status__in=PAID_STATUSES).aggregate(
        week=Sum("total_cents", filter=Q(paid_at__gte=week_start), default=0),
        month=Sum("total_cents", filter=Q(paid_at__gte=month_start), default=0),
        total=Sum("total_cents", default=0),
    )
    refunded = Refund.objects.filter(status=RefundStatus.SUCCEEDED).aggregate(
        week=Sum("amount_cents", filter=Q(updated_at__gte=week_start), default=0),
        month=Sum("amount_cents", filter=Q(updated_at__gte=month_start), default=0),
        total=Sum("amount_cents", default=0),
    )
    return {
        period: {
            "paid": paid[period],
            "refunded": refunded[period],
            "net": paid[period] - refunded[period],
        }
        for period in ("week", "month", "total")
    }


class RevenuePanel(Component):
    """Money taken: paid orders minus refunds."""

    name = "petit_talk_revenue"
    template_name = "commerce/dashboard/revenue_panel.html"
    order = 60

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["revenue"] = revenue_summary()
        return context


def may_view_orders(user):
    return policy_registry.get_by_type(Order).user_has_permission(user, "view")


@hooks.register("construct_homepage_panels")
def add_revenue_panel(request, panels):
    if may_view_orders(request.user):
        panels.append(RevenuePanel())
