"""Lighthouse budgets (``make lighthouse``): performance ≥ 95 and accessibility, best practices
and SEO = 100 on the home page, a teacher page, the booking page, the basket and sign-up.

Serves the demo content with gunicorn and production settings (SQLite in a temporary folder,
whitenoise serving hashed compressed static files), logs in as the demo student through the
login form for the booking page and the basket (the session cookie goes to Lighthouse with
``--extra-headers``), and runs the npm ``lighthouse`` package (pinned in package.json,
``npm ci``) with Debian's Chromium, default mobile settings and every audit of the four
categories (none skipped). Pages are opened as http://localhost, which browsers treat as a
secure context, as production is served over HTTPS.

Each page is measured ``--runs`` times (3 by default) and the median score of each category
counts: the machine is shared, and a busy CPU lowers the performance score of one run. The
table also shows the lowest and highest performance score of the runs.

Prints the scores, the audits that cost points and the diagnostics behind the asset rules
(render-blocking, compression, image formats and sizes, font-display), writes the
"Lighthouse" section of docs/benchmarks.md and exits 1 when a budget is missed.

    .venv/bin/python tests/perf/lighthouse_run.py [--pages home,basket] [--runs 3]
        [--reports DIR]  # keep the JSON reports
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import perfkit
from perfkit import log

LIGHTHOUSE = perfkit.REPO / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
BUDGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
# Diagnostics (no weight in the scores) that check the asset rules of the issue: no
# render-blocking third-party files, small compressed CSS and JS, responsive images in modern
# formats, fonts shown while they load. Reported when flagged; the rules themselves are pinned
# by tests/test_assets.py.
ASSET_AUDITS = (
    "render-blocking-resources",
    "uses-text-compression",
    "unminified-css",
    "unminified-javascript",
    "unused-css-rules",
    "unused-javascript",
    "modern-image-formats",
    "uses-responsive-images",
    "uses-optimized-images",
    "offscreen-images",
    "font-display",
    "third-party-summary",
)
# Lighthouse runtime errors whose message is "Something went wrong with recording the trace
# over your page load. Please run Lighthouse again." (core/lib/lh-error.js).
TRACE_ERRORS = frozenset(
    {"NO_TRACING_STARTED", "NO_RESOURCE_REQUEST", "NO_NAVSTART", "NO_DCL", "NO_FMP"}
)
ATTEMPTS = 3  # per run, when the trace recording fails
WARM_UP_REQUESTS = 4  # per page, before Lighthouse; the server runs 2 workers
TEACHER_SLUG = "camille-martin"
STUDENT = "student@petittalk.example"

# name -> (path, logged in as the demo student)
PAGES = {
    "home": ("/", False),
    "teacher": (f"/teachers/{TEACHER_SLUG}/", False),
    "booking": (f"/book/?teacher={TEACHER_SLUG}", True),
    "basket": ("/basket/", True),
    "signup": ("/accounts/signup/", False),
}


def lighthouse(url, output, cookie=None, retried=None):
    """One Lighthouse report of ``url``. A run whose trace recording failed (Lighthouse says
    "Please run Lighthouse again", e.g. NO_NAVSTART, seen now and then with this Chromium) is
    run again, up to ``ATTEMPTS`` times; each such code is appended to ``retried``."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--max-wait-for-load=60000",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    for attempt in range(1, ATTEMPTS + 1):
        Path(output).unlink(missing_ok=True)
        result = subprocess.run(
            command,
            cwd=perfkit.REPO,
            env={**os.environ, "CHROME_PATH": CHROME},
            check=False,
            timeout=300,
            capture_output=True,
            text=True,
        )
        report = json.loads(Path(output).read_text()) if Path(output).exists() else None
        code = trace_error(report)
        if code and attempt < ATTEMPTS:
            log(f"    {url}: Lighthouse's trace recording failed ({code}), running it again")
            if retried is not None:
                retried.append(code)
            continue
        if result.returncode != 0 or report is None:
            # Lighthouse's own log says why (Chrome did not start, the page did not load, …).
            sys.stderr.write(result.stderr[-4000:])
            raise RuntimeError(f"lighthouse exited {result.returncode} on {url}")
        return report
    raise AssertionError("unreachable")


def trace_error(report):
    """The code of a failed trace recording, which another run usually gets right, or None."""
    code = ((report or {}).get("runtimeError") or {}).get("code")
    return code if code in TRACE_ERRORS else None


def category_scores(report):
    """Scores out of 100 per category; a run Lighthouse could not finish is an error, not 0."""
    if report.get("runtimeError"):
        error = report["runtimeError"]
        raise RuntimeError(f"{report['requestedUrl']}: {error['code']}: {error['message']}")
    scores = {}
    for category in CATEGORIES:
        score = report["categories"][category]["score"]
        if score is None:
            raise RuntimeError(f"{report['requestedUrl']}: no {category} score")
        scores[category] = round(score * 100)
    return scores


