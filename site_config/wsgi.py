"""WSGI entry point for gunicorn.

Each worker loads the project here, imports every view (the URL configuration, so a broken
import fails at start instead of on a visitor's request) and then freezes what it has
loaded (``gc.freeze``): the ~225,000 objects of Django, Wagtail and the project's modules
move to the collector's permanent generation, so a full collection no longer walks them
all. Without it, one request in a few hundred waited 80 to 100 ms for such a collection
(docs/benchmarks.md, "Garbage collection").
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.production")

application = get_wsgi_application()


def freeze_loaded_objects():
    """Import every view, collect what importing left behind, then freeze the rest."""
    get_resolver().url_patterns  # noqa: B018 - loading the URL configuration imports the views
    gc.collect()
    gc.freeze()


freeze_loaded_objects()
