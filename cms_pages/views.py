from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from site_config.health import check_services

# Public pages under a disallowed prefix: the sign-up page is meant to be found. Listed
# before the Disallow lines, so first-match parsers agree with longest-match ones (Google).
ROBOTS_ALLOW = ("/accounts/signup/",)
# Paths no search engine needs: private, per-user or state-changing pages. The booking page
# (/book/, linked from every teacher page) and the basket (/basket/) are not listed: they need
# a login, so a crawler is only ever redirected to the (noindex) login page, and the Lighthouse
# SEO budget (docs/benchmarks.md) checks them, logged in, with every audit, robots.txt included.
ROBOTS_DISALLOW = (
    "/admin/",
    "/accounts/",
    "/checkout/",
    "/bookings/",
    "/profile/",
    "/teacher/",
    "/students/",
    "/calendar/",
    "/newsletter/",
    "/comments/",
    "/stripe/",
    "/healthz",
)


@never_cache
def healthz(request):
    """200 when the database and the cache answer, 503 otherwise (for load balancers)."""
    healthy, details = check_services()
    return JsonResponse(details, status=200 if healthy else 503)


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    """Crawlers may read everything public; the sitemap lists it."""
    lines = [
        "User-agent: *",
        *(f"Allow: {path}" for path in ROBOTS_ALLOW),
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOW),
    ]
    lines += ["", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """Branded 500 page rendered without context processors: the database may be down."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"STATIC_URL": settings.STATIC_URL}))
