from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nghiquyet.core.ids import is_valid_id
from nghiquyet.core.numbers import NumberFormatError, format_vn_decimal, parse_vn_decimal


def apply_service_errors(form: forms.Form, exc: ValidationError, *, aliases: dict[str, str] | None = None) -> None:
    """Show a service's ``ValidationError`` on the form: per field when the form has it, else on top."""
    aliases = aliases or {}
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, messages in exc.message_dict.items():
        name = aliases.get(name, name)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class VNDecimalField(forms.CharField):
    """A number typed the Vietnamese way (1.234,5), cleaned to an exact Decimal.

    ``max_digits``/``decimal_places`` (as on the model field) and ``min_value``/``max_value``
    refuse, with a Vietnamese message, what could not be stored or makes no sense.
    """

    def __init__(self, *args, max_digits: int | None = None, decimal_places: int | None = None,
                 min_value: Decimal | int | None = None, max_value: Decimal | int | None = None, **kwargs):
        self.max_digits, self.decimal_places = max_digits, decimal_places
        self.min_value, self.max_value = min_value, max_value
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "1.234,5"}))
        kwargs.setdefault("error_messages", {}).setdefault("required", gettext_lazy("Chưa nhập số."))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        try:
            return format_vn_decimal(value)
        except (ValueError, ArithmeticError):
            return str(value)

    def to_python(self, value):
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            value = format_vn_decimal(value)
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = parse_vn_decimal(value, max_digits=self.max_digits, decimal_places=self.decimal_places)
        except NumberFormatError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None
        if self.min_value is not None and number < self.min_value:
            raise forms.ValidationError(
                _("Giá trị không được nhỏ hơn %(v)s.") % {"v": format_vn_decimal(self.min_value)}, code="min_value")
        if self.max_value is not None and number > self.max_value:
            raise forms.ValidationError(
                _("Giá trị không được lớn hơn %(v)s.") % {"v": format_vn_decimal(self.max_value)}, code="max_value")
        return number


# --------------------------------------------------------------------------- choices by id

CHOICE_ERRORS = {
    "invalid_choice": gettext_lazy("Lựa chọn không hợp lệ."),
    "invalid_pk_value": gettext_lazy("Lựa chọn không hợp lệ."),
    "invalid_list": gettext_lazy("Lựa chọn không hợp lệ."),
}


class _IdChoiceMixin:
    """Choices keyed by an integer primary key: anything else is an invalid choice, never a database error."""

    def __init__(self, *args, **kwargs):
        messages = dict(CHOICE_ERRORS)
        messages.update(kwargs.pop("error_messages", None) or {})
        super().__init__(*args, error_messages=messages, **kwargs)

    def _checkable(self, value) -> bool:
        if self.to_field_name is not None:
            return True  # keyed by another field: Django's own checks apply
        if isinstance(value, self.queryset.model):
            return True
        return is_valid_id(value)


class IdChoiceField(_IdChoiceMixin, forms.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not self._checkable(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(_IdChoiceMixin, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
            raise forms.ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        for pk in value:
            if not self._checkable(pk):
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super()._check_values(value)

