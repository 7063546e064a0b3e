"""Environment for running the production settings in a subprocess (fake secrets only)."""

import os
import string
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# 60 characters, varied enough for Django's deploy check; obviously not a real key.
FAKE_SECRET_KEY = (string.ascii_letters + string.digits)[:60]


def production_env(**overrides):
    """A minimal environment on which the production settings load; ``None`` removes a key."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(REPO)),
        "PYTHONPATH": str(REPO),
        "DJANGO_SETTINGS_MODULE": "site_config.settings.production",
        "SECRET_KEY": FAKE_SECRET_KEY,
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/petit_talk_unused"
        ),
        "ALLOWED_HOSTS": "www.petittalk.example",
        "STRIPE_SECRET_KEY": "sk_test_fake_for_tests",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_fake_for_tests",
        "STRIPE_WEBHOOK_SECRET": "whsec_fake_for_tests",
        "REDIS_URL": "redis://127.0.0.1:6379/14",
        "AWS_STORAGE_BUCKET_NAME": "petit-talk-media",
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run_python(code, env, timeout=60):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_manage(args, env, timeout=120, stdin=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
