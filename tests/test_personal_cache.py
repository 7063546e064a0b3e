"""The per-user cache of logged-in pages (site_config/personal_cache.py): a repeated page is
served without rendering, and every change that shows on it renders it afresh at once."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from booking.models import Booking, BookingStatus
from booking.services import hold_slot
from booking.slots import available_slots
from booking.tests.conftest import add_windows, every_day, make_booking, set_zone
from commerce.tests.conftest import make_held, make_offer
from site_config import personal_cache

pytestmark = pytest.mark.django_db

BASKET = reverse("commerce:basket")
MY_BOOKINGS = reverse("booking:my_bookings")
DASHBOARD = reverse("booking:teacher_dashboard")


def state(response):
    return response.headers.get("X-Personal-Cache")


def without_tokens(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())


def warm(client, url):
    """Two requests: the first may create site settings (which starts a new generation)."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


def test_a_repeated_page_is_served_from_the_cache_with_two_queries(
    student_client, student, teacher
):
    make_held(student, teacher, 1)
    first = warm(student_client, BASKET)
    assert state(first) in ("miss", "hit")
    with CaptureQueriesContext(connection) as queries:
        again = student_client.get(BASKET)
    assert state(again) == "hit"
    assert without_tokens(again) == without_tokens(first)  # tokens are masked afresh
    # the session and the user with their profile; nothing of the page itself
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert "private" in again["Cache-Control"]


def test_each_user_gets_only_their_own_page(client, student, other_student, teacher):
    make_held(student, teacher, 1)
    other = Client()
    other.force_login(other_student)
    client.force_login(student)
    mine = warm(client, BASKET).content.decode()
    theirs = warm(other, BASKET).content.decode()
    assert "Lessons (1)" in mine
    assert "Your basket is empty" in theirs
    assert state(other.get(BASKET)) == "hit"
    assert "Your basket is empty" in other.get(BASKET).content.decode()


def test_holding_a_slot_shows_in_the_basket_at_once(client, student, teacher):
    set_zone(teacher, "Europe/Paris")
    add_windows(teacher, every_day("09:00", "18:00"))
    client.force_login(student)
    assert "Your basket is empty" in warm(client, BASKET).content.decode()
    now = timezone.now()
    slot = available_slots(teacher, now, now + timedelta(days=7), viewer=student)[0]
    response = client.post(
        f"/book/?teacher={teacher.profile.slug}",
        {"teacher": teacher.profile.slug, "slot": slot.isoformat(), "goal": ""},
    )
    assert response.status_code == 302
    page = client.get(BASKET)
    assert state(page) is None  # a flash message waits: rendered, neither served nor kept
    assert "Lessons (1)" in page.content.decode()
    assert "The lesson is in your basket" in page.content.decode()
    again = client.get(BASKET)
    assert "The lesson is in your basket" not in again.content.decode()  # shown once only
    assert "Lessons (1)" in again.content.decode()


def test_a_teachers_decision_shows_on_the_students_page_at_once(client, student, teacher):
    booking = make_booking(
        teacher, student, timezone.now() + timedelta(days=3), status=BookingStatus.PAID
    )
    client.force_login(student)
    assert "Paid, awaiting teacher" in warm(client, MY_BOOKINGS).content.decode()
    booking.confirm(by=teacher)
    page = client.get(MY_BOOKINGS)
    assert state(page) == "miss"
    assert "Confirmed" in page.content.decode()


def test_another_students_booking_removes_the_slot_from_the_booking_page(
    client, student, other_student, teacher
):
    set_zone(teacher, "Europe/Paris")
    add_windows(teacher, every_day("09:00", "12:00"))
    url = f"/book/?teacher={teacher.profile.slug}"
    client.force_login(student)
    now = timezone.now()
    slot = available_slots(teacher, now, now + timedelta(days=7), viewer=student)[0]
    assert slot.isoformat() in warm(client, url).content.decode()
    hold_slot(other_student, teacher, slot)
    page = client.get(url)
    assert state(page) == "miss"
    assert slot.isoformat() not in page.content.decode()


