"""Party document numbers and symbols: "58-NQ/TW" = number 58, type NQ, issuer TW.

Type codes come from ``settings.NGHIQUYET["DOCUMENT_TYPES"]`` (they change with the rules);
issuer codes are upper-case letters (with Đ), optionally joined by hyphens ("BCSĐ", "ĐU", "BTCTW").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings

_SYMBOL = re.compile(r"^0*(?P<number>\d{1,5})-(?P<type>[A-Za-zĐđ]{1,4})/(?P<issuer>[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)*)$")


class SymbolError(ValueError):
    """Malformed symbol; ``str(exc)`` is a Vietnamese message."""


@dataclass(frozen=True)
class Symbol:
    number: int
    type_code: str
    issuer_code: str

    def __str__(self) -> str:
        return f"{self.number:02d}-{self.type_code}/{self.issuer_code}"


def document_types() -> dict[str, str]:
    return settings.NGHIQUYET["DOCUMENT_TYPES"]


def parse_symbol(text: str) -> Symbol:
    raw = unicodedata.normalize("NFC", (text or "").strip()).replace(" ", "")
    if not raw:
        raise SymbolError("Nhập số, ký hiệu văn bản, ví dụ: 58-NQ/TW.")
    match = _SYMBOL.match(raw)
    if not match:
        raise SymbolError(
            f"“{text}” không đúng dạng số-loại/cơ quan ban hành, ví dụ: 58-NQ/TW, 01-CTr/ĐU (không có dấu hai chấm)."
        )
    number = int(match["number"])
    if number == 0:
        raise SymbolError("Số văn bản bắt đầu từ 01.")
    type_code = match["type"]
    types = document_types()
    if type_code not in types:
        raise SymbolError(
            f"Loại văn bản “{type_code}” không hợp lệ; dùng một trong: {', '.join(types)}."
        )
    return Symbol(number=number, type_code=type_code, issuer_code=match["issuer"])
