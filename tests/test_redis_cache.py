"""The Redis cache backend (site_config/redis_cache.py) against a real Redis server: Django's
behaviour, with one client per connection pool instead of one per operation."""

import os

import pytest

from site_config.redis_cache import RedisCache
from tests.support.servers import redis_answers, redis_url_for

URL = redis_url_for(12)


@pytest.fixture
def redis_cache():
    if not redis_answers(URL):
        if os.environ.get("CI"):
            pytest.fail(f"Redis must answer at {URL} in CI")
        pytest.skip(f"needs Redis at {URL} (REDIS_TEST_URL's server)")
    backend = RedisCache(URL, {"KEY_PREFIX": "redis-cache-test"})
    backend.clear()
    yield backend
    backend.clear()


def test_it_behaves_like_djangos_redis_cache(redis_cache):
    redis_cache.set("a", {"pages": [1, 2]}, timeout=30)
    redis_cache.set_many({"b": 2, "c": b"bytes"})
    assert redis_cache.get("a") == {"pages": [1, 2]}
    assert redis_cache.get_many(["a", "b", "c", "missing"]) == {
        "a": {"pages": [1, 2]},
        "b": 2,
        "c": b"bytes",
    }
    assert redis_cache.add("b", 3) is False
    assert redis_cache.incr("b") == 3
    redis_cache.delete("a")
    assert redis_cache.get("a", "gone") == "gone"


def test_one_client_serves_every_operation(redis_cache):
    client = redis_cache._cache
    first = client.get_client("x")
    assert client.get_client("y") is first
    assert client.get_client("z", write=True) is first  # one server: one pool
    assert first.ping()
