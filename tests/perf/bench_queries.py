"""Queries per request for each benchmarked page, through Django's test client against the
benchmark database (run in a subprocess with the benchmark's environment).

For every page: a first request (cold: empty page cache, per-process caches filling) and a
second one (warm: what a steady stream of requests costs). Prints one JSON object.

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
from django.test.utils import CaptureQueriesContext  # noqa: E402


def measure(client, path):
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, HTTP_HOST="localhost")
        counts.append(len(queries))
    return {"status": response.status_code, "cold": counts[0], "warm": counts[1]}


def main():
    pages = json.loads(sys.argv[1])
    User = get_user_model()
    results = {}
    for name, (path, email) in pages.items():
        client = Client()
        if email:
            client.force_login(User.objects.get(email__iexact=email))
        results[name] = measure(client, path)
    print(json.dumps(results))  # noqa: T201


if __name__ == "__main__":
    main()
