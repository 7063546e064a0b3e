"""Shared pieces of the measurement scripts: databases, production-like servers, logins,
machine description and docs/benchmarks.md sections.

Standard library only (plus psycopg2, a runtime dependency), so the scripts run from the
project's virtualenv without extra installs.
"""

import contextlib
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parents[2]
PYTHON = str(REPO / ".venv" / "bin" / "python")
GUNICORN = str(REPO / ".venv" / "bin" / "gunicorn")
DOCS = REPO / "docs" / "benchmarks.md"
PG_HOST = os.environ.get("PERF_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("PERF_PG_PORT", "5432"))
PG_USER = os.environ.get("PERF_PG_USER", "postgres")
DEMO_PASSWORD = "petit-talk-demo"  # accounts.demo.DEMO_PASSWORD


def log(message):
    print(message, flush=True)  # noqa: T201 - these are command-line scripts


# Databases ------------------------------------------------------------------------------------


def pg_url(name):
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def _pg_admin(sql, *params):
    import psycopg2

    connection = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        connection.close()


def drop_database(name):
    _pg_admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        name,
    )
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')


def vacuum_analyze(name):
    """VACUUM ANALYZE a freshly grown database, as a running site's autovacuum would have: the
    planner gets real statistics, and no autovacuum starts in the middle of a measurement."""
    import psycopg2

    connection = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=name)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    finally:
        connection.close()


def create_database(name):
    drop_database(name)
    _pg_admin(f'CREATE DATABASE "{name}"')


# Environment and subprocesses -----------------------------------------------------------------


def perf_env(database_url, workdir, *, redis_url=None, extra=None):
    """Production settings from the environment, as an operator would set them."""
    static_root = Path(workdir) / "static"
    media_root = Path(workdir) / "media"
    static_root.mkdir(parents=True, exist_ok=True)
    media_root.mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "STRIPE_", "AWS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.perf.perf_settings",
        PYTHONPATH=str(REPO),
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="perf-" + "x" * 60,
        ALLOWED_HOSTS="localhost,127.0.0.1",
        STRIPE_SECRET_KEY="sk_test_perf_not_a_real_key",
        STRIPE_PUBLISHABLE_KEY="pk_test_perf_not_a_real_key",
        STRIPE_WEBHOOK_SECRET="whsec_perf_not_a_real_secret",
        # Keeps the checkout page from ever reaching api.stripe.com during a measurement.
        STRIPE_API_BASE="http://127.0.0.1:9",
        PAYMENT_PROVIDER="stripe",
        SECURE_SSL_REDIRECT="0",
        PERF_STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media_root),
        LOG_LEVEL="WARNING",
        REQUEST_LOG_LEVEL="WARNING",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
        env["CACHE_KEY_PREFIX"] = "petit-talk-perf"
    env.update(extra or {})
    return env


def run(env, *args, capture=True):
    """Run a Python module or script with the project's interpreter; fail loudly."""
    result = subprocess.run(
        [PYTHON, *args], cwd=REPO, env=env, capture_output=capture, text=True, check=False
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout or "")
        sys.stderr.write(result.stderr or "")
        raise RuntimeError(f"{' '.join(args)} failed with exit code {result.returncode}")
    return result.stdout


def manage(env, *args):
    return run(env, "manage.py", *args)


def prepare_site(env):
    """Migrate, collect static files (hashed + compressed) and load the demo content."""
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "load_demo", "-v", "0")


def flush_redis(redis_url):
    import redis

    redis.Redis.from_url(redis_url).flushdb()


@contextlib.contextmanager
def workdir(prefix):
    path = tempfile.mkdtemp(prefix=prefix)
    try:
        yield Path(path)
    finally:
        shutil.rmtree(path, ignore_errors=True)


# Servers --------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """One gunicorn server (sync workers, no access log) on a free local port."""

    def __init__(self, env, *, workers=2, log_path=None, port=None):
        self.env = env
        self.workers = workers
        self.port = port or free_port()
        self.log_path = log_path or Path(
            tempfile.mkstemp(prefix="perf-gunicorn-", suffix=".log")[1]
        )
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def localhost_url(self):
        """The same server by name: browsers treat http://localhost as a secure context."""
        return f"http://localhost:{self.port}"

    def start(self, timeout=60):
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "site_config.wsgi:application",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--graceful-timeout",
                "5",
            ],
            cwd=REPO,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log_path}")
            try:
                if fetch(self.url + "/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz in {timeout}s; see {self.log_path}")

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# HTTP -----------------------------------------------------------------------------------------


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def cookies(self):
        jar = {}
        for name, value in self.headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                jar[key.strip()] = rest.split(";", 1)[0]
        return jar

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def fetch(url, *, method="GET", cookies=None, data=None, headers=None, timeout=30):
    """One HTTP request, no redirects followed, cookies passed explicitly.

    Production cookies are ``Secure``; browsers still send them to http://localhost, and a
    measurement client must too, so cookies are handled by hand rather than by a cookie jar.
    """
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    send_headers = {"Host": parts.netloc, "User-Agent": "petit-talk-perf"}
    if cookies:
        send_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if data is not None:
        body = urlencode(data)
        send_headers["Content-Type"] = "application/x-www-form-urlencoded"
    send_headers.update(headers or {})
    try:
        connection.request(
            method, parts.path + (f"?{parts.query}" if parts.query else ""), body, send_headers
        )
        response = connection.getresponse()
        return Response(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html):
    match = CSRF_INPUT.search(html)
    if not match:
        raise RuntimeError("no csrfmiddlewaretoken in the form")
    return match.group(1)


