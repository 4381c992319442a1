"""A review report as a Party document: letterhead (number once issued, blank for a draft), type, subject, the
outline I-V with the figures tables, the signature and the recipients; the DOCX opened with python-docx (header
lines, fonts, signature block), the PDF text through pdftotext, the XLSX tables and the registry builder."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from docx import Document as Docx

from nghiquyet.documents.layout import Heading, Paragraph, Table
from nghiquyet.documents.registry import builder_for
from nghiquyet.documents.render_docx import render_docx
from nghiquyet.reviews import services
from nghiquyet.reviews.documents import report_document, report_tables
from tests.reviews.conftest import make_campaign, write

pytestmark = pytest.mark.django_db

RECIPIENTS = "- Ban Thường vụ Tỉnh ủy Hà Thanh (để báo cáo),\n- Lưu Văn phòng Đảng ủy."


@pytest.fixture
def submitted(demo, campaign):
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    services.review_report_save(actor=demo.xa, report=report, version=None, recipients=RECIPIENTS, texts={
        "results": "Kinh tế tăng trưởng khá.\n\nVăn hóa, xã hội có nhiều chuyển biến.",
        "limitations": "Thu ngân sách chưa bền vững.",
        "causes_subjective": "Công tác chỉ đạo có lúc chưa quyết liệt.",
        "causes_objective": "Thiên tai, dịch bệnh.",
        "lessons": "Phát huy vai trò người đứng đầu.",
        "solutions": "Tập trung chuyển đổi số.",
        "proposals": "Đề nghị tỉnh hỗ trợ kinh phí làm đường."})
    return services.review_report_submit(actor=demo.xa, report=report)


def _texts(blocks) -> list[str]:
    return [b.text for b in blocks if isinstance(b, Heading | Paragraph)]


def test_the_submitted_report_as_a_party_document(demo, submitted):
    document = report_document(submitted, user=demo.xa)
    head = document.letterhead
    assert head.issuer == "ĐẢNG ỦY XÃ ĐÔNG SƠN" and head.superior == "ĐẢNG BỘ TỈNH HÀ THANH"
    assert head.symbol == f"Số {submitted.issued.symbol}" and head.date == submitted.issued.issued_on
    assert head.place == "Đông Sơn"
    assert document.type_label == "BÁO CÁO" and document.subject == submitted.subject
    assert document.subject.startswith("Sơ kết giữa nhiệm kỳ thực hiện Nghị quyết số 01-NQ/ĐH")
    assert document.signature.on_behalf == "T/M BAN THƯỜNG VỤ" and document.signature.title == "BÍ THƯ"
    assert document.recipients == RECIPIENTS.split("\n")
    number = submitted.issued.symbol.lower().replace("/", "-").replace("đ", "d")
    assert document.file_stem == f"bao-cao-so-ket-giua-nhiem-ky-dong-son-{number}"
    blocks = list(document.blocks)
    headings = [b.text for b in blocks if isinstance(b, Heading) and b.level == 1]
    assert headings == ["I. Kết quả đạt được", "II. Hạn chế, yếu kém và nguyên nhân", "III. Bài học kinh nghiệm",
                        "IV. Nhiệm vụ, giải pháp thời gian tới", "V. Đề xuất, kiến nghị"]
    texts = _texts(blocks)
    assert "Văn hóa, xã hội có nhiều chuyển biến." in texts and "Công tác chỉ đạo có lúc chưa quyết liệt." in texts
    tables = [b for b in blocks if isinstance(b, Table)]
    assert tables[0].title.startswith("Bảng 1. Kết quả thực hiện các chỉ tiêu (số liệu Quý III/2026)")
    assert tables[0].columns[4] == "Kế hoạch năm 2026" and len(tables[0].rows) >= 10


def test_a_draft_has_a_blank_number_and_marks_unwritten_sections(demo, campaign):
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    document = report_document(report, user=demo.xa)
    assert document.letterhead.symbol == "Số     -BC/ĐU" and document.letterhead.date is None
    assert document.recipients[0].startswith("- Ban Thường vụ Tỉnh ủy")     # the default recipients
    assert "(Chưa soạn nội dung phần này.)" in _texts(document.blocks)


def test_adjusted_targets_are_marked_in_the_table(demo, campaign):
    report = services.review_report_open(actor=demo.tinh, campaign=campaign, unit=demo.province)
    table = report_tables(report, user=demo.tinh)[0]
    marked = [row for row in table.rows if str(row[1]).endswith("(*)")]
    assert marked and "điều chỉnh theo" in table.note
    assert table.columns[-1] == "Số đơn vị báo cáo"       # the province consolidates


def test_a_branch_signs_on_behalf_of_the_branch(demo, frozen):
    campaign = make_campaign(demo, actor=demo.xa, unit=demo.commune, deadlines={"branch": dt.date(2026, 12, 1)},
                             title="Sơ kết giữa nhiệm kỳ ở các chi bộ")
    report = services.review_report_open(actor=demo.chibo, campaign=campaign, unit=demo.branch)
    write(report, demo.chibo)
    report = services.review_report_submit(actor=demo.chibo, report=report)
    document = report_document(report, user=demo.chibo)
    assert document.signature.on_behalf == "T/M CHI BỘ"
    assert document.letterhead.symbol.endswith("-BC/CB")
    assert document.recipients[0].startswith("- Đảng ủy xã Đông Sơn")


def test_docx_header_fonts_and_signature(demo, submitted):
    out = io.BytesIO()
    render_docx(report_document(submitted, user=demo.xa), out)
    word = Docx(io.BytesIO(out.getvalue()))
    header = "\n".join(c.text for t in word.tables for row in t.rows for c in row.cells)
    for line in ("ĐẢNG BỘ TỈNH HÀ THANH", "ĐẢNG ỦY XÃ ĐÔNG SƠN", f"Số {submitted.issued.symbol}",
                 "ĐẢNG CỘNG SẢN VIỆT NAM", "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Nơi nhận"):
        assert line in header, line
    day = submitted.issued.issued_on
    assert f"Đông Sơn, ngày {day.day:02d} tháng {day.month} năm {day.year}" in header
    paragraphs = [p.text for p in word.paragraphs]
    assert "BÁO CÁO" in paragraphs and "I. KẾT QUẢ ĐẠT ĐƯỢC" in paragraphs
    assert "Đề nghị tỉnh hỗ trợ kinh phí làm đường." in paragraphs
    assert word.styles["Normal"].font.name == "Times New Roman"
    fonts = {run.font.name or word.styles["Normal"].font.name for p in word.paragraphs for run in p.runs
             if run.text.strip()}
    assert fonts == {"Times New Roman"}
    body = next(p for p in word.paragraphs if p.text == "Kinh tế tăng trưởng khá.")
    assert body.runs[0].font.size.pt == 14


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_pdf_text_keeps_the_vietnamese_diacritics(demo, submitted, client):
    from nghiquyet.documents.render_pdf import render_pdf

    out = io.BytesIO()
    render_pdf(report_document(submitted, user=demo.xa), out)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=out.getvalue(), capture_output=True,
                          check=True).stdout.decode()
    for phrase in ("ĐẢNG CỘNG SẢN VIỆT NAM", "BÁO CÁO", "ĐẢNG ỦY XÃ ĐÔNG SƠN", "Kinh tế tăng trưởng khá.",
                   "Công tác chỉ đạo có lúc chưa quyết liệt.", "Nguyên nhân chủ quan"):
        assert phrase in text, phrase


def test_the_registry_builder_respects_the_scope(demo, submitted):
    build = builder_for("review_report")
    built = build(submitted.pk, user=demo.xa)
    assert built.permitted and built.document.type_label == "BÁO CÁO"
    assert [t.title.split(".")[0] for t in built.tables] == ["Bảng 1", "Bảng 2", "Bảng 3", "Bảng 4"]
    refused = build(submitted.pk, user=demo.xa2)
    assert not refused.permitted and refused.document is None


def test_study_figures_read_in_the_vietnamese_number_format(demo, submitted):
    from decimal import Decimal

    from nghiquyet.reviews.documents import _study_text
    from nghiquyet.reviews.figures import ReportFigures, StudyFigures

    figures = ReportFigures(on=dt.date(2026, 9, 30), study=StudyFigures(
        available=True, resolution="01-NQ/ĐH", members=10485, studied=9054, percent=Decimal("86.35"),
        sessions_expected=1363, sessions_on_time=1200, sessions_late=100, sessions_missing=63,
        writeups_expected=9054, writeups_received=8804, writeups_overdue=250))
    text = _study_text(figures)
    assert "9.054/10.485 đảng viên" in text and "(86,4\u00a0%)" in text
    assert "1.300/1.363 đơn vị" in text and "8.804/9.054" in text


def test_tables_have_widths_for_the_page_and_period_labels_keep_their_capitals(demo, campaign):
    from nghiquyet.reviews import selectors

    xa_report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    write(xa_report, demo.xa)
    services.review_report_submit(actor=demo.xa, report=xa_report)
    report = services.review_report_open(actor=demo.tinh, campaign=campaign, unit=demo.province)
    tables = report_tables(report, user=demo.tinh)
    assert len(tables) == 5
    for table in tables:
        assert len(table.widths) == len(table.columns), table.title
        assert abs(sum(table.widths) - (210 - 30 - 15)) < 0.5, table.title      # A4 less the 30/15 mm margins
    status = tables[-1]
    assert status.widths[0] >= 11 and min(status.widths[2], status.widths[4]) >= 23 and status.widths[5] >= 25
    assert "(số liệu Quý " in tables[0].title
    document = report_document(report, user=demo.tinh)
    texts = _texts(document.blocks)
    assert any("số liệu đến hết Quý " in t for t in texts)
    assert selectors.report_figures(report, user=demo.tinh).period_label.startswith("Quý ")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_short_cells_do_not_break_in_the_pdf(demo, campaign):
    """Dates, symbols, numbers and "TT" stay on one line at 12 pt on A4 with 30/15 mm margins."""
    import re

    from nghiquyet.documents.render_pdf import render_pdf
    from nghiquyet.reviews import selectors

    for user, unit in ((demo.xa, demo.commune), (demo.xa2, demo.commune2)):
        submitted = services.review_report_open(actor=user, campaign=campaign, unit=unit)
        write(submitted, user)
        services.review_report_submit(actor=user, report=submitted)
    report = services.review_report_open(actor=demo.tinh, campaign=campaign, unit=demo.province)
    out = io.BytesIO()
    render_pdf(report_document(report, user=demo.tinh), out)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=out.getvalue(), capture_output=True,
                          check=True).stdout.decode()
    assert not re.search(r"\b\d{2}/\d{2}/\d{1,3}(?![\d/])", text)           # no "20/11/202" + "6"
    assert not re.search(r"^\s*T\s*$", text, re.MULTILINE)                  # no "T" / "T"
    cons = selectors.consolidation(report, user=demo.tinh)
    due = cons.status_rows().__next__().due.strftime("%d/%m/%Y")
    assert text.count(due) >= cons.expected
    for row in cons.status_rows():
        if row.symbol:
            assert row.symbol in text
    from nghiquyet.core.numbers import format_vn_decimal
    for target in cons.targets:
        for value in (target.baseline, target.milestone, target.actual, target.term_target):
            if value is not None and abs(value) < 100000:
                assert format_vn_decimal(round(value, 2)) in text, (target.name, value)
