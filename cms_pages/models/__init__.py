"""cms_pages models: pages and site settings (pages.py, site_settings.py) and the community
models: testimonial comments, lesson reviews, newsletter (community.py)."""

from .community import *  # noqa: F403
from .pages import *  # noqa: F403
from .site_settings import *  # noqa: F403
