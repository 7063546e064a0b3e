"""Account changes that touch several rows or send email: one function per rule."""

import uuid
from functools import partial

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from site_config.mail import send_templated_email

from . import roles
from .exports import exporters
from .signals import user_erased, user_erasure_preview
from .templatetags.avatars import delete_thumbnails

PROFILE_EXPORT_FIELDS = (
    "display_name",
    "timezone",
    "bio",
    "favourite_books",
    "favourite_films",
    "favourite_words",
    "favourite_songs",
    "cefr_level",
    "learning_goals",
    "languages",
    "lowest_level_taught",
    "highest_level_taught",
    "price_override_cents",
    "slug",
    "video_room_url",
)
ERASED_EMAIL_DOMAIN = "erased.invalid"


def delete_files_on_commit(*names):
    """Remove stored files, and any avatar thumbnails made from them, once the transaction
    that stopped using them has committed."""

    def delete():
        for name in names:
            if not name:
                continue
            if default_storage.exists(name):
                default_storage.delete(name)
            delete_thumbnails(name)

    transaction.on_commit(delete)


def set_password_url(user):
    """An absolute link to allauth's "set a new password" page, valid like a reset link."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def _send_teacher_welcome(user_id):
    user = get_user_model().objects.select_related("profile").get(pk=user_id)
    send_templated_email.enqueue(
        "accounts/email/teacher_welcome",
        {"display_name": user.display_name, "set_password_url": set_password_url(user)},
        [user.email],
    )


@transaction.atomic
def create_teacher(*, email, profile_data):
    """Create a teacher: user (no usable password yet), profile and Teachers membership in
    one transaction; after commit, email them a link to choose their password."""
    user = get_user_model().objects.create_user(email=email, password=None)
    profile = user.profile
    data = dict(profile_data)
    specialties = data.pop("specialties", ())
    for name, value in data.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["user", "photo", "intro_video"])
    profile.save()
    profile.specialties.set(specialties)
    roles.add_to_group(user, roles.TEACHERS)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    transaction.on_commit(partial(_send_teacher_welcome, user.pk))
    return user


def export_user_data(user):
    """Everything we hold about ``user`` as JSON-ready data: account, profile and whatever
    each app registered with ``accounts.exports``."""
    profile = user.profile
    data = {
        "account": {
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "role": roles.role_of(user),
        },
        "profile": {name: getattr(profile, name) for name in PROFILE_EXPORT_FIELDS},
    }
    data["profile"]["specialties"] = [specialty.name for specialty in profile.specialties.all()]
    data["profile"]["photo"] = profile.photo.url if profile.photo else None
    data["profile"]["intro_video"] = profile.intro_video.url if profile.intro_video else None
    for name, exporter in sorted(exporters().items()):
        data[name] = exporter(user)
    return data


def erasure_preview(user, now=None):
    """What deleting ``user``'s account will settle, for the page that asks to confirm.

    Apps answer ``accounts.signals.user_erasure_preview`` (booking: the lessons to cancel or
    release; commerce: the money refunded). Lists are joined and numbers added up.
    """
    now = now or timezone.now()
    merged = {"lessons": [], "cancelled_lessons": 0, "refund_cents": 0}
    for _receiver, answer in user_erasure_preview.send(sender=type(user), user=user, now=now):
        for key, value in (answer or {}).items():
            merged[key] = merged.get(key, type(value)()) + value
    return merged


@transaction.atomic
def erase_user(user):
    """Erase a user's personal data but keep the rows accounting needs (bookings, orders).

    The email becomes a unique placeholder, names and profile are cleared, uploaded files are
    deleted, the account is deactivated with an unusable password. Other apps settle and
    anonymise their own rows by listening to ``accounts.signals.user_erased`` (booking cancels
    the future lessons with a full refund and frees their slots; commerce keeps the orders
    without billing details).
    """
    original_email = user.email
    profile = user.profile
    old_files = (profile.photo.name, profile.intro_video.name)
    user_erased.send(sender=type(user), user=user, email=original_email)

    user.email = f"erased-{user.pk}-{uuid.uuid4().hex[:12]}@{ERASED_EMAIL_DOMAIN}"
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.filter(user=user).delete()

    blank = type(profile)(user=user)
    for name in (*PROFILE_EXPORT_FIELDS, "photo", "intro_video"):
        setattr(profile, name, getattr(blank, name))
    profile.save()
    profile.specialties.clear()
    delete_files_on_commit(*old_files)
    return user
