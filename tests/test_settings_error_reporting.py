"""Error reporting in production: Sentry only when ``SENTRY_DSN`` is set (no personal data,
tracing off unless asked for), and error mail to the ``ADMINS`` named in the environment."""

import json

import pytest

from tests.support.production_env import production_env, run_python

DUMP_ERROR_REPORTING = """
import json
import sentry_sdk
from site_config.settings import production as s
client = sentry_sdk.get_client()
print(json.dumps({
    "ADMINS": [list(admin) for admin in s.ADMINS],
    "sentry_active": client.is_active(),
    "dsn": client.options.get("dsn"),
    "send_default_pii": client.options.get("send_default_pii"),
    "traces_sample_rate": client.options.get("traces_sample_rate"),
    "environment": client.options.get("environment"),
    "integrations": sorted(client.integrations) if client.is_active() else [],
}))
"""

FAKE_DSN = "https://publickey@o0.ingest.sentry.invalid/1"


def error_reporting(**overrides):
    result = run_python(DUMP_ERROR_REPORTING, production_env(**overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_a_dsn_sentry_stays_off_and_nobody_gets_error_mail():
    settings = error_reporting()
    assert settings["sentry_active"] is False
    assert settings["ADMINS"] == []


def test_a_dsn_turns_sentry_on_without_personal_data_or_tracing():
    settings = error_reporting(SENTRY_DSN=FAKE_DSN)
    assert settings["sentry_active"] is True
    assert settings["dsn"] == FAKE_DSN
    assert settings["send_default_pii"] is False
    assert settings["traces_sample_rate"] == 0.0
    assert "django" in settings["integrations"]


def test_traces_sample_rate_and_environment_come_from_the_environment():
    settings = error_reporting(
        SENTRY_DSN=FAKE_DSN, SENTRY_TRACES_SAMPLE_RATE="0.25", SENTRY_ENVIRONMENT="staging"
    )
    assert settings["traces_sample_rate"] == 0.25
    assert settings["environment"] == "staging"


@pytest.mark.parametrize("rate", ["often", "1.5", "-0.1"])
def test_a_bad_traces_sample_rate_refuses_to_start(rate):
    result = run_python(
        "import site_config.settings.production",
        production_env(SENTRY_DSN=FAKE_DSN, SENTRY_TRACES_SAMPLE_RATE=rate),
    )
    assert result.returncode != 0
    assert "SENTRY_TRACES_SAMPLE_RATE must be a number between 0 and 1" in result.stderr


def test_admins_are_parsed_from_name_and_address_pairs():
    settings = error_reporting(
        ADMINS="Petit Talk Ops <ops@petittalk.example>, dev@petittalk.example,"
        ' "Durand, Claire" <claire@petittalk.example>'
    )
    assert settings["ADMINS"] == [
        ["Petit Talk Ops", "ops@petittalk.example"],
        ["", "dev@petittalk.example"],
        ["Durand, Claire", "claire@petittalk.example"],
    ]


def test_an_admins_entry_without_an_address_refuses_to_start():
    result = run_python(
        "import site_config.settings.production",
        production_env(ADMINS="Ops Team, ops@petittalk.example"),
    )
    assert result.returncode != 0
    assert "ADMINS must be a comma-separated list" in result.stderr
    assert "Ops Team" in result.stderr  # the value that could not be read


MAIL_A_SERVER_ERROR = """
import json, logging
import django
django.setup()
from django.core import mail
from django.test.utils import setup_test_environment
setup_test_environment()  # locmem email backend: mail.outbox
logging.getLogger("django.request").error("Internal Server Error: /boom")
print("OUTBOX", json.dumps([[m.subject, m.to] for m in mail.outbox]))
"""


def test_a_server_error_is_mailed_to_the_admins():
    result = run_python(MAIL_A_SERVER_ERROR, production_env(ADMINS="Ops <ops@petittalk.example>"))
    assert result.returncode == 0, result.stderr
    outbox = json.loads(result.stdout.split("OUTBOX ", 1)[1].splitlines()[0])
    assert outbox == [["[Django] ERROR: Internal Server Error: /boom", ["ops@petittalk.example"]]]
