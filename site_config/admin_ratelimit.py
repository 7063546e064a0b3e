"""Rate limit on Wagtail's admin login form.

allauth rate-limits /accounts/login/ itself (``ACCOUNT_RATE_LIMITS``); Wagtail's own login
view at /admin/login/ has no limit, so this middleware counts its POSTs per client address
and per submitted username in the shared cache (Redis in production, so the count holds
across app servers) and answers 429 past the limit. ``ADMIN_LOGIN_RATE_LIMIT`` is
``{"ip": (attempts, seconds), "username": (attempts, seconds)}``; ``None`` switches it off.
"""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

from .ratelimit import allow, client_ip

DEFAULT_LIMITS = {"ip": (10, 60), "username": (5, 300)}


class AdminLoginRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.login_path = None

    def __call__(self, request):
        limits = getattr(settings, "ADMIN_LOGIN_RATE_LIMIT", DEFAULT_LIMITS)
        if (
            limits
            and request.method == "POST"
            and request.path == self._login_path()
            and not self._allowed(request, limits)
        ):
            response = HttpResponse(
                "Too many login attempts. Please wait a few minutes and try again.",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(limits["ip"][1])
            return response
        return self.get_response(request)

    def _login_path(self):
        if self.login_path is None:
            self.login_path = reverse("wagtailadmin_login")
        return self.login_path

    def _allowed(self, request, limits):
        attempts, period = limits["ip"]
        ip_ok = allow("admin-login:ip", client_ip(request), limit=attempts, period=period)
        username = request.POST.get("username", "").strip().lower()
        user_ok = True
        if username:
            attempts, period = limits["username"]
            user_ok = allow("admin-login:user", username, limit=attempts, period=period)
        return ip_ok and user_ok
