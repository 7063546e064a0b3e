"""Anonymous page cache in Django's cache (Redis in production, shared by every app server).

Why in the app rather than a CDN: the site has no CDN, Wagtail's frontend-cache purging needs
one, and the app servers already share Redis. Caching in a middleware keeps the rules in one
place and makes them testable:

- Only anonymous GET/HEAD requests are served from or stored in the cache. "Anonymous" is
  decided from the cookies before the view runs: a request carrying a session cookie or a
  messages cookie is never served from the cache (it may belong to a logged-in user, or have a
  flash message waiting). Paths of per-user areas (basket, bookings, profile, admin, ...) are
  never cached at all.
- A response is stored only when it is a complete 200 HTML response that sets no cookie of
  its own, did not change the session or add a message, varies on nothing but ``Cookie``, and
  is not marked private/no-store by its view.
- CSRF tokens: every page has a form (the footer's newsletter sign-up), so refusing pages that
  use the token would cache nothing. Instead the rendered tokens (masked forms of this
  visitor's secret, found by unmasking every 64-character candidate) are replaced by a
  placeholder when storing, and a hit fills in a token of the *current* visitor's secret
  (``get_token``), so the CSRF middleware sets that visitor's own cookie. One visitor's token
  never reaches another. Such responses are ``private`` for browsers and proxies, as they set
  a cookie; the server-side cache still serves them.
- Entries are keyed by (generation, host, full path). Publishing, unpublishing or deleting a
  page, and saving any model that anonymous pages show (site settings, teachers' profiles,
  offers, testimonials, images, ...), bumps the generation, so the next anonymous request
  renders afresh on every server at once. Entries also expire after ``PAGE_CACHE_SECONDS``
  (slots and dates change with the clock).
- Served responses carry ``X-Page-Cache: hit`` (or ``miss``/``skip``). Anonymous cacheable
  responses without a token say ``Cache-Control: public, max-age=<PAGE_CACHE_BROWSER_SECONDS>``
  with ``Vary: Cookie``; every response to an authenticated user says ``private, no-cache`` so
  no shared cache (proxy or this one) ever keeps it.

The middleware sits after the session, auth, CSRF and messages middleware, so the outer ones
(request id, security headers, CSP) still run on every hit and cached entries contain only
what the view produced.
"""

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, _unmask_cipher_token, get_token
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"

# Per-user or state-changing areas: never cached, even for visitors.
DEFAULT_EXCLUDED_PREFIXES = (
    "/admin/",
    "/accounts/",
    "/basket/",
    "/book/",
    "/bookings/",
    "/calendar/",
    "/checkout/",
    "/comments/",
    "/documents/",
    "/healthz",
    "/media/",
    "/newsletter/",
    "/profile/",
    "/stripe/",
    "/students/",
    "/teacher/",
)

# Apps whose models appear on anonymous pages; saving or deleting one purges the cache.
PURGING_APPS = {
    "accounts",
    "booking",
    "cms_pages",
    "commerce",
    "taggit",
    "wagtailcore",
    "wagtaildocs",
    "wagtailimages",
    "wagtailredirects",
    "wagtailsettings",
}
# Models of those apps that change often without changing what visitors see.
NON_PURGING_MODELS = {
    "accounts.user",  # last_login on every login; profile changes purge through Profile
    "wagtailcore.revision",  # drafts; publishing purges through page_published
    "wagtailcore.pagelogentry",
    "wagtailcore.modellogentry",
    "wagtailcore.referenceindex",
    "wagtailcore.pagesubscription",
    "wagtailcore.taskstate",
    "wagtailcore.workflowstate",
    "wagtailcore.uploadedfile",
    "wagtailimages.rendition",  # created while rendering anonymous pages
}
# Saving a draft revision or locking a page updates only these fields; visitors see nothing.
DRAFT_ONLY_FIELDS = {
    "comments",
    "draft_title",
    "has_unpublished_changes",
    "latest_revision",
    "latest_revision_created_at",
    "locked",
    "locked_at",
    "locked_by",
}
# Settings whose name matches a part below but which visitors' pages show (the lesson price).
ALWAYS_PURGING_MODELS = {"booking.bookingsettings"}
NON_PURGING_NAME_PARTS = (
    "attempt",
    "basket",
    "booking",
    "event",
    "log",
    "order",
    "payment",
    "redemption",
    "refund",
    "session",
    "subscriber",
    "subscription",
    "token",
)


def _setting(name, default):
    return getattr(settings, name, default)


def current_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


_MISSING = object()


def remember(name, compute, timeout=None):
    """``compute()``, kept in the cache until content changes (the next purge): for values
    every page needs but editors rarely change, like the contact page's URL."""
    key = f"pagecache:{current_generation()}:value:{name}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout=timeout or _setting("PAGE_CACHE_VALUE_SECONDS", 3600))
    return value


def purge():
    """Make every cached page stale (on every server) by bumping the generation."""
    try:
        cache.add(GENERATION_KEY, 1, timeout=None)
        cache.incr(GENERATION_KEY)
    except ValueError:  # evicted between add and incr
        cache.add(GENERATION_KEY, 1, timeout=None)
    except Exception:
        logger.exception("Could not purge the page cache")


def purge_now_and_on_commit():
    """Purge at once and again after the transaction commits, so a request that rendered
    the old content between the save and the commit cannot keep it in the cache."""
    purge()
    transaction.on_commit(purge)


def _model_purges(model):
    meta = model._meta
    if meta.label_lower in ALWAYS_PURGING_MODELS:
        return True
    if meta.app_label not in PURGING_APPS or meta.label_lower in NON_PURGING_MODELS:
        return False
    return not any(part in meta.model_name for part in NON_PURGING_NAME_PARTS)