def summarise(reports):
    """Median score per category over the runs, the performance range and the run whose
    performance score is the median (its audits are the ones reported)."""
    per_run = [category_scores(report) for report in reports]
    scores = {
        category: statistics.median(run[category] for run in per_run) for category in CATEGORIES
    }
    performance = sorted(run["performance"] for run in per_run)
    by_performance = sorted(
        zip(per_run, reports, strict=True), key=lambda pair: pair[0]["performance"]
    )
    typical = by_performance[(len(by_performance) - 1) // 2][1]
    return {
        "scores": scores,
        "performance_range": (performance[0], performance[-1]),
        "report": typical,
    }


def budget_failures(results):
    return [
        (name, category, result["scores"][category])
        for name, result in results.items()
        for category, budget in BUDGETS.items()
        if result["scores"][category] < budget
    ]


def lost_points(report):
    """Audits that cost points, per category: (id, title, display value)."""
    lost = {}
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                lost.setdefault(category, []).append(
                    (audit["id"], audit["title"], audit.get("displayValue", ""))
                )
    return lost


def flagged_asset_audits(report):
    """The asset diagnostics Lighthouse flags on this page: (id, title, display value and the
    paths of the files it blames)."""
    flagged = []
    for audit_id in ASSET_AUDITS:
        audit = report["audits"].get(audit_id)
        if audit is None:
            continue
        failed = audit["score"] is not None and audit["score"] < 1
        items = (audit.get("details") or {}).get("items") or []
        if audit_id == "third-party-summary":
            failed = bool(items)
        if failed:
            paths = [urlsplit(item["url"]).path for item in items if item.get("url")]
            value = ", ".join(
                part for part in (audit.get("displayValue", ""), " ".join(paths)) if part
            )
            flagged.append((audit_id, audit["title"], value))
    return flagged


def other_origins(report):
    """URLs the page loaded from any other origin than its own (third-party files)."""
    own = urlsplit(report["finalDisplayedUrl"]).netloc
    items = report["audits"]["network-requests"]["details"]["items"]
    return sorted(
        {
            item["url"]
            for item in items
            if urlsplit(item["url"]).scheme in ("http", "https")
            and urlsplit(item["url"]).netloc != own
        }
    )


def warm_up(url, cookies=None, requests=WARM_UP_REQUESTS):
    """Request the page a few times before measuring it, as a running site has been: image
    renditions are made on the first render and each gunicorn worker fills its own caches."""
    for _ in range(requests):
        response = perfkit.fetch(url, cookies=cookies)
        if response.status != 200:
            raise RuntimeError(f"{url} answered HTTP {response.status} while warming up")


def check_landing(name, report, path):
    """Lighthouse must have measured the page itself, not a redirect (e.g. to log in)."""
    final = report["finalDisplayedUrl"]
    parts = urlsplit(final)
    if parts.path + (f"?{parts.query}" if parts.query else "") != path:
        raise RuntimeError(f"{name}: Lighthouse measured {final}, not {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated page names")
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per page; the median score counts"
    )
    parser.add_argument("--reports", type=Path, help="keep the JSON reports in this folder")
    parser.add_argument("--no-docs", action="store_true")
    options = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `npm ci` in the project folder.")
    pages = {name: PAGES[name] for name in options.pages.split(",")}
    machine, started = perfkit.machine(), perfkit.today()
    log(f"Lighthouse, {started}, {machine}")

    results, retried = {}, []
    with perfkit.workdir("petit-talk-lighthouse-") as work:
        env = perfkit.perf_env(f"sqlite:///{work / 'site.sqlite3'}", work)
        log("Preparing the site: migrate, collectstatic, load_demo …")
        perfkit.prepare_site(env)
        with perfkit.Gunicorn(env, workers=2) as server:
            jar = perfkit.login(server.localhost_url, STUDENT)
            cookie = perfkit.cookie_header(
                {name: jar[name] for name in ("sessionid", "csrftoken") if name in jar}
            )
            for name, (path, logged_in) in pages.items():
                url = server.localhost_url + path
                warm_up(url, jar if logged_in else None)
                reports = []
                for run in range(options.runs):
                    output = work / f"{name}-{run + 1}.json"
                    reports.append(lighthouse(url, output, cookie if logged_in else None, retried))
                    check_landing(name, reports[-1], path)
                    if options.reports:
                        options.reports.mkdir(parents=True, exist_ok=True)
                        shutil.copy(output, options.reports / output.name)
                summary = summarise(reports)
                report = summary.pop("report")
                results[name] = {
                    "path": path,
                    **summary,
                    "lost": lost_points(report),
                    "assets": flagged_asset_audits(report),
                    "other_origins": sorted({u for r in reports for u in other_origins(r)}),
                    "benchmark": [r["environment"]["benchmarkIndex"] for r in reports],
                    "browser": browser_version(reports[0]),
                }
                low, high = summary["performance_range"]
                log(
                    f"  {name:<8} "
                    + "  ".join(
                        f"{category} {summary['scores'][category]:>3.0f}" for category in CATEGORIES
                    )
                    + f"  (performance runs {low}–{high})"
                )

    failures = budget_failures(results)
    lines = report_lines(results, pages, started, machine, options.runs, failures, retried)
    log("\n".join(lines))
    if not options.no_docs:
        perfkit.write_section("Lighthouse", "\n".join(lines))
        log(f"Written to {perfkit.DOCS}")
    return 1 if failures else 0


