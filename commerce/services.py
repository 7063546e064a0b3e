"""Commerce rules that touch several rows: the basket, checkout, fulfilment and refunds.

Every path that changes an order locks it first (``select_for_update``), so a double click,
a second tab or two webhook deliveries at once are serialised and the later one sees the
earlier one's result.

Money safety (see docs/operations.md, "Money safety"):

- once the provider is taking an order's money, the order is "paying" and its lessons are
  frozen; new lessons go into a new open order;
- fulfilment books exactly the lessons the amount received covers; any other amount puts
  the order in "needs attention" and refunds the surplus;
- an offer with limits is claimed with its row locked when a payment is prepared, and
  re-checked when the payment arrives;
- refunds lock the order and never exceed what was paid.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Sum, Value
from django.urls import reverse
from django.utils import timezone

from accounts.zones import format_local
from booking.exceptions import BookingError
from booking.models import Booking
from booking.services import extend_holds
from site_config.compiled import CompiledQuery
from site_config.mail import send_templated_email
from site_config.money import format_cents

from .credits.ledger import grant_pack
from .models import (
    PAID_STATUSES,
    Offer,
    OfferRedemption,
    Order,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from .offers import has_limits, lock_limited_offers, offers_for_pricing
from .payments import get_provider
from .payments.base import PAYING_INTENT_STATES, PaymentError
from .pricing import price_basket

logger = logging.getLogger(__name__)

# A basket of packs only holds its offer's use this long while the student pays (lessons
# hold it as long as their holds).
PACK_CLAIM_MINUTES = 30
SLOT_TAKEN_REASON = "Your hold had lapsed and someone else booked this time before the payment."


# Basket ------------------------------------------------------------------------------------


def basket_bookings(student, now=None):
    """The student's lessons in the basket (held, hold not lapsed), soonest first.

    Lessons of an order whose payment is in flight are not in the basket: they wait for
    that payment.
    """
    return (
        Booking.objects.in_basket(student, now=now)
        .exclude(order_items__order__status=OrderStatus.PAYING)
        .select_related("teacher__profile")
        .order_by("start")
    )


# The header's count runs on every page a student with a hold opens: compiled once.
_basket_lesson_ids = CompiledQuery(
    lambda student_id, now: basket_bookings(student_id, now=now).values_list("pk"),
    kinds=(int, datetime),
    name="basket_lesson_ids",
)


def basket_pack_items(student):
    """The pack lines of the student's open order (``basket_packs``, unpriced)."""
    return OrderItem.objects.filter(
        order__student=student, order__status=OrderStatus.OPEN, pack__isnull=False
    )


# The header's count when the basket may hold packs too: what each line is, lessons and
# packs in one query (orderings cleared: a compound query has one order or none).
_basket_line_kinds = CompiledQuery(
    lambda student_a, now, student_b: (
        basket_bookings(student_a, now=now)
        .order_by()
        .annotate(kind=Value("lesson"))
        .values_list("kind")
        .union(
            basket_pack_items(student_b)
            .order_by()
            .annotate(kind=Value("pack"))
            .values_list("kind"),
            all=True,
        )
    ),
    kinds=(int, datetime, int),
    name="basket_line_kinds",
)


def basket_line_counts(student, now=None, *, packs=True):
    """``(lessons, packs)``: how many lessons ``basket_bookings`` holds and how many packs
    ``basket_packs`` does (the header's count), in one query. ``packs=False`` counts the
    lessons only (packs 0), for a session that knows of no pack (``commerce.basket_hint``)."""
    now = now or timezone.now()
    if not packs:
        return len(_basket_lesson_ids.rows(student.pk, now)), 0
    kinds = [kind for (kind,) in _basket_line_kinds.rows(student.pk, now, student.pk)]
    return kinds.count("lesson"), kinds.count("pack")


# What the basket page reads of its orders (``basket_lines`` reads ``has_packs``); the
# other fields are deferred.
_BASKET_ORDER_FIELDS = ("id", "status", "total_cents", "failure_reason")
# The basket page runs it on every visit: compiled once.
_basket_orders = CompiledQuery(
    lambda student_id: (
        Order.objects.filter(student=student_id, status__in=(OrderStatus.OPEN, OrderStatus.PAYING))
        .annotate(
            has_packs=Exists(OrderItem.objects.filter(order=OuterRef("pk"), pack__isnull=False))
        )
        .order_by("pk")
        .only(*_BASKET_ORDER_FIELDS)
    ),
    name="basket_orders",
)


