"""Queries per request for each benchmarked page, through Django's test client against the
benchmark database (run in a subprocess with the benchmark's environment), and optionally a
profile of one page.

Input: one JSON object, page name -> [path, list of user emails or null for a visitor].

- A visitor's page: ``served`` counts a repeated request as wrk sends it (the anonymous page
  cache may answer it), ``rendered`` one the page cache may not answer (the request carries a
  session cookie), so the view and templates run.
- A logged-in page: the first request of a user after another user has seen the page (the
  process's own caches are warm, the user is new), as in the load run where every request is
  a different user. ``served`` and ``rendered`` are the same number.

``--profile NAME`` also runs page NAME once for each of its users under cProfile and prints
the top entries (own time) with the mean time per request.

    python tests/perf/bench_queries.py '{"home": ["/", null], "basket": ["/basket/", ["a@b.c"]]}'
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import sysconfig
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.perf.perf_settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PROFILE_TOP = 15


def count(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_HOST="localhost")
    return response.status_code, len(queries)


def logged_in_client(email):
    client = Client()
    client.force_login(get_user_model().objects.get(email__iexact=email))
    return client


def measure_visitor(path):
    client = Client()
    count(client, path)
    status, served = count(client, path)
    client.cookies["sessionid"] = "bench-page-cache-bypass"
    count(client, path)
    _, rendered = count(client, path)
    return {"status": status, "served": served, "rendered": rendered}


def measure_user(path, emails):
    """The first request of ``emails[1]`` after ``emails[0]`` has warmed the process."""
    count(logged_in_client(emails[0]), path)
    status, queries = count(logged_in_client(emails[1]), path)
    return {"status": status, "served": queries, "rendered": queries}


def profile(path, emails):
    """Each user's first request of ``path`` under cProfile (after one warm-up request).

    One test client for all users (each request carries the next user's session cookie):
    a new client would build the middleware again, WhiteNoise's static-file scan included,
    which a running server does once."""
    sessions = [
        logged_in_client(email).cookies[settings.SESSION_COOKIE_NAME].value for email in emails
    ]
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = sessions[-1]
    client.get(path, HTTP_HOST="localhost")  # the last user warms the process
    statuses = []
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for session in sessions[:-1]:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
        statuses.append(client.get(path, HTTP_HOST="localhost").status_code)
    profiler.disable()
    if set(statuses) != {200}:
        raise RuntimeError(f"profiled requests of {path} answered {sorted(set(statuses))}")
    per_request_ms = (time.perf_counter() - started) * 1000 / max(1, len(sessions) - 1)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(PROFILE_TOP)
    return {
        "requests": len(sessions) - 1,
        "ms_per_request": per_request_ms,
        "top": short_paths(text.getvalue()),
    }


def short_paths(text):
    """Profile lines name files relative to site-packages, the repository and the stdlib."""
    for prefix in (
        sysconfig.get_paths()["purelib"],
        str(Path(__file__).resolve().parents[2]),
        sysconfig.get_paths()["stdlib"],
    ):
        text = text.replace(prefix + "/", "")
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", help="JSON: name -> [path, [emails] or null]")
    parser.add_argument("--profile", help="name of a logged-in page to profile")
    options = parser.parse_args()
    pages = json.loads(options.pages)
    results = {}
    for name, (path, emails) in pages.items():
        results[name] = measure_user(path, emails) if emails else measure_visitor(path)
    if options.profile:
        path, emails = pages[options.profile]
        results["_profile"] = {"page": options.profile, **profile(path, emails)}
    print(json.dumps(results))  # noqa: T201


if __name__ == "__main__":
    main()
