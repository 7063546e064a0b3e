"""Demo content for commerce (idempotent): three offers that show every kind."""

from datetime import timedelta

from django.utils import timezone

from .models import Offer, OfferKind

DEMO_OFFERS = [
    {
        "name": "Autumn welcome: 10% off",
        "description": "Ten per cent off every lesson you book this season.",
        "kind": OfferKind.PERCENTAGE,
        "value": 10,
    },
    {
        "name": "Buy 5 lessons, get 1 free",
        "description": "Put six lessons in your basket and the cheapest one is on us.",
        "kind": OfferKind.BUNDLE,
        "bundle_buy": 5,
        "bundle_free": 1,
    },
    {
        "name": "Bonjour code: 15% off",
        "description": "Enter the code BONJOUR in your basket for 15% off your first order.",
        "kind": OfferKind.PERCENTAGE,
        "value": 15,
        "code": "BONJOUR",
        "first_order_only": True,
    },
]


def load(log):
    now = timezone.now()
    for data in DEMO_OFFERS:
        defaults = {
            **data,
            "starts_at": now - timedelta(days=1),
            "ends_at": now + timedelta(days=365),
            "active": True,
        }
        _, created = Offer.objects.get_or_create(name=data["name"], defaults=defaults)
        if created:
            log(f"Offer: {data['name']}")
    return []
