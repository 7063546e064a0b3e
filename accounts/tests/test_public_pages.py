import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Site

from accounts.blocks import TeacherCarouselBlock
from accounts.factories import StudentFactory, TeacherFactory
from accounts.selectors import active_teachers, get_active_teacher
from accounts.sitemaps import TeacherSitemap
from booking.factories import AvailabilityWindowFactory
from booking.models import BookingSettings
from site_config.money import format_cents

pytestmark = pytest.mark.django_db

EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def make_teacher(name, **profile):
    teacher = TeacherFactory(display_name=name)
    for field, value in profile.items():
        setattr(teacher.profile, field, value)
    teacher.profile.save()
    return teacher


def test_money_format_uses_two_decimals():
    assert format_cents(1800) == "€18.00"
    assert format_cents(2250) == "€22.50"
    assert format_cents(5) == "€0.05"


def test_teacher_list_shows_active_teachers_with_pinned_queries(
    client, django_assert_max_num_queries
):
    for n in range(5):
        make_teacher(f"Teacher {n}", bio="Bonjour")
    client.get("/teachers/")  # the first request creates the settings rows
    # Site, booking settings, specialties (filter), teachers, their specialties, ratings,
    # availability windows (the slots), site settings, page tree (navigation) x2.
    with django_assert_max_num_queries(10):
        response = client.get("/teachers/")
    assert response.status_code == 200
    for n in range(5):
        assert f"Teacher {n}" in response.content.decode()


def test_teacher_list_query_count_does_not_grow_with_teachers(client, django_assert_num_queries):
    make_teacher("First")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm the caches; the first request creates the settings rows
        client.get("/teachers/")
    with CaptureQueriesContext(connection) as one:
        client.get("/teachers/")
    with_one = len(one.captured_queries)  # now: the next request empties the query log
    for n in range(6):
        make_teacher(f"More {n}")
    client.get("/teachers/")  # new teachers are new content: site and settings are re-read once
    with django_assert_num_queries(with_one):
        client.get("/teachers/")


def test_teacher_page_shows_profile_price_and_booking_link(client):
    teacher = make_teacher(
        "Camille", bio="Parisienne", languages="French, English", favourite_books="Candide"
    )
    for weekday in range(7):
        AvailabilityWindowFactory(teacher=teacher, weekday=weekday)
    response = client.get(reverse("accounts:teacher_detail", args=[teacher.profile.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Camille" in html
    assert "€18.00" in html
    assert f'href="/book/?teacher={teacher.profile.slug}"' in html
    assert "Candide" in html
    assert "<title>Camille, French teacher | Petit Talk</title>" in html
    assert '<meta name="description" content="Parisienne">' in html
    assert "accounts/avatar.svg" in html


def test_teacher_page_json_ld_is_a_person(client):
    teacher = make_teacher("Camille", languages="French, English")
    html = client.get(teacher.profile.get_absolute_url()).content.decode()
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(match.group(1))
    assert data["@type"] == "Person"
    assert data["name"] == "Camille"
    assert data["knowsLanguage"] == ["French", "English"]
    assert "email" not in data


def test_teacher_price_override_and_site_setting(client):
    overridden = make_teacher("Julien", price_override_cents=2250)
    plain = make_teacher("Léa")
    settings_row = BookingSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.lesson_price_cents = 1950
    settings_row.save()
    assert "€22.50" in client.get(overridden.profile.get_absolute_url()).content.decode()
    assert "€19.50" in client.get(plain.profile.get_absolute_url()).content.decode()


def test_deactivated_teacher_disappears_everywhere(client):
    active = make_teacher("Visible Teacher")
    gone = make_teacher("Gone Teacher")
    gone.is_active = False
    gone.save()

    assert list(active_teachers()) == [active]
    assert "Gone Teacher" not in client.get("/teachers/").content.decode()
    assert (
        client.get(reverse("accounts:teacher_detail", args=[gone.profile.slug])).status_code == 404
    )
    assert [p.user_id for p in TeacherSitemap().items()] == [active.pk]
    html = TeacherCarouselBlock().render(TeacherCarouselBlock().to_python({"heading": "Meet"}))
    assert "Visible Teacher" in html
    assert "Gone Teacher" not in html
    from django.http import Http404

    with pytest.raises(Http404):
        get_active_teacher(gone.profile.slug)
    assert get_user_model().objects.filter(pk=gone.pk).exists()


def test_active_teachers_excludes_students_and_teachers_without_slug():
    make_teacher("Has Slug")
    no_slug = make_teacher("No Slug")
    no_slug.profile.slug = None
    no_slug.profile.save()
    StudentFactory()
    assert [t.profile.display_name for t in active_teachers()] == ["Has Slug"]


def test_carousel_block_renders_accessible_scrollable_list(django_assert_max_num_queries):
    for name in ("Camille", "Julien", "Léa"):
        make_teacher(name, bio="Bonjour tout le monde")
    block = TeacherCarouselBlock()
    with django_assert_max_num_queries(2):
        html = block.render(block.to_python({"heading": "Meet our teachers"}))
    for name in ("Camille", "Julien", "Léa"):
        assert name in html
    assert "data-carousel-prev" in html
    assert "data-carousel-next" in html
    assert 'tabindex="0"' in html
    assert "<h2" in html


def test_student_page_is_for_logged_in_users_only(client, student, other_student):
    student.profile.bio = "Le fromage est bon"
    student.profile.show_to_members = True
    student.profile.save()
    url = reverse("accounts:student_detail", args=[student.profile.public_slug])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(other_student)
    response = client.get(url)
    assert response.status_code == 200
    assert "Le fromage est bon" in response.content.decode()


def test_student_page_is_404_for_teachers_and_inactive_students(client, student, teacher):
    client.force_login(student)
    url = reverse("accounts:student_detail", args=[teacher.profile.public_slug])
    assert client.get(url).status_code == 404
    gone = StudentFactory(is_active=False)
    gone.profile.show_to_members = True
    gone.profile.save()
    url = reverse("accounts:student_detail", args=[gone.profile.public_slug])
    assert client.get(url).status_code == 404


def test_no_page_shows_an_email_address(client, student, other_student):
    teacher = make_teacher("Camille", bio="Hello", languages="French")
    other_student.profile.show_to_members = True
    other_student.profile.save()
    client.force_login(student)
    urls = [
        "/teachers/",
        teacher.profile.get_absolute_url(),
        reverse("accounts:student_detail", args=[other_student.profile.public_slug]),
        reverse("accounts:student_detail", args=[student.profile.public_slug]),
        "/profile/",
        "/profile/edit/",
        "/profile/delete/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        # The site's own contact address may appear (footer); no user's address may.
        found = set(EMAIL_PATTERN.findall(html))
        users_found = get_user_model().objects.filter(email__in=found)
        assert not users_found.exists(), f"{url} shows {found}"
        for user in (teacher, student, other_student):
            assert user.email not in html


def test_sitemap_lists_teacher_pages():
    teacher = make_teacher("Camille")
    assert TeacherSitemap().location(teacher.profile) == f"/teachers/{teacher.profile.slug}/"
