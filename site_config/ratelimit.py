"""A small fixed-window rate limiter on Django's cache (Redis when REDIS_URL is set, so the
count is shared by every app server)."""

import time

from django.conf import settings
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
    """The client's address.

    Behind ``TRUSTED_PROXY_COUNT`` proxies (1 on Heroku: its router), the address the
    outermost trusted proxy saw, which is that many entries from the right of
    X-Forwarded-For. The left-most entries are whatever the client sent, so trusting them
    would let anyone dodge a limit by sending a new header each time.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and forwarded:
        return forwarded[-min(proxies, len(forwarded))]
    return request.META.get("REMOTE_ADDR", "unknown")
