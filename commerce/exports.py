"""The "orders" part of a student's data export."""

from .models import Order


def export_orders(user):
    """Every order of ``user`` with its lessons, payments and refunds (amounts in cents)."""
    orders = Order.objects.filter(student=user).prefetch_related("items", "refunds", "payments")
    return [
        {
            "id": order.pk,
            "status": order.status,
            "created_at": order.created_at.isoformat(),
            "paid_at": order.paid_at.isoformat() if order.paid_at else None,
            "subtotal_cents": order.subtotal_cents,
            "discount_cents": order.discount_cents,
            "total_cents": order.total_cents,
            "currency": order.currency,
            "promo_code": order.promo_code,
            "billing": {
                "name": order.billing_name,
                "email": order.billing_email,
                "country": order.billing_country,
            },
            "lessons": [
                {
                    "booking_id": item.booking_id,
                    "price_cents": item.price_cents,
                    "discount_cents": item.discount_cents,
                }
                for item in order.items.all()
            ],
            "payments": [
                {"amount_cents": p.amount_cents, "status": p.status} for p in order.payments.all()
            ],
            "refunds": [
                {"amount_cents": r.amount_cents, "status": r.status, "reason": r.reason}
                for r in order.refunds.all()
            ],
        }
        for order in orders
    ]