def basket_orders(student):
    """The basket's orders in one query: ``(open order or None, [orders being paid, oldest
    first])``, each with ``has_packs``; only their status, total and failure reason are
    loaded (the basket page's)."""
    orders = _basket_orders.objects(student.pk)
    open_order = next((o for o in orders if o.status == OrderStatus.OPEN), None)
    return open_order, [o for o in orders if o.status == OrderStatus.PAYING]


# What the basket and checkout pages and their pricing read of a lesson in the basket: its
# time, price and hold, and its teacher's name (``User.display_name``); the other fields
# are deferred.
_LESSON_FIELDS = ("id", "teacher", "start", "status", "hold_expires_at", "price_cents")
_TEACHER_FIELDS = ("id", "first_name", "last_name", "email")
# Every visit of the basket or checkout reads them: compiled once.
_basket_lessons = CompiledQuery(
    lambda student_id, now: basket_bookings(student_id, now=now).only(
        *_LESSON_FIELDS,
        *(f"teacher__{name}" for name in _TEACHER_FIELDS),
        "teacher__profile__id",
        "teacher__profile__display_name",
    ),
    kinds=(int, datetime),
    name="basket_lessons",
)


def basket_lessons(student, now=None):
    """``basket_bookings`` as the basket and checkout show and price them, in one compiled
    query: only ``_LESSON_FIELDS`` of each lesson, and its teacher's name, are loaded."""
    return _basket_lessons.objects(student.pk, now or timezone.now())


def basket_packs(student):
    """The packs in the student's basket: pack lines of their open order, each priced at
    the pack's current price (``price_cents`` set from it, not saved)."""
    items = list(basket_pack_items(student).select_related("pack").order_by("pk"))
    for item in items:
        item.price_cents = item.pack.price_cents
    return items


def basket_lines(student, now=None, *, orders=None):
    """Everything in the basket: held lessons (soonest first), then packs. Given ``orders``
    from ``basket_orders``, packs are read only when the open order has some."""
    open_order = orders[0] if orders is not None else None
    skip_packs = orders is not None and not (open_order and open_order.has_packs)
    packs = [] if skip_packs else basket_packs(student)
    return [*basket_lessons(student, now=now), *packs]


@transaction.atomic
def add_pack_to_basket(student, pack):
    """Put one ``pack`` in the student's basket (their open order); once per pack.
    Only active packs can be bought."""
    if not pack.active:
        raise PackUnavailable("This pack is not on sale any more.")
    order = _lock_open_order(student)
    item, _created = OrderItem.objects.get_or_create(
        order=order, pack=pack, defaults={"price_cents": pack.price_cents}
    )
    return item


@transaction.atomic
def remove_pack_from_basket(student, item_pk):
    """Take a pack line out of the student's basket (their open order only)."""
    order = _lock_open_order(student, create=False)
    if order is None:
        return 0
    deleted, _ = OrderItem.objects.filter(order=order, pk=item_pk, pack__isnull=False).delete()
    return deleted


class PackUnavailable(Exception):
    """The pack cannot be put in the basket; ``str(error)`` says why."""


def _line_key(obj):
    """Which basket line an object is: a lesson (a booking, or its order line) or a pack
    line (an order line with a pack)."""
    if isinstance(obj, OrderItem):
        return ("pack", obj.pk) if obj.pack_id else ("lesson", obj.booking_id)
    return ("lesson", obj.pk)


def price_for(student, bookings, promo_code="", now=None):
    """Price these basket lines (bookings and pack lines) for this student live from the
    database (offers can change)."""
    return price_basket(
        bookings,
        offers_for_pricing(student, now=now, promo_code=promo_code),
        student=student,
        promo_code=promo_code,
        now=now,
    )


def promo_code_problem(student, code, now=None):
    """Why the student cannot use this promo code on their basket now (the sentence the
    basket shows: "This code cannot be used." for an unknown, not yet valid or expired
    code), or "" when it applies. A code with a problem is not kept in the basket."""
    price = price_for(student, basket_lines(student, now=now), code, now=now)
    return price.message if price.code_rejected else ""


