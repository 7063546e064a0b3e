"""Front-end weight and origin rules: pages load only our own CSS and JS (Stripe.js on checkout
is the one exception), static files are hashed and compressed in production, the site's CSS and
JS stay small, fonts are the system stack or self-hosted with ``font-display: swap``, and
Wagtail images are rendered responsive and in modern formats."""

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
STATIC = REPO / "static"
CSS_BUDGET_BYTES = 40 * 1024
JS_BUDGET_BYTES = 15 * 1024
STRIPE_JS = "https://js.stripe.com/"


def template_files():
    roots = [REPO / "templates", *REPO.glob("*/templates")]
    return sorted(
        path
        for root in roots
        if ".venv" not in root.parts and "node_modules" not in root.parts
        for path in root.rglob("*.html")
    )


class AssetCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.assets.append(("script", attrs["src"], "defer" in attrs or "async" in attrs))
        if tag == "link" and "stylesheet" in (attrs.get("rel") or ""):
            self.assets.append(("stylesheet", attrs.get("href", ""), False))
        if tag == "link" and "preload" in (attrs.get("rel") or "") and attrs.get("as") == "font":
            self.assets.append(("font", attrs.get("href", ""), False))


def foreign(url):
    return url.startswith(("http://", "https://", "//"))


def test_templates_reference_only_same_origin_css_and_js_except_stripe_on_checkout():
    offenders = []
    for path in template_files():
        collector = AssetCollector()
        collector.feed(path.read_text())
        for kind, url, _ in collector.assets:
            if not foreign(url):
                continue
            on_checkout = "checkout" in path.name and url.startswith(STRIPE_JS)
            if not (kind == "script" and on_checkout):
                offenders.append(f"{path.relative_to(REPO)}: {kind} {url}")
    assert not offenders, "third-party assets:\n" + "\n".join(offenders)


def test_base_template_loads_one_stylesheet_and_deferred_script_from_static():
    collector = AssetCollector()
    collector.feed((REPO / "templates" / "base.html").read_text())
    assert collector.assets, "base.html links no CSS or JS"
    for kind, url, deferred in collector.assets:
        assert "{% static" in url, f"{kind} {url} is not served from our static files"
        if kind == "script":
            assert deferred, f"{url} blocks rendering: add defer"


@pytest.mark.django_db
def test_rendered_page_loads_only_same_origin_assets(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    collector = AssetCollector()
    collector.feed(response.content.decode())
    assert collector.assets
    assert [url for _, url, _ in collector.assets if foreign(url)] == []
    assert all(deferred for kind, _, deferred in collector.assets if kind == "script")


def test_production_serves_hashed_compressed_static_files():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "site_config.settings.production",
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/petit_talk_settings_check",
        "SECRET_KEY": "s" * 60,
        "STRIPE_SECRET_KEY": "sk_test_x",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_x",
        "STRIPE_WEBHOOK_SECRET": "whsec_x",
    }
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.STORAGES['staticfiles']['BACKEND'], settings.MIDDLEWARE]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    backend, middleware = json.loads(result.stdout)
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in middleware


def test_site_css_and_js_stay_within_budget():
    css = sum(path.stat().st_size for path in STATIC.rglob("*.css"))
    js = sum(path.stat().st_size for path in STATIC.rglob("*.js"))
    assert 0 < css <= CSS_BUDGET_BYTES, f"CSS is {css} bytes (budget {CSS_BUDGET_BYTES})"
    assert 0 < js <= JS_BUDGET_BYTES, f"JS is {js} bytes (budget {JS_BUDGET_BYTES})"


FONT_FACE = re.compile(r"@font-face\s*{(.*?)}", re.S)


def test_fonts_are_system_or_self_hosted_with_swap():
    for path in STATIC.rglob("*.css"):
        text = path.read_text()
        assert not re.search(r"@import\s+url\(\s*['\"]?(https?:)?//", text), path
        for block in FONT_FACE.findall(text):
            assert "font-display: swap" in block.replace("font-display:swap", "font-display: swap")
            for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", block):
                assert not foreign(url), f"{path.name}: font {url} is not self-hosted"


WAGTAIL_IMAGE_TAG = re.compile(r"{%\s*image\s")


def test_wagtail_images_render_responsive_modern_formats():
    """``{% image %}`` gives one JPEG/PNG; ``{% picture %}`` (AVIF/WebP/JPEG with srcset) or
    ``{% srcset_image %}`` lets the browser choose the size and format."""
    offenders = [
        str(path.relative_to(REPO))
        for path in template_files()
        if WAGTAIL_IMAGE_TAG.search(path.read_text())
    ]
    assert not offenders, "use {% picture ... format-{avif,webp,jpeg} %} in: " + ", ".join(
        offenders
    )