def test_availability_saved_in_bulk_shows_new_slots(client, student, teacher):
    set_zone(teacher, "Europe/Paris")
    url = f"/book/?teacher={teacher.profile.slug}"
    client.force_login(student)
    assert 'name="slot"' not in warm(client, url).content.decode()
    windows = {
        "windows-TOTAL_FORMS": "7",
        "windows-INITIAL_FORMS": "0",
        "timeoff-TOTAL_FORMS": "0",
        "timeoff-INITIAL_FORMS": "0",
    }
    for day in range(7):
        windows[f"windows-{day}-weekday"] = str(day)
        windows[f"windows-{day}-start_time"] = "08:00"
        windows[f"windows-{day}-end_time"] = "20:00"
    teacher_client = Client()
    teacher_client.force_login(teacher)
    assert teacher_client.post(reverse("booking:availability"), windows).status_code == 302
    page = client.get(url)
    assert state(page) == "miss"
    assert 'name="slot"' in page.content.decode()


def test_an_editors_offer_change_shows_in_the_basket(client, student, teacher):
    make_held(student, teacher, 2)
    client.force_login(student)
    assert "Autumn" not in warm(client, BASKET).content.decode()
    make_offer(name="Autumn welcome", value=10)
    page = client.get(BASKET)
    assert state(page) == "miss"
    assert "Autumn welcome" in page.content.decode()


def test_the_promo_code_in_the_session_varies_the_basket(client, student, teacher):
    make_held(student, teacher, 2)
    make_offer(name="Secret", value=20, code="SECRET20")
    client.force_login(student)
    warm(client, BASKET)
    client.post(reverse("commerce:basket_code"), {"code": "secret20"})
    client.get(BASKET)  # shows the flash message
    page = client.get(BASKET)
    assert "Secret" in page.content.decode()
    client.post(reverse("commerce:basket_code"), {"code": ""})
    client.get(BASKET)
    assert "SECRET20" not in client.get(BASKET).content.decode()


def test_losing_the_role_is_not_hidden_by_a_cached_page(client, student, teacher):
    client.force_login(student)
    url = f"/book/?teacher={teacher.profile.slug}"
    warm(client, url)
    student.groups.remove(Group.objects.get(name=roles.STUDENTS))
    assert client.get(url).status_code == 403


def test_a_deactivated_user_is_logged_out_not_served(client, student):
    client.force_login(student)
    warm(client, MY_BOOKINGS)
    student.is_active = False
    student.save()
    assert client.get(MY_BOOKINGS).status_code == 302


def test_a_cached_page_carries_the_current_browsers_csrf_token(student, teacher):
    make_held(student, teacher, 1)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(student)
    second.force_login(student)
    warm(first, BASKET)
    second.get(BASKET)  # gets its own CSRF cookie
    page = second.get(BASKET)
    assert state(page) == "hit"
    secret = second.cookies["csrftoken"].value
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert _unmask_cipher_token(token) == secret
    booking = Booking.objects.get(student=student)
    response = second.post(
        reverse("booking:remove", args=[booking.pk]),
        {"csrfmiddlewaretoken": token, "next": "basket"},
    )
    assert response.status_code == 302
    assert "Your basket is empty" in second.get(BASKET).content.decode()


def test_entries_last_one_time_bucket(client, student, monkeypatch):
    client.force_login(student)
    warm(client, MY_BOOKINGS)
    real_time = personal_cache.time.time
    monkeypatch.setattr(personal_cache.time, "time", lambda: real_time() + 11)
    assert state(client.get(MY_BOOKINGS)) == "miss"


def test_a_broken_cache_still_serves_the_page(client, student, monkeypatch):
    client.force_login(student)

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "get_many", broken)
    response = client.get(MY_BOOKINGS)
    assert response.status_code == 200
    assert state(response) is None


def test_switched_off_it_never_serves_a_copy(client, student, settings):
    settings.PERSONAL_PAGE_CACHE_SECONDS = 0
    client.force_login(student)
    client.get(MY_BOOKINGS)
    assert state(client.get(MY_BOOKINGS)) is None


def test_saving_a_user_through_a_proxy_model_makes_their_pages_stale(teacher):
    from accounts.models import Teacher

    key = personal_cache.GENERATION_PREFIX + personal_cache.user_scope(teacher.pk)
    before = cache.get(key)
    as_proxy = Teacher.objects.get(pk=teacher.pk)
    as_proxy.first_name = "Renamed"
    as_proxy.save()
    assert cache.get(key) not in (None, before)
