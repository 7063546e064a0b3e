"""Roles are Django groups (students, teachers, editors); superusers are the admins.

These helpers are the one place that answers "what may this user do?"; views, templates and
other apps ask them instead of looking at groups directly.
"""

STUDENTS = "Students"
TEACHERS = "Teachers"
EDITORS = "Editors"
ALL_GROUPS = (STUDENTS, TEACHERS, EDITORS)


def _group_names(user):
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_group_names = cached
    return cached


def is_admin(user):
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser and user.is_active)


def is_student(user):
    return STUDENTS in _group_names(user)


def is_teacher(user):
    return TEACHERS in _group_names(user)


def is_editor(user):
    return EDITORS in _group_names(user) or is_admin(user)


def role_of(user):
    """The single role that decides navigation: admin > editor > teacher > student > visitor."""
    if not getattr(user, "is_authenticated", False):
        return "visitor"
    if is_admin(user):
        return "admin"
    if EDITORS in _group_names(user):
        return "editor"
    if is_teacher(user):
        return "teacher"
    if is_student(user):
        return "student"
    return "member"


def add_to_group(user, group_name):
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name=group_name)
    user.groups.add(group)
    user._role_group_names = None
