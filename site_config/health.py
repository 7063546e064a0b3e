"""What /healthz checks: the services every request needs (database and cache).

The site keeps answering without Redis (the cache and rate limits fail open), so /healthz is
where an outage shows: 503, naming "redis" when REDIS_URL is set ("cache" otherwise)."""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: database unavailable")
        return False
    return True


def cache_ok():
    """A write and a read through Django's cache. django-redis ignores Redis errors (they
    are logged), so an unreachable Redis shows as a read that finds nothing."""
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        healthy = cache.get(key) == "ok"
        cache.delete(key)
    except Exception:
        logger.exception("Health check: cache unavailable")
        return False
    if not healthy:
        logger.error("Health check: cache unavailable")
    return healthy


def cache_name():
    return "redis" if getattr(settings, "REDIS_URL", None) else "cache"


def check_services():
    """``(healthy, details)`` for the load balancer's health check."""
    details = {
        "database": "ok" if database_ok() else "error",
        cache_name(): "ok" if cache_ok() else "error",
    }
    healthy = all(value == "ok" for value in details.values())
    return healthy, {"status": "ok" if healthy else "unavailable", **details}