_purging_cache = {}


def purge_after_bulk_change(model):
    """Purge as a save of ``model`` would: for changes that send no ``post_save`` (a
    queryset ``.update()``, such as bulk moderation). Models visitors never see do nothing."""
    if _model_purges(model):
        purge_now_and_on_commit()


def _on_model_change(sender, **kwargs):
    purges = _purging_cache.get(sender)
    if purges is None:
        purges = _purging_cache[sender] = _model_purges(sender)
    if not purges or kwargs.get("raw"):
        return
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    purge_now_and_on_commit()


def _on_page_publication(sender, **kwargs):
    purge_now_and_on_commit()


def connect_signals():
    """Called from ``SiteConfig.ready`` so every process (web, worker, scheduler, shell)
    purges when it changes content."""
    from wagtail.signals import page_published, page_unpublished

    post_save.connect(_on_model_change, dispatch_uid="page_cache_post_save")
    post_delete.connect(_on_model_change, dispatch_uid="page_cache_post_delete")
    page_published.connect(_on_page_publication, dispatch_uid="page_cache_published")
    page_unpublished.connect(_on_page_publication, dispatch_uid="page_cache_unpublished")


def _cache_key(request, generation):
    raw = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"pagecache:{generation}:{digest}"


CSRF_PLACEHOLDER = b"__page_cache_csrf_token__"
_TOKEN_CANDIDATE = re.compile(
    rb"(?<![A-Za-z0-9])[A-Za-z0-9]{%d}(?![A-Za-z0-9])" % CSRF_TOKEN_LENGTH
)


def tokenise_csrf(content, secret):
    """Replace every masked CSRF token of ``secret`` in ``content`` by the placeholder.

    Returns ``(content, count)``.
    """
    count = 0

    def replace(match):
        nonlocal count
        if _unmask_cipher_token(match.group().decode()) == secret:
            count += 1
            return CSRF_PLACEHOLDER
        return match.group()

    return _TOKEN_CANDIDATE.sub(replace, content), count


_NOT_STORED_HEADERS = {
    "cache-control",
    "set-cookie",
    "vary",
    "x-page-cache",
    "x-personal-cache",
    "x-request-id",
}


def make_entry(request, response):
    """A cache entry of a complete response with this visitor's CSRF tokens taken out, or
    None when a token went somewhere we cannot see (such a page must never be shared)."""
    content = response.content
    has_token = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
    if has_token:
        content, count = tokenise_csrf(content, request.META.get("CSRF_COOKIE", ""))
        if not count:
            return None
    headers = [
        (name, value) for name, value in response.items() if name.lower() not in _NOT_STORED_HEADERS
    ]
    return {
        "status": response.status_code,
        "headers": headers,
        "content": content,
        "has_token": has_token,
    }


def response_from_entry(request, entry):
    """The stored response, with a CSRF token of the *current* visitor's secret filled in
    (the CSRF middleware then sets that visitor's own cookie)."""
    content = entry["content"]
    if entry["has_token"]:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content, status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    if request.method == "HEAD":
        response.content = b""
        response["Content-Length"] = str(len(content))
    return response


def is_complete_html(request, response):
    """A finished 200 HTML answer to a GET that set no cookie, changed no session and added
    no message: the only kind of response either page cache may keep."""
    if request.method != "GET" or response.status_code != 200:
        return False
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and getattr(messages, "added_new", False))


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _setting("PAGE_CACHE_ENABLED", True):
            return self.get_response(request)
        candidate = self._is_candidate(request)
        key = None
        if candidate:
            try:
                key = _cache_key(request, current_generation())
                entry = cache.get(key)
            except Exception:
                logger.warning("Page cache unavailable", exc_info=True)
                entry, key = None, None
            if entry is not None:
                return self._from_entry(request, entry)

        response = self.get_response(request)

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
            response.headers.pop("Expires", None)
            return response
        if key is not None and self._is_storable(request, response):
            stored = self._store(key, request, response)
            if stored:
                self._mark_cacheable(response, has_token=stored["has_token"])
            response["X-Page-Cache"] = "miss" if stored else "skip"
        elif candidate:
            response["X-Page-Cache"] = "skip"
        return response

    def _is_candidate(self, request):
        if request.method not in ("GET", "HEAD"):
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return False
        if _setting("MESSAGE_COOKIE_NAME", "messages") in request.COOKIES:
            return False
        prefixes = _setting("PAGE_CACHE_EXCLUDED_PREFIXES", DEFAULT_EXCLUDED_PREFIXES)
        return not request.path.startswith(tuple(prefixes))

    def _is_storable(self, request, response):
        if not is_complete_html(request, response):
            return False
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return False
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
        return vary <= {"cookie", "accept-encoding"}

    def _store(self, key, request, response):
        """Store the view's response; the entry, or None when it cannot be shared."""
        entry = make_entry(request, response)
        if entry is None:
            return None
        try:
            cache.set(key, entry, timeout=_setting("PAGE_CACHE_SECONDS", 120))
        except Exception:
            logger.warning("Could not store a page in the cache", exc_info=True)
            return None
        return entry

    def _from_entry(self, request, entry):
        response = response_from_entry(request, entry)
        self._mark_cacheable(response, has_token=entry["has_token"])
        response["X-Page-Cache"] = "hit"
        return response

    def _mark_cacheable(self, response, *, has_token):
        if has_token:  # it sets the visitor's CSRF cookie: no shared cache may keep it
            patch_cache_control(response, private=True, max_age=0)
        else:
            patch_cache_control(
                response, public=True, max_age=_setting("PAGE_CACHE_BROWSER_SECONDS", 60)
            )
        patch_vary_headers(response, ("Cookie",))
