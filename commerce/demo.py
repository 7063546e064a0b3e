"""Demo content for commerce (idempotent): offers running this season, and the demo
student's lessons, booked and paid the way a student does it (basket, checkout, payment), so
every paid lesson has its paid order with matching lines.

Offers run for the current season (meteorological, northern hemisphere: winter is
December to February), with dates relative to today; a demo offer that has ended is moved to
the current season when the demo loads again.
"""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts import roles
from booking.models import Booking, BookingStatus
from booking.services import hold_slot, lesson_price_cents
from booking.slots import available_slots

from .credits.services import book_with_credit
from .models import Offer, OfferKind, Order, Pack, PackLessons
from .services import add_pack_to_basket, fulfil_payment, prepare_checkout

DEMO_STUDENT = "student@petittalk.example"
# Lesson packs: (lessons, name, price in cents, description).
DEMO_PACKS = (
    (PackLessons.FIVE, "Starter pack: 5 lessons", 8500, "Five lessons to get going."),
    (PackLessons.TEN, "Regular pack: 10 lessons", 16000, "A lesson a week for a term."),
    (PackLessons.TWENTY, "Intensive pack: 20 lessons", 30000, "Twenty lessons at the best price."),
)
SEASONS = ((12, "Winter"), (3, "Spring"), (6, "Summer"), (9, "Autumn"))  # first month, name


def current_season(today=None):
    """``(name, first day, first day of the next season)`` of the season ``today`` is in."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    if month in (1, 2):  # winter began last December
        year, month = year - 1, 12
    first_month = month - month % 3  # 3, 6, 9 or 12
    start = date(year, first_month, 1)
    end = date(year + 1, 3, 1) if first_month == 12 else date(year, first_month + 3, 1)
    return dict(SEASONS)[first_month], start, end


def seasonal_offer_name(today=None):
    return f"{current_season(today)[0]} welcome: 10% off"


def demo_offers(today=None):
    season = current_season(today)[0]
    return [
        {
            "name": seasonal_offer_name(today),
            "description": f"Ten per cent off every lesson you book this {season.lower()}.",
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


def _aware(day):
    return timezone.make_aware(datetime.combine(day, time()))


def load(log):
    now = timezone.now()
    _name, first_day, next_season = current_season(timezone.localdate(now))
    starts_at, ends_at = _aware(first_day), _aware(next_season)
    for data in demo_offers(timezone.localdate(now)):
        dates = {"starts_at": starts_at, "ends_at": ends_at, "active": True}
        offer, created = Offer.objects.get_or_create(name=data["name"], defaults={**data, **dates})
        if created:
            log(f"Offer: {data['name']}")
        elif offer.ends_at is not None and offer.ends_at <= now:
            Offer.objects.filter(pk=offer.pk).update(**dates)
            log(f"Offer: {data['name']} moved to this season")
    for lessons, name, price_cents, description in DEMO_PACKS:
        _pack, created = Pack.objects.get_or_create(
            name=name,
            defaults={"lessons": lessons, "price_cents": price_cents, "description": description},
        )
        if created:
            log(f"Pack: {name}")
    _demo_lessons(log)
    return []


def _demo_lessons(log):
    User = get_user_model()
    student = User.objects.filter(email__iexact=DEMO_STUDENT).first()
    teacher = (
        User.objects.filter(groups__name=roles.TEACHERS, is_active=True)
        .select_related("profile")
        .order_by("pk")
        .first()
    )
    # The student's lessons through the basket are made once; booking's demo adds past lessons
    # of its own (written directly, no order), which do not count here.
    if student is None or teacher is None or Order.objects.filter(student=student).exists():
        return
    now = timezone.now()
    slots = available_slots(teacher, now, now + timedelta(days=21), viewer=student)
    picks = slots[::7][:6]  # on different days
    if len(picks) < 4:
        return
    with transaction.atomic():
        paid = hold_slot(student, teacher, picks[1], "Prepare a job interview in French.")
        confirmed = hold_slot(student, teacher, picks[2], "Talk about French films.")
        cancelled = hold_slot(student, teacher, picks[3], "Grammar: the subjunctive.")
        # A lesson that took place last week (holds are for future times: written directly).
        start = (now - timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
        past = Booking.objects.create(
            teacher=teacher,
            student=student,
            start=start,
            end=start + timedelta(hours=1),
            status=BookingStatus.HELD,
            hold_expires_at=now + timedelta(minutes=30),
            goal="First conversation lesson.",
            price_cents=lesson_price_cents(teacher),
        )
        _pay_basket(student)
        for lesson in (paid, confirmed, cancelled, past):
            lesson.refresh_from_db()
        confirmed.confirm(by=teacher, message="À bientôt !")
        cancelled.cancel(by=student, reason="Change of plans.")  # refunded in full
        past.confirm(by=teacher)
        past.complete(now=now)
        _demo_credits(student, teacher, picks[4:])
        # One lesson waits in the basket, unpaid.
        hold_slot(student, teacher, picks[0], "Practise ordering at a café.")
    log(
        "Commerce: the demo student's lessons, paid in one order (one cancelled, refunded), "
        "and a 10-lesson pack with credits spent."
    )


def _demo_credits(student, teacher, slots):
    """The demo student buys the 10-lesson pack (basket, checkout, payment) and books lessons
    with two of its credits."""
    pack = Pack.objects.filter(lessons=PackLessons.TEN, active=True).first()
    if pack is None:
        return
    add_pack_to_basket(student, pack)
    _pay_basket(student)
    for start in slots[:2]:
        book_with_credit(student, teacher, start, "Conversation practice (paid with a credit).")


def _pay_basket(student):
    """Check the basket out and receive its payment, as the development provider's test
    payment page does (no money moves, whatever provider the settings name)."""
    with override_settings(PAYMENT_PROVIDER="development"):
        order = prepare_checkout(
            student,
            billing={"name": student.display_name, "email": student.email, "country": "GB"},
        ).order
        fulfil_payment(
            order.pk,
            intent_id=order.payment_intent_id,
            amount_cents=order.total_cents,
            provider="development",
        )
    return order
