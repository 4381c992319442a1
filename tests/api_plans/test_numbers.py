"""Numbers through the API round-trip exactly: what a response prints is read back as the same value."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from nghiquyet.api.plans import _Errors, _number
from nghiquyet.api.plans_schemas import decimal_text
from nghiquyet.core.numbers import format_vn_decimal

amounts = st.decimals(min_value=Decimal("-999999999999999999.999999"), max_value=Decimal("999999999999999999.999999"),
                      places=6, allow_nan=False, allow_infinity=False)


def read(value) -> Decimal:
    errors = _Errors()
    number = _number(value, "x", errors)
    assert not errors.messages, errors.messages
    return number


@given(amounts)
def test_decimal_text_reads_back_exactly(value):
    assert read(decimal_text(value)) == value


@given(amounts)
def test_vietnamese_text_reads_back_exactly(value):
    assert read(format_vn_decimal(value)) == value


@given(amounts)
def test_decimal_text_is_plain(value):
    text = decimal_text(value)
    assert "e" not in text.lower() and "," not in text
    assert Decimal(text) == value
