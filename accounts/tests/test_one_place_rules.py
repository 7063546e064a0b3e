"""Each rule in one place: the viewer's zone (accounts.zones), the money formatter
(site_config.money and the ``money`` filter), the JSON-LD helper (site_config.json_ld) and
the lesson price (booking.services.lesson_price_cents), as the teacher page shows them."""

import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from accounts.factories import StudentFactory, TeacherFactory
from accounts.zones import format_local, zone_of
from booking.models import Booking, BookingStatus
from booking.services import lesson_price_cents
from site_config.json_ld import json_ld
from site_config.money import format_cents

pytestmark = pytest.mark.django_db


def json_ld_objects(html):
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def test_a_users_zone_is_their_profile_zone_or_utc():
    user = StudentFactory()
    user.profile.timezone = "America/New_York"
    assert zone_of(user) == ZoneInfo("America/New_York")
    user.profile.timezone = "Not/AZone"
    assert zone_of(user) == ZoneInfo("UTC")
    assert zone_of(None).key == "UTC"
    moment = datetime(2025, 3, 3, 13, 0, tzinfo=UTC)
    user.profile.timezone = "Europe/Paris"
    assert format_local(moment, user) == "Monday 3 March 2025, 14:00 (Europe/Paris)"


def test_the_short_form_names_the_zone_abbreviation_in_force_then():
    user = StudentFactory()
    user.profile.timezone = "Europe/Paris"
    assert format_local(datetime(2026, 12, 4, 17, tzinfo=UTC), user, short=True) == (
        "4 Dec 2026, 18:00 CET"
    )
    assert format_local(datetime(2026, 7, 4, 17, tzinfo=UTC), user, short=True) == (
        "4 Jul 2026, 19:00 CEST"
    )
    user.profile.timezone = "Asia/Dubai"  # no abbreviation: the offset from UTC
    assert format_local(datetime(2026, 7, 4, 17, tzinfo=UTC), user, short=True) == (
        "4 Jul 2026, 21:00 UTC+04"
    )
    assert format_local(datetime(2026, 7, 4, 17, tzinfo=UTC), None, short=True) == (
        "4 Jul 2026, 17:00 UTC"
    )


def test_one_money_formatter_for_python_and_templates():
    assert format_cents(1800) == "€18.00"
    assert format_cents(123456) == "€1,234.56"
    assert format_cents(-250) == "−€2.50"
    rendered = Template("{% load money %}{{ 1800|money }}|{{ none|money }}").render(Context())
    assert rendered == "€18.00|"


def test_json_ld_helper_escapes_script_breakers():
    text = json_ld({"name": "</script><script>alert(1)</script> & co"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script> & co"}


def test_teacher_page_ships_exactly_one_person_with_its_rating(client):
    teacher = TeacherFactory(display_name="Camille")
    teacher.profile.languages = "French, English"
    teacher.profile.save()
    review_model = Booking._meta.get_field("review").related_model
    start = timezone.now() - timedelta(days=3)
    for rating, student in ((5, StudentFactory()), (4, StudentFactory())):
        booking = Booking.objects.create(
            teacher=teacher,
            student=student,
            start=start,
            end=start + timedelta(hours=1),
            status=BookingStatus.COMPLETED,
            outcome="held",
            price_cents=1800,
        )
        start -= timedelta(days=1)
        review_model.objects.create(booking=booking, rating=rating, status="approved")
    html = client.get(teacher.profile.get_absolute_url()).content.decode()
    people = [item for item in json_ld_objects(html) if item["@type"] == "Person"]
    assert len(people) == 1
    (person,) = people
    assert person["name"] == "Camille"
    assert person["knowsLanguage"] == ["French", "English"]
    assert person["aggregateRating"]["ratingValue"] == "4.5"
    assert person["aggregateRating"]["reviewCount"] == 2
    assert "4.5 out of 5" in html  # the visible reviews are still there


def test_teacher_page_price_is_bookings_lesson_price(client):
    teacher = TeacherFactory(display_name="Julien")
    teacher.profile.price_override_cents = 2250
    teacher.profile.save()
    html = client.get(teacher.profile.get_absolute_url()).content.decode()
    assert f"{format_cents(lesson_price_cents(teacher))} <span>per lesson</span>" in html
