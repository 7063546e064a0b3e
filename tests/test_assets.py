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
# Every stylesheet together, uncompressed (a page loads the site's and its own app's): the
# learning journey (weekly series, outcomes, notes and progress, credits) took it past 40 KB.
CSS_BUDGET_BYTES = 48 * 1024
# The availability editor's week grid (static/js/availability.js, about 11 KB, loaded on that
# teacher page only) is most of the JavaScript.
JS_BUDGET_BYTES = 24 * 1024
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


# Design tokens: one file defines them, every stylesheet uses them -----------------------------

CSS_DIR = STATIC / "css"
TOKENS = CSS_DIR / "tokens.css"
# The Wagtail admin's stylesheet (booking/dashboard.py's Media) follows the admin's own theme
# tokens (--w-color-*), which the admin defines; it is not linked from base.html.
ADMIN_STYLESHEETS = {"dashboard.css": "--w-"}
# The 500 page renders without the base template (it must work when context processors or the
# database fail), so it links the tokens and site.css itself.
STANDALONE_TEMPLATES = {REPO / "templates" / "500.html"}
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
CUSTOM_PROPERTY = re.compile(r"(?<![\w-])(--[\w-]+)\s*:")  # not `.button--primary:hover`
VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")
COLOUR_LITERAL = re.compile(r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(")
STATIC_CSS = re.compile(r"""\{%\s*static\s+['"]css/([\w.-]+\.css)['"]\s*%\}""")


def css_text(path):
    return CSS_COMMENT.sub("", path.read_text())


def defined_tokens():
    assert TOKENS.exists(), "static/css/tokens.css (the design tokens) is missing"
    return dict(
        re.findall(r"(?<![\w-])(--[\w-]+)\s*:\s*([^;]+);", css_text(TOKENS)),
    )


def stylesheets():
    return sorted(CSS_DIR.glob("*.css"))


def test_every_custom_property_a_stylesheet_uses_is_defined_in_tokens_css():
    tokens = defined_tokens()
    undefined = []
    for path in stylesheets():
        admin_prefix = ADMIN_STYLESHEETS.get(path.name)
        for name in VAR_USE.findall(css_text(path)):
            if name in tokens or (admin_prefix and name.startswith(admin_prefix)):
                continue
            undefined.append(f"{path.name}: var({name})")
    assert not undefined, "custom properties not defined in tokens.css:\n" + "\n".join(
        sorted(set(undefined))
    )


def test_custom_properties_are_defined_only_in_tokens_css():
    elsewhere = [
        f"{path.name}: {name}"
        for path in stylesheets()
        if path != TOKENS
        for name in CUSTOM_PROPERTY.findall(css_text(path))
    ]
    assert not elsewhere, "tokens defined outside tokens.css:\n" + "\n".join(elsewhere)


def test_site_stylesheets_take_their_colours_from_the_tokens():
    literals = [
        f"{path.name}: {match}"
        for path in stylesheets()
        if path != TOKENS and path.name not in ADMIN_STYLESHEETS
        for match in COLOUR_LITERAL.findall(css_text(path))
    ]
    assert not literals, "colour literals outside tokens.css:\n" + "\n".join(literals)


def test_only_the_base_template_links_stylesheets():
    offenders = []
    for path in template_files():
        if path == REPO / "templates" / "base.html" or path in STANDALONE_TEMPLATES:
            continue
        collector = AssetCollector()
        collector.feed(path.read_text())
        offenders += [
            f"{path.relative_to(REPO)}: {url}"
            for kind, url, _ in collector.assets
            if kind == "stylesheet"
        ]
    assert not offenders, "stylesheets linked outside base.html:\n" + "\n".join(offenders)


def test_base_links_the_tokens_first_then_every_site_stylesheet_once():
    collector = AssetCollector()
    collector.feed((REPO / "templates" / "base.html").read_text())
    linked = [
        STATIC_CSS.search(url).group(1) for kind, url, _ in collector.assets if kind == "stylesheet"
    ]
    site_sheets = [path.name for path in stylesheets() if path.name not in ADMIN_STYLESHEETS]
    assert linked[:2] == ["tokens.css", "site.css"]
    assert sorted(linked) == sorted(site_sheets)  # each one, once


def test_the_standalone_500_page_links_the_tokens_before_site_css():
    for path in STANDALONE_TEMPLATES:
        collector = AssetCollector()
        collector.feed(path.read_text())
        linked = [
            STATIC_CSS.search(url).group(1)
            for kind, url, _ in collector.assets
            if kind == "stylesheet"
        ]
        assert linked == ["tokens.css", "site.css"], path.name


def relative_luminance(hex_colour):
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(char * 2 for char in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one, two):
    light, dark = sorted((relative_luminance(one), relative_luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# (text or foreground token, background token, WCAG AA minimum): body text 4.5:1, large text
# and non-text parts (input borders, focus ring) 3:1.
CONTRAST_PAIRS = [
    ("--text", "--cream", 4.5),
    ("--text", "--white", 4.5),
    ("--navy", "--cream", 4.5),
    ("--muted", "--cream", 4.5),
    ("--muted", "--white", 4.5),
    ("--blue", "--cream", 4.5),
    ("--blue-dark", "--cream", 4.5),
    ("--white", "--blue", 4.5),
    ("--white", "--red", 4.5),
    ("--white", "--error", 4.5),
    ("--white", "--navy", 4.5),
    ("--on-navy", "--navy", 4.5),
    ("--error", "--error-bg", 4.5),
    ("--error", "--white", 4.5),
    ("--success", "--success-bg", 4.5),
    ("--warning-text", "--warning-bg", 4.5),
    ("--text", "--warning-bg", 4.5),
    ("--star", "--white", 4.5),
    ("--red", "--cream", 3.0),
    ("--border-strong", "--white", 3.0),
    ("--focus", "--navy", 3.0),
]


@pytest.mark.parametrize(("foreground", "background", "minimum"), CONTRAST_PAIRS)
def test_token_colour_pairs_meet_wcag_aa_contrast(foreground, background, minimum):
    tokens = defined_tokens()
    ratio = contrast(tokens[foreground].strip(), tokens[background].strip())
    assert ratio >= minimum, f"{foreground} on {background}: {ratio:.2f}:1 < {minimum}:1"
