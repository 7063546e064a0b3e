"""Anonymous page cache in Django's cache (Redis in production, shared by every app server).

Why: visitors' pages (home, teachers, blog) are the same for everyone and change only when an
editor or a teacher changes content; served from Redis they cost less than a health check.
The site has no CDN, so Wagtail's frontend-cache purging has nothing to purge. Logged-in
pages are never cached: they render every time.

The rules, pinned by tests/test_page_cache.py:

- Only anonymous GET/HEAD requests are served from or stored in the cache. "Anonymous" is
  decided from the cookies before the view runs: a request carrying a session cookie or a
  messages cookie is never served from the cache. Paths of per-user areas (basket, bookings,
  profile, admin, ...) are never cached at all.
- A response is stored only when it is a complete 200 HTML answer to a GET that sets no
  cookie, did not change the session, varies on nothing but ``Cookie``, and is not marked
  private/no-store by its view. This middleware sits outside the CSRF and messages
  middleware, so a page whose render used the CSRF token (Django then sets the CSRF cookie)
  or added a message (the messages cookie) is simply not stored: such pages are personal.
- CSRF decision: the footer's newsletter sign-up form, on every page, posts *without* a CSRF
  token, and its view is ``csrf_exempt``. A forged sign-up can only make us send a
  confirmation email that its owner ignores: subscriptions need double opt-in (the emailed
  link), and the view has a honeypot and a rate limit. So pages with only that form are
  cacheable, and nothing here touches Django's CSRF internals. Every other form (login,
  contact, booking) keeps its token, and its page is never stored.
- Entries are keyed by (generation, host, full path). A purge bumps the generation, so the
  next anonymous request renders afresh on every server at once. Purges come from Wagtail's
  ``page_published``/``page_unpublished``/``post_page_move`` signals, page deletion, and saves
  or deletes of the models listed in ``PURGING_MODELS`` (what visitors' pages show). Code
  that changes those rows without signals (``QuerySet.update``) calls
  ``purge_after_bulk_change(Model)``. Entries also expire after ``PAGE_CACHE_SECONDS``.
- Shared template fragments (the footer) are cached with ``{% cache %}`` keyed by the same
  generation (``{% content_generation %}``), so an edit shows on the next request.
- Shared values every page needs and every user of a site sees the same (the booking and site
  settings rows, the site-wide SEO data) are kept the same way: ``remember(request, name,
  compute)`` stores ``compute()`` under (generation, site address, name). Saving a site or a
  settings row is a purge (``PURGING_MODELS``), so a logged-in page costs no query for them
  and still shows an edit on the next request. The generation itself is read once per
  request (``generation_for``).
- Redis unreachable: django-redis ignores the error (``DJANGO_REDIS_IGNORE_EXCEPTIONS``), a
  lookup is a miss and the page renders.
- Served responses carry ``X-Page-Cache: hit`` (or ``miss``/``skip``). Anonymous cacheable
  responses say ``Cache-Control: public, max-age=<PAGE_CACHE_BROWSER_SECONDS>`` with
  ``Vary: Cookie``; every response to an authenticated user says ``private, no-cache``.
"""

import hashlib
import logging
import time

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

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
    "/credits/",
    "/documents/",
    "/healthz",
    "/media/",
    "/newsletter/",
    "/orders/",
    "/profile/",
    "/stripe/",
    "/students/",
    "/teacher/",
)

