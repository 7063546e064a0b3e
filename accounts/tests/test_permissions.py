"""Walk every account and profile URL as each kind of user and check the answer."""

import pytest
from django.contrib.auth.models import Permission

from accounts.factories import StudentFactory, TeacherFactory

pytestmark = pytest.mark.django_db

OK, LOGIN, NOT_FOUND, SENT_ON, DENIED = 200, "login", 404, "sent-on", "denied"

# url template -> expected answer for visitor, student, other student, teacher, editor, admin
MATRIX = {
    "/teachers/": (OK, OK, OK, OK, OK, OK),
    "/teachers/{teacher_slug}/": (OK, OK, OK, OK, OK, OK),
    "/teachers/{inactive_slug}/": (NOT_FOUND,) * 6,
    "/teachers/no-such-teacher/": (NOT_FOUND,) * 6,
    # The student has not opted in and has no teacher yet (accounts/tests/test_student_pages.py).
    "/students/{student_slug}/": (LOGIN, OK, NOT_FOUND, NOT_FOUND, OK, OK),
    "/students/{student_pk}/": (LOGIN,) + (NOT_FOUND,) * 5,
    "/students/{teacher_public_slug}/": (LOGIN,) + (NOT_FOUND,) * 5,
    "/students/{inactive_student_slug}/": (LOGIN,) + (NOT_FOUND,) * 5,
    "/profile/": (LOGIN, OK, OK, OK, OK, OK),
    "/profile/edit/": (LOGIN, OK, OK, OK, OK, OK),
    "/profile/data/": (LOGIN, OK, OK, OK, OK, OK),
    "/profile/delete/": (LOGIN, OK, OK, OK, OK, OK),
    "/accounts/login/": (OK, SENT_ON, SENT_ON, SENT_ON, SENT_ON, SENT_ON),
    "/accounts/signup/": (OK, SENT_ON, SENT_ON, SENT_ON, SENT_ON, SENT_ON),
    "/accounts/password/change/": (LOGIN, OK, OK, OK, OK, OK),
    "/accounts/password/reset/": (OK, OK, OK, OK, OK, OK),
    "/admin/teachers/": (LOGIN, LOGIN, LOGIN, LOGIN, DENIED, OK),
    "/admin/teachers/new/": (LOGIN, LOGIN, LOGIN, LOGIN, DENIED, OK),
    "/admin/teachers/edit/{teacher_pk}/": (LOGIN, LOGIN, LOGIN, LOGIN, DENIED, OK),
}
ROLES = ("visitor", "student", "other_student", "teacher", "editor", "admin_user")


@pytest.fixture
def people(student, other_student, teacher, editor, admin_user):
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    inactive_teacher = TeacherFactory(is_active=False)
    inactive_student = StudentFactory(is_active=False)
    return {
        "users": {
            "visitor": None,
            "student": student,
            "other_student": other_student,
            "teacher": teacher,
            "editor": editor,
            "admin_user": admin_user,
        },
        "values": {
            "teacher_slug": teacher.profile.slug,
            "teacher_pk": teacher.pk,
            "student_pk": student.pk,
            "inactive_slug": inactive_teacher.profile.slug,
            "student_slug": student.profile.public_slug,
            "teacher_public_slug": teacher.profile.public_slug,
            "inactive_student_slug": inactive_student.profile.public_slug,
        },
    }


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_every_account_url_answers_as_expected(client, people, role_index):
    user = people["users"][ROLES[role_index]]
    if user is not None:
        client.force_login(user)
    failures = []
    for template, expected_by_role in MATRIX.items():
        url = template.format(**people["values"])
        expected = expected_by_role[role_index]
        response = client.get(url)
        location = response.get("Location", "")
        if expected == LOGIN:
            ok = response.status_code == 302 and (
                "/accounts/login/" in location or "/admin/login/" in location
            )
        elif expected == SENT_ON:
            ok = response.status_code == 302 and "/accounts/" not in location
        elif expected == DENIED:
            # Wagtail answers a logged-in admin user without permission with a redirect to
            # the dashboard and a "permission denied" message.
            ok = response.status_code == 403 or (
                response.status_code == 302 and location.rstrip("/").endswith("/admin")
            )
        else:
            ok = response.status_code == expected
        if not ok:
            failures.append(f"{url}: expected {expected}, got {response.status_code} {location}")
    assert not failures, "\n".join(failures)
