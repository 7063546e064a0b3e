from django.utils import timezone

from .zones import zone_of


class UserTimezoneMiddleware:
    """Show times in the viewer's own zone (``accounts.zones.zone_of``); visitors see UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zone_of(user))
        else:
            timezone.deactivate()
        return self.get_response(request)
