"""A small fixed-window rate limiter on Django's cache (Redis when REDIS_URL is set, so the
count is shared by every app server)."""

import time

from django.core.cache import cache


def allow(scope, key, *, limit, period):
    """Count one hit for (scope, key); True while the hits in this window stay within limit."""
    window = int(time.time() // period)
    cache_key = f"rl:{scope}:{key}:{window}"
    if cache.add(cache_key, 1, timeout=period + 1):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=period + 1)
        return True
    return count <= limit


def client_ip(request):
    """The client's address; behind a proxy, the first X-Forwarded-For entry."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "unknown")
