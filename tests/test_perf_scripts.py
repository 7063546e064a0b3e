"""The measurement scripts' own logic: docs/benchmarks.md sections are replaced without
touching the others; the load benchmark's wrk script sends every request as the next user;
wrk's report is parsed; each page is measured next to /healthz; and the targets are met or
missed on the right numbers. No timing is asserted here: speed targets live in `make bench`."""

import http.server
import itertools
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "perf"))

import bench_load
import perfkit


def test_write_section_replaces_only_its_own_section(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(
        "# Benchmarks\n\nIntro.\n\n## Slot generation\n\n12 ms.\n\n"
        "## Load benchmark\n\nOld table.\n\n## Pricing\n\n0.5 ms.\n"
    )

    perfkit.write_section("Load benchmark", "New table.", path=doc)
    perfkit.write_section("Lighthouse", "Scores.", path=doc)

    text = doc.read_text()
    assert "Old table." not in text
    assert "## Load benchmark\n\nNew table.\n\n## Pricing" in text
    assert "## Slot generation\n\n12 ms." in text
    assert "## Pricing\n\n0.5 ms." in text
    assert text.endswith("## Lighthouse\n\nScores.\n")


def test_write_section_creates_the_document_with_its_header(tmp_path):
    doc = tmp_path / "docs" / "benchmarks.md"
    perfkit.write_section("Booking stress run", "Done.", path=doc)
    text = doc.read_text()
    assert text.startswith("# Benchmarks")
    assert text.endswith("## Booking stress run\n\nDone.\n")


# The wrk script ---------------------------------------------------------------------------


def test_lua_strings_escape_quotes_backslashes_and_non_ascii():
    assert perfkit.lua_string("sessionid=abc; csrftoken=XYZ") == '"sessionid=abc; csrftoken=XYZ"'
    assert perfkit.lua_string('a"b\\c\né') == '"a\\034b\\092c\\010\\195\\169"'


def test_the_script_holds_every_users_cookie_header_and_the_path():
    cookies = [f"sessionid=s{index}; csrftoken=c{index}" for index in range(120)]
    script = perfkit.wrk_lua_script("/book/?teacher=camille-martin", cookies, threads=2)
    assert 'local path = "/book/?teacher=camille-martin"' in script
    assert all(f'  "{cookie}",' in script for cookie in cookies)
    assert "local threads = 2" in script
    assert "function request()" in script and "done = function" in script


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn answers wrk

    def do_GET(self):
        with self.server.lock:
            self.server.seen.append((id(self.connection), self.path, self.headers.get("Cookie")))
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def recording_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
    server.daemon_threads = True
    server.seen, server.lock = [], threading.Lock()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def run_wrk(server, script_text, tmp_path, connections=2):
    wrk = shutil.which("wrk")
    if wrk is None:
        pytest.skip("wrk is not installed (apt-get install wrk; .ci/run installs it)")
    script = tmp_path / "bench.lua"
    script.write_text(script_text)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    output = subprocess.run(
        [wrk, "-t2", f"-c{connections}", "-d1s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return perfkit.parse_wrk_output(output)


def test_wrk_sends_each_request_of_a_connection_as_the_next_user(recording_server, tmp_path):
    cookies = [f"sessionid=user{index}; csrftoken=t{index}" for index in range(5)]
    report = run_wrk(
        recording_server, perfkit.wrk_lua_script("/bookings/", cookies, threads=2), tmp_path
    )

    seen = recording_server.seen
    assert len(seen) > 2 * len(cookies)  # enough requests to go round the users
    assert {path for _, path, _ in seen} == {"/bookings/"}
    assert {cookie for _, _, cookie in seen} == set(cookies)  # every user, nothing else
    by_connection = {}
    for connection, _, cookie in seen:
        by_connection.setdefault(connection, []).append(cookie)
    for sent in by_connection.values():
        assert all(a != b for a, b in itertools.pairwise(sent))
    assert report["requests"] >= len(seen) - 2  # wrk's count (in-flight ones at the end aside)
    assert report["errors_status"] == 0 and report["errors_socket"] == 0


def test_wrk_sends_a_visitors_request_without_cookies(recording_server, tmp_path):
    run_wrk(recording_server, perfkit.wrk_lua_script("/healthz"), tmp_path)
    assert recording_server.seen
    assert {(path, cookie) for _, path, cookie in recording_server.seen} == {("/healthz", None)}


def test_wrk_report_line_is_parsed_and_its_absence_is_an_error():
    report = {"requests": 10, "rps": 2.0, "p50_ms": 1.5, "errors_status": 0}
    output = f"Running 1s test\n{perfkit.WRK_JSON_PREFIX}{json.dumps(report)}\nTransfer 1KB\n"
    assert perfkit.parse_wrk_output(output) == report
    with pytest.raises(RuntimeError, match="no report"):
        perfkit.parse_wrk_output("Running 1s test\n")


# Measuring a page next to /healthz ---------------------------------------------------------


def fake_result(rps, errors=0):
    return {
        "rps": rps,
        "p50_ms": 1000 / rps,
        "p99_ms": 2000 / rps,
        "errors_status": errors,
        "errors_socket": 0,
    }


def test_each_round_measures_healthz_then_the_page_and_reports_the_share(monkeypatch):
    calls = []
    rates = {
        "http://x/healthz": iter([9999.0, 1000.0, 800.0, 900.0]),  # warm-up, three rounds
        "http://x/bookings/": iter([9999.0, 300.0, 100.0, 450.0]),
    }

    def fake_wrk(url, seconds, script):
        calls.append((url, seconds, script))
        return fake_result(next(rates[url]), errors=1)

    monkeypatch.setattr(bench_load, "wrk", fake_wrk)
    scripts = {"health": "health.lua", "page": "page.lua"}
    result = bench_load.measure_page("http://x", "/bookings/", 5, 3, scripts)

    assert [(url, seconds) for url, seconds, _ in calls] == [
        ("http://x/healthz", 1),
        ("http://x/bookings/", 1),
        *[("http://x/healthz", 5), ("http://x/bookings/", 5)] * 3,
    ]
    assert {script for url, _, script in calls if url.endswith("healthz")} == {"health.lua"}
    assert result["rps"] == 300.0 and result["p99_ms"] == pytest.approx(2000 / 300)
    assert result["rounds"] == [100, 300, 450]
    assert result["health_rps"] == 900.0  # the median /healthz round
    assert result["ratio"] == pytest.approx(300 / 900)
    assert result["errors_status"] == 3  # every round's page errors, not only the median's


def test_a_session_that_redirects_to_login_stops_the_run(monkeypatch):
    statuses = iter([200, 302])

    class Answer:
        def __init__(self, status):
            self.status = status

        def header(self, name):
            return "/accounts/login/" if self.status == 302 else None

    monkeypatch.setattr(perfkit, "fetch", lambda url, headers=None: Answer(next(statuses)))
    with pytest.raises(RuntimeError, match=r"302 \(/accounts/login/\)"):
        bench_load.check_every_session("http://x", "/basket/", ["sessionid=a", "sessionid=b"])


# Targets ----------------------------------------------------------------------------------


def rows(
    *,
    logged_in_ratio=0.5,
    visitor_ratio=1.5,
    visitor_ratio_at_0=1.5,
    p99=20.0,
    queries=4,
    queries_at_0=4,
):
    result = []
    for page, (_, who) in bench_load.PAGES.items():
        for n in (0, 100):
            if who:
                ratio, count = logged_in_ratio, queries if n else queries_at_0
            else:
                ratio, count = visitor_ratio if n else visitor_ratio_at_0, 0
            result.append(
                {
                    "page": page,
                    "n": n,
                    "logged_in": who is not None,
                    "users": 100 if who else 0,
                    "rps": 1000.0 * ratio,
                    "health_rps": 1000.0,
                    "ratio": ratio,
                    "p50_ms": 5.0,
                    "p99_ms": p99,
                    "queries": count,
                    "queries_rendered": count if who else 9,
                    "errors_status": 0,
                    "errors_socket": 0,
                }
            )
    return result


def missed(checks):
    return {(page, target) for target, page, ok, _ in checks if not ok}


def test_targets_are_met_when_shares_latency_and_queries_are_within_them():
    checks = bench_load.check_targets(rows(), [0, 100])
    # visitors: share, flatness, constant queries, errors; logged in: share, p99, ≤ 5 queries,
    # constant queries, errors
    assert len(checks) == 3 * 4 + 4 * 5
    assert missed(checks) == set()


def test_a_logged_in_page_below_35_percent_of_healthz_misses_its_target():
    checks = bench_load.check_targets(rows(logged_in_ratio=0.34), [0, 100])
    assert ("basket", "rate ≥ 35% of /healthz at N=100") in missed(checks)
    assert ("teacher dashboard", "rate ≥ 35% of /healthz at N=100") in missed(checks)
    assert not any(page == "home" for page, _ in missed(checks))


def test_slow_p99_and_more_than_five_queries_miss_on_logged_in_pages():
    checks = bench_load.check_targets(rows(p99=60.0, queries=6, queries_at_0=6), [0, 100])
    assert ("my bookings", "p99 < 60 ms") in missed(checks)
    assert ("booking page", "≤ 5 queries") in missed(checks)
    assert ("my bookings", "queries constant in N") not in missed(checks)


def test_queries_growing_with_n_miss():
    checks = bench_load.check_targets(rows(queries=5, queries_at_0=4), [0, 100])
    assert ("basket", "queries constant in N") in missed(checks)
    assert ("basket", "≤ 5 queries") not in missed(checks)


def test_visitor_pages_slower_than_healthz_or_slowing_with_n_miss():
    slower = bench_load.check_targets(rows(visitor_ratio=0.9, visitor_ratio_at_0=0.9), [0, 100])
    assert ("home", "rate ≥ 100% of /healthz at N=100") in missed(slower)
    flat = "flat in N: share of /healthz at N=100 ≥ 80% of N=0's"
    assert ("home", flat) not in missed(slower)

    slowing = bench_load.check_targets(rows(visitor_ratio=1.1, visitor_ratio_at_0=1.5), [0, 100])
    assert ("teacher list", flat) in missed(slowing)
    assert ("teacher list", "rate ≥ 100% of /healthz at N=100") not in missed(slowing)


def test_errors_miss_and_a_single_size_checks_what_it_can():
    data = [row for row in rows() if row["n"] == 100]
    data[0]["errors_socket"] = 2
    checks = bench_load.check_targets(data, [100])
    assert missed(checks) == {(data[0]["page"], "no errors")}
    assert not any("constant in N" in target or "flat" in target for target, *_ in checks)
