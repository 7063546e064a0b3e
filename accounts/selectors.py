"""Read-only queries other apps rely on (booking picks teachers through these)."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404

from .roles import STUDENTS, TEACHERS


def active_teachers():
    """Teachers who appear on the site and can be booked: active users in the Teachers group
    with a public slug. Profiles are joined in the same query."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=TEACHERS, profile__slug__isnull=False)
        .exclude(profile__slug="")
        .select_related("profile")
        .order_by("profile__display_name", "pk")
    )


def get_active_teacher(slug):
    """The active teacher with this public slug, or 404."""
    return get_object_or_404(active_teachers(), profile__slug=slug)


def get_active_student(pk):
    """An active student by id, or 404 (teachers, editors and admins have no student page)."""
    return get_object_or_404(
        get_user_model()
        .objects.filter(is_active=True, groups__name=STUDENTS)
        .select_related("profile"),
        pk=pk,
    )


def site_lesson_price_cents(request=None):
    """The site's default lesson price (booking settings), in cents."""
    from booking.models import BookingSettings

    if request is not None:
        return BookingSettings.for_request(request).lesson_price_cents
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return BookingSettings._meta.get_field("lesson_price_cents").default
    return BookingSettings.for_site(site).lesson_price_cents


def teacher_price_cents(teacher, request=None):
    """A teacher's lesson price: their own override when set, else the site's price."""
    override = teacher.profile.price_override_cents
    if override is not None:
        return override
    return site_lesson_price_cents(request)


def format_eur(cents):
    """``1800`` → ``"€18.00"`` (Decimal arithmetic, never floats)."""
    amount = (Decimal(cents) / 100).quantize(Decimal("0.01"))
    return f"€{amount:,}"
