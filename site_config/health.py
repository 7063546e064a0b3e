"""What /healthz checks: the services every request needs (database and cache)."""

import logging
import uuid

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
    """A write and a read through Django's cache (Redis in production)."""
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        healthy = cache.get(key) == "ok"
        cache.delete(key)
    except Exception:
        logger.exception("Health check: cache unavailable")
        return False
    return healthy


def check_services():
    """``(healthy, details)`` for the load balancer's health check."""
    details = {
        "database": "ok" if database_ok() else "error",
        "cache": "ok" if cache_ok() else "error",
    }
    healthy = all(value == "ok" for value in details.values())
    return healthy, {"status": "ok" if healthy else "unavailable", **details}
