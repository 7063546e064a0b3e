"""The notes' rich text: a small markup typed in a plain text area (no JavaScript, no HTML
accepted from anyone), turned into HTML by escaping everything first and then adding a fixed
set of tags, so nothing a teacher types can become a script, a style or an attribute.

- a blank line starts a new paragraph; a single line break is kept;
- lines starting with ``- `` or ``* `` make a bulleted list, ``1. `` a numbered list;
- ``**bold**`` and ``_italic_``;
- ``https://…`` addresses become links (opened with ``rel="nofollow noopener"``).
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

HELP_TEXT = (
    "Leave a blank line between paragraphs. Start lines with “- ” for a list or “1. ” for a "
    "numbered list; **bold**, _italic_; https:// addresses become links."
)

BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
ITALIC = re.compile(r"(?<![\w&])_(?=\S)(.+?)(?<=\S)_(?!\w)")
# Matched in escaped text: an address ends before whitespace, a quote or an angle bracket
# (escaped as entities), and trailing punctuation stays outside the link.
LINK = re.compile(r"https://[^\s<>\"']+?(?=[.,;:!?)]*(?:\s|$|&lt;|&gt;|&quot;|&#x27;))")


def _inline(text):
    text = escape(text)
    text = LINK.sub(
        lambda m: f'<a href="{m.group(0)}" rel="nofollow noopener">{m.group(0)}</a>', text
    )
    text = BOLD.sub(r"<strong>\1</strong>", text)
    return ITALIC.sub(r"<em>\1</em>", text)


def _block(lines):
    if all(BULLET.match(line) for line in lines):
        items = "".join(f"<li>{_inline(BULLET.match(line)[1])}</li>" for line in lines)
        return f"<ul>{items}</ul>"
    if all(NUMBERED.match(line) for line in lines):
        items = "".join(f"<li>{_inline(NUMBERED.match(line)[1])}</li>" for line in lines)
        return f"<ol>{items}</ol>"
    return "<p>" + "<br>".join(_inline(line.strip()) for line in lines) + "</p>"


def render_markup(text):
    """The HTML of ``text`` (safe to put in a page as it is)."""
    blocks, current = [], []
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return mark_safe("".join(_block(lines) for lines in blocks))  # noqa: S308 - escaped above
