"""Letterhead rules: issuer codes, places, terms, symbols, names, signatures and recipients from the unit tree."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nghiquyet.accounts.models import Person
from nghiquyet.documents import letterhead
from nghiquyet.documents.letterhead import (
    default_recipients,
    issuer_code_of,
    letterhead_for,
    place_of,
    signature_for,
    symbol_text,
    term_of,
    vn_date_line,
)
from nghiquyet.org.models import Unit


def test_issuer_codes_by_kind(demo):
    assert issuer_code_of(demo.province) == "TU"
    assert issuer_code_of(demo.commune) == "ĐU"
    assert issuer_code_of(demo.branch) == "CB"


def test_places(demo):
    assert place_of(demo.province) == "Hà Thanh"
    assert place_of(demo.commune) == "Đông Sơn"
    assert place_of(demo.branch) == "Đông Sơn"  # a branch writes its commune's place
    assert place_of(demo.commune2) == "An Lạc"


def test_place_of_an_agency_is_its_province(demo):
    agency = Unit.objects.filter(kind="agency").first()
    assert place_of(agency) == "Hà Thanh"


def test_symbol_text():
    assert symbol_text(1, "BC", "ĐU") == "Số 01-BC/ĐU"
    assert symbol_text(12, "NQ", "TU") == "Số 12-NQ/TU"
    assert symbol_text(123, "CTr", "HU") == "Số 123-CTr/HU"
    assert symbol_text(None, "BC", "ĐU") == "Số     -BC/ĐU"


def test_term_from_the_anchor_year(db, demo, settings):
    branch = demo.branch
    assert term_of(branch, dt.date(2025, 1, 1)) == (2025, 2030)
    assert term_of(branch, dt.date(2026, 11, 25)) == (2025, 2030)
    assert term_of(branch, dt.date(2024, 12, 31)) == (2020, 2025)
    assert term_of(branch, dt.date(2030, 6, 1)) == (2030, 2035)
    settings.NGHIQUYET = {**settings.NGHIQUYET,
                          "DOCUMENTS": {**settings.NGHIQUYET["DOCUMENTS"], "TERM_YEARS": 3}}
    assert term_of(branch, dt.date(2029, 1, 1)) == (2028, 2031)


def test_term_on_record_wins(db, demo):
    from nghiquyet.resolutions.models import Term

    Term.objects.filter(unit=demo.branch).delete()
    Term.objects.create(unit=demo.branch, start_year=2027, end_year=2032)
    assert term_of(demo.branch, dt.date(2028, 3, 1)) == (2027, 2032)
    assert term_of(demo.branch, dt.date(2026, 3, 1)) == (2025, 2030)  # not covered: counted


@given(st.integers(min_value=1950, max_value=2150))
def test_counted_term_contains_the_year(year):
    from django.conf import settings

    conf = settings.NGHIQUYET["DOCUMENTS"]
    start = conf["TERM_ANCHOR_YEAR"] + ((year - conf["TERM_ANCHOR_YEAR"]) // conf["TERM_YEARS"]) * conf["TERM_YEARS"]
    assert start <= year < start + conf["TERM_YEARS"]
    assert (start - conf["TERM_ANCHOR_YEAR"]) % conf["TERM_YEARS"] == 0


def test_letterhead_of_a_commune(demo):
    head = letterhead_for(demo.commune, symbol="Số 03-BC/ĐU", date=dt.date(2026, 4, 20))
    assert head.superior == "ĐẢNG BỘ TỈNH HÀ THANH"
    assert head.issuer == "ĐẢNG ỦY XÃ ĐÔNG SƠN"
    assert head.place == "Đông Sơn"
    assert head.symbol == "Số 03-BC/ĐU"


def test_letterhead_of_a_province_and_a_branch(demo):
    head = letterhead_for(demo.province, symbol="Số 01-BC/TU", date=None)
    assert head.superior == ""
    assert head.issuer == "TỈNH ỦY HÀ THANH"
    branch = letterhead_for(demo.branch, symbol="Số 01-BC/CB", date=None)
    assert branch.superior == "ĐẢNG BỘ XÃ ĐÔNG SƠN"
    assert branch.issuer == letterhead.upper(demo.branch.name)
    assert branch.issuer.startswith("CHI BỘ ")


def test_issuer_names_are_settings(demo, settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "DOCUMENTS": {
        **settings.NGHIQUYET["DOCUMENTS"], "ISSUER_NAMES": {"province": "Thành ủy {place}", "default": "{committee}"}}}
    assert letterhead_for(demo.province, symbol="", date=None).issuer == "THÀNH ỦY HÀ THANH"


def test_signature_of_a_branch_is_its_secretary_account(demo):
    signature = signature_for(demo.branch)
    assert signature.on_behalf == "T/M CHI BỘ"
    assert signature.title == "BÍ THƯ"
    assert signature.name == Person.objects.get(user=demo.chibo).full_name == "Hoàng Văn Bình Minh"


def test_signature_of_a_commune_is_the_official_secretary(demo):
    signature = signature_for(demo.commune)
    assert signature.on_behalf == "T/M BAN THƯỜNG VỤ"
    expected = Person.objects.filter(unit=demo.commune, position__startswith="Bí thư").order_by("id").first()
    assert expected is not None
    assert signature.name == expected.full_name


def test_signature_without_a_secretary_leaves_the_space(demo):
    Person.objects.filter(unit=demo.commune2, position__startswith="Bí thư").update(position="Phó Bí thư")
    assert signature_for(demo.commune2).name == ""


@pytest.mark.parametrize("who", ["commune", "branch", "province"])
def test_default_recipients(demo, who):
    lines = default_recipients(getattr(demo, who))
    assert lines[-1].startswith("- Lưu ") and lines[-1].endswith(".")
    assert all(line.startswith("- ") for line in lines)
    if who == "commune":
        assert lines[0] == "- Ban Thường vụ Tỉnh ủy Hà Thanh (để báo cáo),"
    if who == "branch":
        assert lines[0] == "- Đảng ủy xã Đông Sơn (để báo cáo),"


def test_date_line():
    assert vn_date_line("Đông Sơn", dt.date(2023, 4, 20)) == "Đông Sơn, ngày 20 tháng 4 năm 2023"
    assert vn_date_line("Đông Sơn", dt.date(2026, 2, 5)) == "Đông Sơn, ngày 05 tháng 02 năm 2026"
    assert vn_date_line("Đông Sơn", None).startswith("Đông Sơn, ngày      tháng      năm ")


# ------------------------------------------------------------------ one rule for each helper


def test_symbol_of_is_the_resolutions_symbol():
    from nghiquyet.resolutions.symbols import Symbol, parse_symbol

    assert letterhead.symbol_of(5, "KH", "ĐU") == str(Symbol(5, "KH", "ĐU")) == "05-KH/ĐU"
    assert letterhead.symbol_of(123, "CTr", "TU") == "123-CTr/TU"
    assert parse_symbol(letterhead.symbol_of(7, "QĐ", "ĐU")) == Symbol(7, "QĐ", "ĐU")


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
    (dt.date(2026, 1, 31), "ngày 31 tháng 01 năm 2026"),
    (dt.date(2026, 7, 15), "ngày 15 tháng 7 năm 2026"),
    (dt.date(2026, 11, 25), "ngày 25 tháng 11 năm 2026"),
])
def test_briefing_date_line_follows_the_letterhead_rule(day, expected):
    from nghiquyet.briefings.templatetags.briefings_tags import vn_date_long

    assert vn_date_long(day) == expected == vn_date_line("", day)


def test_document_types_are_defined_once():
    from nghiquyet.documents import services, views
    from nghiquyet.resolutions import symbols

    assert services.document_types is symbols.document_types
    assert views.document_types is symbols.document_types
