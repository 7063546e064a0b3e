"""A repeated error is logged once a minute per process, not once per request
(site_config.logging_filters.OncePerMinute, on django-redis's and the health check's logger)."""

import logging

from site_config.logging_filters import OncePerMinute


def record(message="Exception ignored", name="django_redis.cache"):
    return logging.LogRecord(name, logging.ERROR, __file__, 1, message, None, None)


def test_the_same_message_passes_once_a_minute_and_says_how_many_were_left_out(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr("site_config.logging_filters.time.monotonic", lambda: clock[0])
    once = OncePerMinute()
    assert once.filter(record()) is True
    assert [once.filter(record()) for _ in range(5)] == [False] * 5
    assert once.filter(record("Another message")) is True  # each message on its own
    clock[0] += 61
    again = record()
    assert once.filter(again) is True
    assert "5 more like this" in again.getMessage()


def test_production_logging_puts_the_filter_on_django_redis():
    from django.conf import settings

    loggers = settings.LOGGING["loggers"]
    assert loggers["django_redis.cache"]["filters"] == ["once_a_minute"]
    assert settings.LOGGING["filters"]["once_a_minute"]["()"] == (
        "site_config.logging_filters.OncePerMinute"
    )
