"""Walk every URL of the project as each role.

- GET never changes data and never answers 500 (visitor, student, teacher, editor, admin);
- every POST endpoint rejects a request without a CSRF token, except an explicit list;
- redirects after login go only to our own host;
- uploads cannot be served as HTML; every login (admin too) is allauth's, rate limited.
"""

import hashlib
import re
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

# Tables that GET requests may legitimately write: caches and bookkeeping, not data.
WRITABLE_ON_GET = {
    "django_session",  # session expiry refresh
    "django_tasks_db_dbtaskresult",  # task results
    "wagtailimages_rendition",  # image renditions are a cache, created on first view
    "wagtailusers_userprofile",  # Wagtail creates an editor's admin preferences on first visit
    "wagtailadmin_editingsession",  # Wagtail's "who else is editing" presence pings
}
# POST endpoints that legitimately skip CSRF, each with its own protection.
CSRF_EXEMPT = {
    "stripe/webhook/": "Stripe signs every event; the view verifies the signature",
    "newsletter/unsubscribe/<str:token>/": "RFC 8058 one-click unsubscribe, secret token",
    "newsletter/subscribe/": "double opt-in (a forged sign-up only sends a confirmation email), "
    "honeypot and rate limit; lets pages with the footer form be cached (site_config/page_cache)",
}
# Django-level exempt, but Django REST framework enforces CSRF itself for session users
# (checked by POSTing to them like any other endpoint).
DRF_PREFIX = "admin/api/main/"
# Wagtail's deliberate error page for testing error reporting (editors and admins only).
DELIBERATE_ERRORS = {"/admin/failwhale/"}
# GET pages known to write (none now; /checkout/ used to, see its own test below).
KNOWN_GET_WRITES = {}
EVIL = "https://evil.example/steal"
WRITE_SQL = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)


