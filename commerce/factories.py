"""Factories for offers and orders (tests and benchmarks).

Orders made here are written directly, to set up a state; checkout, payment and refunds are
tested through ``commerce.services`` and the real views.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.factories import StudentFactory
from booking.factories import BookingFactory

from .models import (
    CreditEntry,
    CreditKind,
    CreditLot,
    Offer,
    OfferKind,
    Order,
    OrderItem,
    OrderStatus,
    Pack,
    PackLessons,
    Payment,
    PaymentStatus,
)


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
    """One lesson of an order, at the lesson's price (the booking is the order's student's).
    A pack line: ``booking=None, pack=..., price_cents=...``."""

    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    booking = factory.SubFactory(BookingFactory, student=factory.SelfAttribute("..order.student"))
    price_cents = factory.SelfAttribute("booking.price_cents")


class PackFactory(factory.django.DjangoModelFactory):
    """An active pack of 10 lessons for €160.00, valid 12 months."""

    class Meta:
        model = Pack

    name = factory.Sequence(lambda n: f"Pack {n}")
    lessons = PackLessons.TEN
    price_cents = 16000
    validity_months = 12
    active = True


class CreditLotFactory(factory.django.DjangoModelFactory):
    """A lot of ``quantity`` credits (default 5) of a student, bought a moment ago with a paid
    order line of its pack (``bought=False``: no order, as a moved or bonus lot), expiring in
    ``days`` days (default 365); its purchase entry is written with it."""

    class Meta:
        model = CreditLot
        skip_postgeneration_save = True

    class Params:
        days = 365
        bought = True

    student = factory.SubFactory(StudentFactory)
    pack = factory.SubFactory(PackFactory)
    quantity = 5
    expires_at = factory.LazyAttribute(lambda o: timezone.now() + timedelta(days=o.days))

    @factory.lazy_attribute
    def order_item(self):
        if not self.bought:
            return None
        order = OrderFactory(student=self.student, paid=True, total_cents=self.pack.price_cents)
        Payment.objects.create(
            order=order,
            provider="development",
            intent_id=f"pi_lot_{order.pk}",
            amount_cents=order.total_cents,
            status=PaymentStatus.SUCCEEDED,
        )
        Order.objects.filter(pk=order.pk).update(
            payment_provider="development", payment_intent_id=f"pi_lot_{order.pk}"
        )
        return OrderItem.objects.create(order=order, pack=self.pack, price_cents=order.total_cents)

    order = factory.LazyAttribute(lambda o: o.order_item.order if o.order_item else None)

    @factory.post_generation
    def purchase(obj, create, extracted, **kwargs):
        if create:
            CreditEntry.objects.create(
                lot=obj,
                student=obj.student,
                kind=CreditKind.PURCHASE if obj.order_item_id else CreditKind.ADJUSTMENT,
                delta=obj.quantity,
                reason="Factory",
            )
