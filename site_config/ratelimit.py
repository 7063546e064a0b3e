"""The client's address for rate limits, and a limit on public form posts.

Two rate-limit mechanisms, one client address: allauth limits the account forms (reading
``ALLAUTH_TRUSTED_PROXY_COUNT``), django-ratelimit every other form (reading
``RATELIMIT_IP_META_KEY``, which names ``client_ip`` below). Both settings come from
``TRUSTED_PROXY_COUNT``.
"""

import ipaddress

from django.conf import settings
from django_ratelimit.core import is_ratelimited


def _as_address(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The client's address.

    Behind ``TRUSTED_PROXY_COUNT`` proxies (1 on Heroku: its router), the address the
    outermost trusted proxy saw, which is that many entries from the right of
    X-Forwarded-For. The left-most entries are whatever the client sent, so trusting them
    would let anyone dodge a limit by sending a new header each time. An entry that is not
    an IP address counts as absent (the socket's address is used), so a bad header can never
    turn a limit check into an error.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and forwarded:
        address = _as_address(forwarded[-min(proxies, len(forwarded))])
        if address:
            return address
    return _as_address(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104


def over_limit(request, group, *, per_address, per_account=None):
    """Count this post against the client's address and, when logged in, the account.

    Rates are django-ratelimit's (``"10/10m"``); True once either count is over its rate.
    Both counts grow on every post, so changing address does not reset the account's.
    """
    limited = is_ratelimited(
        request, group=f"{group}:ip", key="ip", rate=per_address, increment=True
    )
    if per_account and request.user.is_authenticated:
        limited = (
            is_ratelimited(
                request, group=f"{group}:user", key="user", rate=per_account, increment=True
            )
            or limited
        )
    return limited
