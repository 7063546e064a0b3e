"""The WSGI entry point loads every view before the first request and freezes what it
loaded, so the garbage collector's full collections skip Django's and the project's own
objects (the 80 to 100 ms pauses docs/benchmarks.md measured)."""

import json
import os

from tests.support.production_env import run_python

PROBE = """
import gc, json, sys
import site_config.wsgi
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "views_loaded": "booking.views" in sys.modules and "commerce.views" in sys.modules,
    "callable": callable(site_config.wsgi.application),
}))
"""


def test_the_wsgi_module_imports_the_views_and_freezes_them():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "site_config.settings.test"}
    result = run_python(PROBE, env, timeout=120)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["callable"]
    assert probe["views_loaded"]
    # Django, Wagtail and the project come to well over 50,000 objects; a freeze of a few
    # would mean it ran before the project was loaded.
    assert probe["frozen"] > 50_000