# Checkout ----------------------------------------------------------------------------------


def _lock_open_order(student, *, create=True):
    """The student's one open order, locked; created if there is none (and ``create``)."""
    order = Order.objects.select_for_update().filter(student=student, status="open").first()
    if order is None and create:
        try:
            with transaction.atomic():
                order = Order.objects.create(student=student, currency=settings.CURRENCY)
        except IntegrityError:  # another request created it a moment ago
            order = Order.objects.select_for_update().get(student=student, status="open")
    return order


def order_matches_price(order, items, price):
    """True when the order holds exactly these lessons at these amounts, with this offer.

    ``items`` are the order's items (already fetched). Used to tell the student that the
    basket changed since checkout started, instead of letting them pay a different total.
    """
    held = {_line_key(item): (item.price_cents, item.discount_cents) for item in items}
    priced = {_line_key(line.item): (line.price_cents, line.discount_cents) for line in price.lines}
    offer_id = price.applied_offer.pk if price.applied_offer else None
    return held == priced and (
        order.subtotal_cents,
        order.discount_cents,
        order.total_cents,
        order.offer_id,
    ) == (price.subtotal_cents, price.discount_cents, price.total_cents, offer_id)


def _sync_items(order, items, price):
    """Make the order's items and amounts match a fresh price (constant number of queries)."""
    wanted = {_line_key(line.item): line for line in price.lines}
    existing = {_line_key(item): item for item in items}
    stale = [item.pk for key, item in existing.items() if key not in wanted]
    if stale:
        OrderItem.objects.filter(pk__in=stale).delete()
    new, changed = [], []
    for key, line in wanted.items():
        item = existing.get(key)
        if item is None:
            new.append(
                OrderItem(
                    order=order,
                    booking=line.item,
                    price_cents=line.price_cents,
                    discount_cents=line.discount_cents,
                )
            )
        elif (item.price_cents, item.discount_cents) != (line.price_cents, line.discount_cents):
            item.price_cents, item.discount_cents = line.price_cents, line.discount_cents
            changed.append(item)
    if new:
        OrderItem.objects.bulk_create(new)
    if changed:
        OrderItem.objects.bulk_update(changed, ["price_cents", "discount_cents"])
    order.subtotal_cents = price.subtotal_cents
    order.discount_cents = price.discount_cents
    order.total_cents = price.total_cents
    order.offer = price.applied_offer
    order.promo_code = price.applied_offer.code if price.applied_offer else ""


def _extend_holds(bookings, now):
    """Keep the lessons reserved while the student pays: the booking rule
    (``booking.services.extend_holds``: once per hold, capped), in constant queries."""
    extend_holds(bookings, now=now)


@dataclass(frozen=True)
class Checkout:
    """Where the student's checkout stands.

    ``order`` is None when the basket is empty. ``changed`` is True when the order did not
    (or, for ``prepare_checkout``, no longer) match the basket: the student must look again
    before paying. ``client_secret`` is empty for free orders and when nothing is payable.
    ``already_paying`` means the provider is processing (or has taken) the payment.
    ``frozen_order`` is the order ``prepare_checkout`` just found in flight and froze (its
    lessons wait for that payment; the basket's lessons went into ``order``, a new one).
    """

    order: Order | None
    price: object = None
    client_secret: str = ""
    changed: bool = False
    already_paying: bool = False
    frozen_order: Order | None = None


def _payment_in_flight(order, provider):
    """True when the provider is taking (or has taken) the money for this order's intent."""
    if not order.payment_intent_id or order.payment_provider != provider.name:
        return False
    return provider.retrieve_intent(order.payment_intent_id).status in PAYING_INTENT_STATES


def _freeze(order):
    """The order's payment is in flight: its lessons are frozen until the payment ends."""
    order.status = OrderStatus.PAYING
    order.save(update_fields=["status", "updated_at"])


