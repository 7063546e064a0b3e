"""Promo-code guessing is slowed: 10 code attempts per student per 10 minutes, then a 429,
and a code that does not work never says whether it exists (no oracle)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from .conftest import make_held, make_offer

pytestmark = pytest.mark.django_db

CANNOT_BE_USED = "This code cannot be used."


def try_code(client, code):
    return client.post(reverse("commerce:basket_code"), {"code": code})


def test_the_eleventh_code_attempt_in_ten_minutes_gets_a_429_page(
    client, student, other_student, teacher
):
    make_held(student, teacher, 1)
    make_offer(code="REAL", value=10)
    client.force_login(student)
    for i in range(10):
        assert try_code(client, f"GUESS{i}").status_code == 302
    response = try_code(client, "REAL")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many promo code attempts" in html
    assert "10 minutes" in html
    # Unknown guesses are not kept, and the real code was not read.
    assert client.session.get("commerce_promo_code") is None

    client.force_login(other_student)  # the limit is per student
    assert try_code(client, "REAL").status_code == 302


def test_removing_a_code_is_not_an_attempt(client, student, teacher):
    make_held(student, teacher, 1)
    client.force_login(student)
    for _ in range(12):
        assert client.post(reverse("commerce:basket_code"), {"remove": "1"}).status_code == 302


@pytest.mark.parametrize("kind", ["unknown", "expired", "not_started", "inactive"])
def test_unknown_expired_and_future_codes_read_the_same(client, student, teacher, kind):
    make_held(student, teacher, 1)
    now = timezone.now()
    if kind == "expired":
        make_offer(code="CODE", starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=1))
    elif kind == "not_started":
        make_offer(code="CODE", starts_at=now + timedelta(days=1))
    elif kind == "inactive":
        make_offer(code="CODE", active=False)
    client.force_login(student)
    try_code(client, "CODE")
    html = client.get(reverse("commerce:basket")).content.decode()
    assert CANNOT_BE_USED in html
    for leak in ("expired", "not valid yet", "don&#x27;t know"):
        assert leak not in html
