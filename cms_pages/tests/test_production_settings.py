"""Production settings: `check --deploy` is clean with the required variables, and the app
refuses to start with DEBUG on or without a SECRET_KEY. Each case runs manage.py in a
subprocess because settings are read once per process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def production_env(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "site_config.settings.production",
            "SECRET_KEY": "pT4!vR9#qW2@zX7$" * 4 + "aB3d",  # 68 characters, varied
            "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
            "ALLOWED_HOSTS": "www.petittalk.example",
            "STRIPE_SECRET_KEY": "sk_test_dummy",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_dummy",
            "STRIPE_WEBHOOK_SECRET": "whsec_dummy",
            "REDIS_URL": "redis://127.0.0.1:6379/15",
            "AWS_STORAGE_BUCKET_NAME": "petit-talk-media",
        }
    )
    return env


def manage(env, *args):
    return subprocess.run(  # noqa: S603 - fixed argv: this interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_the_required_variables(production_env):
    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_refuses_to_start_with_debug_on(production_env):
    result = manage({**production_env, "DEBUG": "1"}, "check")
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_refuses_to_start_without_a_secret_key(production_env):
    del production_env["SECRET_KEY"]
    result = manage(production_env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
