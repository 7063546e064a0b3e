"""allauth speaks as the site: the brand from Site settings, links on settings.SITE_URL.

allauth would otherwise prefix subjects with the Django Site name (``[127.0.0.1:8000]``) and
build links from the host the request came in on.
"""

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from site_config.mail import brand_name

# Context values allauth fills with absolute links built from the request's host.
LINK_KEYS = ("activate_url", "password_reset_url", "signup_url")


def on_site_url(url):
    """The same path, query and fragment under settings.SITE_URL (our public address)."""
    parts = urlsplit(url)
    tail = parts.path + (f"?{parts.query}" if parts.query else "")
    tail += f"#{parts.fragment}" if parts.fragment else ""
    return settings.SITE_URL.rstrip("/") + tail


class AccountAdapter(DefaultAccountAdapter):
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
