from django.utils import timezone

from .zones import zone_of


class UserTimezoneMiddleware:
    """Show times in the viewer's own zone (``accounts.zones.zone_of``); visitors see UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = zone_of(user) if user is not None and user.is_authenticated else None
        # override() restores the previous zone afterwards: nothing leaks into the next request
        # a thread serves (or into the test that made the request).
        with timezone.override(zone):
            return self.get_response(request)
