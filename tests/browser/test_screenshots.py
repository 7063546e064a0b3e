"""``make screenshots`` runs end to end: a fresh demo site, each role logged in, one PNG per
page of the guides, written where it is told (here a temporary folder, not docs/)."""

import os
import shutil
import subprocess
import sys

import pytest
from PIL import Image

from tests.support import screenshots

from .conftest import CHROMIUM


def test_the_screenshot_script_photographs_every_page_of_the_guides(tmp_path):
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM} but REQUIRE_BROWSER is set")
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    # Its own process, as `make screenshots` runs it: its own settings, database and browser.
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.screenshots", "--out", str(tmp_path)],
        cwd=screenshots.REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    for shot in screenshots.SHOTS:
        path = tmp_path / shot.filename
        assert path.is_file(), shot.filename
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.width == screenshots.VIEWPORT["width"]
            assert image.height >= screenshots.VIEWPORT["height"] - 1
    assert f"{len(screenshots.SHOTS)} screenshots" in result.stdout
