"""run_scheduler (site_config) runs every installed command of ``SCHEDULED_COMMANDS``; one
failure does not stop the rest."""

import pytest
from django.core.management import call_command

from site_config.management.commands import run_scheduler


def test_the_scheduler_knows_the_booking_commands():
    available = run_scheduler.available_commands()
    for name in ("expire_holds", "complete_lessons", "send_reminders", "publish_scheduled"):
        assert name in available


@pytest.mark.django_db
def test_one_failing_command_does_not_stop_the_others(monkeypatch):
    ran = []

    def fake_call_command(name, **kwargs):
        ran.append(name)
        if name == "complete_lessons":
            raise RuntimeError("database hiccup")

    monkeypatch.setattr(run_scheduler, "call_command", fake_call_command)
    failed = run_scheduler.run_once()
    assert failed == ["complete_lessons"]
    assert ran == run_scheduler.available_commands()


@pytest.mark.django_db
def test_every_real_periodic_command_runs_cleanly_twice_in_a_row():
    assert run_scheduler.run_once() == []
    assert run_scheduler.run_once() == []  # idempotent: safe every minute
    call_command("run_scheduler", "--once")  # exits (SystemExit on failure)


@pytest.mark.django_db
def test_the_job_list_is_the_scheduled_commands_setting(settings, monkeypatch):
    ran = []
    monkeypatch.setattr(run_scheduler, "call_command", lambda name, **kwargs: ran.append(name))
    settings.SCHEDULED_COMMANDS = ("publish_scheduled", "not_a_command", "expire_holds")
    assert run_scheduler.run_once() == []
    assert ran == ["publish_scheduled", "expire_holds"]  # in order; unknown names skipped
