"""Wagtail site settings and the request's Site, kept in the cache until content changes.

Every rendered page needs the request's ``Site`` (one query) and one or two site settings rows
(one query each), through the header, footer, SEO tags and the booking rules. Wagtail keeps
them for one request; this keeps them across requests and servers, in the cache, under the
page cache's generation (``site_config.page_cache.remember``): saving a site, a site setting
or publishing a page starts a new generation, so an edit shows on the next request.

Settings models inherit ``CachedSiteSetting`` instead of Wagtail's ``BaseSiteSetting``; writes
(``for_site``, the admin's edit view) are Wagtail's own.
"""

from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Site

from . import page_cache


def site_for_request(request):
    """``Site.find_for_request``, remembered per host and port until content changes."""
    if request is None:
        return None
    if not hasattr(request, "_wagtail_site"):  # Wagtail's own per-request attribute
        key = f"site:{request._get_raw_host()}:{request.get_port()}"
        request._wagtail_site = page_cache.remember(key, lambda: Site.find_for_request(request))
    return request._wagtail_site


class CachedSiteSetting(BaseSiteSetting):
    class Meta:
        abstract = True

    @classmethod
    def for_request(cls, request):
        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)
        site = site_for_request(request)
        if site is None:
            return cls.for_site(site)  # Wagtail's error for "no site"
        site_settings = page_cache.remember(
            f"settings:{cls._meta.label_lower}:{site.pk}", lambda: cls.for_site(site)
        )
        site_settings._request = request  # as Wagtail does, for page URLs in settings
        setattr(request, attr_name, site_settings)
        return site_settings