def note_payment_in_flight(order_id, student):
    """The student is back from the provider: if it is taking the money, freeze the order.

    Called by the result page, so lessons added afterwards go into a new order at once.
    Idempotent; a provider that cannot answer changes nothing.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id, student=student).first()
        if order is None or order.status != OrderStatus.OPEN:
            return order
        try:
            in_flight = _payment_in_flight(order, get_provider())
        except PaymentError:
            return order
        if in_flight:
            _freeze(order)
    return order


def _claim_price(student, bookings, promo_code, now):
    """Price the basket; when the offer applied has limits, count its uses and claim one
    atomically: the candidate offers with limits are locked and the basket priced again, so
    a use claimed by a checkout that committed meanwhile is counted."""
    price = price_for(student, bookings, promo_code, now=now)
    if has_limits(price.applied_offer):
        lock_limited_offers(now=now, promo_code=promo_code)
        price = price_for(student, bookings, promo_code, now=now)
    return price


@transaction.atomic
def prepare_checkout(student, *, promo_code="", billing=None, now=None):
    """Bring the student's open order up to the basket and get the client secret to pay it.

    POST only: it writes. Prices come from the database only (never from the browser). The
    order is locked, so a double click or a second tab finds and reuses the same order; the
    provider's intent is created once per order and reused (its amount updated) afterwards.
    Holds are extended while the student pays. ``changed`` says whether the order had to
    change (new order, other lessons or amounts) since the last call.

    If the provider is already taking the open order's money, that order is frozen (it
    becomes "paying", ``frozen_order``) and the basket's lessons go into a new order. An
    offer with limits is claimed here, atomically (``_claim_price``); a student who loses
    the last use gets the basket re-priced without it (``changed``, with the code's message).
    """
    now = now or timezone.now()
    provider = get_provider()
    order = _lock_open_order(student, create=False)
    frozen = None
    if order is not None and _payment_in_flight(order, provider):
        _freeze(order)
        frozen, order = order, None
    bookings = list(basket_bookings(student, now=now))
    lines = [*bookings, *basket_packs(student)]
    if not lines:
        return Checkout(order=None, frozen_order=frozen)
    order = order or _lock_open_order(student)
    price = _claim_price(student, lines, promo_code, now)
    items = list(order.items.all())
    changed = not order_matches_price(order, items, price)
    _sync_items(order, items, price)
    _extend_holds(bookings, now)
    # The offer's use is held for as long as the lessons are.
    order.offer_claimed_until = (
        max(
            (booking.hold_expires_at for booking in bookings),
            default=now + timedelta(minutes=PACK_CLAIM_MINUTES),
        )
        if order.offer_id
        else None
    )
    if billing:
        order.billing_name = billing["name"]
        order.billing_email = billing["email"]
        order.billing_country = billing["country"]
    order.payment_provider = provider.name
    client_secret = provider.create_or_update_intent(order) if order.total_cents else ""
    order.save()
    return Checkout(
        order=order,
        price=price,
        client_secret=client_secret,
        changed=changed,
        frozen_order=frozen,
    )


def checkout_state(student, *, promo_code="", now=None):
    """The checkout page as it stands, read only (GET): no order, hold or intent changes.

    The open order is payable only while it matches the live basket and the provider's
    intent still asks for the order's total; otherwise ``changed`` is True and the student
    restarts checkout (a POST). A provider failure raises PaymentError.
    """
    order = (
        Order.objects.filter(student=student, status=OrderStatus.OPEN)
        .select_related("offer")
        .prefetch_related("items__booking__teacher__profile", "items__pack")
        .first()
    )
    lines = basket_lines(student, now=now)
    if not lines:
        return Checkout(order=None)
    price = price_for(student, lines, promo_code, now=now)
    if order is None or not order_matches_price(order, order.items.all(), price):
        return Checkout(order=order, price=price, changed=True)
    provider = get_provider()
    if provider.name != order.payment_provider:
        return Checkout(order=order, price=price, changed=True)
    client_secret = ""
    if order.total_cents and provider.uses_stripe_js:
        if not order.payment_intent_id:
            return Checkout(order=order, price=price, changed=True)
        intent = provider.retrieve_intent(order.payment_intent_id)
        if intent.status in PAYING_INTENT_STATES:
            return Checkout(order=order, price=price, already_paying=True)
        if intent.amount != order.total_cents:
            return Checkout(order=order, price=price, changed=True)
        client_secret = intent.client_secret
    return Checkout(order=order, price=price, client_secret=client_secret)


# Fulfilment (webhooks and the development provider) ---------------------------------------


def fulfil_payment(order_id, *, intent_id, amount_cents, charge_id="", provider=""):
    """A payment succeeded: the order is paid, its lessons become paid, the offer's
    redemption is counted, and the receipt is emailed. Idempotent.

    Exactly the lessons the amount received covers are paid: soonest first, while their
    prices add up to no more than that amount. When the amount differs from the order's
    total, the lessons it does not cover leave the order (they are back in the basket while
    their hold lasts), any surplus is refunded, and the order "needs attention" for an
    admin. So does a discounted order whose offer reached its limit meanwhile (re-checked
    here). A covered lesson that cannot become paid (its lapsed hold's slot was taken, or
    it left the basket meanwhile) is refunded at once and the student is told why.
    """
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None or (order.payment_intent_id and order.payment_intent_id != intent_id):
        logger.warning("Payment %s does not match order %s; ignored", intent_id, order_id)
        return None
    payment, _ = Payment.objects.get_or_create(
        intent_id=intent_id,
        status=PaymentStatus.SUCCEEDED,
        defaults={
            "order": order,
            "provider": provider or order.payment_provider,
            "amount_cents": amount_cents,
            "charge_id": charge_id or "",
        },
    )
    if order.status not in (OrderStatus.OPEN, OrderStatus.PAYING):
        return order
    items = list(order.items.select_related("booking", "booking__teacher__profile", "pack"))
    items, surplus = _settle_amount(order, items, amount_cents)
    limit_problem = _offer_limit_problem(order)
    if limit_problem:
        _needs_attention(
            order,
            limit_problem,
            "Our team is checking this order: its promo code had reached its limit when "
            "your payment arrived. Your lessons are booked at the price you paid.",
        )
    if order.status != OrderStatus.NEEDS_ATTENTION:
        order.status = OrderStatus.PAID
    order.paid_at = timezone.now()
    order.failure_reason = ""
    order.save()
    Refund.objects.filter(order=order, payment__isnull=True).update(payment=payment)
    if order.refunded_cents >= amount_cents > 0:
        # The refund event arrived first: the money is already back with the student.
        order.refresh_refund_status()
        return order

    unpaid = []
    for item in items:
        if item.pack_id:
            grant_pack(item)  # the pack's credits (a lot in the student's wallet)
            continue
        try:
            item.booking.mark_paid(by=None)
        except BookingError:
            unpaid.append(item)
    if order.offer_id:
        OfferRedemption.objects.get_or_create(
            order=order, defaults={"offer_id": order.offer_id, "student_id": order.student_id}
        )
    for item in unpaid:
        refund_item(item, reason=SLOT_TAKEN_REASON, key=f"unfulfilled-item-{item.pk}")
    if surplus:
        _refund_surplus(order, payment, surplus)
    _send_receipt_on_commit(order, items, unpaid)
    return order


def _covered_order(item):
    """Lessons soonest first, then packs (in the order they were put in the basket)."""
    if item.pack_id:
        return (1, None, item.pk)
    return (0, item.booking.start, item.pk)


def covered_items(items, amount_cents):
    """The items an amount pays for: lessons soonest first, then packs, while their prices
    fit in it."""
    covered, left = [], amount_cents
    for item in sorted(items, key=_covered_order):
        if item.paid_cents > left:
            break
        covered.append(item)
        left -= item.paid_cents
    return covered


def _settle_amount(order, items, amount_cents):
    """Match the order to the amount received; returns ``(covered items, surplus)``.

    The exact total changes nothing. Any other amount keeps only the covered lessons in the
    order (the others are released to the basket), makes the order's total what was
    received, and flags the order for an admin with the surplus to refund.
    """
    if amount_cents == order.total_cents:
        return items, 0
    covered = covered_items(items, amount_cents)
    released = [item for item in items if item not in covered]
    paid_for = sum(item.paid_cents for item in covered)
    surplus = amount_cents - paid_for
    expected = order.total_cents
    if released:
        OrderItem.objects.filter(pk__in=[item.pk for item in released]).delete()
    order.subtotal_cents = sum(item.price_cents for item in covered)
    order.discount_cents = sum(item.discount_cents for item in covered)
    order.total_cents = amount_cents
    reason = (
        f"The payment received {format_cents(amount_cents)} but the order totalled "
        f"{format_cents(expected)} for {len(items)} lesson(s): {len(covered)} lesson(s) "
        f"paid ({format_cents(paid_for)})"
    )
    if released:
        reason += f", {len(released)} released to the student's basket"
    if surplus:
        reason += f", {format_cents(surplus)} refunded automatically"
    notice = (
        f"Your payment of {format_cents(amount_cents)} did not match your order "
        f"({format_cents(expected)}). We booked the lessons it covers, listed here"
    )
    if surplus:
        notice += f", and refund the {format_cents(surplus)} left over automatically"
    notice += "."
    if released:
        notice += " The other lessons are back in your basket while their hold lasts."
    notice += " Our team has been told and checks your order."
    _needs_attention(order, reason + ".", notice)
    logger.warning("Order %s: %s", order.pk, reason)
    return covered, surplus


def _offer_limit_problem(order):
    """Re-check the order's offer at payment time: why it is over a limit, or "".

    The offer row is locked, and only the uses of other paid orders count: claims made
    when payments were prepared keep every in-flight order within the limits, so an order
    over a limit here paid after its claim had lapsed.
    """
    if not order.offer_id:
        return ""
    offer = Offer.objects.select_for_update().filter(pk=order.offer_id).first()
    if offer is None or not has_limits(offer):
        return ""
    others = OfferRedemption.objects.filter(offer=offer).exclude(order=order)
    label = f"the offer {offer.name}" + (f" (code {offer.code})" if offer.code else "")
    if offer.max_redemptions and others.count() >= offer.max_redemptions:
        return f"Paid with {label} after its {offer.max_redemptions} use(s) were taken."
    if (
        offer.per_student_limit
        and others.filter(student_id=order.student_id).count() >= offer.per_student_limit
    ):
        return f"Paid with {label} after the student had used it as often as allowed."
    if (
        offer.first_order_only
        and Order.objects.filter(student_id=order.student_id, status__in=PAID_STATUSES)
        .exclude(pk=order.pk)
        .exists()
    ):
        return f"Paid with {label}, which is for a first order, but it is not the first."
    return ""


def _needs_attention(order, reason, notice):
    """Flag the order for an admin (``reason``) and tell the student (``notice``)."""
    order.status = OrderStatus.NEEDS_ATTENTION
    order.attention_reason = " ".join(filter(None, [order.attention_reason, reason]))
    order.student_notice = " ".join(filter(None, [order.student_notice, notice]))


def needs_attention_count():
    """Orders an admin must look at (shown on the Wagtail dashboard)."""
    return Order.objects.filter(status=OrderStatus.NEEDS_ATTENTION).count()


@transaction.atomic
def resolve_attention(order_pk, *, by):
    """An admin has dealt with an order that needed attention: it becomes paid again
    (refunded or partially refunded as its refunds say). The reason stays on record."""
    order = Order.objects.select_for_update().get(pk=order_pk)
    if order.status != OrderStatus.NEEDS_ATTENTION:
        return order
    order.status = OrderStatus.PAID
    who = getattr(by, "email", "") or "an admin"
    order.attention_reason += f" Resolved by {who} on {timezone.now():%Y-%m-%d %H:%M} UTC."
    order.save(update_fields=["status", "attention_reason", "updated_at"])
    order.refresh_refund_status()
    return order


def record_payment_failure(order_id, *, intent_id, message):
    """A payment attempt failed: the lessons stay held and the student can try again.

    An open order stays open with the reason. An order that was being paid is reopened
    with the reason when the student has no other open order; otherwise it is failed and
    its lessons are back in the basket (the open order takes them at the next checkout).
    """
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if (
        order is None
        or order.status not in (OrderStatus.OPEN, OrderStatus.PAYING)
        or order.payment_intent_id != intent_id
    ):
        return None
    order.failure_reason = (message or "Your payment was declined.")[:500]
    if order.status == OrderStatus.PAYING:
        other_open = Order.objects.filter(student_id=order.student_id, status=OrderStatus.OPEN)
        order.status = OrderStatus.FAILED if other_open.exists() else OrderStatus.OPEN
    order.save(update_fields=["status", "failure_reason", "updated_at"])
    Payment.objects.create(
        order=order,
        provider=order.payment_provider,
        intent_id=intent_id,
        amount_cents=order.total_cents,
        status=PaymentStatus.FAILED,
        failure_message=order.failure_reason,
    )
    return order


def record_provider_refunds(intent_id, *, amount_refunded, refunds=()):
    """The provider reports money refunded on a charge (``charge.refunded``). Idempotent.

    Refunds we asked for are matched by id and marked succeeded; refunds made elsewhere
    (the Stripe dashboard) are recorded. Works even before the payment event has arrived.
    """
    order = Order.objects.select_for_update().filter(payment_intent_id=intent_id).first()
    if order is None:
        logger.warning("Refund for unknown payment %s ignored", intent_id)
        return None
    payment = order.payments.filter(status=PaymentStatus.SUCCEEDED).first()
    for data in refunds:
        if data.get("status") not in ("succeeded", "pending"):
            continue
        record_pk = (data.get("metadata") or {}).get("refund_record")
        match = Refund.objects.filter(order=order, provider_refund_id=data["id"]).first() or (
            Refund.objects.filter(order=order, pk=record_pk).first() if record_pk else None
        )
        status = RefundStatus.SUCCEEDED if data["status"] == "succeeded" else RefundStatus.PENDING
        if match is None:
            Refund.objects.get_or_create(
                idempotency_key=f"provider-{data['id']}",
                defaults={
                    "order": order,
                    "payment": payment,
                    "amount_cents": data["amount"],
                    "reason": "Refunded in the Stripe dashboard",
                    "status": status,
                    "provider_refund_id": data["id"],
                },
            )
        elif match.status != RefundStatus.SUCCEEDED:
            match.status, match.provider_refund_id = status, data["id"]
            match.failure_message = ""
            match.save(update_fields=["status", "provider_refund_id", "failure_message"])
    recorded = (
        order.refunds.filter(status=RefundStatus.SUCCEEDED).aggregate(s=Sum("amount_cents"))["s"]
        or 0
    )
    if amount_refunded > recorded:
        Refund.objects.get_or_create(
            idempotency_key=f"provider-{intent_id}-{amount_refunded}",
            defaults={
                "order": order,
                "payment": payment,
                "amount_cents": amount_refunded - recorded,
                "reason": "Refunded in the Stripe dashboard",
                "status": RefundStatus.SUCCEEDED,
            },
        )
    order.refresh_refund_status()
    return order


# Refunds -----------------------------------------------------------------------------------


class RefundRefused(Exception):
    """A refund asked for more than is left; ``str(error)`` says how much is left."""


def refundable_cents(item):
    """What is left to refund on a lesson: what was paid minus refunds not failed."""
    taken = (
        item.refunds.exclude(status=RefundStatus.FAILED).aggregate(s=Sum("amount_cents"))["s"] or 0
    )
    return max(0, item.paid_cents - taken)


def _order_refundable_cents(order):
    """What is left to refund on the whole order: received minus refunds not failed."""
    received = (
        order.payments.filter(status=PaymentStatus.SUCCEEDED).aggregate(s=Sum("amount_cents"))["s"]
        or 0
    )
    taken = (
        order.refunds.exclude(status=RefundStatus.FAILED).aggregate(s=Sum("amount_cents"))["s"] or 0
    )
    return max(0, received - taken)


@transaction.atomic
def refund_item(item, *, amount_cents=None, reason, by=None, key):
    """Refund a lesson (all that is left by default) through the order's provider.

    The order is locked first, so concurrent refunds are serialised and what is left is
    computed inside the lock: never more than was paid for the lesson, nor than the order
    received. ``key`` is the idempotency key (one per refund request), so calling twice
    with the same key refunds once. The Refund row is created now (pending) and sent to the
    provider after the commit. Returns the Refund, or None when nothing is left to refund;
    an explicit ``amount_cents`` above what is left raises RefundRefused.
    """
    order = Order.objects.select_for_update().get(pk=item.order_id)
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing:
        return existing
    left = min(refundable_cents(item), _order_refundable_cents(order))
    if amount_cents is not None and amount_cents > left:
        raise RefundRefused(f"At most {format_cents(left)} can be refunded for this lesson now.")
    amount = left if amount_cents is None else amount_cents
    if amount <= 0:
        return None
    refund = Refund.objects.create(
        order=order,
        item=item,
        payment=order.payments.filter(status=PaymentStatus.SUCCEEDED).first(),
        amount_cents=amount,
        reason=reason[:300],
        by=by if getattr(by, "is_authenticated", False) else None,
        idempotency_key=key,
    )
    transaction.on_commit(lambda: execute_refund(refund.pk))
    return refund


def _refund_surplus(order, payment, amount_cents):
    """Give back money received beyond the lessons paid (one refund per payment)."""
    amount = min(amount_cents, _order_refundable_cents(order))
    if amount <= 0:
        return None
    refund, created = Refund.objects.get_or_create(
        idempotency_key=f"surplus-{payment.pk}",
        defaults={
            "order": order,
            "payment": payment,
            "amount_cents": amount,
            "reason": "Paid more than the lessons booked: the difference is refunded.",
        },
    )
    if created:
        transaction.on_commit(lambda: execute_refund(refund.pk))
    return refund


def execute_refund(refund_pk):
    """Send a pending refund to the provider; record success or the provider's refusal.

    A refusal is recorded as failed (admins see it on the order) and never raises.
    """
    refund = Refund.objects.select_related("order", "payment").get(pk=refund_pk)
    if refund.status != RefundStatus.PENDING or refund.provider_refund_id:
        return refund
    order = refund.order
    if refund.payment is None:
        refund.status = RefundStatus.FAILED
        refund.failure_message = "No successful payment to refund."
        refund.save(update_fields=["status", "failure_message", "updated_at"])
        return refund
    try:
        result = get_provider(order.payment_provider or None).refund(
            refund.payment,
            refund.amount_cents,
            refund.reason,
            refund.idempotency_key,
            metadata={"refund_record": str(refund.pk)},
        )
    except PaymentError as exc:
        logger.error("Refund %s refused: %s", refund.pk, exc)
        Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(
            status=RefundStatus.FAILED, failure_message=str(exc)[:500], updated_at=timezone.now()
        )
        refund.refresh_from_db()
        return refund
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        refund.provider_refund_id = result.refund_id
        if result.status == "succeeded":
            refund.status = RefundStatus.SUCCEEDED
        elif result.status == "failed":
            refund.status = RefundStatus.FAILED
        refund.save(update_fields=["status", "provider_refund_id", "updated_at"])
        order.refresh_refund_status()
        if refund.status != RefundStatus.FAILED:
            _send_refund_email_on_commit(refund)
    return refund


# Emails ------------------------------------------------------------------------------------


def _lesson_line(booking, student):
    return f"{format_local(booking.start, student)} with {booking.teacher.display_name}"


def _item_line(item, student):
    if item.pack_id:
        return f"{item.pack.name} ({item.pack.lessons} lesson credits)"
    return _lesson_line(item.booking, student)


def _send_receipt_on_commit(order, items, unpaid):
    student = order.student
    context = {
        "student_name": student.display_name,
        "order_id": order.pk,
        "lessons": [
            {"when": _item_line(item, student), "price": format_cents(item.paid_cents)}
            for item in items
            if item not in unpaid
        ],
        "refunded_lessons": [_item_line(item, student) for item in unpaid],
        "subtotal": format_cents(order.subtotal_cents),
        "discount": format_cents(order.discount_cents) if order.discount_cents else "",
        "offer": order.offer.name if order.offer_id else "",
        "total": format_cents(order.total_cents),
        "receipt_url": settings.SITE_URL + reverse("commerce:order_receipt", args=[order.pk]),
        "slot_taken_reason": SLOT_TAKEN_REASON,
        "notice": order.student_notice,
    }
    to = [order.billing_email or student.email]
    transaction.on_commit(
        lambda: send_templated_email.enqueue("commerce/emails/receipt", context, to)
    )


def _send_refund_email_on_commit(refund):
    order = refund.order
    context = {
        "student_name": order.student.display_name,
        "order_id": order.pk,
        "amount": format_cents(refund.amount_cents),
        "reason": refund.reason,
        "receipt_url": settings.SITE_URL + reverse("commerce:order_receipt", args=[order.pk]),
    }
    to = [order.billing_email or order.student.email]
    transaction.on_commit(
        lambda: send_templated_email.enqueue("commerce/emails/refund", context, to)
    )
