"""Queries per request for each benchmarked page, through Django's test client against the
benchmark database (run in a subprocess with the benchmark's environment).

For every page: the queries of a request as wrk sends it, and of one that the page cache
cannot answer. Prints one JSON object.

    python tests/perf/bench_queries.py '{"home": ["/", null], "basket": ["/basket/", "a@b.c"]}'
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.perf.perf_settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402


def count(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_HOST="localhost")
    return response.status_code, len(queries)


def measure(client, path, *, anonymous):
    """``served``: a repeated request, as wrk sends it (visitors' pages come from the page
    cache, logged-in ones from the per-user cache). ``rendered``: a repeated request that
    neither cache may answer (visitors carry an unknown session cookie; the per-user cache is
    switched off), so the view and templates run: the number that must not grow with the
    data."""
    count(client, path)
    status, served = count(client, path)
    if anonymous:
        client.cookies["sessionid"] = "bench-page-cache-bypass"
    with override_settings(PERSONAL_PAGE_CACHE_SECONDS=0):
        count(client, path)
        _, rendered = count(client, path)
    return {"status": status, "served": served, "rendered": rendered}


def main():
    pages = json.loads(sys.argv[1])
    User = get_user_model()
    results = {}
    for name, (path, email) in pages.items():
        client = Client()
        if email:
            client.force_login(User.objects.get(email__iexact=email))
        results[name] = measure(client, path, anonymous=not email)
    print(json.dumps(results))  # noqa: T201


if __name__ == "__main__":
    main()