def url_patterns(patterns=None, prefix=""):
    """(route, pattern) for every endpoint, with nested includes flattened."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


MODEL_WORDS = {
    "page": "wagtailcore.Page",
    "image": "wagtailimages.Image",
    "document": "wagtaildocs.Document",
    "collection": "wagtailcore.Collection",
    "group": "auth.Group",
    "user": "accounts.User",
    "student": "accounts.User",
    "teacher": "accounts.User",
    "booking": "booking.Booking",
    "order": "commerce.Order",
    "site": "wagtailcore.Site",
    "redirect": "wagtailredirects.Redirect",
    "restriction": "wagtailcore.PageViewRestriction",
    "comment": "cms_pages.Comment",
    "review": "booking.LessonReview",
    "subscriber": "cms_pages.Subscriber",
    "campaign": "cms_pages.Campaign",
    "offer": "commerce.Offer",
    "workflow": "wagtailcore.Workflow",
    "task": "wagtailcore.Task",
}
# Model-naming path parameters (Wagtail admin): a real page type and a real setting.
STR_VALUES = {
    "app_label": "cms_pages",
    "app_name": "cms_pages",
    "content_type_app_name": "cms_pages",
    "content_type_model_name": "contentpage",
    "filter_spec": "original",
}


def first_pk(label):
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    return model._default_manager.order_by("pk").values_list("pk", flat=True).first()


def guess_model(name, route):
    """Which model an ``<int:...>`` parameter names: by the parameter, else by the path."""
    words = [name.removesuffix("_id")] if name not in ("pk", "id") else []
    words += [w.rstrip("s") for w in reversed(re.split(r"[/_-]", route.split("<")[0])) if w]
    for word in words:
        if word in MODEL_WORDS:
            return MODEL_WORDS[word]
    return None


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def fill(route, values):
    """A concrete path for ``route``, or None when a parameter cannot be filled."""
    route = route.replace("^", "").replace("$", "")
    if re.search(r"[()\\*+?\[\]|]", PARAM.sub("", route)):
        return None  # a real regular expression: nothing generic to fill it with

    def replace(match):
        converter, name = match.group(1) or "str", match.group(2)
        if name in values:
            return str(values[name])
        if name in STR_VALUES:
            return STR_VALUES[name]
        if name == "model_name":
            return "sitesettings" if "settings/" in route else "contentpage"
        if converter == "int" or name in ("pk", "id", "object_id"):
            label = guess_model(name, route)
            pk = first_pk(label) if label else None
            if pk is None:
                raise LookupError(name)
            return str(pk)
        if name == "slug" and route.startswith("teachers/"):
            return values["teacher_slug"]
        raise LookupError(name)

    try:
        return "/" + PARAM.sub(replace, route)
    except LookupError:
        return None


@pytest.fixture
def seeded(db, settings):
    """Demo content (pages, teachers, bookings, offers) plus one user per role."""
    call_command("load_demo", verbosity=0)
    from accounts.factories import AdminFactory, EditorFactory, StudentFactory, TeacherFactory
    from booking.models import Booking

    users = {
        "student": StudentFactory(),
        "teacher": TeacherFactory(),
        "editor": EditorFactory(),
        "admin": AdminFactory(),
    }
    from allauth.account.models import EmailAddress
    from wagtail.images import get_image_model

    for user in users.values():  # allauth would create the row on the first /accounts/email/
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"primary": True, "verified": True}
        )
    for image in get_image_model().objects.all():  # Wagtail backfills these on first edit
        image.get_file_hash()
        if not image.file_size:
            image.get_file_size()
            image.save(update_fields=["file_size"])
    booking = Booking.objects.order_by("pk").first()
    if booking is not None:  # walk as the people of a real booking
        users["student"], users["teacher"] = booking.student, booking.teacher
    teacher_slug = (
        apps.get_model("accounts.Profile")
        .objects.exclude(slug=None)
        .values_list("slug", flat=True)
        .first()
    )
    values = {"teacher_slug": teacher_slug, "public_slug": users["student"].profile.public_slug}
    return {"users": users, "values": values}


def concrete_urls(values):
    """Every route we can fill, plus every live Wagtail page (served by a regex route)."""
    from wagtail.models import Page

    urls, skipped = [], []
    for route, _pattern in url_patterns():
        path = fill(route, values)
        (urls if path else skipped).append(path or route)
    for page in Page.objects.live().specific():
        url = page.get_url()
        if url and url.startswith("/"):
            urls.append(url)
    return sorted(set(urls)), skipped


def table_fingerprint():
    """Row count and a hash of every row, per table (except WRITABLE_ON_GET)."""
    fingerprint = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in WRITABLE_ON_GET:
                continue
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            rows = sorted(repr(row) for row in cursor.fetchall())
            fingerprint[table] = (len(rows), hashlib.sha256("".join(rows).encode()).hexdigest())
    return fingerprint


def test_get_never_changes_data_nor_fails_for_any_role(seeded):
    urls, skipped = concrete_urls(seeded["values"])
    assert "/healthz" in urls
    assert len(urls) > 100
    print(f"walking {len(urls)} URLs; skipped (cannot fill): {skipped}")  # noqa: T201

    clients = {"visitor": Client(raise_request_exception=False)}
    for role, user in seeded["users"].items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)

    before = table_fingerprint()
    failures = []
    for role, client in clients.items():
        for url in urls:
            if url in KNOWN_GET_WRITES:
                continue
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if response.status_code >= 500 and url not in DELIBERATE_ERRORS:
                failures.append(f"{role} GET {url}: {response.status_code}")
            writes = {
                match.group(2)
                for query in queries.captured_queries
                if (match := WRITE_SQL.match(query["sql"]))
            } - WRITABLE_ON_GET
            if writes:
                failures.append(f"{role} GET {url} wrote to {sorted(writes)}")
            host = urlsplit(response.get("Location", "").replace("\\", "/")).netloc
            if host not in ("", "testserver"):
                failures.append(f"{role} GET {url} redirects off-site: {response['Location']}")
    after = table_fingerprint()
    changed = sorted(table for table in before if before[table] != after.get(table))
    assert not failures, "\n".join(failures)
    assert not changed, f"GET requests changed these tables: {changed}"


def test_get_checkout_does_not_write(seeded):
    client = Client()
    client.force_login(seeded["users"]["student"])
    with CaptureQueriesContext(connection) as queries:
        client.get("/checkout/")
    writes = {
        match.group(2)
        for query in queries.captured_queries
        if (match := WRITE_SQL.match(query["sql"]))
    } - WRITABLE_ON_GET
    assert writes == set()


def test_every_post_endpoint_requires_a_csrf_token(seeded):
    urls, _ = concrete_urls(seeded["values"])
    exempt_paths = {fill(route, seeded["values"]) for route in CSRF_EXEMPT}
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(seeded["users"]["admin"])
    accepted = []
    for url in urls:
        if url in exempt_paths:
            continue
        response = client.post(url, {"anything": "1"})
        if response.status_code != 403:
            accepted.append(f"POST {url}: {response.status_code}")
    assert not accepted, "POST without a CSRF token was not rejected:\n" + "\n".join(accepted)


def test_the_csrf_exemptions_are_exactly_the_known_ones():
    exempt = {
        route
        for route, pattern in url_patterns()
        if getattr(pattern.callback, "csrf_exempt", False) and not route.startswith(DRF_PREFIX)
    }
    assert exempt == set(CSRF_EXEMPT)


@pytest.mark.parametrize("target", [EVIL, "//evil.example/steal", "/\\evil.example/steal"])
def test_login_redirects_only_to_our_own_host(client, student, password, target):
    response = client.post(
        f"/accounts/login/?next={target}", {"login": student.email, "password": password}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    response = client.post(
        "/accounts/login/", {"login": student.email, "password": password, "next": target}
    )
    assert "evil.example" not in response.get("Location", "")


def test_logout_and_admin_login_redirect_only_to_our_own_host(client, editor, password):
    response = client.get(f"/admin/login/?next={EVIL}")
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    response = client.post(
        f"/accounts/login/?next={EVIL}", {"login": editor.email, "password": password}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    response = client.post("/accounts/logout/", {"next": EVIL})
    assert "evil.example" not in response.get("Location", "")


def test_an_html_file_renamed_jpg_or_mp4_is_rejected_by_the_profile_form(client, teacher):
    from accounts.forms import ProfileForm

    html = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
    form = ProfileForm(
        data={"timezone": "Europe/Paris"},
        files={
            "photo": SimpleUploadedFile("cat.jpg", html, content_type="image/jpeg"),
            "intro_video": SimpleUploadedFile("hello.mp4", html, content_type="video/mp4"),
        },
        instance=teacher.profile,
        user=teacher,
    )
    assert not form.is_valid()
    assert "photo" in form.errors
    assert "intro_video" in form.errors


def test_uploaded_documents_are_never_rendered_as_html(client, editor):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(
        title="Trap", file=ContentFile(b"<html><script>alert(1)</script></html>", name="trap.html")
    )
    client.force_login(editor)
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response.get("Content-Security-Policy", "") or "default-src 'none'" in (
        response.get("Content-Security-Policy", "")
    )


def test_debug_media_serving_never_says_text_html(tmp_path, rf, settings):
    from django.views.static import serve

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "avatar.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    response = serve(rf.get("/media/avatar.jpg"), "avatar.jpg", document_root=tmp_path)
    assert response["Content-Type"] == "image/jpeg"


def test_wagtail_admin_login_goes_through_the_rate_limited_site_login(client, editor, password):
    """Wagtail's /admin/login/ only redirects to allauth's login (tests/test_admin_login.py)."""
    response = client.post("/admin/login/", {"username": editor.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_site_login_is_rate_limited(client, student, settings):
    from django.core.cache import cache

    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    cache.clear()
    responses = [
        client.post("/accounts/login/", {"login": student.email, "password": "wrong"})
        for _ in range(6)
    ]
    assert "Too many failed login attempts" not in responses[4].content.decode()
    assert "Too many failed login attempts" in responses[5].content.decode()
    cache.clear()
