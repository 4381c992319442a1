"""Vietnamese number format: "." groups thousands, "," is the decimal mark (1.234,5 = 1234.5).

Values are stored exactly as ``Decimal``; these functions are the only place that converts
between what people type or read and what is stored.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# ASCII digits only (Python's \d also takes other scripts' digits).
_GROUPED = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?")   # 1.234 / 1.234.567,89
_PLAIN = re.compile(r"[0-9]+(,[0-9]+)?")                        # 1234 / 104,33
_MAX_DIGITS = 28
_MAX_INPUT = 60


class NumberFormatError(ValueError):
    """The text is not a number in Vietnamese format; ``str(exc)`` is a Vietnamese message."""


def parse_vn_decimal(text: str, *, max_digits: int | None = None, decimal_places: int | None = None) -> Decimal:
    """Parse "1.234,5", "104,33", "-0,55", "9.689" or "1234" into a Decimal.

    A lone "." followed by exactly three digits is a thousands separator ("9.689" = 9689),
    as in Vietnamese reports. Anything ambiguous or malformed raises ``NumberFormatError``.
    ``max_digits``/``decimal_places`` (as on a ``DecimalField``) refuse what could not be stored.
    """
    if text is None:
        raise NumberFormatError(_("Chưa nhập số."))
    if isinstance(text, bool) or not isinstance(text, str | int | Decimal):
        raise NumberFormatError(_("Giá trị phải là số."))
    if isinstance(text, int | Decimal):
        text = format_vn_decimal(text)
    raw = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not raw:
        raise NumberFormatError(_("Chưa nhập số."))
    shown = text if len(text) <= 30 else text[:30] + "…"
    sign = ""
    if raw[0] in "+-−":
        sign = "-" if raw[0] in "-−" else ""
        raw = raw[1:]
    if len(raw) > _MAX_INPUT or not (_GROUPED.fullmatch(raw) or _PLAIN.fullmatch(raw)):
        hint = ""
        if re.fullmatch(r"[0-9]+\.[0-9]{1,2}|[0-9]+\.[0-9]{4,}", raw):
            hint = " " + _("Dấu chấm chỉ dùng để phân cách hàng nghìn; phần thập phân dùng dấu phẩy (104,33).")
        raise NumberFormatError(_(
            "“%(text)s” không phải là số theo định dạng Việt Nam (dấu chấm phân cách hàng nghìn, "
            "dấu phẩy thập phân, ví dụ 1.234,5)."
        ) % {"text": shown} + hint)
    digits = raw.replace(".", "").replace(",", ".")
    integer, _sep, fraction = digits.partition(".")
    integer = integer.lstrip("0")
    if len((integer + fraction).lstrip("0")) > _MAX_DIGITS:
        raise NumberFormatError(_("Số quá lớn."))
    if decimal_places is not None and len(fraction.rstrip("0")) > decimal_places:
        raise NumberFormatError(_("Chỉ nhập tối đa %(n)d chữ số sau dấu phẩy.") % {"n": decimal_places})
    if max_digits is not None:
        limit = max_digits - (decimal_places or 0)
        if len(integer) > limit:
            raise NumberFormatError(_("Số quá lớn: phần nguyên tối đa %(n)d chữ số.") % {"n": limit})
    try:
        return Decimal(sign + digits)
    except InvalidOperation:  # pragma: no cover - the regexes admit only valid digits
        raise NumberFormatError(_("“%(text)s” không phải là số.") % {"text": shown}) from None


def format_vn_decimal(value: Decimal | int | float | None, places: int | None = None) -> str:
    """Decimal(1234.5) -> "1.234,5". ``places`` fixes the decimals; otherwise trailing zeros go.

    Not-a-number and infinities raise ``NumberFormatError`` (a ``ValueError``).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        raise NumberFormatError(_("Giá trị phải là số."))
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise NumberFormatError(_("Giá trị phải là số.")) from None
    if not number.is_finite():
        raise NumberFormatError(_("Giá trị phải là số hữu hạn."))
    if places is not None:
        if places < 0:
            raise NumberFormatError(_("Số chữ số thập phân không được âm."))
        number = number.quantize(Decimal(1).scaleb(-places))
        text = f"{number.copy_abs():.{places}f}"
    else:
        text = format(number.copy_abs(), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    integer, _sep, fraction = text.partition(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    result = ".".join(groups) + ("," + fraction if fraction else "")
    return ("-" if number < 0 and result.strip("0.,") else "") + result
