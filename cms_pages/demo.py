"""Demo content for cms_pages (idempotent)."""


def load(log):
    return []
