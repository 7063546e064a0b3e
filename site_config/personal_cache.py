"""Short-lived, per-user cache of logged-in pages ("My bookings", the basket, the booking page,
the teacher dashboard), so a student or teacher reloading a page does not rebuild it.

Why: these pages render every time (10 to 13 queries and a full template each), which caps them
far below what the anonymous pages serve; most requests repeat a page nothing has changed.

The rules, each enforced here and pinned by tests (tests/test_personal_cache.py):

- Only GET requests of an authenticated user to a view wrapped in ``@personal_page`` are
  served from or stored in it; a request with a flash message waiting always renders (it
  must show the message), and so does one whose view changed the session or added a message.
- An entry belongs to one user: the key holds the user's id, host, full path, what the view
  says it varies on (e.g. the basket's promo code, kept in the session), and the current
  *generation* of every scope the page depends on. Scopes:
    - ``user:<id>`` of the viewer, always. Saving or deleting any row a registered model says
      belongs to that user (their bookings, as student or teacher, orders, profile, groups,
      calendar token, reviews…) replaces the scope's generation, so the next request renders.
    - further scopes a page declares (``slots``: any booking or availability change, for the
      booking page, whose free slots depend on other students' bookings);
    - the anonymous page cache's generation (content, offers, settings: everything editors
      change), always.
  A generation is replaced at once and again when the transaction commits, so a request
  that read the old rows in between cannot keep them under the new generation.
- Entries also expire after ``PERSONAL_PAGE_CACHE_SECONDS`` (10 s by default) and the clock's
  10-second bucket is part of the key: what changes with time alone (a hold lapsing, "27 more
  minutes", a lesson becoming past) is at most that late. Every action re-checks the database
  on POST, so a page a few seconds old can never make a wrong booking or payment.
- CSRF tokens are taken out when storing and the current request's token is put in on a hit,
  as in the anonymous page cache (``page_cache.make_entry`` / ``response_from_entry``).
- The permission decorators run inside this one: a hit is only ever a page that this user
  was allowed to see under the same generation of their own scope (role changes, through
  groups, and deactivation, through the user row, replace it).
- Cache trouble (Redis down) never breaks a page: the view simply renders.

Apps say which users a row belongs to with ``register(Model, owners)`` in their ``ready()``;
code that changes rows without signals (``QuerySet.update``, ``bulk_create``) calls
``touch_users(...)`` or ``touch_scope(...)`` itself.
"""

import hashlib
import logging
import time
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import patch_cache_control

from . import page_cache

logger = logging.getLogger(__name__)

GENERATION_PREFIX = "personal:gen:"
ENTRY_PREFIX = "personal:page:"
SLOTS = "slots"

_owners = {}  # model -> callable(instance) -> iterable of user ids
_scopes = {}  # model -> tuple of extra scopes every change of the model replaces


def seconds():
    return getattr(settings, "PERSONAL_PAGE_CACHE_SECONDS", 10)


def user_scope(user_id):
    return f"user:{user_id}"


# --- Invalidation -----------------------------------------------------------------------------


# A scope's generation outlives every entry made under it by far; once it expires, a missing
# generation reads as "-" and entries made before it was first set are long gone.
GENERATION_SECONDS = 24 * 3600


def _replace(scopes):
    token = uuid.uuid4().hex[:16]
    try:
        cache.set_many(
            {GENERATION_PREFIX + scope: token for scope in scopes}, timeout=GENERATION_SECONDS
        )
    except Exception:
        logger.exception("Could not invalidate personal pages of %s", sorted(scopes))


def touch_scope(*scopes):
    """Make every cached page depending on these scopes stale, now and after commit."""
    scopes = {scope for scope in scopes if scope}
    if not scopes:
        return
    _replace(scopes)
    transaction.on_commit(lambda: _replace(scopes))


def touch_users(*user_ids):
    touch_scope(*(user_scope(user_id) for user_id in user_ids if user_id))


def register(model, owners=None, scopes=()):
    """Saving or deleting a ``model`` row makes stale the pages of ``owners(row)`` (user ids)
    and of every page depending on ``scopes``."""
    if owners is not None:
        _owners[model] = owners
    if scopes:
        _scopes[model] = tuple(scopes)


def _on_change(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if sender not in _owners and sender not in _scopes:
        sender = sender._meta.concrete_model  # a proxy (accounts.Teacher) is its table's model
        if sender not in _owners and sender not in _scopes:
            return
    owners = _owners.get(sender)
    user_ids = owners(instance) if owners else ()
    touch_scope(*(user_scope(user_id) for user_id in user_ids if user_id), *_scopes.get(sender, ()))


def _on_groups_change(sender, instance, action, reverse, pk_set, **kwargs):
    """Roles are groups: a user's navigation and the pages they may open change with them."""
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:
        touch_users(instance.pk)
    elif pk_set:
        touch_users(*pk_set)
    elif action == "pre_clear":  # a group emptied: every member it had
        touch_users(*instance.user_set.values_list("pk", flat=True))


def connect_signals():
    from django.contrib.auth import get_user_model

    post_save.connect(_on_change, dispatch_uid="personal_cache_post_save")
    post_delete.connect(_on_change, dispatch_uid="personal_cache_post_delete")
    m2m_changed.connect(
        _on_groups_change,
        sender=get_user_model().groups.through,
        dispatch_uid="personal_cache_groups",
    )
    register(get_user_model(), owners=lambda user: (user.pk,))


# --- Serving --------------------------------------------------------------------------------


def _has_waiting_messages(request):
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and len(storage))  # len() reads without consuming


def _entry_key(request, scopes, vary):
    generation_keys = [page_cache.GENERATION_KEY, *(GENERATION_PREFIX + s for s in scopes)]
    found = cache.get_many(generation_keys)
    generations = "|".join(str(found.get(key, "-")) for key in generation_keys)
    bucket = int(time.time() // max(seconds(), 1))
    raw = "\n".join(
        (str(request.user.pk), request.get_host(), request.get_full_path(), vary, generations)
    )
    return f"{ENTRY_PREFIX}{bucket}:{hashlib.sha256(raw.encode()).hexdigest()}"


def personal_page(*, scopes=None, vary=None):
    """Cache a logged-in GET view per user (see the module docstring).

    ``scopes(request)`` returns the extra scopes the page depends on; ``vary(request)``
    returns a string for request state beyond the URL that changes the page (e.g. a value in
    the session)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if (
                seconds() <= 0
                or request.method != "GET"
                or not request.user.is_authenticated
                or _has_waiting_messages(request)
            ):
                return view(request, *args, **kwargs)
            try:
                extra = sorted(scopes(request)) if scopes else []
                key = _entry_key(
                    request,
                    [user_scope(request.user.pk), *extra],
                    vary(request) if vary else "",
                )
                entry = cache.get(key)
            except Exception:
                logger.warning("Personal page cache unavailable", exc_info=True)
                return view(request, *args, **kwargs)
            if entry is not None:
                response = page_cache.response_from_entry(request, entry)
                response["X-Personal-Cache"] = "hit"
                patch_cache_control(response, private=True, no_cache=True)
                return response
            response = view(request, *args, **kwargs)
            if page_cache.is_complete_html(request, response):
                entry = page_cache.make_entry(request, response)
                if entry is not None:
                    try:
                        cache.set(key, entry, timeout=max(seconds(), 1))
                    except Exception:
                        logger.warning("Could not store a personal page", exc_info=True)
                    response["X-Personal-Cache"] = "miss"
            patch_cache_control(response, private=True, no_cache=True)
            return response

        return wrapper

    return decorator
