"""Vietnamese number format: "." groups thousands, "," is the decimal mark; stored as exact Decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from nghiquyet.core.forms import VNDecimalField
from nghiquyet.core.numbers import NumberFormatError, format_vn_decimal, parse_vn_decimal

# what a target column holds: 24 digits, 6 after the decimal mark
stored = st.decimals(min_value=Decimal("-999999999999999999.999999"), max_value=Decimal("999999999999999999.999999"),
                     allow_nan=False, allow_infinity=False, places=6)
any_finite = st.decimals(allow_nan=False, allow_infinity=False).filter(
    lambda d: len(format(d.copy_abs(), "f").replace(".", "").lstrip("0")) <= 28
    and len(format_vn_decimal(d)) <= 60)


@pytest.mark.parametrize(("text", "value"), [
    ("1.234,5", Decimal("1234.5")),
    ("104,33", Decimal("104.33")),
    ("15.500", Decimal("15500")),
    ("9.689", Decimal("9689")),
    ("1.234.567,89", Decimal("1234567.89")),
    ("1234", Decimal("1234")),
    ("0,55", Decimal("0.55")),
    ("-0,55", Decimal("-0.55")),
    ("−1.000", Decimal("-1000")),
    ("+36,9", Decimal("36.9")),
    (" 1 234,5 ", Decimal("1234.5")),
    ("1\u00a0234", Decimal("1234")),
])
def test_examples_from_reports(text, value):
    assert parse_vn_decimal(text) == value


@pytest.mark.parametrize("text", [
    "", "   ", "abc", "1.5", "1,234.5", "1.23", "12.3456", "1..234", ",5", "1,", "1.234,", "1,2,3", "--1",
    "1e5", "NaN", "Infinity", "١٢٣", "１２３", "1.234.56", "12.34.567", "0x10", "½", "1_000",
])
def test_bad_input_raises_vietnamese_message(text):
    with pytest.raises(NumberFormatError) as info:
        parse_vn_decimal(text)
    message = str(info.value)
    assert message and ("số" in message or "Số" in message)


def test_none_and_non_numbers():
    with pytest.raises(NumberFormatError, match="Chưa nhập số"):
        parse_vn_decimal(None)
    for value in (True, 1.5, object(), [1]):
        with pytest.raises(NumberFormatError):
            parse_vn_decimal(value)


def test_dot_with_decimals_gets_a_hint():
    with pytest.raises(NumberFormatError, match="dấu phẩy"):
        parse_vn_decimal("104.33")


def test_limits_of_the_column():
    assert parse_vn_decimal("1,123456", max_digits=24, decimal_places=6) == Decimal("1.123456")
    assert parse_vn_decimal("1,1234560", max_digits=24, decimal_places=6) == Decimal("1.123456")
    with pytest.raises(NumberFormatError, match="6 chữ số sau dấu phẩy"):
        parse_vn_decimal("1,1234567", max_digits=24, decimal_places=6)
    with pytest.raises(NumberFormatError, match="phần nguyên tối đa 18"):
        parse_vn_decimal("1" + "0" * 18, max_digits=24, decimal_places=6)
    with pytest.raises(NumberFormatError, match="quá lớn"):
        parse_vn_decimal("9" * 29)


@pytest.mark.parametrize(("value", "places", "text"), [
    (Decimal("1234.5"), None, "1.234,5"),
    (Decimal("104.33"), None, "104,33"),
    (Decimal("15500"), None, "15.500"),
    (Decimal("1234567.890"), None, "1.234.567,89"),
    (Decimal("1234.5"), 2, "1.234,50"),
    (Decimal("-0.55"), None, "-0,55"),
    (Decimal("-0.0"), None, "0"),
    (Decimal("1E+3"), None, "1.000"),
    (Decimal("0.000001"), None, "0,000001"),
    (7, None, "7"),
    (0.1, None, "0,1"),
    (None, None, ""),
])
def test_format_examples(value, places, text):
    assert format_vn_decimal(value, places) == text


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), float("nan"), True])
def test_format_refuses_what_is_not_a_finite_number(value):
    with pytest.raises(NumberFormatError):
        format_vn_decimal(value)


@given(stored)
def test_format_then_parse_is_identity_for_stored_decimals(value):
    text = format_vn_decimal(value)
    assert parse_vn_decimal(text, max_digits=24, decimal_places=6) == value
    assert "." not in text.split(",")[-1] or "," not in text  # the decimal part never has a group mark


@given(any_finite)
def test_format_then_parse_is_identity(value):
    assert parse_vn_decimal(format_vn_decimal(value)) == value


@given(stored, st.integers(min_value=0, max_value=6))
def test_fixed_places_round_trip(value, places):
    text = format_vn_decimal(value, places)
    assert parse_vn_decimal(text) == value.quantize(Decimal(1).scaleb(-places))
    if places:
        assert len(text.split(",")[1]) == places


@given(st.text(max_size=40))
def test_garbage_never_crashes(text):
    try:
        value = parse_vn_decimal(text)
    except NumberFormatError as exc:
        assert str(exc)
    else:
        assert isinstance(value, Decimal) and value.is_finite()


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_integers_group_by_thousands(n):
    text = format_vn_decimal(n)
    assert "," not in text
    assert text.replace(".", "").lstrip("-") == str(abs(n))
    assert all(len(group) == 3 for group in text.lstrip("-").split(".")[1:])
    assert parse_vn_decimal(text) == n


class TestFormField:
    def test_cleans_vietnamese_numbers(self):
        field = VNDecimalField(required=False)
        assert field.clean("1.234,5") == Decimal("1234.5")
        assert field.clean("") is None
        assert field.prepare_value(Decimal("1234.5")) == "1.234,5"
        assert field.prepare_value("1.234,5") == "1.234,5"

    def test_bad_text_is_a_vietnamese_field_error(self):
        from django import forms

        with pytest.raises(forms.ValidationError) as info:
            VNDecimalField().clean("12.34")
        assert "định dạng Việt Nam" in info.value.messages[0]
        with pytest.raises(forms.ValidationError) as info:
            VNDecimalField().clean("")
        assert info.value.messages == ["Chưa nhập số."]

    def test_limits(self):
        from django import forms

        field = VNDecimalField(max_digits=24, decimal_places=6, min_value=0, max_value=100)
        assert field.clean("100") == Decimal("100")
        for text, message in (("1,1234567", "6 chữ số"), ("-1", "nhỏ hơn 0"), ("100,5", "lớn hơn 100")):
            with pytest.raises(forms.ValidationError) as info:
                field.clean(text)
            assert message in info.value.messages[0]

    def test_in_a_form_nothing_is_guessed(self):
        from django import forms

        class F(forms.Form):
            value = VNDecimalField()

        form = F({"value": "1,234.5"})
        assert not form.is_valid()
        assert "value" in form.errors


class TestTemplateFilter:
    def render(self, value, arg=""):
        source = "{% load vn %}{{ value|vn_number" + (f":{arg}" if arg else "") + " }}"
        return Template(source).render(Context({"value": value}))

    def test_formats(self):
        assert self.render(Decimal("1234.5")) == "1.234,5"
        assert self.render(Decimal("1234.5"), "2") == "1.234,50"
        assert self.render(None) == ""
        assert self.render(15500) == "15.500"

    def test_never_breaks_a_page(self):
        assert self.render("không phải số") == "không phải số"
        assert self.render(Decimal("NaN")) == "NaN"
        assert self.render(Decimal("1"), "'x'") == "1"
