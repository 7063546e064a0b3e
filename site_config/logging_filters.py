"""Logging filters for the LOGGING setting."""

import logging
import threading
import time


class OncePerMinute(logging.Filter):
    """Let a message through once per ``seconds`` (60) per process, per logger and message.

    For errors that repeat on every request while a service is down (django-redis logs each
    ignored Redis error): the log says so once a minute, with how many were left out, instead
    of once per request."""

    def __init__(self, name="", seconds=60):
        super().__init__(name)
        self.seconds = seconds
        self._lock = threading.Lock()
        self._seen = {}  # (logger, message) -> [last time let through, left out since]

    def filter(self, record):
        key = (record.name, str(record.msg))
        now = time.monotonic()
        with self._lock:
            seen = self._seen.get(key)
            if seen is not None and now - seen[0] < self.seconds:
                seen[1] += 1
                return False
            left_out = seen[1] if seen else 0
            self._seen[key] = [now, 0]
        if left_out:
            record.msg = f"{record.msg} ({left_out} more like this in the last minute, not logged)"
        return True
