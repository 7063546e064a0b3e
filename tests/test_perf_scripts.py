"""The measurement scripts' own logic: docs/benchmarks.md sections are replaced without
touching the others, and the load benchmark's targets pass and fail on the right numbers."""

import sys
from pathlib import Path

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


def rows(rate_at_100, *, p99=20.0, queries_100=10):
    result = []
    for page, (_, who) in bench_load.PAGES.items():
        for n, rate, queries in ((0, 1000.0, 10), (100, rate_at_100, queries_100)):
            result.append(
                {
                    "page": page,
                    "n": n,
                    "logged_in": who is not None,
                    "rps": rate,
                    "p50_ms": 5.0,
                    "p99_ms": p99,
                    "queries": queries,
                    "queries_rendered": queries,
                    "errors_status": 0,
                    "errors_socket": 0,
                }
            )
    return result


def test_targets_pass_when_rate_holds_latency_is_low_and_queries_constant():
    checks = bench_load.check_targets(rows(900.0), [0, 100])
    assert checks
    assert all(ok for _, _, ok, _ in checks)


def test_targets_fail_on_slowdown_latency_and_growing_queries():
    checks = bench_load.check_targets(rows(250.0, p99=150.0, queries_100=12), [0, 100])
    failed = {(page, target) for target, page, ok, _ in checks if not ok}
    assert ("home", "N=100 rate ≥ 80% of N=0") in failed
    assert ("home", f"≥ {bench_load.TARGET_HOME_RPS} req/s at N=100") in failed
    assert ("basket", f"≥ {bench_load.TARGET_LOGGED_IN_RPS} req/s at N=100") in failed
    assert ("basket", f"p99 < {bench_load.TARGET_P99_MS} ms") in failed
    assert ("teacher list", "queries constant in N") in failed


def test_a_page_is_measured_in_rounds_reporting_the_median_round(monkeypatch):
    rates = iter([999.0, 300.0, 100.0, 200.0])  # warm-up, then three rounds

    def fake_wrk(url, seconds, cookie=None):
        rps = next(rates)
        return {
            "rps": rps,
            "p50_ms": 1000 / rps,
            "p99_ms": 2000 / rps,
            "errors_status": 1,
            "errors_socket": 0,
        }

    monkeypatch.setattr(bench_load, "wrk", fake_wrk)
    result = bench_load.measure_url("http://x/", 5, 3, None)
    assert result["rps"] == 200.0 and result["p99_ms"] == 10.0  # the median round, whole
    assert result["rounds"] == [100, 200, 300]
    assert result["errors_status"] == 3  # errors of every round, not only the median's