# What visitors' pages show besides Wagtail pages (which purge through the page signals):
# saving or deleting one of these purges. Lower-case labels, as ``Model._meta.label_lower``.
PURGING_MODELS = frozenset(
    {
        "wagtailcore.site",  # root page and host names
        "cms_pages.sitesettings",  # brand, footer links, contact email, social links
        "booking.bookingsettings",  # the lesson price on teacher pages
        "accounts.user",  # a teacher's activity (not a login: see USER_LOGIN_FIELDS)
        "accounts.profile",  # teachers' names, photos, bios, prices, slugs, levels
        "accounts.specialty",  # teachers' specialties (/teachers/ filters on them)
        "booking.availabilitywindow",  # teachers' next free times, "cannot be booked"
        "booking.timeoff",
        "commerce.offer",  # the offers block
        "commerce.pack",  # the lesson packs in the offers block
        "cms_pages.comment",  # testimonials (only approved ones show)
        "booking.lessonreview",  # lesson reviews on teacher pages
        "wagtailimages.image",
        "wagtaildocs.document",
        "wagtailredirects.redirect",
    }
)
# A save of only these user fields (each login) changes nothing a visitor sees.
USER_LOGIN_FIELDS = frozenset({"last_login"})


def _setting(name, default):
    return getattr(settings, name, default)


def _first_generation():
    """A generation no earlier one can equal, even after the cache was emptied (a Redis
    restart): the clock in nanoseconds, which purges (one each) never catch up with."""
    return time.time_ns()


def current_generation():
    """The cache's generation: part of every page and fragment key; a purge bumps it.
    ``None`` when the cache cannot give one (Redis unreachable)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _first_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


# Where a request keeps what it has read once (our own attribute; Django defines no such name).
_REQUEST_MEMO = "_petit_shared_values"
SHARED_VALUES_SECONDS = 3600


def _memo(request):
    return request.__dict__.setdefault(_REQUEST_MEMO, {})


def generation_for(request):
    """``current_generation()``, read from the cache once per request (``None``: no request)."""
    if request is None:
        return current_generation()
    memo = _memo(request)
    if "generation" not in memo:
        memo["generation"] = current_generation()
    return memo["generation"]


def remember(request, name, compute):
    """``compute()``, shared by every request to the same site address until content changes.

    For values that are the same for every user of a site and change only through models in
    ``PURGING_MODELS`` (settings rows, the site-wide SEO data): kept in the cache under the
    content generation and the request's scheme and host, and once per request. Without a
    request, ``compute()`` runs every time. ``compute`` must return something picklable (a
    model instance without a request attached, a dict), never ``None``.
    """
    if request is None:
        return compute()
    memo = _memo(request)
    if name not in memo:
        generation = generation_for(request)
        if generation is None:  # no cache: nothing can tell when the value changes
            memo[name] = compute()
            return memo[name]
        key = f"shared:{generation}:{request.scheme}://{request.get_host()}:{name}"
        in_process = _in_process(generation)
        value = in_process.get(key)
        if value is None:
            value = cache.get(key)
            if value is None:
                value = compute()
                cache.set(key, value, timeout=SHARED_VALUES_SECONDS)
            in_process[key] = value
        memo[name] = value
    return memo[name]


# Shared values this process has read, for the current generation only: a request then
# neither asks Redis for them nor unpickles them (a settings row costs more to unpickle than
# to read). The generation is still read from the cache once per request, so a purge on any
# server is seen by the next request here. Values are treated as read-only.
_process_values = {"generation": None, "values": {}}


def _in_process(generation):
    if _process_values["generation"] != generation:
        _process_values.update(generation=generation, values={})
    return _process_values["values"]


def purge():
    """Make every cached page and fragment stale (on every server) by bumping the generation."""
    try:
        cache.add(GENERATION_KEY, _first_generation(), timeout=None)
        cache.incr(GENERATION_KEY)
    except ValueError:  # evicted between add and incr
        cache.add(GENERATION_KEY, _first_generation(), timeout=None)


def purge_now_and_on_commit():
    """Purge at once and again after the transaction commits, so a request that rendered
    the old content between the save and the commit cannot keep it in the cache."""
    purge()
    transaction.on_commit(purge)


def purges(model):
    """Whether changes to ``model`` show on visitors' pages (``PURGING_MODELS``)."""
    return model._meta.concrete_model._meta.label_lower in PURGING_MODELS


