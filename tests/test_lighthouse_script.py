"""``make lighthouse``'s own logic: the median of several runs counts, a run Lighthouse could
not finish is an error rather than a score (one whose trace recording failed is run again),
budgets fail on the right numbers, and the audits that cost points and the asset diagnostics
are the ones reported."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "perf"))

import lighthouse_run


def report(performance=1.0, accessibility=1.0, best=1.0, seo=1.0, audits=None, **extra):
    """A minimal Lighthouse JSON report; scores are 0 to 1 as Lighthouse writes them."""
    scores = {
        "performance": performance,
        "accessibility": accessibility,
        "best-practices": best,
        "seo": seo,
    }
    audits = audits or {}
    categories = {
        category: {
            "score": score,
            "auditRefs": [
                {"id": audit_id, "weight": weight}
                for audit_id, (weight, owner, _) in audits.items()
                if owner == category
            ],
        }
        for category, score in scores.items()
    }
    return {
        "requestedUrl": "http://localhost:8000/",
        "finalDisplayedUrl": "http://localhost:8000/",
        "categories": categories,
        "audits": {
            audit_id: {"id": audit_id, "title": audit_id.title(), **audit}
            for audit_id, (_, _, audit) in audits.items()
        },
        **extra,
    }


def test_median_of_the_runs_counts_and_the_median_run_is_reported():
    runs = [report(performance=0.80), report(performance=0.97), report(performance=0.99)]
    summary = lighthouse_run.summarise(runs)
    assert summary["scores"]["performance"] == 97
    assert summary["performance_range"] == (80, 99)
    assert summary["report"] is runs[1]


def test_run_without_a_score_is_an_error_not_a_zero():
    failed = report(
        performance=None, runtimeError={"code": "NO_FCP", "message": "The page did not paint"}
    )
    with pytest.raises(RuntimeError, match="NO_FCP"):
        lighthouse_run.summarise([failed])
    with pytest.raises(RuntimeError, match="no performance score"):
        lighthouse_run.summarise([report(performance=None)])


def test_budgets_fail_below_95_performance_or_below_100_elsewhere():
    results = {
        "home": {
            "scores": {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
        },
        "signup": {
            "scores": {"performance": 94, "accessibility": 100, "best-practices": 100, "seo": 92}
        },
    }
    assert lighthouse_run.budget_failures(results) == [
        ("signup", "performance", 94),
        ("signup", "seo", 92),
    ]


def test_lost_points_lists_weighted_audits_below_full_score_only():
    audits = {
        "is-crawlable": (1, "seo", {"score": 0}),
        "speed-index": (10, "performance", {"score": 0.7, "displayValue": "4.5 s"}),
        "font-display": (0, "performance", {"score": 0}),  # diagnostic: no weight
        "manual-check": (1, "accessibility", {"score": None}),
    }
    lost = lighthouse_run.lost_points(report(audits=audits))
    assert lost == {
        "performance": [("speed-index", "Speed-Index", "4.5 s")],
        "seo": [("is-crawlable", "Is-Crawlable", "")],
    }


def test_asset_diagnostics_flag_failed_audits_and_any_third_party_code():
    audits = {
        "uses-text-compression": (
            0,
            "performance",
            {
                "score": 0,
                "displayValue": "12 KiB",
                "details": {"items": [{"url": "http://localhost:8000/teachers/?page=2"}]},
            },
        ),
        "modern-image-formats": (0, "performance", {"score": 1}),
        "font-display": (0, "performance", {"score": None}),
        "third-party-summary": (
            0,
            "performance",
            {"score": None, "details": {"items": [{"entity": "Stripe"}]}},
        ),
    }
    flagged = lighthouse_run.flagged_asset_audits(report(audits=audits))
    assert [audit_id for audit_id, _, _ in flagged] == [
        "uses-text-compression",
        "third-party-summary",
    ]
    assert flagged[0][2] == "12 KiB, /teachers/", "the files to blame are named by path"


def test_a_redirected_page_is_not_measured():
    login = report(finalDisplayedUrl="http://localhost:8000/accounts/login/?next=/basket/")
    with pytest.raises(RuntimeError, match="not /basket/"):
        lighthouse_run.check_landing("basket", login, "/basket/")
    lighthouse_run.check_landing("home", report(), "/")
    booking = report(finalDisplayedUrl="http://localhost:8000/book/?teacher=camille-martin")
    lighthouse_run.check_landing("booking", booking, "/book/?teacher=camille-martin")


class FakeLighthouse:
    """Stands in for subprocess.run: each call writes the next report to --output-path."""

    def __init__(self, *reports):
        self.reports = list(reports)
        self.calls = 0

    def __call__(self, command, **kwargs):
        self.calls += 1
        report = self.reports.pop(0)
        output = next(arg for arg in command if arg.startswith("--output-path="))
        Path(output.split("=", 1)[1]).write_text(json.dumps(report))
        failed = bool(report.get("runtimeError"))
        return subprocess.CompletedProcess(command, 1 if failed else 0, "", "LH:status …")


def trace_failure(code="NO_NAVSTART"):
    return report(performance=None, runtimeError={"code": code, "message": "Please run again"})


def test_a_failed_trace_recording_is_run_again_and_counted(tmp_path, monkeypatch):
    fake = FakeLighthouse(trace_failure(), report(performance=0.99))
    monkeypatch.setattr(lighthouse_run.subprocess, "run", fake)
    retried = []
    result = lighthouse_run.lighthouse("http://localhost:8000/", tmp_path / "r.json", None, retried)
    assert fake.calls == 2
    assert result["categories"]["performance"]["score"] == 0.99
    assert retried == ["NO_NAVSTART"]


def test_a_trace_recording_failing_every_attempt_stops_the_script(tmp_path, monkeypatch):
    fake = FakeLighthouse(*(trace_failure() for _ in range(lighthouse_run.ATTEMPTS)))
    monkeypatch.setattr(lighthouse_run.subprocess, "run", fake)
    with pytest.raises(RuntimeError, match="lighthouse exited 1"):
        lighthouse_run.lighthouse("http://localhost:8000/", tmp_path / "r.json")
    assert fake.calls == lighthouse_run.ATTEMPTS


def test_a_page_that_never_paints_is_not_run_again(tmp_path, monkeypatch):
    fake = FakeLighthouse(trace_failure("NO_FCP"), report())
    monkeypatch.setattr(lighthouse_run.subprocess, "run", fake)
    with pytest.raises(RuntimeError, match="lighthouse exited 1"):
        lighthouse_run.lighthouse("http://localhost:8000/", tmp_path / "r.json")
    assert fake.calls == 1


def test_browser_version_comes_from_the_recorded_user_agent():
    agent = "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.0.0 Safari/537.36"
    assert lighthouse_run.browser_version({"environment": {"hostUserAgent": agent}}) == "156"


def test_other_origins_lists_third_party_files_only():
    page = report(
        audits={
            "network-requests": (
                0,
                "performance",
                {
                    "score": None,
                    "details": {
                        "items": [
                            {"url": "http://localhost:8000/"},
                            {"url": "http://localhost:8000/static/css/site.css"},
                            {"url": "data:image/svg+xml,%3Csvg%3E"},
                            {"url": "https://js.stripe.com/v3/"},
                        ]
                    },
                },
            )
        }
    )
    assert lighthouse_run.other_origins(page) == ["https://js.stripe.com/v3/"]
