"""Which teachers a search finds, and what each card shows: the teacher's lesson price
(``booking.services.lesson_price_cents``, the one price rule), verified rating, specialties,
levels taught and first free time for the viewer (``booking.slots.next_free_slots``).

The page costs the same number of queries however many teachers there are: teachers with
their profiles, their specialties, their ratings, and the three queries of the slots.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Profile, Specialty
from accounts.zones import format_local

from ..models import BookingSettings
from ..reviews.models import teacher_ratings
from ..selectors import active_teachers
from ..services import lesson_price_cents
from ..slots import next_free_slots

MAX_QUERY_WORDS = 8


@dataclass(frozen=True)
class TeacherCard:
    """One teacher as the search shows them. ``next_slot`` is None when the teacher has
    no free time within the booking horizon: they cannot be booked now."""

    teacher: object
    price_cents: int
    rating: float | None
    review_count: int
    next_slot: datetime | None
    next_slot_text: str

    @property
    def profile(self):
        return self.teacher.profile

    @property
    def specialties(self):
        return self.teacher.profile.specialties.all()  # prefetched

    @property
    def bookable(self):
        return self.next_slot is not None


def _matching(query):
    """Teachers whose name, bio, languages or a specialty contain every word of ``query``."""
    condition = Q()
    for word in query.split()[:MAX_QUERY_WORDS]:
        has_specialty = Exists(
            Profile.specialties.through.objects.filter(
                profile_id=OuterRef("profile__pk"), specialty__name__icontains=word
            )
        )
        condition &= (
            Q(profile__display_name__icontains=word)
            | Q(profile__bio__icontains=word)
            | Q(profile__languages__icontains=word)
            | has_specialty
        )
    return condition


def teacher_queryset(*, query="", specialty=None, level=""):
    """Active teachers matching the filters the database can answer, profiles and
    specialties loaded (two queries)."""
    teachers = active_teachers().prefetch_related("profile__specialties")
    if query.strip():
        teachers = teachers.filter(_matching(query))
    if specialty is not None:
        teachers = teachers.filter(
            Exists(
                Profile.specialties.through.objects.filter(
                    profile_id=OuterRef("profile__pk"), specialty=specialty
                )
            )
        )
    if level:
        # Both levels are set or neither (a profile constraint); codes sort in CEFR order.
        teachers = teachers.filter(
            profile__lowest_level_taught__lte=level, profile__highest_level_taught__gte=level
        )
    return teachers


def teacher_cards(teachers, *, viewer=None, now=None, booking_settings=None):
    """A ``TeacherCard`` per teacher, in order: price, rating, first free time for
    ``viewer`` (shown in the viewer's zone, with its name)."""
    now = now or timezone.now()
    booking_settings = booking_settings or BookingSettings.current()
    teachers = list(teachers)
    ratings = teacher_ratings(teacher.pk for teacher in teachers) if teachers else {}
    slots = next_free_slots(teachers, viewer=viewer, now=now, settings=booking_settings)
    cards = []
    for teacher in teachers:
        rating, count = ratings.get(teacher.pk, (None, 0))
        slot = slots.get(teacher.pk)
        cards.append(
            TeacherCard(
                teacher=teacher,
                price_cents=lesson_price_cents(teacher, booking_settings),
                rating=rating,
                review_count=count,
                next_slot=slot,
                next_slot_text=format_local(slot, viewer) if slot else "",
            )
        )
    return cards


def find_teachers(
    *,
    query="",
    specialty=None,
    level="",
    min_price_cents=None,
    max_price_cents=None,
    free_within_days=None,
    viewer=None,
    now=None,
    booking_settings=None,
):
    """The cards of the active teachers matching every filter given: words of ``query``,
    a ``Specialty``, a CEFR ``level`` they teach, a price range (cents, inclusive), and a
    first free time within ``free_within_days`` days."""
    now = now or timezone.now()
    booking_settings = booking_settings or BookingSettings.current()
    teachers = teacher_queryset(query=query, specialty=specialty, level=level)
    cards = teacher_cards(teachers, viewer=viewer, now=now, booking_settings=booking_settings)
    if min_price_cents is not None:
        cards = [card for card in cards if card.price_cents >= min_price_cents]
    if max_price_cents is not None:
        cards = [card for card in cards if card.price_cents <= max_price_cents]
    if free_within_days is not None:
        until = now + timedelta(days=free_within_days)
        cards = [card for card in cards if card.bookable and card.next_slot < until]
    return cards


def specialties():
    """Every specialty, for the filter (one query)."""
    return list(Specialty.objects.all())


def cheapest_lesson_price_cents(booking_settings=None):
    """The lowest lesson price of any active teacher (the site's price when there is none
    yet): what "from €18.00" on the home page means. One query."""
    booking_settings = booking_settings or BookingSettings.current()
    teachers = active_teachers().only("pk", "profile__price_override_cents")
    prices = [lesson_price_cents(teacher, booking_settings) for teacher in teachers]
    return min(prices, default=booking_settings.lesson_price_cents)
