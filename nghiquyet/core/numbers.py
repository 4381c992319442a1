"""Vietnamese number format: "." groups thousands, "," is the decimal mark (1.234,5 = 1234.5).

Values are stored exactly as ``Decimal``; these functions are the only place that converts
between what people type or read and what is stored.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")   # 1.234 / 1.234.567,89
_PLAIN = re.compile(r"^\d+(,\d+)?$")                    # 1234 / 104,33
_MAX_DIGITS = 28


class NumberFormatError(ValueError):
    """The text is not a number in Vietnamese format; ``str(exc)`` is a Vietnamese message."""


def parse_vn_decimal(text: str) -> Decimal:
    """Parse "1.234,5", "104,33", "-0,55", "9.689" or "1234" into a Decimal.

    A lone "." followed by exactly three digits is a thousands separator ("9.689" = 9689),
    as in Vietnamese reports. Anything ambiguous or malformed raises ``NumberFormatError``.
    """
    if text is None:
        raise NumberFormatError("Chưa nhập số.")
    raw = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if not raw:
        raise NumberFormatError("Chưa nhập số.")
    sign = ""
    if raw[0] in "+-−":
        sign = "-" if raw[0] in "-−" else ""
        raw = raw[1:]
    if not (_GROUPED.match(raw) or _PLAIN.match(raw)):
        raise NumberFormatError(
            f"“{text}” không phải là số theo định dạng Việt Nam (dấu chấm phân cách hàng nghìn, "
            "dấu phẩy thập phân, ví dụ 1.234,5)."
        )
    digits = raw.replace(".", "").replace(",", ".")
    if len(digits.replace(".", "")) > _MAX_DIGITS:
        raise NumberFormatError("Số quá lớn.")
    try:
        return Decimal(sign + digits)
    except InvalidOperation:  # pragma: no cover - the regexes admit only valid digits
        raise NumberFormatError(f"“{text}” không phải là số.") from None


def format_vn_decimal(value: Decimal | int | float | None, places: int | None = None) -> str:
    """Decimal(1234.5) -> "1.234,5". ``places`` fixes the decimals; otherwise trailing zeros go."""
    if value is None:
        return ""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
        text = f"{abs(number):.{places}f}"
    else:
        text = format(abs(number), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    integer, _, fraction = text.partition(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    result = ".".join(groups) + ("," + fraction if fraction else "")
    return ("-" if number < 0 and result.strip("0.,") else "") + result
