"""Admins type and read money in euros; it is stored as integer cents (issue 14.5)."""

from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse
from wagtail.models import Site

from booking.models import BookingSettings
from commerce.models import Offer, OfferKind
from site_config.admin_forms import EuroField

pytestmark = pytest.mark.django_db


def _form_data(form):
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
    return data


@pytest.mark.parametrize(
    ("typed", "cents"), [("20", 2000), ("18.5", 1850), ("0.99", 99), ("0", 0), ("", None)]
)
def test_euro_field_turns_euros_into_cents(typed, cents):
    assert EuroField(required=False).clean(typed) == cents


@pytest.mark.parametrize("typed", ["-1", "1.234", "abc"])
def test_euro_field_refuses_negative_sub_cent_and_text(typed):
    with pytest.raises(forms.ValidationError):
        EuroField().clean(typed)


def test_euro_field_shows_cents_as_euros():
    assert EuroField().prepare_value(1800) == Decimal("18.00")


def test_lesson_price_setting_is_typed_in_euros(client, admin_user):
    site = Site.objects.get(is_default_site=True)
    client.force_login(admin_user)
    url = reverse("wagtailsettings:edit", args=["booking", "bookingsettings", site.pk])
    response = client.get(url)
    assert 'value="18.00"' in response.content.decode()
    data = _form_data(response.context["form"])
    data["lesson_price_cents"] = "20"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert BookingSettings.for_site(site).lesson_price_cents == 2000


def test_teacher_price_override_is_typed_in_euros(client, admin_user, teacher):
    client.force_login(admin_user)
    url = f"/admin/teachers/edit/{teacher.pk}/"
    data = _form_data(client.get(url).context["form"])
    data["price_override_cents"] = "20"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    teacher.profile.refresh_from_db()
    assert teacher.profile.price_override_cents == 2000
    assert 'value="20.00"' in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("kind", "typed", "stored", "summary"),
    [(OfferKind.FIXED, "5", 500, "€5.00 off"), (OfferKind.PERCENTAGE, "20", 20, "20% off")],
)
def test_offer_value_is_euros_for_fixed_offers_and_percent_for_percentage(
    client, admin_user, kind, typed, stored, summary
):
    client.force_login(admin_user)
    url = reverse("wagtailsnippets_commerce_offer:add")
    data = _form_data(client.get(url).context["form"])
    data |= {"name": "Autumn", "kind": kind, "value": typed}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    offer = Offer.objects.get(name="Autumn")
    assert offer.value == stored and offer.summary == summary
    edit = reverse("wagtailsnippets_commerce_offer:edit", args=[offer.pk])
    shown = "5.00" if kind == OfferKind.FIXED else "20"
    assert f'value="{shown}"' in client.get(edit).content.decode()


def test_fixed_offer_refuses_sub_cent_and_percentage_refuses_fractions(client, admin_user):
    client.force_login(admin_user)
    url = reverse("wagtailsnippets_commerce_offer:add")
    data = _form_data(client.get(url).context["form"])
    data |= {"name": "Odd", "kind": OfferKind.PERCENTAGE, "value": "12.5"}
    assert client.post(url, data).status_code == 200
    assert not Offer.objects.filter(name="Odd").exists()
