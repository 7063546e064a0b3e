"""Wagtail admin registrations for cms_pages. Community (comments, reviews, newsletter)
viewsets live in community_admin.py and register themselves on import."""

from . import community_admin, dashboard  # noqa: F401
