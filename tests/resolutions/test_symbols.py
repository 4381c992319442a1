"""Document symbols "58-NQ/TW": number, type code (a setting), issuer code; garbage is refused, never crashes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nghiquyet.resolutions.models import Document
from nghiquyet.resolutions.symbols import Symbol, SymbolError, parse_symbol, symbol_clean

TYPES = ["NQ", "CT", "KL", "KH", "CTr", "BC", "QĐ"]
issuers = st.from_regex(r"[A-ZĐ][A-ZĐ0-9]{0,6}(-[A-ZĐ0-9]{1,4})?", fullmatch=True).filter(lambda s: len(s) <= 20)
symbols = st.builds(Symbol, number=st.integers(min_value=1, max_value=99999), type_code=st.sampled_from(TYPES),
                    issuer_code=issuers)


@pytest.mark.parametrize(("text", "number", "type_code", "issuer"), [
    ("58-NQ/TW", 58, "NQ", "TW"),
    ("01-CTr/ĐU", 1, "CTr", "ĐU"),
    ("12-BC/ĐU", 12, "BC", "ĐU"),
    ("05-KH/TU", 5, "KH", "TU"),
    ("36-HD/VPTW", 36, "HD", "VPTW"),
    ("124-QĐ/TW", 124, "QĐ", "TW"),
    ("50-CT/TW", 50, "CT", "TW"),
    ("3-KL/BCSĐ", 3, "KL", "BCSĐ"),
    ("07-NQ/ĐU-UBKT", 7, "NQ", "ĐU-UBKT"),
    ("  58 - NQ / TW  ", 58, "NQ", "TW"),       # blanks around the marks
    ("Số 12-BC/ĐU", 12, "BC", "ĐU"),            # as printed in the header
    ("058-nq/tw", 58, "NQ", "TW"),              # case and leading zeros
    ("01-ctr/đu", 1, "CTr", "ĐU"),
    ("01-CTr/\u0110U", 1, "CTr", "ĐU"),
    ("01-CTr/D\u0309U".replace("D\u0309", "Đ"), 1, "CTr", "ĐU"),
])
def test_valid_symbols(text, number, type_code, issuer):
    symbol = parse_symbol(text)
    assert (symbol.number, symbol.type_code, symbol.issuer_code) == (number, type_code, issuer)
    assert str(symbol) == f"{number:02d}-{type_code}/{issuer}"


@pytest.mark.parametrize(("text", "fragment"), [
    ("", "Nhập số, ký hiệu"),
    (None, "Nhập số, ký hiệu"),
    ("58", "không đúng dạng"),
    ("NQ/TW", "không đúng dạng"),
    ("58-NQ", "không đúng dạng"),
    ("58/NQ-TW", "không đúng dạng"),
    ("Số: 58-NQ/TW", "không đúng dạng"),   # no colon
    ("58-NQ/TW:", "không đúng dạng"),
    ("58-XY/TW", "Loại văn bản “XY” không hợp lệ"),
    ("58-NQ/tw1-", "không đúng dạng"),
    ("0-NQ/TW", "bắt đầu từ 01"),
    ("100000-NQ/TW", "quá lớn"),
    ("1-NQ/" + "A" * 21, "quá dài"),
    ("٥٨-NQ/TW", "không đúng dạng"),       # Arabic-Indic digits
    ("５８-NQ/TW", "không đúng dạng"),      # full-width digits
    ("58–NQ/TW", "không đúng dạng"),       # en dash
    ("58-NQ/TW/TU", "không đúng dạng"),
    ("58-N Q/TW", "không đúng dạng"),
    ("1-ß/TW", "không đúng dạng"),
])
def test_malformed_symbols_are_refused_with_a_vietnamese_reason(text, fragment):
    with pytest.raises(SymbolError) as info:
        parse_symbol(text)
    assert fragment in str(info.value)
    with pytest.raises(ValidationError) as info:
        symbol_clean(text)
    assert fragment in info.value.message_dict["symbol"][0]


def test_non_text_is_refused():
    for value in (58, 5.8, ["58-NQ/TW"], b"58-NQ/TW"):
        with pytest.raises(SymbolError):
            parse_symbol(value)


def test_types_are_a_setting(settings):
    assert parse_symbol("01-TB/ĐU").type_code == "TB"
    settings.NGHIQUYET = {**settings.NGHIQUYET, "DOCUMENT_TYPES": {"NQ": "Nghị quyết", "XYZ": "Mới"}}
    assert parse_symbol("01-XYZ/ĐU").type_code == "XYZ"
    with pytest.raises(SymbolError, match="dùng một trong: NQ, XYZ"):
        parse_symbol("01-TB/ĐU")


def test_symbol_clean_restricts_types():
    assert str(symbol_clean("3-KH/ĐU", types=("CTr", "KH"))) == "03-KH/ĐU"
    with pytest.raises(ValidationError) as info:
        symbol_clean("3-NQ/ĐU", field="program_symbol", types=("CTr", "KH"))
    assert "CTr, KH" in info.value.message_dict["program_symbol"][0]


@given(symbols)
def test_round_trip_of_valid_symbols(symbol):
    text = str(symbol)
    assert parse_symbol(text) == symbol
    assert str(parse_symbol(text)) == text
    assert len(text) <= Document._meta.get_field("symbol").max_length


@given(symbols, st.sampled_from(["", " ", "  "]), st.booleans())
def test_lenient_spellings_parse_to_the_same_symbol(symbol, blank, lower):
    text = f"{symbol.number:05d}{blank}-{blank}{symbol.type_code}{blank}/{blank}{symbol.issuer_code}"
    if lower:
        text = text.lower()
    assert parse_symbol(text) == symbol


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_random_garbage_never_crashes(text):
    try:
        symbol = parse_symbol(text)
    except SymbolError as exc:
        assert str(exc)
        with pytest.raises(ValidationError):
            symbol_clean(text)
    else:
        assert parse_symbol(str(symbol)) == symbol


@settings(max_examples=200)
@given(st.from_regex(r"[0-9]{0,3}[-/ ]{0,2}[A-Za-zĐđ]{0,4}[-/ ]{0,2}[A-ZĐa-z0-9-]{0,8}", fullmatch=True))
def test_near_misses_never_crash(text):
    try:
        symbol = parse_symbol(text)
    except SymbolError:
        return
    assert 1 <= symbol.number <= 99999
    assert symbol.type_code in TYPES + ["HD", "TB", "CV", "QĐi"]


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=30).filter(lambda t: t.strip()))
def test_garbage_through_the_service_is_a_field_error_and_saves_nothing(demo_units, text):
    """Nothing is saved on refusal, so sharing the fixture between examples is safe."""
    from nghiquyet.resolutions.services import document_create

    try:
        parse_symbol(text)
    except SymbolError:
        pass
    else:
        return
    before = Document.objects.count()
    with pytest.raises(ValidationError) as info:
        document_create(actor=None, unit=demo_units, symbol=text, issued_on=dt.date(2025, 10, 1), title="Thử")
    assert "symbol" in info.value.message_dict
    assert Document.objects.count() == before


@pytest.fixture
def demo_units(demo):
    return demo.commune
