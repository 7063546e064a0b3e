"""Request guards that apply to every URL before any view runs."""

from urllib.parse import unquote

from django.http import HttpResponseBadRequest

NUL = "\x00"


def has_nul_byte(request):
    """True when the decoded path or query string contains a NUL character.

    PostgreSQL cannot store or compare text containing NUL, so any lookup built from such a
    URL (a page slug, a ``?tag=``, a calendar token) would fail as a 500. No valid address of
    ours contains one.
    """
    return NUL in request.path_info or NUL in unquote(request.META.get("QUERY_STRING", ""))


def drop_cookies_with_nul_bytes(request):
    """Forget cookies whose value contains NUL (no cookie we set ever does): a session id
    with one would otherwise be looked up in the database. The visitor simply arrives
    without that cookie, and gets a fresh one where needed."""
    for name in [name for name, value in request.COOKIES.items() if NUL in value]:
        del request.COOKIES[name]


class RejectNulBytesMiddleware:
    """Answer 400 to a URL with a NUL byte instead of letting it reach the database, and
    ignore cookies that carry one.

    Posted form fields are not checked here: every ``CharField`` refuses NUL itself
    (``ProhibitNullCharactersValidator``) with a form error next to the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul_byte(request):
            return HttpResponseBadRequest(
                "Bad request: the address contains a NUL character.",
                content_type="text/plain; charset=utf-8",
            )
        drop_cookies_with_nul_bytes(request)
        return self.get_response(request)
