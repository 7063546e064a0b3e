"""The site's URLs plus media serving (production serves media from S3, not from Django)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from site_config.urls import handler404, handler500
from site_config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    re_path(
        r"^{}(?P<path>.*)$".format(settings.MEDIA_URL.lstrip("/")),
        serve,
        {"document_root": settings.MEDIA_ROOT},
    ),
    *site_urlpatterns,
]

__all__ = ["handler404", "handler500", "urlpatterns"]
