"""Production settings: secrets only from the environment, refuse to start without them,
hardened defaults, and `check --deploy` clean."""

import json

import pytest

from tests.support.production_env import production_env, run_manage, run_python

IMPORT_SETTINGS = "import site_config.settings.production"

DUMP_SETTINGS = """
import json
from site_config.settings import production as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_PROXY_SSL_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_HSTS_PRELOAD": s.SECURE_HSTS_PRELOAD,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": s.SESSION_COOKIE_HTTPONLY,
    "SESSION_COOKIE_SAMESITE": s.SESSION_COOKIE_SAMESITE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "CSRF_COOKIE_HTTPONLY": s.CSRF_COOKIE_HTTPONLY,
    "X_FRAME_OPTIONS": s.X_FRAME_OPTIONS,
    "SECURE_CONTENT_TYPE_NOSNIFF": s.SECURE_CONTENT_TYPE_NOSNIFF,
    "SECURE_REFERRER_POLICY": s.SECURE_REFERRER_POLICY,
    "LOG_FORMATTER": s.LOGGING["handlers"]["console"]["formatter"],
    "TASKS_BACKEND": s.TASKS["default"]["BACKEND"],
    "CACHE_BACKEND": s.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": s.CACHES["default"].get("LOCATION"),
    "SESSION_ENGINE": s.SESSION_ENGINE,
    "STORAGE_DEFAULT": s.STORAGES["default"]["BACKEND"],
    "AWS_DEFAULT_ACL": s.AWS_DEFAULT_ACL,
    "AWS_QUERYSTRING_AUTH": s.AWS_QUERYSTRING_AUTH,
    "AWS_S3_FILE_OVERWRITE": s.AWS_S3_FILE_OVERWRITE,
    "PAYMENT_PROVIDER": s.PAYMENT_PROVIDER,
    "ACCOUNT_RATE_LIMITS": s.ACCOUNT_RATE_LIMITS,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "CSP": s.CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "WAGTAILDOCS_SERVE_METHOD": s.WAGTAILDOCS_SERVE_METHOD,
}))
"""


def load_production_settings(**overrides):
    result = run_python(DUMP_SETTINGS, production_env(**overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY must be set"),
        ({"DATABASE_URL": None}, "DATABASE_URL must be set"),
        ({"DEBUG": "1"}, "DEBUG must be off"),
        ({"PAYMENT_PROVIDER": "development"}, "development payment provider"),
        (
            {"STRIPE_SECRET_KEY": None, "STRIPE_PUBLISHABLE_KEY": None},
            "development payment provider",
        ),
        ({"STRIPE_PUBLISHABLE_KEY": None}, "STRIPE_PUBLISHABLE_KEY must be set"),
        ({"STRIPE_WEBHOOK_SECRET": None}, "STRIPE_WEBHOOK_SECRET must be set"),
        (
            {"PAYMENT_PROVIDER": "stripe", "STRIPE_SECRET_KEY": None},
            "STRIPE_SECRET_KEY must be set",
        ),
    ],
)
def test_production_refuses_to_start_without_its_secrets(overrides, message):
    result = run_python(IMPORT_SETTINGS, production_env(**overrides))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_starts_with_every_secret_from_the_environment():
    result = run_python(IMPORT_SETTINGS, production_env())
    assert result.returncode == 0, result.stderr


def test_production_settings_are_hardened():
    values = load_production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    # Preload-ready: a year, subdomains, preload (https://hstspreload.org/#deployment-recommendations)
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "strict-origin-when-cross-origin"
    assert values["LOG_FORMATTER"] == "json"
    assert values["TASKS_BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert values["PAYMENT_PROVIDER"] == "stripe"
    assert values["ACCOUNT_RATE_LIMITS"]["login_failed"]
    assert values["ALLOWED_HOSTS"] == ["www.petittalk.example"]


def test_redis_url_puts_cache_and_sessions_in_redis():
    values = load_production_settings()
    # django-redis as it ships; sessions in the database with Redis in front (an outage
    # logs nobody out).
    assert values["CACHE_BACKEND"] == "django_redis.cache.RedisCache"
    assert values["CACHE_LOCATION"] == "redis://127.0.0.1:6379/14"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_a_bucket_name_puts_media_on_s3_without_public_acls():
    values = load_production_settings()
    assert values["STORAGE_DEFAULT"] == "storages.backends.s3.S3Storage"
    # Objects get no ACL: the bucket policy alone decides what is public (docs/operations.md).
    assert values["AWS_DEFAULT_ACL"] is None
    assert values["AWS_QUERYSTRING_AUTH"] is False
    assert values["AWS_S3_FILE_OVERWRITE"] is False
    # The media origin (the URL django-storages builds) is the only extra CSP source.
    media = "https://petit-talk-media.s3.amazonaws.com"
    assert values["CSP"]["img-src"] == ["'self'", "data:", media]
    assert values["CSP"]["media-src"] == ["'self'", media]
    assert values["CSP"]["script-src"] == ["'self'", "https://js.stripe.com"]
    # Documents stay private on S3 and are streamed after Wagtail's privacy check.
    assert values["WAGTAILDOCS_SERVE_METHOD"] == "serve_view"


def test_log_format_can_be_switched_to_plain():
    assert load_production_settings(LOG_FORMAT="plain")["LOG_FORMATTER"] == "plain"


def test_check_deploy_passes_with_production_settings():
    result = run_manage(["check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_state_is_not_shared():
    result = run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        production_env(REDIS_URL=None, AWS_STORAGE_BUCKET_NAME=None),
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "site_config.W001" in output
    assert "site_config.W002" in output


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"DEBUG": "1"}, "DEBUG must be off"), ({"SECRET_KEY": None}, "SECRET_KEY must be set")],
)
def test_manage_py_refuses_to_start_with_debug_on_or_without_a_secret_key(overrides, message):
    result = run_manage(["check"], production_env(**overrides))
    assert result.returncode != 0
    assert message in result.stderr
