"""Two gunicorn servers with the production settings share PostgreSQL and Redis: a session
started on one works on the other, login rate limits count across both, and concurrent bookings
of one slot sent to both create exactly one booking.

Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_TEST_URL's server; this test uses database
13 there and flushes only that one). It creates and drops its own PostgreSQL database.
"""

import json
import os
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import psycopg2
import pytest

from tests.support.servers import (
    Browser,
    Server,
    csrf_token,
    manage,
    postgres_url,
    redis_answers,
    redis_url_for,
    scratch_database,
    stack_env,
)

pytestmark = [pytest.mark.scaleout, pytest.mark.postgres]

REDIS_DB = int(os.environ.get("SCALEOUT_REDIS_DB", "13"))
RACERS = 20
DEMO_STUDENT = "student@petittalk.example"
DEMO_PASSWORD = "petit-talk-demo"  # accounts.demo.DEMO_PASSWORD, public demo value

SETUP_RACERS = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.cached_db import SessionStore
from accounts import roles

User = get_user_model()
teachers = User.objects.filter(groups__name=roles.TEACHERS, is_active=True)
teacher = teachers.filter(availability_windows__isnull=False).distinct().order_by("pk").first()
sessions = []
for number in range(%(count)d):
    email = f"racer{number}@scaleout.example"
    user = User.objects.filter(email=email).first()
    user = user or User.objects.create_user(email=email, password=None)
    roles.add_to_group(user, roles.STUDENTS)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    sessions.append(session.session_key)
print("RACERS " + json.dumps({"teacher": teacher.profile.slug, "sessions": sessions}))
"""

SLOT_BUTTON = re.compile(r'<button type="submit" name="choose" value="([^"]+)"')


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not postgres_url():
        pytest.skip("scale-out test needs DATABASE_URL pointing at PostgreSQL")
    redis_url = redis_url_for(REDIS_DB)
    if not redis_answers(redis_url):
        pytest.skip(f"scale-out test needs Redis at {redis_url} (REDIS_TEST_URL's server)")
    import redis

    redis_client = redis.Redis.from_url(redis_url)
    redis_client.flushdb()
    servers = []
    static_root = tmp_path_factory.mktemp("scaleout-static")
    with scratch_database(f"petit_talk_scaleout_{os.getpid()}") as database_url:
        env = stack_env(database_url, redis_url, STATIC_ROOT=str(static_root))
        try:
            manage(env, "collectstatic", "--noinput", timeout=600)
            manage(env, "migrate", "--noinput", timeout=900)
            manage(env, "load_demo", timeout=600)
            output = manage(env, "shell", "-c", SETUP_RACERS % {"count": RACERS}, timeout=300)
            racers = json.loads(output.split("RACERS ", 1)[1])
            servers = [Server(env), Server(env)]
            for server in servers:
                health = server.wait_healthy()
                assert health == {"status": "ok", "database": "ok", "redis": "ok"}
            yield {"servers": servers, "database_url": database_url, **racers}
        finally:
            for server in servers:
                server.stop()
            redis_client.flushdb()
            redis_client.close()


def test_a_session_started_on_one_server_works_on_the_other(stack):
    server_a, server_b = stack["servers"]
    browser = Browser()
    login_page = browser.get(f"{server_a.url}/accounts/login/")
    assert login_page.status_code == 200, server_a.output()
    response = browser.post(
        f"{server_a.url}/accounts/login/",
        {
            "login": DEMO_STUDENT,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": csrf_token(login_page.text),
        },
    )
    assert response.status_code == 302, response.text[:2000]
    assert "sessionid" in browser.cookies

    profile = browser.get(f"{server_b.url}/profile/")
    assert profile.status_code == 200
    assert "Sam Student" in profile.text
    assert "private" in profile.headers["Cache-Control"]

    # And back: logging out on B ends the session on A too.
    logout_page = browser.get(f"{server_b.url}/profile/")
    browser.post(
        f"{server_b.url}/accounts/logout/", {"csrfmiddlewaretoken": csrf_token(logout_page.text)}
    )
    after = browser.get(f"{server_a.url}/profile/")
    assert after.status_code == 302
    assert "/accounts/login/" in after.headers["Location"]


def test_rate_limits_count_across_servers(stack):
    """allauth's failed-login limit (the only one: the admin signs in there too) counts in
    Redis, whichever server answers: 5 failures per account per 5 minutes."""
    server_a, server_b = stack["servers"]
    # Behind the load balancer both servers see the site's one host name (allauth's
    # per-account key includes it), not their own port.
    public = {"Host": "127.0.0.1", "Origin": "https://127.0.0.1", "Referer": "https://127.0.0.1/"}
    locked = []
    for attempt in range(12):
        server = (server_a, server_b)[attempt % 2]
        browser = Browser()
        login_url = f"{server.url}/accounts/login/?next=/admin/"
        login_page = browser.get(login_url, headers=public)
        assert login_page.status_code == 200, server.output()
        response = browser.post(
            login_url,
            {
                "login": "nobody@scaleout.example",
                "password": "wrong",
                "csrfmiddlewaretoken": csrf_token(login_page.text),
            },
            headers=public,
        )
        assert response.status_code in (200, 429), response.text[:2000]
        locked.append("Too many failed login attempts" in response.text)
    pattern = "".join(str(int(flag)) for flag in locked)
    assert pattern == "000001111111", pattern


def test_concurrent_bookings_of_one_slot_on_two_servers_make_exactly_one(stack):
    server_a, server_b = stack["servers"]
    slug = stack["teacher"]
    csrf_secret = secrets.token_hex(16)  # 32 characters: a valid unmasked token
    racers = [Browser({"sessionid": key, "csrftoken": csrf_secret}) for key in stack["sessions"]]
    page = racers[0].get(f"{server_a.url}/book/?teacher={slug}")
    assert page.status_code == 200, server_a.output()
    slots = SLOT_BUTTON.findall(page.text)
    if not slots:
        page = racers[0].get(f"{server_a.url}/book/?teacher={slug}&week=1")
        slots = SLOT_BUTTON.findall(page.text)
    assert slots, "no free slot offered on /book/"
    slot = slots[0]

    barrier = Barrier(RACERS, timeout=60)

    def book(index):
        server = (server_a, server_b)[index % 2]
        barrier.wait()
        return racers[index].post(
            f"{server.url}/book/",
            {
                "teacher": slug,
                "slot": slot,
                "goal": "Race for the slot",
                "csrfmiddlewaretoken": csrf_secret,
            },
        )

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        responses = list(pool.map(book, range(RACERS)))

    statuses = [response.status_code for response in responses]
    assert 500 not in statuses, server_a.output() + server_b.output()
    winners = [response for response in responses if response.status_code == 302]
    losers = [response for response in responses if response.status_code != 302]
    assert len(winners) == 1, statuses
    for response in losers:
        assert response.status_code == 400, response.text[:1000]
        assert "just taken" in response.text or "not available" in response.text

    with psycopg2.connect(stack["database_url"]) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM booking_booking b JOIN accounts_profile p "
            "ON p.user_id = b.teacher_id WHERE p.slug = %s AND b.start = %s "
            "AND b.status IN ('held', 'paid', 'confirmed', 'completed')",
            [slug, slot],
        )
        assert cursor.fetchone()[0] == 1
    connection.close()
