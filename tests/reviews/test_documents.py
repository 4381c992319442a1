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
    assert document.file_stem == "bao-cao-" + submitted.issued.symbol.lower().replace("/", "-").replace("đ", "d")
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
