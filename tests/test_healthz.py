"""/healthz answers 200 only when both the database and the cache answer."""

from unittest import mock

import pytest
from django.db.utils import OperationalError


@pytest.mark.django_db
def test_healthz_is_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_cache_fails(client):
    with mock.patch("site_config.health.cache.set", side_effect=ConnectionError("redis down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "error"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(client):
    with mock.patch(
        "site_config.health.connection.cursor", side_effect=OperationalError("db down")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert response.json()["cache"] == "ok"


@pytest.mark.django_db
def test_healthz_names_redis_and_is_503_when_redis_is_unreachable(client, settings):
    """django-redis as production configures it, on a closed port: the error is ignored (a
    read finds nothing), so the site keeps answering and only /healthz says Redis is down."""
    from django.core.cache import caches

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    # (Django's test signal handler rebuilds the cache handler when CACHES changes.)
    try:
        assert settings.DJANGO_REDIS_IGNORE_EXCEPTIONS is True
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "database": "ok", "redis": "error"}
        assert client.get("/teachers/").status_code == 200
    finally:
        caches.close_all()
