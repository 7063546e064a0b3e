"""Factories for offers and orders (tests and benchmarks).

Orders made here are written directly, to set up a state; checkout, payment and refunds are
tested through ``commerce.services`` and the real views.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.factories import StudentFactory
from booking.factories import BookingFactory

from .models import Offer, OfferKind, Order, OrderItem, OrderStatus


class OfferFactory(factory.django.DjangoModelFactory):
    """A running automatic offer: 10% off, started yesterday, no end.

    Traits: ``fixed`` (€5.00 off), ``bundle`` (buy 3, get 1 free), ``future`` (starts
    tomorrow), ``ended`` (ended yesterday), ``inactive``; ``code="..."`` makes it a promo code.
    """

    class Meta:
        model = Offer

    class Params:
        fixed = factory.Trait(kind=OfferKind.FIXED, value=500)
        bundle = factory.Trait(kind=OfferKind.BUNDLE, value=0, bundle_buy=3, bundle_free=1)
        future = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
        )
        ended = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=10)),
            ends_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )
        inactive = factory.Trait(active=False)

    name = "Test offer"
    kind = OfferKind.PERCENTAGE
    value = 10
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    active = True


class OrderFactory(factory.django.DjangoModelFactory):
    """An open order of a student, with no lines (add them with ``OrderItemFactory``).

    Traits: ``paid`` (paid now), ``failed``, ``needs_attention``.
    """

    class Meta:
        model = Order

    class Params:
        paid = factory.Trait(status=OrderStatus.PAID, paid_at=factory.LazyFunction(timezone.now))
        failed = factory.Trait(status=OrderStatus.FAILED)
        needs_attention = factory.Trait(status=OrderStatus.NEEDS_ATTENTION)

    student = factory.SubFactory(StudentFactory)
    status = OrderStatus.OPEN
    currency = "EUR"


class OrderItemFactory(factory.django.DjangoModelFactory):
    """One lesson of an order, at the lesson's price (the booking is the order's student's)."""

    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    booking = factory.SubFactory(BookingFactory, student=factory.SelfAttribute("..order.student"))
    price_cents = factory.SelfAttribute("booking.price_cents")
