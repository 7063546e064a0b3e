"""allauth speaks as the site: the brand from Site settings, links on settings.SITE_URL;
and it sends each role where it works after logging in or signing up.

allauth would otherwise prefix subjects with the Django Site name (``[127.0.0.1:8000]``) and
build links from the host the request came in on.
"""

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from site_config.mail import brand_name

from . import roles
from .signals import login_destination

# Context values allauth fills with absolute links built from the request's host.
LINK_KEYS = ("activate_url", "password_reset_url", "signup_url")


def on_site_url(url):
    """The same path, query and fragment under settings.SITE_URL (our public address)."""
    parts = urlsplit(url)
    tail = parts.path + (f"?{parts.query}" if parts.query else "")
    tail += f"#{parts.fragment}" if parts.fragment else ""
    return settings.SITE_URL.rstrip("/") + tail


def profile_unfinished(profile):
    """A student's profile is unfinished until it says their level or their goals."""
    return not (profile.cefr_level or profile.learning_goals.strip())


def landing_url(user):
    """Where ``user`` lands after logging in when no ?next= says: the apps' answer to
    ``login_destination`` (booking: a teacher's dashboard, a student's "My bookings" once
    they have lessons); else a student finishes their profile, or finds a teacher; None
    for anyone else (the site's LOGIN_REDIRECT_URL)."""
    for _receiver, url in login_destination.send(sender=type(user), user=user):
        if url:
            return url
    if roles.is_student(user):
        if profile_unfinished(user.profile):
            return reverse("accounts:profile_finish")
        return reverse("booking:teacher_list")
    return None


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """allauth asks only when the login carries no safe ?next= (which wins)."""
        return landing_url(request.user) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        """A new student (sign-up makes students) first finishes their profile."""
        return reverse("accounts:profile_finish")

    def format_email_subject(self, subject):
        """Every account email's subject starts with the brand: "Petit Talk: Confirm …"."""
        return f"{brand_name(self.request)}: {subject}"

    def send_mail(self, template_prefix, email, context):
        """Templates get ``brand_name`` and ``site_url``; every link points at SITE_URL."""
        context = {
            **context,
            "brand_name": brand_name(self.request),
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        for key in LINK_KEYS:
            if context.get(key):
                context[key] = on_site_url(context[key])
        super().send_mail(template_prefix, email, context)
