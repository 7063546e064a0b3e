"""cms_pages models: pages and site settings (pages.py, site_settings.py) and the marketing
features' models, which live in their sub-packages (testimonials/, newsletter/) and are
imported here so Django registers them under the ``cms_pages`` label."""

from ..newsletter.models import *  # noqa: F403
from ..testimonials.models import *  # noqa: F403
from .pages import *  # noqa: F403
from .site_settings import *  # noqa: F403
