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

from .models import Profile
from .roles import role_group_annotations, with_role_groups

User = get_user_model()
_USER_FIELDS = [field.attname for field in User._meta.concrete_fields]
_PROFILE_FIELDS = [field.attname for field in Profile._meta.concrete_fields]
_PROFILE_PK = _PROFILE_FIELDS.index(Profile._meta.pk.attname)
_ROLE_COLUMNS = list(role_group_annotations())

_user_row = CompiledQuery(
    lambda pk: with_role_groups(User._default_manager.filter(pk=pk)).values_list(
        *_USER_FIELDS, *(f"profile__{name}" for name in _PROFILE_FIELDS), *_ROLE_COLUMNS
    )
)


def load_user(user_id, using="default"):
    """The user with their profile (``None`` when they have none) and role-group flags, in
    one query; ``None`` for an unknown id."""
    rows = _user_row.rows(user_id)
    if not rows:
        return None
    row = rows[0]
    users, profiles = len(_USER_FIELDS), len(_PROFILE_FIELDS)
    user = User.from_db(using, _USER_FIELDS, row[:users])
    profile_values = row[users : users + profiles]
    # No profile primary key: the LEFT JOIN found no profile.
    if profile_values[_PROFILE_PK] is not None:
        user.profile = Profile.from_db(using, _PROFILE_FIELDS, profile_values)
    for annotation, value in zip(_ROLE_COLUMNS, row[users + profiles :], strict=True):
        setattr(user, annotation, value)
    return user


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
