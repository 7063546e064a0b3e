"""Student pages are not enumerable: addressed by an unguessable slug, shown only to staff, the
student, their teachers and (when the student opts in or has a published testimonial or lesson
review) other logged-in users. Everyone else gets a 404, never a 403."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from accounts.factories import AdminFactory, EditorFactory, StudentFactory, TeacherFactory
from accounts.models import Profile
from booking.factories import BookingFactory

pytestmark = pytest.mark.django_db


def page_url(user):
    return f"/students/{user.profile.public_slug}/"


def status_for(viewer, url):
    client = Client()
    if viewer is not None:
        client.force_login(viewer)
    return client.get(url).status_code


def test_every_profile_gets_a_distinct_unguessable_public_slug():
    users = [StudentFactory() for _ in range(15)] + [TeacherFactory() for _ in range(5)]
    slugs = [user.profile.public_slug for user in users]
    assert len(set(slugs)) == len(slugs)
    for user, slug in zip(users, slugs, strict=True):
        assert len(slug) >= 16
        assert str(user.pk) != slug
    assert page_url(users[0]) == users[0].profile.get_absolute_url()


def test_old_sequential_id_urls_are_404_even_for_admins(student):
    admin = AdminFactory()
    assert status_for(admin, f"/students/{student.pk}/") == 404
    assert status_for(student, f"/students/{student.pk}/") == 404
    assert status_for(admin, page_url(student)) == 200


def test_a_student_sees_their_own_page_and_staff_see_every_page(student):
    assert status_for(student, page_url(student)) == 200
    assert status_for(AdminFactory(), page_url(student)) == 200
    assert status_for(EditorFactory(), page_url(student)) == 200


def test_other_members_get_404_unless_the_student_opts_in(student, other_student):
    url = page_url(student)
    assert status_for(other_student, url) == 404
    assert status_for(TeacherFactory(), url) == 404
    student.profile.show_to_members = True
    student.profile.save()
    assert status_for(other_student, url) == 200
    assert status_for(TeacherFactory(), url) == 200


def test_visitors_are_asked_to_log_in_whatever_the_slug(client, student):
    for url in (page_url(student), "/students/no-such-student-slug/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_teachers_of_the_student_see_the_page(student):
    teacher, former, only_held = TeacherFactory(), TeacherFactory(), TeacherFactory()
    BookingFactory(teacher=teacher, student=student, status="confirmed")
    BookingFactory(teacher=former, student=student, status="cancelled")
    BookingFactory(teacher=only_held, student=student, status="expired")
    assert status_for(teacher, page_url(student)) == 200
    assert status_for(former, page_url(student)) == 200
    # A basket hold that never reached the teacher is no relationship.
    assert status_for(only_held, page_url(student)) == 404


def test_a_published_testimonial_makes_the_page_visible_to_members(student, other_student):
    from cms_pages.models import Comment

    comment = Comment.objects.create(author=student, text="Super", status="pending")
    assert status_for(other_student, page_url(student)) == 404
    comment.status = "approved"
    comment.save()
    assert status_for(other_student, page_url(student)) == 200


def test_a_published_lesson_review_makes_the_page_visible_to_members(student, other_student):
    from booking.models import LessonReview

    booking = BookingFactory(teacher=TeacherFactory(), student=student, status="completed")
    review = LessonReview.objects.create(booking=booking, rating=5, status="rejected")
    assert status_for(other_student, page_url(student)) == 404
    review.status = "approved"
    review.save()
    assert status_for(other_student, page_url(student)) == 200


def test_teachers_and_inactive_students_have_no_student_page(student):
    teacher = TeacherFactory()
    admin = AdminFactory()
    assert status_for(admin, page_url(teacher)) == 404
    gone = StudentFactory(is_active=False)
    assert status_for(admin, page_url(gone)) == 404


def test_a_student_opts_in_from_the_profile_edit_form(client, student):
    client.force_login(student)
    html = client.get("/profile/edit/").content.decode()
    assert "Show my profile to other members" in html
    response = client.post(
        "/profile/edit/",
        {"display_name": "Ana", "timezone": "Europe/Paris", "show_to_members": "on"},
    )
    assert response.status_code == 302
    student.profile.refresh_from_db()
    assert student.profile.show_to_members is True


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_existing_profile_a_distinct_slug():
    executor = MigrationExecutor(connection)
    before = [("accounts", "0003_teacher")]
    # Every app's latest state: going back to accounts 0003 also unapplies the migrations of
    # other apps that depend on later accounts ones (commerce's packs among them).
    after = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldUser = old_apps.get_model("accounts", "User")
    OldProfile = old_apps.get_model("accounts", "Profile")
    for number in range(12):
        user = OldUser.objects.create(email=f"old{number}@example.com", password="!")
        OldProfile.objects.create(user=user, display_name=f"Old {number}")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    profiles = list(Profile.objects.filter(user__email__startswith="old"))
    assert len(profiles) == 12
    slugs = {profile.public_slug for profile in profiles}
    assert len(slugs) == 12
    assert all(slug and len(slug) >= 16 for slug in slugs)
    assert not any(profile.show_to_members for profile in profiles)