def report_lines(results, pages, started, machine, runs, failures, retried=()):
    benchmarks = [index for result in results.values() for index in result["benchmark"]]
    browsers = sorted({result["browser"] for result in results.values()})
    lines = [
        f"Run {started} on {machine}.",
        "",
        "`tests/perf/lighthouse_run.py` (`make lighthouse`): Lighthouse"
        f" {lighthouse_version()} with default mobile settings (simulated slow 4G and 4× CPU"
        " slowdown) and every audit of the four categories, Debian's Chromium"
        f" {', '.join(browsers)} headless, demo"
        " content served by gunicorn with production settings at http://localhost. 🔒 ="
        " logged in as the demo student (session cookie from the login form). Each page is"
        f" requested {WARM_UP_REQUESTS} times before it is measured (image renditions made,"
        " per-worker caches filled, as on a running site)."
        f" Each page ran {runs} time{'s' if runs != 1 else ''}; the table shows the median"
        " score of each category, and the lowest and highest performance score of the runs."
        + (
            f" {len(retried)} run{'s were' if len(retried) != 1 else ' was'} repeated because"
            f" Lighthouse's trace recording failed ({', '.join(sorted(set(retried)))});"
            " Lighthouse asks for another run in that case."
            if retried
            else ""
        )
        + f" Chromium's CPU benchmark index ranged {min(benchmarks):.0f}–{max(benchmarks):.0f}"
        " during the runs (lower = busier machine)."
        f" Budgets: performance ≥ {BUDGETS['performance']}, accessibility, best practices and"
        " SEO = 100.",
        "",
        "| page | path | performance (runs) | accessibility | best practices | SEO |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, result in results.items():
        cells = [
            f"{result['scores'][c]:.0f}" + ("" if result["scores"][c] >= BUDGETS[c] else " ❌")
            for c in CATEGORIES
        ]
        low, high = result["performance_range"]
        cells[0] += f" ({low}–{high})" if low != high else f" ({low})"
        lock = " 🔒" if pages[name][1] else ""
        lines.append(f"| {name}{lock} | `{result['path']}` | " + " | ".join(cells) + " |")
    lines += ["", f"Budgets: {'all met' if not failures else f'{len(failures)} missed'}."]
    lost_lines = [
        f"- {name}, {category}: {title} ({audit_id}){f' — {value}' if value else ''}"
        for name, result in results.items()
        for category, audits in result["lost"].items()
        for audit_id, title, value in audits
    ]
    lines += ["", "Audits that cost points (median run):", ""]
    lines += lost_lines or ["- none"]
    asset_lines = [
        f"- {name}: {title} ({audit_id}){f' — {value}' if value else ''}"
        for name, result in results.items()
        for audit_id, title, value in result["assets"]
    ]
    lines += [
        "",
        "Asset diagnostics (no weight in the scores; render-blocking resources, text"
        " compression, minified and unused CSS/JS, image formats, sizes and compression,"
        " offscreen images, font-display, third-party code) flagged on the median run, with"
        " the files Lighthouse blames. The asset rules themselves (no third-party CSS or JS"
        " but Stripe.js on checkout, hashed compressed small CSS and JS, responsive modern"
        " images, self-hosted fonts with font-display: swap) are pinned by"
        " `tests/test_assets.py`:",
        "",
    ]
    lines += asset_lines or ["- none"]
    foreign = [
        f"{name}: {', '.join(result['other_origins'])}"
        for name, result in results.items()
        if result["other_origins"]
    ]
    lines += [
        "",
        "Files loaded from other origins (third parties), all runs: "
        + ("; ".join(foreign) if foreign else "none")
        + ".",
    ]
    return lines


def browser_version(report):
    """Chromium's major version from the user agent Lighthouse recorded, e.g. "156"."""
    match = re.search(r"Chrome/(\d+)", report["environment"].get("hostUserAgent", ""))
    return match.group(1) if match else "(unknown version)"


def lighthouse_version():
    result = subprocess.run(
        [str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or "(unknown version)"


if __name__ == "__main__":
    sys.exit(main())
