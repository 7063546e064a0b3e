"""Settings shared by every environment. Everything that differs comes from the environment.

dev.py, test.py and production.py import from here and override only what they must.
Optional services switch on when their variables are set: Redis with ``REDIS_URL``,
S3 media with ``AWS_STORAGE_BUCKET_NAME``, SMTP with ``EMAIL_HOST``.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


SECRET_KEY = env("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Our apps first so their templates override allauth's and Wagtail's defaults.
    "accounts",
    "booking",
    "commerce",
    "cms_pages",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.frontend_cache",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # allauth
    "allauth",
    "allauth.account",
    # Background tasks
    "django_tasks",
    "django_tasks_db",
    "django_countries",  # the checkout's country list (names, translations)
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "storages",
    "csp",
    "site_config.apps.SiteConfig",
]

MIDDLEWARE = [
    "site_config.request_logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the URL: a NUL byte in it would reach PostgreSQL as a 500.
    "site_config.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise (which serves its own pre-compressed static files): compresses the HTML
    # and JSON Django renders. Django's gzip adds random padding against BREACH, and CSRF
    # tokens are masked afresh on every response.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Outside CSRF and messages: a page that set the CSRF or messages cookie is not stored.
    "site_config.page_cache.AnonymousPageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "site_config.urls"

# No explicit "loaders": Django then wraps the filesystem and app loaders in its cached
# loader, so each template is parsed once per process.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "accounts.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "site_config.wsgi.application"

# Database: DATABASE_URL (PostgreSQL in production and CI); SQLite for `make run`.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; IMMEDIATE takes the write lock at BEGIN so the booking
    # check-then-insert cannot interleave with another writer.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# site_config.compiled runs the per-request queries as server-side prepared statements on
# PostgreSQL; turn off behind a pooler in transaction mode (PgBouncer's default). Their plans
# are made once ("generic"): PostgreSQL's default would keep replanning most of them, since a
# generic plan of a query by one student's or teacher's id is rarely estimated cheaper. Only
# prepared statements are affected; every other query is planned as it always is.
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
if DB_PREPARED_STATEMENTS and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(
        filter(None, [_options.get("options"), "-c plan_cache_mode=force_generic_plan"])
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, loading the profile with the user (accounts/backends.py)
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files: hashed, compressed names served by whitenoise.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Media on S3 (or an S3-compatible store) when a bucket is named.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", "eu-west-3")
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", False)
    AWS_S3_FILE_OVERWRITE = False
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "max-age=86400"}
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}

# Cache and sessions: Redis when REDIS_URL is set (shared by several app servers), through
# django-redis as it ships. The site fails open without Redis: cache errors are ignored
# (a read is a miss, a write does nothing), logged once a minute (site_config.logging_filters),
# and /healthz answers 503. Sessions live in the database with Redis in front (cached_db),
# so a Redis outage logs nobody out.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "petit-talk"),
            "OPTIONS": {
                # django-redis's client, with ``add`` failing open (site_config/redis_client.py).
                "CLIENT_CLASS": "site_config.redis_client.FailOpenClient",
                # An unreachable or stalled Redis costs a fraction of a second, not a request.
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# django-ratelimit: a count the cache cannot give (Redis down) lets the request through.
RATELIMIT_FAIL_OPEN = True

# Background tasks (django-tasks). Production runs `manage.py db_worker` as its own process.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# Email: console in development; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Petit Talk <hello@petittalk.example>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Wagtail
WAGTAIL_SITE_NAME = "Petit Talk"
WAGTAILADMIN_BASE_URL = env("SITE_URL", "http://127.0.0.1:8000")
SITE_URL = WAGTAILADMIN_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "png", "gif": "png"}
# Documents are streamed by Wagtail's view, which checks collection privacy; on S3 the
# documents/ prefix stays private (site_config/storage.py).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILFORMS_NOTIFICATION_EMAIL_FROM = DEFAULT_FROM_EMAIL
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_COMMENTS_ENABLED = False
# Editors and admins sign in on allauth's page (Wagtail's own login pages redirect there:
# accounts.views.login_redirect), so allauth's failed-login limit guards every login.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"

# allauth: email is the login; no username.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}  # adds display name, zone, Students
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"  # brand-name subjects, links on SITE_URL
# Proxies in front of the app (Heroku's router: 1). Client addresses for rate limits are
# read that many entries from the right of X-Forwarded-For, never from the client's own part.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
RATELIMIT_IP_META_KEY = "site_config.ratelimit.client_ip"  # django-ratelimit, same address
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Booking and commerce
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = env("STRIPE_API_BASE", "")  # only set to point at a fake Stripe in tests
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", "stripe" if STRIPE_SECRET_KEY else "development")
CURRENCY = "EUR"
# Each confirmed lesson gets a room under this address (booking.video_rooms), unless its
# teacher set a fixed room of their own in their profile.
VIDEO_ROOM_BASE_URL = env("VIDEO_ROOM_BASE_URL", "https://meet.jit.si/")
# What ``manage.py run_scheduler`` (the Procfile's scheduler process) runs every minute, in
# order: command names, so the project's scheduler imports no app. Each is idempotent.
SCHEDULED_COMMANDS = (
    "expire_holds",
    "complete_lessons",
    "send_reminders",
    "send_series_shift_notices",  # weekly series: 7 days before a week whose time shifts
    "reconcile_payments",
    "expire_credits",  # lesson credits: expiry ledger entries, 30/7-day reminders
    "publish_scheduled",
    "sync_calendars",  # each teacher's external calendar feed every 15 minutes (see below)
)
# Teachers' external calendars (booking/calendars/): how often each ICS feed is read, the
# deadline and size limit of one download, and whether loopback addresses may be read
# (development and tests only: production refuses every private or local address).
CALENDAR_FEEDS_REFRESH_MINUTES = 15
CALENDAR_FEEDS_TIMEOUT_SECONDS = 10
CALENDAR_FEEDS_MAX_BYTES = 2 * 1024 * 1024
CALENDAR_FEEDS_ALLOW_LOOPBACK = False
CALENDAR_FEEDS_CA_CERTS = None  # a CA bundle path for feeds' TLS; None: the system's

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "site_config.request_logging.RequestIdFilter"},
        # Errors that repeat on every request while Redis is down: once a minute per process.
        "once_a_minute": {"()": "site_config.logging_filters.OncePerMinute"},
    },
    "formatters": {
        "json": {"()": "site_config.request_logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", "plain"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "petit_talk.request": {"level": env("REQUEST_LOG_LEVEL", "INFO")},
        "django_redis.cache": {"filters": ["once_a_minute"]},
        "site_config.health": {"filters": ["once_a_minute"]},
    },
}

# Content-Security-Policy (django-csp; Django 5.2 has no built-in CSP). Stripe.js is the only
# foreign origin, and only because checkout needs it. The Wagtail admin sets its own inline
# scripts and styles, so it is excluded from the public-site policy.
_MEDIA_ORIGINS = []
if AWS_STORAGE_BUCKET_NAME:
    _MEDIA_ORIGINS.append(
        f"https://{AWS_S3_CUSTOM_DOMAIN}"
        if AWS_S3_CUSTOM_DOMAIN
        else (AWS_S3_ENDPOINT_URL or f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com")
    )
STRIPE_JS_ORIGIN = "https://js.stripe.com"
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", STRIPE_JS_ORIGIN],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_MEDIA_ORIGINS],
        "media-src": ["'self'", *_MEDIA_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'", "https://api.stripe.com"],
        "frame-src": [STRIPE_JS_ORIGIN, "https://hooks.stripe.com"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "usb": [],
    "payment": ["self", STRIPE_JS_ORIGIN],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Nobody frames our pages; Wagtail's preview views opt in to SAMEORIGIN themselves.
X_FRAME_OPTIONS = "DENY"