def purge_after_bulk_change(model):
    """Purge as a save of ``model`` would: for changes that send no ``post_save`` (a
    queryset ``.update()``, such as bulk moderation). Unlisted models do nothing."""
    if purges(model):
        purge_now_and_on_commit()


def _on_model_change(sender, raw=False, update_fields=None, **kwargs):
    if raw or not purges(sender):
        return
    login_only = update_fields and set(update_fields) <= USER_LOGIN_FIELDS
    if login_only and sender._meta.concrete_model is get_user_model():
        return
    purge_now_and_on_commit()


def _on_relation_change(sender, instance, action, **kwargs):
    """A many-to-many change of a row visitors see: a user joining or leaving the Teachers
    group (appears on or leaves the teachers' list), a teacher's specialties."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if sender is get_user_model().groups.through or purges(type(instance)):
        purge_now_and_on_commit()


def _on_page_change(sender, **kwargs):
    purge_now_and_on_commit()


def connect_signals():
    """Called from ``SiteConfig.ready`` so every process (web, worker, scheduler, shell)
    purges when it changes content."""
    for label in PURGING_MODELS:
        apps.get_model(label)  # a renamed or moved model fails here, at startup
    # Any sender: a proxy (accounts.Teacher) sends signals as itself, not as its table's model.
    post_save.connect(_on_model_change, dispatch_uid="page_cache:save")
    post_delete.connect(_on_model_change, dispatch_uid="page_cache:delete")
    # Any relation: the handler purges when the changed row's model is listed.
    m2m_changed.connect(_on_relation_change, dispatch_uid="page_cache:relations")
    page_published.connect(_on_page_change, dispatch_uid="page_cache:published")
    page_unpublished.connect(_on_page_change, dispatch_uid="page_cache:unpublished")
    post_page_move.connect(_on_page_change, dispatch_uid="page_cache:moved")
    post_delete.connect(_on_page_change, sender=Page, dispatch_uid="page_cache:page_deleted")


def _cache_key(request, generation):
    raw = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"pagecache:{generation}:{digest}"


_NOT_STORED_HEADERS = {"cache-control", "set-cookie", "vary", "x-page-cache", "x-request-id"}


def is_storable(request, response):
    """A finished 200 HTML answer to a GET that set no cookie (no CSRF token was used, no
    message added), changed no session and may be shared."""
    if request.method != "GET" or response.status_code != 200:
        return False
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return vary <= {"cookie", "accept-encoding"}


class AnonymousPageCacheMiddleware:
    """Between the session and the CSRF middleware (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _setting("PAGE_CACHE_ENABLED", True):
            return self.get_response(request)
        key = _cache_key(request, current_generation()) if self._is_candidate(request) else None
        if key is not None:
            entry = cache.get(key)
            if entry is not None:
                return self._from_entry(request, entry)

        response = self.get_response(request)

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
            response.headers.pop("Expires", None)
            return response
        if key is not None:
            stored = is_storable(request, response)
            if stored:
                entry = {
                    "status": response.status_code,
                    "headers": [
                        (name, value)
                        for name, value in response.items()
                        if name.lower() not in _NOT_STORED_HEADERS
                    ],
                    "content": response.content,
                }
                cache.set(key, entry, timeout=_setting("PAGE_CACHE_SECONDS", 120))
                self._mark_public(response)
            response["X-Page-Cache"] = "miss" if stored else "skip"
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

    def _from_entry(self, request, entry):
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        if request.method == "HEAD":
            response.content = b""
            response["Content-Length"] = str(len(entry["content"]))
        self._mark_public(response)
        response["X-Page-Cache"] = "hit"
        return response

    def _mark_public(self, response):
        patch_cache_control(
            response, public=True, max_age=_setting("PAGE_CACHE_BROWSER_SECONDS", 60)
        )
        patch_vary_headers(response, ("Cookie",))
