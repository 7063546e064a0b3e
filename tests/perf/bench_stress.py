"""Booking stress run: 200 students try to book 50 slots of one teacher at the same time,
through two gunicorn servers sharing PostgreSQL and Redis (sessions and cache).

Each student opens the booking page on one server (a real GET: it sets the CSRF cookie) and
then posts the hold form for four slots: "their" slot (student i wants slot i mod 50, so every
slot is wanted by four students) and three random others, alternating between the servers.
All students start together (a barrier). Afterwards the database must hold exactly one active
booking per slot, no response may be a 5xx, and the run's throughput is recorded in the
"Booking stress run" section of docs/benchmarks.md.

Exit status 1 when a slot is booked twice or not at all, or on any 5xx.

    .venv/bin/python tests/perf/bench_stress.py --students 200 --slots 50
"""

import argparse
import json
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import perfkit
from perfkit import log

DATABASE = "petit_talk_stress"
REDIS_URL = "redis://127.0.0.1:6379/14"
TRIES_PER_STUDENT = 4

COUNT_SQL = """
import json
from collections import Counter
from booking.models import Booking, ACTIVE_STATUSES
rows = Booking.objects.filter(teacher_id={teacher_id}, status__in=ACTIVE_STATUSES)
starts = Counter(b.start.isoformat() for b in rows)
print("STRESS_JSON", json.dumps({{"per_slot": starts, "total": rows.count()}}))
"""


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = {}
        self.latencies = []
        self.held = 0
        self.errors = []

    def add(self, status, seconds, *, held=False):
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.latencies.append(seconds)
            self.held += held


def student_run(index, session, data, servers, barrier, tally):
    rng = random.Random(index)
    slots = data["slots"]
    wanted = [slots[index % len(slots)], *rng.sample(slots, TRIES_PER_STUDENT - 1)]
    wanted = list(dict.fromkeys(wanted))
    book_path = f"/book/?teacher={data['teacher_slug']}"
    barrier.wait()
    try:
        server = servers[index % len(servers)]
        started = time.perf_counter()
        page = perfkit.fetch(server + book_path, cookies={"sessionid": session})
        tally.add(page.status, time.perf_counter() - started)
        if page.status != 200:
            return
        cookies = {"sessionid": session, **page.cookies()}
        token = perfkit.csrf_token(page.text)
        for attempt, slot in enumerate(wanted):
            server = servers[(index + attempt) % len(servers)]
            started = time.perf_counter()
            response = perfkit.fetch(
                server + book_path,
                method="POST",
                cookies=cookies,
                data={
                    "teacher": data["teacher_slug"],
                    "slot": slot,
                    "goal": "Stress test",
                    "csrfmiddlewaretoken": token,
                },
                headers={"Referer": server + book_path},
            )
            location = response.header("Location") or ""
            held = response.status == 302 and "/accounts/" not in location
            tally.add(response.status, time.perf_counter() - started, held=held)
    except (OSError, RuntimeError) as error:
        with tally.lock:
            tally.errors.append(f"student {index}: {error!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--slots", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--no-docs", action="store_true")
    options = parser.parse_args()
    machine, started_at = perfkit.machine(), perfkit.today()
    log(f"Booking stress run, {started_at}, {machine}")

    with perfkit.workdir("petit-talk-stress-") as work:
        env = perfkit.perf_env(perfkit.pg_url(DATABASE), work, redis_url=REDIS_URL)
        try:
            perfkit.create_database(DATABASE)
            perfkit.flush_redis(REDIS_URL)
            log("Preparing the site: migrate, collectstatic, load_demo …")
            perfkit.prepare_site(env)
            data = json.loads(
                perfkit.run(
                    env,
                    "tests/perf/build_stress_data.py",
                    "--students",
                    str(options.students),
                    "--slots",
                    str(options.slots),
                )
            )
            tally = Tally()
            with (
                perfkit.Gunicorn(env, workers=options.workers) as one,
                perfkit.Gunicorn(env, workers=options.workers) as two,
            ):
                servers = [one.url, two.url]
                barrier = threading.Barrier(options.students)
                clock = time.perf_counter()
                with ThreadPoolExecutor(max_workers=options.students) as pool:
                    for index, session in enumerate(data["sessions"]):
                        pool.submit(student_run, index, session, data, servers, barrier, tally)
                elapsed = time.perf_counter() - clock
            output = perfkit.manage(
                env, "shell", "-c", COUNT_SQL.format(teacher_id=data["teacher_id"])
            )
            counts = json.loads(output.split("STRESS_JSON ", 1)[1].splitlines()[0])
        finally:
            perfkit.drop_database(DATABASE)
            perfkit.flush_redis(REDIS_URL)

    per_slot = counts["per_slot"]
    wanted = set(data["slots"])
    booked_once = sum(1 for slot in wanted if per_slot.get(slot) == 1)
    doubled = {slot: n for slot, n in per_slot.items() if n > 1}
    unbooked = [slot for slot in wanted if slot not in per_slot]
    requests = sum(tally.statuses.values())
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    latencies = sorted(tally.latencies)
    p50 = statistics.median(latencies) * 1000 if latencies else 0
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0
    checks = [
        ("every slot booked exactly once", booked_once == len(wanted) and not doubled),
        ("no slot booked twice", not doubled),
        ("holds granted = slots", tally.held == len(wanted)),
        ("no 5xx responses", server_errors == 0),
        ("no connection errors", not tally.errors),
    ]
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(tally.statuses.items()))
    summary = [
        f"Run {started_at} on {machine}.",
        "",
        f"`tests/perf/bench_stress.py --students {options.students} --slots {options.slots}`:"
        f" two gunicorn servers ({options.workers} sync workers each) sharing PostgreSQL and"
        " Redis (sessions, cache); each student loads the booking page, then posts the hold"
        f" form for {TRIES_PER_STUDENT} slots (student i wants slot i mod {len(wanted)}, so"
        f" each slot is wanted by {options.students // len(wanted)} students; 3 more at random),"
        " alternating servers; all students start at once.",
        "",
        "| students | slots | requests | time (s) | requests/s | p50 (ms) | p99 (ms) |"
        " holds granted | slots booked once | slots booked twice | 5xx |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {options.students} | {len(wanted)} | {requests} | {elapsed:.1f} |"
        f" {requests / elapsed:.0f} | {p50:.0f} | {p99:.0f} | {tally.held} |"
        f" {booked_once} | {len(doubled)} | {server_errors} |",
        "",
        f"Responses by status: {statuses} (302 = held, redirected to the basket;"
        " 400 = slot already taken, the form says so).",
        "",
        *(f"- {'PASS' if ok else '**FAIL**'}: {name}" for name, ok in checks),
    ]
    if tally.errors:
        summary += ["", "Client errors:", *(f"- {error}" for error in tally.errors[:10])]
    log("\n".join(summary))
    if unbooked:
        log(f"unbooked slots: {unbooked[:5]}")
    if not options.no_docs:
        perfkit.write_section("Booking stress run", "\n".join(summary))
        log(f"Written to {perfkit.DOCS}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
