"""Demo content for commerce (idempotent)."""


def load(log):
    return []
