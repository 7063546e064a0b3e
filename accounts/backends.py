"""Authentication backends that load the user's profile and roles with the user.

Every logged-in request reads the profile (its time zone, in ``UserTimezoneMiddleware``) and
the user's role (the header's links, the page's permission check) right after the session's
user: one query (profile joined, role groups as ``EXISTS`` columns) instead of three. It runs
on every logged-in request, so its SQL is compiled once per process
(``site_config.compiled``), not once per request.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from site_config.compiled import CompiledQuery

from .roles import with_role_groups

User = get_user_model()

_user = CompiledQuery(
    lambda pk: with_role_groups(User._default_manager.filter(pk=pk).select_related("profile")),
    name="logged_in_user",
)


def load_user(user_id):
    """The user with their profile (cached as missing when they have none) and role-group
    flags, in one query; ``None`` for an unknown id."""
    users = _user.objects(user_id)
    return users[0] if users else None


class _UserWithProfile:
    def get_user(self, user_id):
        try:
            user = load_user(int(user_id))
        except (TypeError, ValueError):
            return None
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_UserWithProfile, DjangoModelBackend):
    pass


class AuthenticationBackend(_UserWithProfile, AllauthBackend):
    pass
