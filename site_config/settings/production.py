"""Production: every secret from the environment, HTTPS only, hardened headers.

The app refuses to start when a required variable is missing, when DEBUG is on, or when the
development payment provider is selected.
"""

from email.utils import getaddresses

import sentry_sdk
from django.core.exceptions import ImproperlyConfigured
from sentry_sdk.integrations.django import DjangoIntegration

from .base import *  # noqa: F403
from .base import DEBUG, PAYMENT_PROVIDER, SECRET_KEY, env, env_bool, env_int

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set (50+ characters) in production.")
if not env("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set in production.")
if PAYMENT_PROVIDER == "development":
    raise ImproperlyConfigured(
        "The development payment provider cannot run in production: set STRIPE_SECRET_KEY, "
        "STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET."
    )
for _name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET"):
    if not env(_name):
        raise ImproperlyConfigured(f"{_name} must be set in production.")

ACCOUNT_EMAIL_VERIFICATION = "mandatory"
CALENDAR_FEEDS_ALLOW_LOOPBACK = False  # external calendars: public addresses only
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# HTTPS and cookies
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Nobody may frame our pages; Wagtail's preview views opt in to SAMEORIGIN themselves
# (wagtail.utils.decorators.xframe_options_sameorigin_override).
X_FRAME_OPTIONS = "DENY"

# Logs: one JSON object per line for the log drain (LOG_FORMAT=plain to read them by eye).
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", "json")  # noqa: F405

# Error reporting: mail to ADMINS (Django's AdminEmailHandler on django.request errors), and
# Sentry when SENTRY_DSN is set. ADMINS="Name <a@b.c>, d@e.f" (RFC 5322 address list).
_admins_raw = env("ADMINS", "")
ADMINS = []
for _name, _address in getaddresses([_admins_raw]) if _admins_raw.strip() else []:
    if "@" not in _address or " " in _address:
        raise ImproperlyConfigured(
            "ADMINS must be a comma-separated list of addresses, e.g. "
            f"'Ops <ops@example.com>, dev@example.com'; could not read {_admins_raw!r}."
        )
    ADMINS.append((_name, _address))

SENTRY_DSN = env("SENTRY_DSN", "")
if SENTRY_DSN:
    try:
        _traces_sample_rate = float(env("SENTRY_TRACES_SAMPLE_RATE", "0") or "0")
    except ValueError:
        _traces_sample_rate = -1.0
    if not 0.0 <= _traces_sample_rate <= 1.0:
        raise ImproperlyConfigured(
            "SENTRY_TRACES_SAMPLE_RATE must be a number between 0 and 1, got "
            f"{env('SENTRY_TRACES_SAMPLE_RATE')!r}."
        )
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        # No user emails, IP addresses, cookies or request bodies leave the site.
        send_default_pii=False,
        traces_sample_rate=_traces_sample_rate,
        environment=env("SENTRY_ENVIRONMENT", "production"),
        release=env("SENTRY_RELEASE") or None,
    )
