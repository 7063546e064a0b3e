"""Load benchmark (``make bench``): requests per second, latency and queries per page at three
data sizes, on PostgreSQL with production settings, driven by wrk.

For each size N (default 0, 10, 100) the data set grows (``build_bench_data.py``), the page
cache is emptied, queries per request are counted with Django's test client, then gunicorn
(2 sync workers) serves every page to ``wrk -t2 -c8`` for ``--duration`` seconds. Logged-in
pages carry the session cookie from a real login through allauth's form.

Prints a table, checks the targets, and writes the "Load benchmark" section of
docs/benchmarks.md. Exits non-zero on a failed target only with ``--strict`` (a shared machine
gives noisy numbers); always exits non-zero when the run itself breaks.

    .venv/bin/python tests/perf/bench_load.py --duration 10 --sizes 0,10,100
"""

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import perfkit
from perfkit import log

DATABASE = "petit_talk_bench"
REDIS_URL = "redis://127.0.0.1:6379/14"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
LUA = str(Path(__file__).resolve().parent / "wrk_report.lua")

# name -> (path, who is logged in: None, "student" or "teacher")
PAGES = {
    "health check": ("/healthz", None),
    "home": ("/", None),
    "teacher list": ("/teachers/", None),
    "teacher profile": ("/teachers/{slug}/", None),
    "booking page": ("/book/?teacher={slug}", "student"),
    "my bookings": ("/bookings/", "student"),
    "basket": ("/basket/", "student"),
    "teacher dashboard": ("/teacher/", "teacher"),
}
# The health check is the stack's ceiling on this machine (middleware, one query, no
# template): a reference for the other rows, not a page with targets.
BASELINE_PAGES = {"health check"}
UNCACHED_SUFFIX = " (no per-user cache)"
TARGET_RATIO = 0.8
TARGET_HOME_RPS = 600
TARGET_LOGGED_IN_RPS = 300
TARGET_P99_MS = 100


