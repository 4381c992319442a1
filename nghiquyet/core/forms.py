from __future__ import annotations

from django import forms

from nghiquyet.core.numbers import NumberFormatError, format_vn_decimal, parse_vn_decimal


class VNDecimalField(forms.CharField):
    """A number typed the Vietnamese way (1.234,5), cleaned to an exact Decimal."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "1.234,5"}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return format_vn_decimal(value)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_vn_decimal(value)
        except NumberFormatError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None
