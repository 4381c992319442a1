"""Party document numbers and symbols: "58-NQ/TW" = number 58, type NQ, issuer TW.

Type codes come from ``settings.NGHIQUYET["DOCUMENT_TYPES"]`` (they change with the rules);
issuer codes are upper-case letters (with Đ), optionally joined by hyphens ("BCSĐ", "ĐU", "BTCTW").

Accepted leniently, stored canonically: surrounding blanks and blanks around "-" and "/",
a leading "Số" (as printed in the header), leading zeros and the letter case of the codes
("01-ctr/đu" is "01-CTr/ĐU"). Anything else is refused with a Vietnamese message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_NUMBER = 99999
MAX_TYPE_LENGTH = 8       # Document.type_code
MAX_ISSUER_LENGTH = 20    # Document.issuer_code
MAX_SYMBOL_LENGTH = 40    # Document.symbol / ActionProgram.symbol
_MAX_INPUT = 80

# ASCII digits only: Python's \d would also take Arabic-Indic and other Unicode digits.
_SYMBOL = re.compile(
    r"(?P<number>[0-9]{1,12})-(?P<type>[A-Za-zĐđ]{1,4})/(?P<issuer>[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)*)"
)
_PREFIX = re.compile(r"^số\s*", re.IGNORECASE)
_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyzđ", "ABCDEFGHIJKLMNOPQRSTUVWXYZĐ")
_ISSUER = re.compile(r"[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)*")


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


def _type_code(code: str) -> str | None:
    """The configured type code matching ``code`` exactly, else the only one matching regardless of case."""
    types = document_types()
    if code in types:
        return code
    matches = [t for t in types if t.casefold() == code.casefold()]
    return matches[0] if len(matches) == 1 else None


def parse_symbol(text: str) -> Symbol:
    """Parse "58-NQ/TW" (or "Số 58 - NQ/TW", "058-nq/tw") into its number, type and issuer."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise SymbolError(_("Số, ký hiệu văn bản phải là chữ, ví dụ: 58-NQ/TW."))
    raw = unicodedata.normalize("NFC", text).strip()
    raw = _PREFIX.sub("", raw)
    raw = re.sub(r"\s*([-/])\s*", r"\1", raw)
    if not raw:
        raise SymbolError(_("Nhập số, ký hiệu văn bản, ví dụ: 58-NQ/TW."))
    shown = text if len(text) <= 40 else text[:40] + "…"
    match = _SYMBOL.fullmatch(raw.translate(_UPPER) if len(raw) <= _MAX_INPUT else "")
    if not match:
        raise SymbolError(_(
            "“%(text)s” không đúng dạng số-loại/cơ quan ban hành, ví dụ: 58-NQ/TW, 01-CTr/ĐU "
            "(không có dấu hai chấm)."
        ) % {"text": shown})
    number = int(match["number"])
    if number == 0:
        raise SymbolError(_("Số văn bản bắt đầu từ 01."))
    if number > MAX_NUMBER:
        raise SymbolError(_("Số văn bản quá lớn (tối đa %(n)d).") % {"n": MAX_NUMBER})
    typed = raw[match.start("type"):match.end("type")]
    type_code = _type_code(typed)
    if type_code is None:
        raise SymbolError(_("Loại văn bản “%(code)s” không hợp lệ; dùng một trong: %(types)s.")
                          % {"code": typed, "types": ", ".join(document_types())})
    issuer_code = match["issuer"]
    if len(issuer_code) > MAX_ISSUER_LENGTH:
        raise SymbolError(_("Ký hiệu cơ quan ban hành “%(code)s” quá dài (tối đa %(n)d ký tự).")
                          % {"code": issuer_code[:30], "n": MAX_ISSUER_LENGTH})
    symbol = Symbol(number=number, type_code=type_code, issuer_code=issuer_code)
    if len(str(symbol)) > MAX_SYMBOL_LENGTH:  # pragma: no cover - bounded by the limits above
        raise SymbolError(_("Số, ký hiệu văn bản quá dài."))
    return symbol


def symbol_clean(text: str, *, field: str = "symbol", types: tuple[str, ...] | list[str] | None = None) -> Symbol:
    """``parse_symbol`` for services and forms: ``ValidationError({field: message})`` when malformed,
    or when ``types`` is given and the type code is not one of them."""
    try:
        symbol = parse_symbol(text)
    except SymbolError as exc:
        raise ValidationError({field: str(exc)}) from None
    if types and symbol.type_code not in types:
        raise ValidationError({field: _("Loại văn bản “%(code)s” không dùng ở đây; dùng một trong: %(types)s.")
                               % {"code": symbol.type_code, "types": ", ".join(types)}})
    return symbol


def is_issuer_code(code: str) -> bool:
    return bool(code) and len(code) <= MAX_ISSUER_LENGTH and _ISSUER.fullmatch(code) is not None
