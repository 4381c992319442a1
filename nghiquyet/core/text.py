"""Vietnamese text helpers: search that ignores diacritics and treats đ as d."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics, map đ/Đ to d and collapse white space.

    >>> fold("Đảng bộ xã Đông Sơn")
    'dang bo xa dong son'
    """
    text = text.replace("đ", "d").replace("Đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()


def search_terms(query: str) -> list[str]:
    """Folded words of a search box query, at most 8 of them."""
    return [word for word in fold(query).split(" ") if word][:8]
