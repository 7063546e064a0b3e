"""Demo content for booking (idempotent)."""


def load(log):
    return []
