"""With Redis unreachable the site fails open: a gunicorn server with the production settings
and ``REDIS_URL`` pointing at a closed port answers every public page, the login and sign-up
pages and a whole booking (log in, hold a lesson, basket) without a 500; the cache and the rate
limits become no-ops, and only ``/healthz`` says something is wrong (503, naming Redis).

Needs PostgreSQL (DATABASE_URL). It creates and drops its own PostgreSQL database; nothing
listens on 127.0.0.1:1.
"""

import json
import os
import re

import pytest

from tests.support.servers import (
    Browser,
    Server,
    csrf_token,
    manage,
    postgres_url,
    scratch_database,
    stack_env,
)

pytestmark = [pytest.mark.scaleout, pytest.mark.postgres]

CLOSED_REDIS = "redis://127.0.0.1:1/0"
DEMO_STUDENT = "student@petittalk.example"
DEMO_PASSWORD = "petit-talk-demo"  # accounts.demo.DEMO_PASSWORD, public demo value
TEACHER_LINK = re.compile(r'href="/teachers/([A-Za-z0-9_-]+)/"')
SLOT_BUTTON = re.compile(r'<button type="submit" name="choose" value="([^"]+)"')
# A session of the demo student saved as a login would save it (cached_db: the database row
# is written, the Redis copy is not): a member who logged in before the outage.
MAKE_SESSION = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.cached_db import SessionStore
from accounts.selectors import active_teachers

user = get_user_model().objects.get(email="student@petittalk.example")
teacher = active_teachers().filter(availability_windows__isnull=False).distinct().first()
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "accounts.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
print("SESSION " + json.dumps({"session": session.session_key, "teacher": teacher.profile.slug}))
"""


@pytest.fixture
def stack_env_for_shell(server):
    return server.env


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not postgres_url():
        pytest.skip("the Redis-down test needs DATABASE_URL pointing at PostgreSQL")
    static_root = tmp_path_factory.mktemp("redis-down-static")
    with scratch_database(f"petit_talk_redis_down_{os.getpid()}") as database_url:
        env = stack_env(database_url, CLOSED_REDIS, STATIC_ROOT=str(static_root))
        server = None
        try:
            manage(env, "collectstatic", "--noinput", timeout=600)
            manage(env, "migrate", "--noinput", timeout=900)
            manage(env, "load_demo", timeout=600)
            server = Server(env)
            server.env = env
            yield server
        finally:
            if server is not None:
                server.stop()


def wait_for_server(server, timeout=90):
    """The server is up once /healthz answers at all (it answers 503 without Redis)."""
    import time

    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{server.output()}")
        try:
            return requests.get(f"{server.url}/healthz", timeout=5)
        except requests.RequestException:
            time.sleep(0.5)
    raise TimeoutError(f"{server.url} did not answer:\n{server.output()}")


def test_healthz_is_503_and_names_redis(server):
    response = wait_for_server(server)
    assert response.status_code == 503, response.text
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "error"}


def test_public_pages_answer_without_redis(server):
    wait_for_server(server)
    visitor = Browser()
    teachers = visitor.get(f"{server.url}/teachers/")
    assert teachers.status_code == 200, server.output()
    slugs = TEACHER_LINK.findall(teachers.text)
    assert slugs, "no teacher linked from /teachers/"
    public = ["/", "/teachers/", f"/teachers/{slugs[0]}/", "/accounts/login/"]
    public += ["/accounts/signup/", "/sitemap.xml", "/robots.txt", "/blog/"]
    for path in public:
        for _ in range(2):  # twice: a page cache miss must not turn into an error
            response = visitor.get(f"{server.url}{path}")
            assert response.status_code == 200, (path, response.status_code, server.output())


def test_logging_in_and_signing_up_work_without_redis(server):
    """allauth's rate limits take a cache lock (``cache.add``); the cache client fails open,
    so a login succeeds and a sign-up form answers with its field errors, never a 429."""
    wait_for_server(server)
    for path, data in (
        ("/accounts/login/", {"login": DEMO_STUDENT, "password": DEMO_PASSWORD}),
        ("/accounts/signup/", {"email": "new@redis-down.example", "password1": "x"}),
    ):
        browser = Browser()
        page = browser.get(f"{server.url}{path}")
        assert page.status_code == 200
        response = browser.post(
            f"{server.url}{path}", {**data, "csrfmiddlewaretoken": csrf_token(page.text)}
        )
        expected = 302 if path == "/accounts/login/" else 200  # sign-up: password too short
        assert response.status_code == expected, (path, response.status_code)


def test_a_member_logged_in_before_the_outage_books_a_lesson(server, stack_env_for_shell):
    wait_for_server(server)
    output = manage(stack_env_for_shell, "shell", "-c", MAKE_SESSION, timeout=300)
    made = json.loads(output.split("SESSION ", 1)[1])
    student = Browser({"sessionid": made["session"]})
    slug = made["teacher"]
    book_url = f"{server.url}/book/?teacher={slug}"
    page = student.get(book_url)
    assert page.status_code == 200, server.output()
    slots = SLOT_BUTTON.findall(page.text)
    if not slots:
        page = student.get(f"{book_url}&week=1")
        slots = SLOT_BUTTON.findall(page.text)
    assert slots, "no free slot offered on /book/"
    held = student.post(
        f"{server.url}/book/",
        {
            "teacher": slug,
            "slot": slots[0],
            "goal": "Practise while Redis is down",
            "csrfmiddlewaretoken": csrf_token(page.text),
        },
    )
    assert held.status_code == 302, (held.status_code, held.text[:2000])
    basket = student.get(f"{server.url}/basket/")
    assert basket.status_code == 200, server.output()
    assert "Reserved for you for" in basket.text  # the held lesson is in the basket
    # The session lives in PostgreSQL (cached_db): still logged in on the next page.
    my_bookings = student.get(f"{server.url}/bookings/")
    assert my_bookings.status_code == 200
    assert "Practise while Redis is down" in my_bookings.text or slug in my_bookings.text
