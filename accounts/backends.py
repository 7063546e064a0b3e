"""Authentication backends that load the user's profile with the user.

Every logged-in request reads the profile (its time zone, in ``UserTimezoneMiddleware``) right
after the session's user: one joined query instead of two.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class _UserWithProfile:
    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("profile")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_UserWithProfile, DjangoModelBackend):
    pass


class AuthenticationBackend(_UserWithProfile, AllauthBackend):
    pass
