"""The factories every app's tests share make valid rows in the state their traits name."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Site

from booking.factories import AvailabilityWindowFactory, BookingFactory, TimeOffFactory
from booking.models import BookingStatus
from cms_pages.factories import BlogPageFactory, ContactPageFactory, HomePageFactory
from commerce.factories import OfferFactory, OrderFactory, OrderItemFactory
from commerce.models import OfferKind, OrderStatus

pytestmark = pytest.mark.django_db


def test_booking_traits_set_the_status_and_whether_the_slot_is_taken():
    held = BookingFactory(held=True)
    cancelled = BookingFactory(cancelled=True)
    completed = BookingFactory(completed=True)
    assert (held.status, held.is_active) == (BookingStatus.HELD, True)
    assert held.hold_expires_at > timezone.now()
    assert (cancelled.status, cancelled.is_active) == (BookingStatus.CANCELLED, False)
    assert completed.end < timezone.now()
    assert held.end - held.start == timedelta(minutes=60)
    assert held.price_cents == 1800


def test_bookings_of_one_teacher_never_overlap():
    teacher = BookingFactory().teacher
    lessons = [BookingFactory(teacher=teacher, paid=True) for _ in range(5)]
    assert len({lesson.start for lesson in lessons}) == 5


def test_calendar_factories_make_a_window_and_days_off():
    window = AvailabilityWindowFactory()
    days_off = TimeOffFactory(teacher=window.teacher)
    assert window.start_time < window.end_time
    assert (days_off.end_date - days_off.start_date).days == 6


def test_offer_traits():
    assert OfferFactory().kind == OfferKind.PERCENTAGE
    assert (OfferFactory(fixed=True).kind, OfferFactory(fixed=True).value) == (
        OfferKind.FIXED,
        500,
    )
    bundle = OfferFactory(bundle=True)
    assert (bundle.bundle_buy, bundle.bundle_free) == (3, 1)
    assert OfferFactory(ended=True).ends_at < timezone.now()


def test_an_order_item_pays_a_lesson_of_the_orders_student():
    item = OrderItemFactory(order=OrderFactory(paid=True))
    assert item.order.status == OrderStatus.PAID
    assert item.booking.student == item.order.student
    assert item.price_cents == item.booking.price_cents


def test_page_factories_build_a_published_site():
    home = HomePageFactory()
    post = BlogPageFactory(tags=["beginners"])
    contact = ContactPageFactory()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert post.get_parent().get_parent().pk == home.pk
    assert list(post.tags.names()) == ["beginners"]
    assert post.live and post.live_revision is not None
    assert [field.label for field in contact.form_fields.all()] == ["Name", "Email", "Message"]
