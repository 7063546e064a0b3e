"""/sitemap.xml: every live Wagtail page plus the public teacher profiles."""

from wagtail.contrib.sitemaps import Sitemap as PageSitemap

from accounts.sitemaps import TeacherSitemap

SITEMAPS = {"pages": PageSitemap, "teachers": TeacherSitemap}