def login(base_url, email, password=DEMO_PASSWORD):
    """Log in through allauth's login form; return the cookies of the logged-in browser."""
    page = fetch(base_url + "/accounts/login/")
    cookies = page.cookies()
    response = fetch(
        base_url + "/accounts/login/",
        method="POST",
        cookies=cookies,
        data={
            "login": email,
            "password": password,
            "csrfmiddlewaretoken": csrf_token(page.text),
        },
        headers={"Referer": base_url + "/accounts/login/", "Origin": base_url},
    )
    cookies.update(response.cookies())
    if response.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(
            f"login of {email} failed: HTTP {response.status} {response.header('Location')}"
        )
    return cookies


def cookie_header(cookies):
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


# wrk ------------------------------------------------------------------------------------------

WRK_JSON_PREFIX = "WRK_JSON "

# wrk's done() callback: one JSON line with the rate, latency percentiles (ms) and errors.
WRK_REPORT_LUA = """
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p90_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f, "errors_status": %d, "errors_socket": %d}\\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def lua_string(value):
    """``value`` as a Lua string literal (decimal escapes for quotes, backslashes and every
    byte outside printable ASCII)."""
    out = []
    for byte in value.encode("utf-8"):
        char = chr(byte)
        if char in '"\\' or not 32 <= byte < 127:
            out.append(f"\\{byte:03d}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def wrk_lua_script(path, cookies=(), *, threads=2):
    """A wrk script that GETs ``path``, each request with the next ``Cookie`` header of
    ``cookies`` (one per user): consecutive requests of a thread are different users, and
    wrk's threads start at different points of the list. No cookies: a visitor's request.
    The requests are formatted once per thread (``init``), so rotating costs wrk nothing."""
    lines = [
        "-- Generated by tests/perf/bench_load.py (perfkit.wrk_lua_script).",
        f"local path = {lua_string(path)}",
        "local cookies = {",
        *(f"  {lua_string(cookie)}," for cookie in cookies),
        "}",
        f"local threads = {int(threads)}",
        "local prepared = {}",
        "local counter = 0",
        "local created = 0",
        "",
        "function setup(thread)",
        "  thread:set('bench_thread', created)",
        "  created = created + 1",
        "end",
        "",
        "function init(args)",
        "  if #cookies == 0 then",
        "    prepared[1] = wrk.format('GET', path)",
        "    return",
        "  end",
        "  local offset = math.floor((bench_thread or 0) * #cookies / threads)",
        "  for i = 1, #cookies do",
        "    local cookie = cookies[(i - 1 + offset) % #cookies + 1]",
        "    prepared[i] = wrk.format('GET', path, { ['Cookie'] = cookie })",
        "  end",
        "end",
        "",
        "function request()",
        "  counter = counter % #prepared + 1",
        "  return prepared[counter]",
        "end",
        WRK_REPORT_LUA,
    ]
    return "\n".join(lines)


def parse_wrk_output(output):
    """The JSON report line of a wrk run (see ``WRK_REPORT_LUA``)."""
    for line in output.splitlines():
        if line.startswith(WRK_JSON_PREFIX):
            return json.loads(line.removeprefix(WRK_JSON_PREFIX))
    raise RuntimeError(f"wrk printed no report:\n{output}")


# Reporting ------------------------------------------------------------------------------------


def machine():
    """nproc, CPU model, RAM and the load average when the run started."""
    cpu = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown RAM"
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
                break
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{os.cpu_count()} CPUs ({cpu}), {ram}, load average at start {load}"


def today():
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


DOC_HEADER = """# Benchmarks

Measured, repeatable numbers for Petit Talk. Every section below is written by a script; re-run
it to refresh the section (other sections are kept as they are).

| section | command | script |
|---|---|---|
| Load benchmark | `make bench` | `tests/perf/bench_load.py` |
| Booking stress run | `make bench` (after the load run) | `tests/perf/bench_stress.py` |
| Lighthouse | `make lighthouse` | `tests/perf/lighthouse_run.py` |
| Slot generation, Pricing | see their sections | micro-benchmarks |

All server-side runs use production settings (`DEBUG` off, secure cookies, CSP, whitenoise
serving hashed and compressed static files) with fake Stripe keys, on PostgreSQL and Redis
running on the same machine as the load generator. Numbers from a shared or busy machine are
lower than on a quiet one: each section records the load average when it started.
"""


def write_section(heading, body, path=None):
    """Replace (or append) the ``## heading`` section of docs/benchmarks.md, keeping the
    other sections (some are written by other scripts or by hand)."""
    path = Path(path or DOCS)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text() if path.exists() else DOC_HEADER
    if not text.startswith("# Benchmarks"):
        text = DOC_HEADER + "\n" + text
    section = f"## {heading}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _match: section + "\n", text, count=1)
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text.rstrip() + "\n")


def dumps(data):
    return json.dumps(data, indent=2, sort_keys=True)
