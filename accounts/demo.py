"""Demo users: one admin and one editor (teachers and students are added by later parts)."""

from django.contrib.auth import get_user_model

from . import roles

DEMO_PASSWORD = "petit-talk-demo"  # noqa: S105 - printed for local demo use only


def ensure_user(email, *, display_name, group=None, superuser=False):
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            is_staff=superuser,
            is_superuser=superuser,
        )
    profile = user.profile
    if profile.display_name != display_name:
        profile.display_name = display_name
        profile.save(update_fields=["display_name"])
    if group:
        roles.add_to_group(user, group)
    return user


def load(log):
    ensure_user("admin@petittalk.example", display_name="Admin", superuser=True)
    ensure_user("editor@petittalk.example", display_name="Eddie Editor", group=roles.EDITORS)
    return [
        ("admin", "admin@petittalk.example", DEMO_PASSWORD),
        ("editor", "editor@petittalk.example", DEMO_PASSWORD),
    ]
