"""The cache client: django-redis's own, except that ``add`` fails open.

django-redis (``DJANGO_REDIS_IGNORE_EXCEPTIONS``) turns a Redis error into a miss, so pages
render without Redis. ``add`` is the one call where a miss is not harmless: allauth's rate
limits take a lock with ``cache.add`` and answer 429 when it cannot be taken, so with Redis
down nobody could log in or sign up. Here ``add`` reports success when Redis is unreachable:
the lock is "taken", the (empty) count allows the request, and allauth's limits degrade to
no-ops like django-ratelimit's (``RATELIMIT_FAIL_OPEN``). Set through django-redis's
documented ``CLIENT_CLASS`` option; nothing else is changed.
"""

import logging

from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted

# The same logger (and once-a-minute filter) as django-redis's own ignored errors.
logger = logging.getLogger("django_redis.cache")


class FailOpenClient(DefaultClient):
    def add(self, *args, **kwargs):
        try:
            return super().add(*args, **kwargs)
        except ConnectionInterrupted:
            logger.exception("Redis unreachable: cache.add fails open")
            return True
