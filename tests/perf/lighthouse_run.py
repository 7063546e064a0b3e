"""Lighthouse budgets (``make lighthouse``): performance ≥ 95 and accessibility, best practices
and SEO = 100 on the home page, a teacher page, the booking page, the basket and sign-up.

Serves the demo content with gunicorn and production settings (SQLite in a temporary folder,
whitenoise serving hashed compressed static files), logs in as the demo student through the
login form for the booking page and the basket (the session cookie goes to Lighthouse with
``--extra-headers``), and runs the npm ``lighthouse`` package (``npm install``) with Debian's
Chromium, default mobile settings. Pages are opened as http://localhost, which browsers treat
as a secure context, as production is served over HTTPS.

Prints the scores and the audits that cost points, writes the "Lighthouse" section of
docs/benchmarks.md and exits 1 when a budget is missed.

    .venv/bin/python tests/perf/lighthouse_run.py [--pages home,basket] [--runs 1]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

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


def lighthouse(url, output, cookie=None):
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--max-wait-for-load=60000",
    ]
    if cookie:
        # Private pages (booking form, basket) are deliberately ``noindex``: the one SEO audit
        # that must not apply to them is "page is blocked from indexing".
        command += [
            "--extra-headers=" + json.dumps({"Cookie": cookie}),
            "--skip-audits=is-crawlable",
        ]
    subprocess.run(
        command,
        cwd=perfkit.REPO,
        env={**os.environ, "CHROME_PATH": CHROME},
        check=True,
        timeout=300,
        capture_output=True,
    )
    return json.loads(Path(output).read_text())


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated page names")
    parser.add_argument(
        "--runs", type=int, default=1, help="runs per page; the median score counts"
    )
    parser.add_argument("--no-docs", action="store_true")
    options = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `npm install` in the project folder.")
    pages = {name: PAGES[name] for name in options.pages.split(",")}
    machine, started = perfkit.machine(), perfkit.today()
    log(f"Lighthouse, {started}, {machine}")

    results = {}
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
                runs = [
                    lighthouse(url, work / f"{name}-{run}.json", cookie if logged_in else None)
                    for run in range(options.runs)
                ]
                scores = {
                    category: statistics.median(
                        round(run["categories"][category]["score"] * 100) for run in runs
                    )
                    for category in CATEGORIES
                }
                final = runs[-1]["finalDisplayedUrl"]
                if logged_in and "/accounts/login/" in final:
                    raise RuntimeError(f"{name}: Lighthouse was sent to the login page")
                results[name] = {"path": path, "scores": scores, "lost": lost_points(runs[-1])}
                log(
                    f"  {name:<8} "
                    + "  ".join(f"{category} {scores[category]:>3.0f}" for category in CATEGORIES)
                )

    failures = [
        (name, category, result["scores"][category])
        for name, result in results.items()
        for category, budget in BUDGETS.items()
        if result["scores"][category] < budget
    ]
    lines = [
        f"Run {started} on {machine}.",
        "",
        "`tests/perf/lighthouse_run.py` (`make lighthouse`): Lighthouse"
        f" {lighthouse_version()} with default mobile settings (simulated slow 4G and 4× CPU"
        " slowdown), Debian's Chromium headless, demo content served by gunicorn with"
        " production settings at http://localhost. 🔒 = logged in as the demo student (these"
        " private pages are meant to be `noindex`, so the *is-crawlable* SEO audit is skipped"
        " for them)."
        f" Budgets: performance ≥ {BUDGETS['performance']}, accessibility, best practices and"
        " SEO = 100.",
        "",
        "| page | path | performance | accessibility | best practices | SEO |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, result in results.items():
        cells = [
            f"{result['scores'][c]:.0f}" + ("" if result["scores"][c] >= BUDGETS[c] else " ❌")
            for c in CATEGORIES
        ]
        lock = " 🔒" if pages[name][1] else ""
        lines.append(f"| {name}{lock} | `{result['path']}` | " + " | ".join(cells) + " |")
    lines += ["", f"Budgets: {'all met' if not failures else f'{len(failures)} missed'}."]
    lost_lines = [
        f"- {name}, {category}: {title} ({audit_id}){f' — {value}' if value else ''}"
        for name, result in results.items()
        for category, audits in result["lost"].items()
        for audit_id, title, value in audits
    ]
    if lost_lines:
        lines += ["", "Audits that cost points:", "", *lost_lines]
    log("\n".join(lines))
    if not options.no_docs:
        perfkit.write_section("Lighthouse", "\n".join(lines))
        log(f"Written to {perfkit.DOCS}")
    return 1 if failures else 0


def lighthouse_version():
    result = subprocess.run(
        [str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or "(unknown version)"


if __name__ == "__main__":
    sys.exit(main())
