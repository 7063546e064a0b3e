"""Sitemap of public teacher pages (added to /sitemap.xml by cms_pages)."""

from django.contrib.sitemaps import Sitemap

from .models import Profile
from .roles import TEACHERS


class TeacherSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self):
        return (
            Profile.objects.filter(
                user__is_active=True, user__groups__name=TEACHERS, slug__isnull=False
            )
            .exclude(slug="")
            .order_by("slug")
        )
