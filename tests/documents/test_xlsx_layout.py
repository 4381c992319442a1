"""XLSX after the UX review: every sheet opens with the document's title above the table's caption and header (all
frozen), sheet names are cut at a word boundary, TT and years stay numbers."""

from __future__ import annotations

import io

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from nghiquyet.documents.layout import Table
from nghiquyet.documents.render_xlsx import cut_words, render_xlsx, sheet_name, workbook_title

from .conftest import sample_document


def test_workbook_title_names_the_document():
    assert workbook_title(sample_document()) == (
        "Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ xã – Đảng ủy xã Đông Sơn – Số 01-BC/ĐU")
    draft = sample_document(symbol="Số     -BC/ĐU", date=None)
    assert workbook_title(draft).endswith("– Đảng ủy xã Đông Sơn")   # a draft's blank number is left out


def test_every_sheet_opens_with_the_title_caption_and_frozen_header():
    document = sample_document()
    tables = [block for block in document.blocks if isinstance(block, Table)] + [
        Table(title="Bảng 2. Công tác kiểm tra, giám sát", columns=["Năm", "Số cuộc"], rows=[["2026", 4], [2025, 3]],
              numeric=[False, True])]
    out = io.BytesIO()
    render_xlsx(tables, out, title=workbook_title(document))
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["Bảng 1. Kết quả thực hiện chỉ", "Bảng 2. Công tác kiểm tra, giám"]
    for sheet in book.worksheets:
        assert sheet["A1"].value == workbook_title(document) and sheet["A1"].font.bold
        assert sheet["A2"].value.startswith("Bảng ") and sheet["A2"].font.bold
        assert sheet.freeze_panes == "A4"
    first, second = book.worksheets
    assert [c.value for c in first[3]] == ["TT", "Đơn vị", "Giá trị", "Tỷ lệ (%)"]
    assert first["A4"].value == 1 and first["A4"].data_type == "n"
    # a year passed as text is stored as a number, shown as typed (no thousands separator)
    assert second["A4"].value == 2026 and second["A4"].number_format == "0"
    assert second["A5"].value == 2025 and second["A5"].number_format == "0"
    assert second["B4"].value == 4 and second["B4"].number_format == "#,##0"


def test_sheet_names_cut_at_a_word_and_stay_unique():
    taken: set[str] = set()
    title = "Bảng 1. Kết quả thực hiện các chỉ tiêu (số liệu năm 2026)"
    names = [sheet_name(title, taken, i) for i in range(1, 13)]
    assert names[0] == "Bảng 1. Kết quả thực hiện các"
    assert names[1] == "Bảng 1. Kết quả thực hiện (2)" and names[11] == "Bảng 1. Kết quả thực hiện (12)"
    assert len({n.lower() for n in names}) == 12 and all(len(n) <= 31 for n in names)
    assert sheet_name("Tổnghợpkếtquảthựchiệncácchỉtiêucủacácđảngbộ", set(), 1) == \
        "Tổnghợpkếtquảthựchiệncácchỉtiêucủacácđảngbộ"[:31]       # one long word is cut where it must


@given(st.text(max_size=80), st.integers(min_value=8, max_value=31))
def test_cut_words_never_exceeds_the_limit(text, limit):
    cut = cut_words(text, limit)
    assert len(cut) <= limit
    assert " ".join(text.split()).startswith(cut) or not cut.strip()


def test_integer_looking_texts_become_numbers_but_codes_stay_text():
    table = Table(title="Bảng", columns=["TT", "Ký hiệu", "Mã"], rows=[["3", "01-BC/ĐU", "007"]])
    out = io.BytesIO()
    render_xlsx([table], out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    assert sheet["A3"].value == 3 and sheet["B3"].value == "01-BC/ĐU" and sheet["C3"].value == "007"


def test_the_review_reports_tables_keep_tt_as_numbers(demo):
    """The review report builder (nghiquyet.reviews.documents) renders its TT column as numbers."""
    from nghiquyet.documents.services import system_user
    from nghiquyet.reviews.documents import report_tables
    from nghiquyet.reviews.models import ReviewReport

    report = ReviewReport.objects.filter(unit=demo.commune).first()
    tables = [t for t in report_tables(report, user=system_user()) if t.rows and t.columns[0] == "TT"]
    assert tables
    out = io.BytesIO()
    render_xlsx(tables, out, title="Báo cáo")
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    for sheet in book.worksheets:
        assert sheet["A3"].value == "TT"
        assert isinstance(sheet["A4"].value, int), (sheet.title, sheet["A4"].value)