def wrk(url, seconds, cookie=None, connections=8):
    command = [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", LUA]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    for line in output.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line.removeprefix("WRK_JSON "))
    raise RuntimeError(f"wrk printed no report:\n{output}")


def measure_url(url, duration, rounds, cookie):
    """``rounds`` wrk runs after a 1 s warm-up; the round with the median rate (its latencies
    too), errors summed over all rounds. A shared 2-core machine moves single runs by ±25%."""
    wrk(url, 1, cookie)  # warm up: worker caches, page cache, connections
    results = sorted((wrk(url, duration, cookie) for _ in range(rounds)), key=lambda r: r["rps"])
    median = dict(results[len(results) // 2])
    for key in ("errors_status", "errors_socket"):
        median[key] = sum(result[key] for result in results)
    median["rounds"] = [round(result["rps"]) for result in results]
    return median


def page_paths(info):
    return {name: path.format(slug=info["teacher_slug"]) for name, (path, _) in PAGES.items()}


def measure_size(env, n, duration, rounds):
    info = json.loads(perfkit.run(env, "tests/perf/build_bench_data.py", "--n", str(n)))
    log(
        f"N={n}: {info['teachers']} teachers, {info['approved_comments']} approved comments, "
        f"{info['active_offers']} active offers, {info['student_bookings']} student bookings, "
        f"{info['bookings']} bookings in all"
    )
    perfkit.vacuum_analyze(DATABASE)
    perfkit.flush_redis(REDIS_URL)
    emails = {None: None, "student": info["student_email"], "teacher": info["teacher_email"]}
    paths = page_paths(info)
    queries = json.loads(
        perfkit.run(
            env,
            "tests/perf/bench_queries.py",
            json.dumps({name: [paths[name], emails[who]] for name, (_, who) in PAGES.items()}),
        )
    )
    rows = []
    cookies = {}
    # The same pages on a server without the per-user cache of logged-in pages: what a
    # student or teacher waits for when their page must be rendered (reference rows).
    uncached_env = {**env, "PERSONAL_PAGE_CACHE_SECONDS": "0"}
    for server_env, suffix in ((env, ""), (uncached_env, UNCACHED_SUFFIX)):
        with perfkit.Gunicorn(server_env, workers=2) as server:
            for who in ("student", "teacher"):
                if who in cookies:  # sessions live in Redis: both servers know them
                    continue
                jar = perfkit.login(server.url, emails[who], info["password"])
                # The session and CSRF cookies only: the one-off "signed in" message is not
                # part of every request a browser sends.
                cookies[who] = perfkit.cookie_header(
                    {name: jar[name] for name in ("sessionid", "csrftoken") if name in jar}
                )
            for name, (_, who) in PAGES.items():
                if suffix and who is None:
                    continue
                url = server.url + paths[name]
                cookie = cookies.get(who)
                check = perfkit.fetch(url, headers={"Cookie": cookie} if cookie else None)
                if check.status != 200:
                    raise RuntimeError(f"{name} ({url}) answered HTTP {check.status}, not 200")
                result = measure_url(url, duration, rounds, cookie)
                row = {
                    "page": name + suffix,
                    "n": n,
                    "logged_in": who is not None,
                    **result,
                    "queries": queries[name]["rendered" if suffix else "served"],
                    "queries_rendered": queries[name]["rendered"],
                }
                rows.append(row)
                log(
                    f"  {row['page']:<32} {row['rps']:>8.1f} req/s  p50 {row['p50_ms']:>6.1f} ms"
                    f"  p99 {row['p99_ms']:>6.1f} ms  queries {row['queries']} "
                    f"(rendered {row['queries_rendered']})  errors {row['errors_status']}"
                    f"  rounds {row['rounds']}"
                )
    return rows


def check_targets(rows, sizes):
    """(target, page, passed, detail) for every target the measured sizes allow."""
    by_key = {(row["page"], row["n"]): row for row in rows}
    checks = []
    low, high = min(sizes), max(sizes)
    for page, (_, who) in PAGES.items():
        if page in BASELINE_PAGES:
            continue
        page_rows = [row for row in rows if row["page"] == page]
        if 0 in sizes and 100 in sizes:
            base, big = by_key[(page, 0)], by_key[(page, 100)]
            ratio = big["rps"] / base["rps"] if base["rps"] else 0
            checks.append(
                (
                    f"N=100 rate ≥ {TARGET_RATIO:.0%} of N=0",
                    page,
                    ratio >= TARGET_RATIO,
                    f"{ratio:.0%}",
                )
            )
        if high >= 100:
            row = by_key[(page, high)]
            target = TARGET_HOME_RPS if page == "home" else None
            if who is not None:
                target = TARGET_LOGGED_IN_RPS
            if target:
                checks.append(
                    (
                        f"≥ {target} req/s at N={high}",
                        page,
                        row["rps"] >= target,
                        f"{row['rps']:.0f} req/s",
                    )
                )
        worst = max(page_rows, key=lambda row: row["p99_ms"])
        checks.append(
            (
                f"p99 < {TARGET_P99_MS} ms",
                page,
                worst["p99_ms"] < TARGET_P99_MS,
                f"worst {worst['p99_ms']:.1f} ms (N={worst['n']})",
            )
        )
        served = sorted({row["queries"] for row in page_rows})
        rendered = sorted({row["queries_rendered"] for row in page_rows})
        checks.append(
            (
                "queries constant in N",
                page,
                len(served) == 1 and len(rendered) == 1,
                f"served {served}, rendered {rendered} (N={low}…{high})",
            )
        )
        status = sum(row["errors_status"] for row in page_rows)
        socket = sum(row["errors_socket"] for row in page_rows)
        checks.append(
            (
                "no errors",
                page,
                status + socket == 0,
                f"{status} HTTP ≥ 400, {socket} socket errors or 2 s timeouts",
            )
        )
    return checks


def table(rows):
    lines = [
        "| page | N | requests/s | p50 (ms) | p99 (ms) | queries (served / rendered) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['page']}{' 🔒' if row['logged_in'] else ''} | {row['n']} | "
            f"{row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | "
            f"{row['queries']} / {row['queries_rendered']} |"
        )
    return "\n".join(lines)


def report(rows, checks, *, duration, rounds, sizes, machine, started):
    failed = [check for check in checks if not check[2]]
    lines = [
        f"Run {started} on {machine}.",
        "",
        f"`tests/perf/bench_load.py --duration {duration} --rounds {rounds}"
        f" --sizes {','.join(map(str, sizes))}`:"
        " PostgreSQL 127.0.0.1, Redis cache and sessions, gunicorn with 2 sync workers,"
        f" `wrk -t2 -c8` for each page: a 1 s warm-up, then {rounds} rounds of {duration} s;"
        " each row is the round with the median rate (errors are summed over all rounds). wrk"
        " runs on the same 2-core machine, so the load generator takes CPU from the server."
        " 🔒 = logged in (session cookie from allauth's login form); all of wrk's connections"
        " are that one user, so after the first request of each 10-second window the page"
        " comes from the per-user cache (`site_config/personal_cache.py`). The rows marked"
        f" *{UNCACHED_SUFFIX.strip()}* are the same pages on a server with that cache off"
        " (`PERSONAL_PAGE_CACHE_SECONDS=0`), rendered on every request: a reference for a"
        " page that must be rendered, without targets. Queries per request come from Django's"
        " test client: *served* counts a repeated request as wrk sends it (visitors' pages come"
        " from the page cache in Redis, logged-in ones from the per-user cache), *rendered* one"
        " neither cache may answer, so the view runs. The *health check* row (`/healthz`: every"
        " middleware, one query and a Redis round trip, no template) is the ceiling of this"
        " stack on this machine, a reference without targets.",
        "",
        "Data at size N: N extra teachers with photos and availability, N approved"
        " testimonials, N active offers, N past lessons of the demo student, plus the demo"
        " content and 1,000 lessons spread over all teachers. After the data set grows, the"
        " database is `VACUUM ANALYZE`d (as autovacuum would have done on a running site), so"
        " no autovacuum competes with the measurement.",
        "",
        table(rows),
        "",
        f"Targets: {len(checks) - len(failed)} of {len(checks)} met.",
        "",
        "| target | page | result | |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {target} | {page} | {detail} | {'PASS' if ok else '**FAIL**'} |"
        for target, page, ok, detail in checks
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of each wrk round")
    parser.add_argument("--rounds", type=int, default=3, help="wrk rounds per page (median)")
    parser.add_argument("--sizes", default="0,10,100", help="comma-separated data sizes N")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md")
    options = parser.parse_args()
    sizes = sorted(int(size) for size in options.sizes.split(","))
    machine, started = perfkit.machine(), perfkit.today()
    log(f"Load benchmark, {started}, {machine}")

    rows = []
    with perfkit.workdir("petit-talk-bench-") as work:
        env = perfkit.perf_env(perfkit.pg_url(DATABASE), work, redis_url=REDIS_URL)
        try:
            perfkit.create_database(DATABASE)
            log("Preparing the site: migrate, collectstatic, load_demo …")
            perfkit.prepare_site(env)
            for n in sizes:
                rows += measure_size(env, n, options.duration, options.rounds)
        finally:
            perfkit.drop_database(DATABASE)
            perfkit.flush_redis(REDIS_URL)

    checks = check_targets(rows, sizes)
    log("")
    log(table(rows))
    log("")
    for target, page, ok, detail in checks:
        log(f"{'PASS' if ok else 'FAIL'}  {page:<18} {target}: {detail}")
    if not options.no_docs:
        perfkit.write_section(
            "Load benchmark",
            report(
                rows,
                checks,
                duration=options.duration,
                rounds=options.rounds,
                sizes=sizes,
                machine=machine,
                started=started,
            ),
        )
        log(f"Written to {perfkit.DOCS}")
    failed = [check for check in checks if not check[2]]
    return 1 if failed and options.strict else 0


if __name__ == "__main__":
    sys.exit(main())
