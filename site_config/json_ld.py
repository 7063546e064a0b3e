"""JSON-LD for ``<script type="application/ld+json">`` elements: one helper for every page."""

import json

from django.utils.safestring import mark_safe

# Same escapes as Django's json_script: the JSON cannot close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data):
    """``data`` as JSON that is safe to print unescaped inside a JSON-LD script element."""
    return mark_safe(  # noqa: S308 - the escapes above make the JSON inert inside <script>
        json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_JSON_SCRIPT_ESCAPES)
    )
