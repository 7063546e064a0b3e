"""No real secret is committed: scan every file git knows about (tracked, or new and not
ignored) for key-shaped strings. Obviously fake test values are allowed by pattern."""

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

SECRET_PATTERNS = {
    "Stripe live secret key": re.compile(r"\b[sr]k_live_[0-9A-Za-z]{10,}"),
    "Stripe test secret key": re.compile(r"\b[sr]k_test_[0-9A-Za-z]{20,}"),
    "Stripe webhook secret": re.compile(r"\bwhsec_[0-9A-Za-z+/]{20,}"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "AWS secret access key": re.compile(
        r"aws_secret_access_key\s*[=:]\s*['\"]?[0-9A-Za-z/+]{40}\b", re.IGNORECASE
    ),
    "private key": re.compile("-----BEGIN (?:[A-Z]+ )?PRIVATE" + " KEY-----"),
    "GitHub token": re.compile(r"\bgh[pousr]_[0-9A-Za-z]{36}\b"),
    "Slack token": re.compile(r"\bxox[abposr]-[0-9A-Za-z-]{10,}"),
    "SendGrid key": re.compile(r"\bSG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}\b"),
    "Django secret key": re.compile(r"""SECRET_KEY\s*=\s*['"][^'"]{40,}['"]"""),
}
# Test and documentation values say so in their text.
FAKE_MARKERS = re.compile(
    r"fake|dummy|example|placeholder|not[_-]?a[_-]?real|test[_-]?only|for[_-]?tests|"
    r"build[_-]?only|insecure|x{8,}|0{8,}|changeme|not[_-]for[_-]production",
    re.IGNORECASE,
)
SKIPPED_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".ico", ".mp4", ".webm", ".woff2"}
MAX_BYTES = 2_000_000


def repository_files():
    result = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=False,
        timeout=60,
    )
    if result.returncode != 0:
        pytest.skip("not a git checkout")
    for name in result.stdout.decode().split("\0"):
        path = REPO / name
        if name and path.suffix.lower() not in SKIPPED_SUFFIXES and path.is_file():
            yield name, path


def find_secrets(text):
    """(kind, match) for every key-shaped string that does not look fake."""
    found = []
    for kind, pattern in SECRET_PATTERNS.items():
        for match in pattern.finditer(text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            line_end = text.find("\n", match.end())
            line = text[line_start : line_end if line_end != -1 else len(text)]
            if not FAKE_MARKERS.search(line):
                found.append((kind, match.group()))
    return found


def test_no_secrets_are_committed():
    leaks = []
    scanned = 0
    for name, path in repository_files():
        if path.stat().st_size > MAX_BYTES:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        scanned += 1
        leaks.extend(f"{name}: {kind}: {value[:12]}…" for kind, value in find_secrets(text))
    assert scanned > 50
    assert not leaks, "Secrets found in the repository:\n" + "\n".join(leaks)


@pytest.mark.parametrize(
    "text",
    [
        'STRIPE_SECRET_KEY = "sk_live_' + "51HkQ2bLm9Xr" + '"',
        "key: sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc",
        "STRIPE_WEBHOOK_SECRET=whsec_" + "Jk29dkslQp3mZnA0vB7cX1yU",
        "AWS_ACCESS_KEY_ID=AKIA" + "Z7QJ3KD9WLM2PX4B",
        "-----BEGIN RSA PRIVATE" + " KEY-----",
        "SECRET_KEY = '" + "k#8v!2pz@q9w$e7r&t6y^u5i*o4p(a3s)d2f1g0h" + "'",
    ],
)
def test_the_scanner_finds_real_looking_keys(text):
    assert find_secrets(text)


@pytest.mark.parametrize(
    "text",
    [
        '"STRIPE_SECRET_KEY": "sk_test_fake_for_tests"',
        "STRIPE_SECRET_KEY=sk_test_" + "xxxxxxxxxxxxxxxxxxxxxxxx",
        "AWS_ACCESS_KEY_ID=AKIA" + "IOSFODNN7EXAMPLE",
        'SECRET_KEY = "test-secret-key-not-for-production-padding-padding"',
    ],
)
def test_the_scanner_allows_obviously_fake_values(text):
    assert not find_secrets(text)
