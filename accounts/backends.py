"""Authentication backends that load the user's profile and roles with the user.

Every logged-in request reads the profile (its time zone, in ``UserTimezoneMiddleware``) and
the user's role (the header's links, the page's permission check) right after the session's
user: one query (profile joined, role groups as ``EXISTS`` columns) instead of three.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .roles import with_role_groups


class _UserWithProfile:
    def get_user(self, user_id):
        User = get_user_model()
        users = with_role_groups(User._default_manager.select_related("profile"))
        try:
            user = users.get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_UserWithProfile, DjangoModelBackend):
    pass


class AuthenticationBackend(_UserWithProfile, AllauthBackend):
    pass
