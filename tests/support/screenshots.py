"""Screenshots for the user guides in docs/ (``make screenshots``).

Builds a throwaway site: a fresh SQLite database in a temporary folder (never the dev
``db.sqlite3``), migrated and filled by ``manage.py load_demo``; serves it with Django's
development server on a free local port; logs in as each demo role through the real login
form with Playwright on Debian's Chromium; saves one PNG per page in ``docs/screenshots/``
(or ``--out``). The demo logins are read from what ``load_demo`` prints, and every page is
named by its URL name, so the guides' pictures follow the code: rerun it after changing a
screen.

    .venv/bin/python -m tests.support.screenshots [--out DIR] [--only student,admin]

Exits non-zero when a page answers an error, sends the role back to the login page, or the
server does not start; the temporary database, media and server go away in every case.
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}
LOCALE = "en-GB"  # date and time inputs as most of our visitors see them (24-hour)
TEACHER_SLUG = "camille-martin"  # the first demo teacher (accounts.demo.TEACHERS)
# "{home_page}" in args: the id of the site's home page (the editor edits it).
HOME_PAGE = "{home_page}"


@dataclass(frozen=True)
class Shot:
    role: str
    filename: str
    url_name: str
    args: tuple = ()
    query: str = ""
    full_page: bool = True
    caption: str = field(default="", compare=False)


SHOTS = (
    Shot("student", "student-teachers.png", "booking:teacher_list", caption="Our teachers"),
    Shot(
        "student",
        "student-booking.png",
        "booking:book",
        query=f"teacher={TEACHER_SLUG}",
        caption="Booking page: a week of free times",
    ),
    Shot("student", "student-basket.png", "commerce:basket", caption="Basket"),
    Shot("student", "student-checkout.png", "commerce:checkout", caption="Checkout"),
    Shot("student", "student-my-bookings.png", "booking:my_bookings", caption="My bookings"),
    Shot("teacher", "teacher-dashboard.png", "booking:teacher_dashboard", caption="Dashboard"),
    Shot("teacher", "teacher-availability.png", "booking:availability", caption="Availability"),
    Shot(
        "editor",
        "editor-home-page-edit.png",
        "wagtailadmin_pages:edit",
        args=(HOME_PAGE,),
        full_page=False,
        caption="Editing the home page",
    ),
    Shot("admin", "admin-bookings.png", "bookings:index", caption="Bookings"),
    Shot("admin", "admin-orders.png", "orders:index", caption="Orders"),
)
ROLES = ("student", "teacher", "editor", "admin")

# "  student  student@petittalk.example   password: petit-talk-demo" (load_demo's output)
LOGIN_LINE = re.compile(r"^\s*(\w+)\s+(\S+@\S+)\s+password:\s*(\S+)\s*$", re.M)


def parse_logins(load_demo_output):
    """{role: (email, password)} from what ``load_demo`` prints."""
    return {
        role: (email, password) for role, email, password in LOGIN_LINE.findall(load_demo_output)
    }


def resolve_paths(home_page_id, shots=SHOTS):
    """{filename: path} of every shot (Django must be set up: it reverses the URL names)."""
    paths = {}
    for shot in shots:
        args = [home_page_id if arg == HOME_PAGE else arg for arg in shot.args]
        path = reverse(shot.url_name, args=args)
        paths[shot.filename] = f"{path}?{shot.query}" if shot.query else path
    return paths


# Run by ``manage.py shell`` on the demo database: the shots' paths, as JSON on one line.
PRINT_PATHS = (
    "import json; from wagtail.models import Site; "
    "from tests.support.screenshots import resolve_paths; "
    "print(json.dumps(resolve_paths(Site.objects.get(is_default_site=True).root_page_id)))"
)


def site_env(folder, port):
    """The development settings on a database and media folder of our own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "STRIPE_SECRET_KEY", "TASKS_BACKEND", "EMAIL_HOST"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="site_config.settings.dev",
        DATABASE_URL=f"sqlite:///{folder / 'screenshots.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        SITE_URL=f"http://127.0.0.1:{port}",
        PAYMENT_PROVIDER="development",
        PYTHONPATH=str(REPO),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env, *args, timeout=600):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr[-4000:]}")
    return result.stdout


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url, process, log_path, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log_path.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not answering after {timeout}s:\n{log_path.read_text()[-4000:]}")


def log_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def take(browser, base_url, role, login, shots, paths, out):
    context = browser.new_context(base_url=base_url, viewport=VIEWPORT, locale=LOCALE)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        log_in(page, *login)
        for shot in shots:
            response = page.goto(paths[shot.filename], wait_until="networkidle")
            if response is None or response.status >= 400:
                status = response.status if response else "no response"
                raise RuntimeError(f"{role}: {paths[shot.filename]} answered {status}")
            if "/accounts/login/" in page.url:
                raise RuntimeError(f"{role}: {paths[shot.filename]} asked to log in again")
            page.screenshot(path=str(out / shot.filename), full_page=shot.full_page)
            print(f"  {role:<8} {paths[shot.filename]:<40} {shot.filename}")  # noqa: T201
    finally:
        context.close()


def make_screenshots(out=OUT, roles=ROLES):
    """Build the demo site, photograph every shot of ``roles`` into ``out``; returns the
    files written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    shots = [shot for shot in SHOTS if shot.role in roles]
    with tempfile.TemporaryDirectory(prefix="pt-screenshots-") as tmp:
        folder = Path(tmp)
        port = free_port()
        env = site_env(folder, port)
        manage(env, "migrate", "--noinput")
        logins = parse_logins(manage(env, "load_demo"))
        missing = sorted(set(roles) - set(logins))
        if missing:
            raise RuntimeError(f"load_demo printed no login for {', '.join(missing)}")
        paths = json.loads(manage(env, "shell", "-c", PRINT_PATHS).strip().splitlines()[-1])
        log_path = folder / "server.log"
        with open(log_path, "w") as log:
            server = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                base_url = f"http://127.0.0.1:{port}"
                wait_healthy(base_url, server, log_path)
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                    )
                    try:
                        for role in roles:
                            mine = [shot for shot in shots if shot.role == role]
                            take(browser, base_url, role, logins[role], mine, paths, out)
                    finally:
                        browser.close()
            finally:
                server.terminate()
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait(timeout=5)
    return [out / shot.filename for shot in shots]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNG files")
    parser.add_argument(
        "--only", default=",".join(ROLES), help="comma-separated roles (default: all)"
    )
    options = parser.parse_args(argv)
    roles = tuple(role for role in options.only.split(",") if role)
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        parser.error(f"unknown role(s): {', '.join(unknown)}")
    files = make_screenshots(options.out, roles)
    print(f"{len(files)} screenshots in {options.out}")  # noqa: T201


if __name__ == "__main__":
    main()
