"""The checkout's billing country: every country (django-countries), sorted by name, stored as
its two-letter code; a code that is not a country is refused with a clear error."""

import pytest
from django.urls import reverse

from commerce.forms import CheckoutForm
from commerce.models import Order

from .conftest import BILLING, make_held, start_checkout, submit_billing

pytestmark = pytest.mark.django_db


def country_choices():
    return [(code, str(name)) for code, name in CheckoutForm().fields["country"].choices]


def test_the_country_list_holds_every_country():
    codes = {code for code, _ in country_choices()}
    assert {"FR", "US", "AX", "TV", "ZW", "CI", "RE"} <= codes
    assert len(codes - {""}) >= 249


def test_the_country_list_is_sorted_by_name_after_the_prompt():
    choices = country_choices()
    assert choices[0] == ("", "Choose your country")
    names = [name for _, name in choices[1:]]
    assert names[0] == "Afghanistan"
    assert names.index("Åland Islands") < names.index("Albania")
    assert names.index("France") < names.index("Germany") < names.index("United States of America")


def test_a_country_code_that_is_not_a_country_is_refused():
    form = CheckoutForm({**BILLING, "country": "XX"})
    assert not form.is_valid()
    assert form.errors["country"] == ["Please choose your country from the list."]


def test_a_missing_country_is_refused_with_a_clear_error():
    form = CheckoutForm({**BILLING, "country": ""})
    assert not form.is_valid()
    assert form.errors["country"] == ["Please choose your country from the list."]


def test_the_chosen_country_is_stored_as_its_two_letter_code(client, student, teacher):
    make_held(student, teacher, 1)
    client.force_login(student)
    start_checkout(client)
    response = client.post(reverse("commerce:checkout"), {**BILLING, "country": "AX"})
    assert response.status_code == 303
    assert Order.objects.get(student=student).billing_country == "AX"


def test_a_bogus_country_at_checkout_answers_400_with_the_error(client, student, teacher):
    make_held(student, teacher, 1)
    client.force_login(student)
    start_checkout(client)
    response = submit_billing(client, {**BILLING, "country": "ZZ"})
    assert response.status_code == 400
    assert response.json()["errors"]["country"] == ["Please choose your country from the list."]
    assert Order.objects.get(student=student).billing_country == ""
