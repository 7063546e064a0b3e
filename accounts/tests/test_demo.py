import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from accounts import demo, roles
from accounts.selectors import active_teachers

pytestmark = pytest.mark.django_db


def test_demo_creates_teachers_with_photos_and_a_student_idempotently():
    logins = demo.load(lambda message: None)
    photos = {t.pk: t.profile.photo.name for t in active_teachers()}
    count = get_user_model().objects.count()

    again = demo.load(lambda message: None)

    assert logins == again
    assert get_user_model().objects.count() == count
    teachers = list(active_teachers())
    assert len(teachers) >= 4
    assert {t.pk: t.profile.photo.name for t in teachers} == photos
    camille = next(t for t in teachers if t.profile.slug == "camille-martin")
    assert camille.profile.display_name == "Camille Martin"
    assert camille.profile.timezone == "Europe/Paris"
    assert camille.profile.bio and camille.profile.favourite_books and camille.profile.languages
    with camille.profile.photo.open() as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= 800
    student = get_user_model().objects.get(email=demo.STUDENT_EMAIL)
    assert roles.is_student(student)
    assert student.profile.timezone == "Europe/London"
    roles_in_logins = {role for role, _, _ in logins}
    assert {"teacher", "student", "admin", "editor"} <= roles_in_logins
    assert student.check_password(demo.DEMO_PASSWORD)
