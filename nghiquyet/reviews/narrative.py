"""The narrative sections of a review report are plain text: whatever people paste (a Word document copied through
the browser, a web page, an e-mail) is cleaned here before it is stored.

``clean_text``: nh3 (the HTML sanitizer) strips every tag and drops the content of ``script`` and ``style``; block
tags (p, div, br, li, ul, ol, table, h1-h6, tr) become line breaks (a list item keeps a "- ", table cells are
separated by a space), entities are decoded, the text is NFC-normalized (a pasted "ế" made of two code points is
stored as one), control characters are removed, spaces within a line are collapsed and paragraphs are separated
by one blank line. A text longer than the
``REVIEWS["NARRATIVE_MAX_CHARS"]`` setting is refused with a Vietnamese message.
"""

from __future__ import annotations

import html
import re
import unicodedata

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th"}
DROPPED_WITH_CONTENT = {"script", "style"}

_TAG = re.compile(r"<(/?)([a-z0-9]+)[^>]*>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def max_chars() -> int:
    return int(settings.NGHIQUYET["REVIEWS"]["NARRATIVE_MAX_CHARS"])


def _block(match: re.Match) -> str:
    closing, tag = match.group(1), match.group(2).lower()
    if tag in ("td", "th"):
        return " " if closing else ""
    if tag == "li":
        return "" if closing else "\n- "
    if tag in ("p", "div") or tag.startswith("h"):
        return "\n\n"
    return "\n"


def strip_html(raw: str) -> str:
    """Plain text of ``raw`` (HTML or not), not yet tidied."""
    cleaned = nh3.clean(raw, tags=BLOCK_TAGS, clean_content_tags=DROPPED_WITH_CONTENT, attributes={},
                        strip_comments=True)
    # What nh3 leaves are the allowed block tags (any "<" of the text itself is escaped as &lt;).
    return html.unescape(_TAG.sub(_block, cleaned))


def tidy(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_text(raw: str | None) -> str:
    """The plain text stored for a narrative section (see the module's docstring). Raises ``ValidationError``
    (a Vietnamese message) when the cleaned text is longer than the setting allows."""
    if not raw:
        return ""
    text = tidy(strip_html(str(raw)))
    limit = max_chars()
    if len(text) > limit:
        raise ValidationError(_("Nội dung dài %(n)s ký tự, vượt quá giới hạn %(max)s ký tự của một phần báo cáo. "
                                "Hãy rút gọn hoặc chuyển bớt số liệu chi tiết sang phụ lục.")
                              % {"n": f"{len(text):,}".replace(",", "."), "max": f"{limit:,}".replace(",", ".")})
    return text


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a stored section (separated by blank lines; a single line break stays inside one)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
