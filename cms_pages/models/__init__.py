"""cms_pages models: pages and site settings (pages.py, site_settings.py) and the community
models: testimonial comments, lesson reviews, newsletter (community.py)."""

from .pages import *  # noqa: F403
