"""Teacher specialties are tags editors manage in the Wagtail admin (a snippet); teachers
(and admins, for them) pick their specialties and the levels they teach."""

import json

import pytest
from django.urls import reverse

from accounts.models import Profile, Specialty

pytestmark = pytest.mark.django_db

EDIT = "/profile/edit/"


@pytest.fixture
def conversation(db):
    return Specialty.objects.create(name="Conversation")


def snippet_url(view, *args):
    return reverse(Specialty.snippet_viewset.get_url_name(view), args=args)


def test_editors_manage_specialties_in_the_admin(client, editor, conversation):
    client.force_login(editor)
    listing = client.get(snippet_url("list"))
    assert listing.status_code == 200
    assert "Conversation" in listing.content.decode()
    response = client.post(snippet_url("add"), {"name": "Exam preparation (DELF/DALF)"})
    assert response.status_code == 302
    added = Specialty.objects.get(name="Exam preparation (DELF/DALF)")
    assert added.slug == "exam-preparation-delfdalf"  # made from the name when left empty
    assert client.get(snippet_url("edit", added.pk)).status_code == 200


def test_students_and_teachers_cannot_reach_the_specialties_admin(client, student, teacher):
    for user in (student, teacher):
        client.force_login(user)
        assert client.get(snippet_url("list")).status_code in (302, 403)


def test_a_teacher_picks_specialties_and_levels_in_their_profile(client, teacher, conversation):
    client.force_login(teacher)
    page = client.get(EDIT).content.decode()
    assert "<legend>Specialties</legend>" in page
    assert 'type="checkbox" name="specialties"' in page
    response = client.post(
        EDIT,
        {
            "display_name": "Camille",
            "timezone": "Europe/Paris",
            "specialties": [conversation.pk],
            "lowest_level_taught": "A2",
            "highest_level_taught": "C1",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=teacher)
    assert list(profile.specialties.all()) == [conversation]
    assert profile.levels_taught == "A2 to C1"
    assert profile.teaches_level("B2") and not profile.teaches_level("C2")


@pytest.mark.parametrize(
    ("low", "high", "field", "message"),
    [
        ("A2", "", "highest_level_taught", "Give both levels taught, or neither."),
        ("", "B1", "lowest_level_taught", "Give both levels taught, or neither."),
        ("C1", "A2", "highest_level_taught", "must not be above the last"),
    ],
)
def test_levels_taught_are_a_range(client, teacher, low, high, field, message):
    client.force_login(teacher)
    response = client.post(
        EDIT,
        {
            "display_name": "Camille",
            "timezone": "Europe/Paris",
            "lowest_level_taught": low,
            "highest_level_taught": high,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'id="id_{field}_errors"' in response.content.decode()
    assert Profile.objects.get(user=teacher).levels_taught == ""


def test_students_have_no_specialties_or_levels_taught(client, student):
    client.force_login(student)
    page = client.get(EDIT).content.decode()
    assert 'name="specialties"' not in page
    assert 'name="lowest_level_taught"' not in page


def test_admins_set_a_teachers_specialties_and_levels(client, admin_user, teacher, conversation):
    client.force_login(admin_user)
    url = f"/admin/teachers/edit/{teacher.pk}/"
    response = client.post(
        url,
        {
            "email": teacher.email,
            "is_active": "on",
            "display_name": "Camille",
            "slug": teacher.profile.slug,
            "timezone": "Europe/Paris",
            "specialties": [conversation.pk],
            "lowest_level_taught": "A1",
            "highest_level_taught": "B2",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=teacher)
    assert list(profile.specialties.all()) == [conversation]
    assert profile.levels_taught == "A1 to B2"
    page = client.get(url).content.decode()
    assert f'value="{conversation.pk}"' in page and "checked" in page


def test_a_teachers_page_shows_their_specialties_and_levels(client, teacher, conversation):
    profile = teacher.profile
    profile.specialties.add(conversation)
    profile.lowest_level_taught, profile.highest_level_taught = "B1", "C2"
    profile.save()
    page = client.get(profile.get_absolute_url()).content.decode()
    assert "<dt>Specialties</dt><dd>Conversation</dd>" in page
    assert "<dt>Levels taught</dt><dd>B1 to C2</dd>" in page


def test_the_data_export_lists_a_teachers_specialties(client, teacher, conversation):
    teacher.profile.specialties.add(conversation)
    client.force_login(teacher)
    data = json.loads(client.get(reverse("accounts:data_export")).content)
    assert data["profile"]["specialties"] == ["Conversation"]
