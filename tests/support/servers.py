"""Run the real production stack in subprocesses: a throwaway PostgreSQL database, gunicorn
servers with site_config.settings.production, and a tiny cookie-keeping HTTP client.

Everything is bounded by timeouts and torn down in ``finally`` blocks by the callers.
"""

import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from urllib.parse import urlsplit, urlunsplit

import requests

from tests.support.moto_server import free_port
from tests.support.production_env import REPO, production_env, run_manage


def postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def redis_url_for(db_number):
    """REDIS_TEST_URL's server with our own database number (tests own 10-15)."""
    base = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db_number}", "", ""))


def redis_answers(url):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


@contextmanager
def scratch_database(name):
    """CREATE DATABASE ``name`` on DATABASE_URL's server; DROP it afterwards."""
    import psycopg2

    parts = urlsplit(postgres_url())
    admin_url = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    connection = psycopg2.connect(admin_url, connect_timeout=10)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()


def stack_env(database_url, redis_url, **overrides):
    """Production settings on local services: fake Stripe keys, plain HTTP to the app
    (the tests send ``X-Forwarded-Proto: https`` as the load balancer would)."""
    return production_env(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        AWS_STORAGE_BUCKET_NAME=None,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        PAYMENT_PROVIDER="stripe",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        EMAIL_HOST=None,
        LOG_LEVEL="WARNING",
        **overrides,
    )


def manage(env, *args, timeout=600, stdin=None):
    result = run_manage(args, env, timeout=timeout, stdin=stdin)
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr[-4000:]}"
    return result.stdout


class Server:
    """One gunicorn process serving the production settings on a free local port."""

    def __init__(self, env, workers=2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = REPO / f".scaleout-gunicorn-{self.port}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "site_config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            cwd=REPO,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_healthy(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.output()}")
            try:
                response = requests.get(f"{self.url}/healthz", timeout=5)
                if response.status_code == 200:
                    return response.json()
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"{self.url} not healthy after {timeout}s:\n{self.output()}")

    def output(self):
        self.log.flush()
        return self.log_path.read_text()[-4000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()
        self.log_path.unlink(missing_ok=True)


class Browser:
    """Keeps cookies itself: requests' jar would not send Secure cookies over plain HTTP,
    and here TLS ends at the (pretend) load balancer."""

    def __init__(self, cookies=None):
        self.cookies = dict(cookies or {})

    def request(self, method, url, **kwargs):
        origin = "https://" + urlsplit(url).netloc
        headers = {
            "X-Forwarded-Proto": "https",
            "Origin": origin,
            "Referer": origin + "/",
            **kwargs.pop("headers", {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = requests.request(
            method, url, headers=headers, allow_redirects=False, timeout=60, **kwargs
        )
        for header in response.raw.headers.getlist("Set-Cookie"):
            parsed = SimpleCookie()
            parsed.load(header)
            for name, morsel in parsed.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url, data, **kwargs):
        return self.request("POST", url, data=data, **kwargs)


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html):
    match = CSRF_FIELD.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)
