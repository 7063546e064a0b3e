from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from accounts.views import login_redirect
from cms_pages import views as cms_views
from cms_pages.sitemaps import SITEMAPS

urlpatterns = [
    path("healthz", cms_views.healthz, name="healthz"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", cms_views.robots_txt, name="robots_txt"),
    # Before Wagtail's own login views: every login goes through allauth (and its limits).
    path("admin/login/", login_redirect, {"default_next": "/admin/"}, name="admin_login_redirect"),
    path("_util/login/", login_redirect, name="page_login_redirect"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("booking.urls")),
    path("", include("commerce.urls")),
    path("", include("cms_pages.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "cms_pages.views.page_not_found"
handler500 = "cms_pages.views.server_error"
