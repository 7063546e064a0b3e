"""Time zones come from one curated list (accounts.zones), grouped by region: places people
know, no ``Factory``, ``localtime`` or legacy aliases; the detected zone is preselected by
JavaScript at sign-up, the default without it; an alias counts as the place it stands for."""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse

from accounts import zones
from accounts.factories import StudentFactory, TeacherFactory
from accounts.forms import ProfileForm, SignupForm, TeacherCreateForm
from accounts.models import Profile

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
NOT_PLACES = ("Factory", "localtime", "US/Eastern", "Asia/Calcutta", "GMT", "Etc/GMT+5", "EST")


def option_values(html):
    return re.findall(r'<option value="([^"]*)"', html)


def selected_zones(html):
    select = re.search(r'<select name="timezone".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]* selected', select)


def test_the_list_holds_places_grouped_by_region_and_no_aliases():
    groups = dict(zones.zone_choices())
    assert {"Europe", "Americas", "Asia", "Africa", "Pacific Ocean", "Universal time"} <= set(
        groups
    )
    values = {value for choices in groups.values() for value, _label in choices}
    assert {"Europe/Paris", "America/New_York", "Asia/Kolkata", "Europe/Kyiv", "UTC"} <= values
    assert not values & set(NOT_PLACES)
    europe = groups["Europe"]
    assert ("Europe/Paris", "Paris (France)") in europe
    assert [label for _value, label in europe] == sorted(label for _value, label in europe)


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("US/Eastern", "America/New_York"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("Etc/UTC", "UTC"),
        ("GMT", "UTC"),
        ("Europe/Oslo", "Europe/Oslo"),  # a place of its own, though the database links it
        ("Factory", ""),
        ("localtime", ""),
        ("Mars/Olympus_Mons", ""),
        ("", ""),
    ],
)
def test_an_alias_stands_for_its_place(name, place):
    assert zones.canonical_zone(name) == place


def test_signup_offers_the_grouped_list_with_the_default_preselected(client):
    html = client.get(SIGNUP).content.decode()
    select = re.search(r"<select name=\"timezone\".*?</select>", html, re.S).group(0)
    assert '<optgroup label="Europe">' in select
    assert '<optgroup label="Americas">' in select
    assert selected_zones(select) == ["Europe/Paris"]
    assert ">Paris (France)</option>" in select
    assert "data-detect-zone" in select
    # JavaScript maps an old name a browser reports to its place.
    assert re.search(r'value="Asia/Kolkata" data-aliases="[^"]*Asia/Calcutta', select)
    assert not set(option_values(select)) & set(NOT_PLACES)


def test_signup_stores_the_place_for_a_browsers_old_zone_name(client):
    client.post(
        SIGNUP,
        {
            "display_name": "Priya",
            "email": "priya@example.com",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
            "timezone": "Asia/Calcutta",
        },
    )
    assert Profile.objects.get(user__email="priya@example.com").timezone == "Asia/Kolkata"


def test_signup_shown_again_keeps_the_chosen_zone_without_redetecting():
    form = SignupForm(data={"timezone": "Asia/Tokyo"})
    form.is_valid()
    html = str(form["timezone"])
    assert "data-detect-zone" not in html
    assert selected_zones(html) == ["Asia/Tokyo"]


def test_profile_form_preselects_the_place_of_a_legacy_zone_and_saves_it(client):
    student = StudentFactory()
    Profile.objects.filter(user=student).update(timezone="US/Eastern")
    client.force_login(student)
    html = client.get(reverse("accounts:profile_edit")).content.decode()
    assert selected_zones(html) == ["America/New_York"]
    assert "<optgroup" in html
    assert "data-detect-zone" not in html  # a saved zone is the user's choice

    response = client.post(
        reverse("accounts:profile_edit"), {"display_name": "Sam", "timezone": "US/Eastern"}
    )
    assert response.status_code == 302
    student.profile.refresh_from_db()
    assert student.profile.timezone == "America/New_York"


@pytest.mark.parametrize("name", ["Factory", "localtime", "Mars/Base"])
def test_profile_form_refuses_what_is_no_place(name):
    student = StudentFactory()
    form = ProfileForm(
        data={"display_name": "Sam", "timezone": name}, instance=student.profile, user=student
    )
    assert not form.is_valid()
    assert form.errors["timezone"] == ["Choose your time zone from the list."]


def test_the_teacher_admin_form_uses_the_same_list():
    field = TeacherCreateForm().fields["timezone"]
    assert list(field.choices) == zones.zone_choices()


def test_the_migration_moves_existing_profiles_to_their_place():
    migration = importlib.import_module("accounts.migrations.0007_specialties_levels_curated_zones")
    legacy, broken, fine = StudentFactory(), StudentFactory(), TeacherFactory()
    Profile.objects.filter(user=legacy).update(timezone="US/Eastern")
    Profile.objects.filter(user=broken).update(timezone="Factory")
    Profile.objects.filter(user=fine).update(timezone="Asia/Tokyo")
    migration.canonical_zones(apps, None)
    zones_now = dict(Profile.objects.values_list("user_id", "timezone"))
    assert zones_now[legacy.pk] == "America/New_York"
    assert zones_now[broken.pk] == "UTC"  # what a "-00" zone showed: UTC times
    assert zones_now[fine.pk] == "Asia/Tokyo"
