"""A ``PartyDocument`` as a Word file (python-docx), in the layout of Hướng dẫn 36-HD/VPTW.

* A4 (210 x 297 mm), margins ``MARGINS_MM``; default font ``FONT`` (Times New Roman) set for every script slot
  (w:ascii, w:hAnsi, w:eastAsia, w:cs) so Word uses it for Vietnamese too; sizes from ``SIZES`` (pt).
* Header: a borderless two-column table. Left, centred: the superior organization (caps, 14pt), the issuing
  organization (caps, bold, 14pt), "*", the symbol ("Số 12-BC/ĐU"). Right, centred: "ĐẢNG CỘNG SẢN VIỆT NAM" (caps,
  bold, 15pt) with its rule drawn as a single underline of that run, then the place and date in italics.
* The type label (bold caps, 16pt) and the subject (bold) centred, a "-----" separator, the body: headings (level
  1 bold caps, 2 bold, 3 bold italic), justified paragraphs with a first-line indent, tables (caption, header row
  bold and repeated on each page, numeric columns right-aligned in the Vietnamese format "1.234,5").
* Closing: a borderless two-column table, "Nơi nhận:" (12pt, bold italic or bold underlined as
  ``RECIPIENTS_LABEL_STYLE`` says) and its lines (11pt) on the left, the
  signature block (on behalf, title, space to sign, name) on the right. Page numbers centred in the top margin,
  from page 2 on.

Every text goes through ``documents.text.xml_text`` (``cell_text`` and ``_Writer.para``): control characters that
Word's XML refuses are dropped instead of failing the whole file.

Table rows are written as raw WordprocessingML (python-docx's ``add_row`` re-walks the table for every cell), so a
consolidation of 1,000 units stays fast; ``progress(done, total)`` is called after each block.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import BinaryIO

from django.conf import settings
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from nghiquyet.core.numbers import format_vn_decimal
from nghiquyet.documents.layout import Heading, Paragraph, PartyDocument, Table
from nghiquyet.documents.letterhead import upper, vn_date_line
from nghiquyet.documents.text import xml_text

PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
RECIPIENTS_LABEL = "Nơi nhận:"
SEPARATOR = "-----"
TWIPS_PER_MM = 56.6929


def conf() -> dict:
    return settings.NGHIQUYET["DOCUMENTS"]


#: "Nơi nhận:" label styles (``RECIPIENTS_LABEL_STYLE``): bold italic (the default) or bold underlined.
RECIPIENTS_LABEL_STYLES = ("bold_italic", "bold_underline")


def recipients_label_style() -> str:
    style = conf().get("RECIPIENTS_LABEL_STYLE", "bold_italic")
    return style if style in RECIPIENTS_LABEL_STYLES else "bold_italic"


#: Decimals printed in a table cell at most (a ratio computed as 2,876173 prints 2,88); XLSX keeps the full value.
CELL_DECIMALS = 2


def cell_text(value) -> str:
    """A table cell as printed: numbers in the Vietnamese format (at most ``CELL_DECIMALS`` decimals), None as
    empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, int | Decimal | float):
        try:
            number = value if isinstance(value, int) else Decimal(str(value))
            if isinstance(number, Decimal) and number.is_finite() and -number.as_tuple().exponent > CELL_DECIMALS:
                number = number.quantize(Decimal(1).scaleb(-CELL_DECIMALS))
            return format_vn_decimal(number)
        except (ValueError, ArithmeticError):
            return xml_text(value)
    return xml_text(value)


def _set_fonts(rpr, font: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), font)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _fixed_widths(table, widths_mm: list[float]) -> None:
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=False):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


class _Writer:
    def __init__(self, doc: PartyDocument, progress: Callable[[int, int], None] | None):
        self.doc = doc
        self.progress = progress
        self.conf = conf()
        self.sizes = self.conf["SIZES"]
        self.font = self.conf["FONT"]
        margins = self.conf["MARGINS_MM"]
        self.text_width_mm = 210 - margins["left"] - margins["right"]
        self.word = Document()

    # -------------------------------------------------------------- page and styles

    def setup(self) -> None:
        section = self.word.sections[0]
        margins = self.conf["MARGINS_MM"]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
        section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
        section.header_distance = Mm(max(1, min(10, margins["top"] // 2)))
        section.footer_distance = Mm(max(1, min(10, margins["bottom"] // 2)))
        for style_name in ("Normal", "Table Grid"):
            style = self.word.styles[style_name]
            style.font.name = self.font
            _set_fonts(style.element.get_or_add_rPr(), self.font)
        normal = self.word.styles["Normal"]
        normal.font.size = Pt(self.sizes["body"])
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        # The document defaults too (tables, footers and anything not based on Normal).
        defaults = self.word.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(qn("w:rPrDefault"))
            if rpr is not None and rpr.find(qn("w:rPr")) is not None:
                _set_fonts(rpr.find(qn("w:rPr")), self.font)
        self.word.core_properties.title = xml_text(f"{self.doc.type_label} {self.doc.subject}")[:250]
        self.word.core_properties.author = xml_text(self.doc.letterhead.issuer)[:250]
        self._page_numbers(section)

    def _page_numbers(self, section) -> None:
        """Page numbers centred in the top margin from page 2 on (the first page has none)."""
        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run()
        run.font.size = Pt(self.sizes["body"])
        for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._r.append(element)

    # -------------------------------------------------------------- paragraphs

    def para(self, container, text: str, *, size: int, bold: bool = False, italic: bool = False,
             align=WD_ALIGN_PARAGRAPH.CENTER, underline: bool = False, before: float = 0, after: float = 0,
             first_line_mm: float | None = None, reuse_first: bool = False):
        if reuse_first and container.paragraphs and not container.paragraphs[0].text:
            paragraph = container.paragraphs[0]
        else:
            paragraph = container.add_paragraph()
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        if first_line_mm is not None:
            fmt.first_line_indent = Mm(first_line_mm)
        run = paragraph.add_run(xml_text(text))
        run.font.size = Pt(size)
        run.bold = bold or None
        run.italic = italic or None
        if underline:
            run.underline = True
        return paragraph

    def header(self) -> None:
        head = self.doc.letterhead
        table = self.word.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _no_borders(table)
        left_mm = round(self.text_width_mm * 0.44, 1)
        _fixed_widths(table, [left_mm, self.text_width_mm - left_mm])
        left, right = table.rows[0].cells
        first = True
        if head.superior:
            self.para(left, upper(head.superior), size=self.sizes["superior"], reuse_first=True)
            first = False
        self.para(left, upper(head.issuer), size=self.sizes["issuer"], bold=True, reuse_first=first)
        self.para(left, "*", size=self.sizes["issuer"])
        self.para(left, head.symbol, size=self.sizes["issuer"])
        self.para(right, PARTY_NAME, size=self.sizes["party"], bold=True, underline=True, reuse_first=True)
        self.para(right, vn_date_line(head.place, head.date), size=self.sizes["body"], italic=True, before=6)

    def title(self) -> None:
        self.para(self.word, upper(self.doc.type_label), size=self.sizes["type"], bold=True, before=18)
        if self.doc.subject:
            self.para(self.word, self.doc.subject, size=self.sizes["subject"], bold=True)
        self.para(self.word, SEPARATOR, size=self.sizes["subject"], after=12)

    def heading(self, block: Heading) -> None:
        level = max(1, min(3, block.level))
        text = upper(block.text) if level == 1 else block.text
        self.para(self.word, text, size=self.sizes["body"], bold=True, italic=level == 3,
                  align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6, after=3, first_line_mm=10)

    def paragraph(self, block: Paragraph) -> None:
        for line in (block.text or "").split("\n"):
            self.para(self.word, line, size=self.sizes["body"], bold=block.bold, italic=block.italic,
                      align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, first_line_mm=10)

    # -------------------------------------------------------------- tables

    def table(self, block: Table) -> None:
        if block.title:
            self.para(self.word, block.title, size=self.sizes["body"], bold=True, before=6, after=3)
        columns = len(block.columns)
        if not columns:
            return
        numeric = list(block.numeric) + [False] * (columns - len(block.numeric))
        weights = list(block.widths) if len(block.widths) == columns and sum(block.widths) > 0 else [1] * columns
        widths_mm = [self.text_width_mm * w / sum(weights) for w in weights]
        table = self.word.add_table(rows=0, cols=columns)
        table.style = self.word.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        tbl_pr = table._tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tbl_pr.append(layout)
        grid = table._tbl.tblGrid
        for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=False):
            col.set(qn("w:w"), str(int(width * TWIPS_PER_MM)))
        size = self.sizes["table"]
        tbl = table._tbl
        tbl.append(self._row(block.columns, widths_mm, numeric=[False] * columns, bold=True, size=size, header=True))
        for row in block.rows:
            cells = [cell_text(v) for v in list(row)[:columns]] + [""] * (columns - len(row))
            tbl.append(self._row(cells, widths_mm, numeric=numeric, bold=False, size=size, header=False))
        if block.note:
            self.para(self.word, block.note, size=size, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=3)
        self.para(self.word, "", size=size)

    def _row(self, texts: list[str], widths_mm: list[float], *, numeric: list[bool], bold: bool, size: int,
             header: bool):
        tr = OxmlElement("w:tr")
        if header:
            tr_pr = OxmlElement("w:trPr")
            repeat = OxmlElement("w:tblHeader")
            tr_pr.append(repeat)
            tr.append(tr_pr)
        half_points = str(int(size * 2))
        for text, width, is_number in zip(texts, widths_mm, numeric, strict=False):
            tc = OxmlElement("w:tc")
            tc_pr = OxmlElement("w:tcPr")
            tc_w = OxmlElement("w:tcW")
            tc_w.set(qn("w:w"), str(int(width * TWIPS_PER_MM)))
            tc_w.set(qn("w:type"), "dxa")
            tc_pr.append(tc_w)
            tc.append(tc_pr)
            p = OxmlElement("w:p")
            p_pr = OxmlElement("w:pPr")
            jc = OxmlElement("w:jc")
            jc.set(qn("w:val"), "center" if header else ("right" if is_number else "left"))
            p_pr.append(jc)
            p.append(p_pr)
            r = OxmlElement("w:r")
            r_pr = OxmlElement("w:rPr")
            if bold:
                r_pr.append(OxmlElement("w:b"))
            for tag in ("w:sz", "w:szCs"):
                element = OxmlElement(tag)
                element.set(qn("w:val"), half_points)
                r_pr.append(element)
            r.append(r_pr)
            t = OxmlElement("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = xml_text(text)
            r.append(t)
            p.append(r)
            tc.append(p)
            tr.append(tc)
        return tr

    # -------------------------------------------------------------- closing

    def closing(self) -> None:
        self.para(self.word, "", size=self.sizes["body"])
        table = self.word.add_table(rows=1, cols=2)
        _no_borders(table)
        left_mm = round(self.text_width_mm * 0.45, 1)
        _fixed_widths(table, [left_mm, self.text_width_mm - left_mm])
        left, right = table.rows[0].cells
        underlined = recipients_label_style() == "bold_underline"
        self.para(left, RECIPIENTS_LABEL, size=self.sizes["recipients"], bold=True, italic=not underlined,
                  underline=underlined, align=WD_ALIGN_PARAGRAPH.LEFT, reuse_first=True)
        for line in self.doc.recipients:
            self.para(left, line, size=max(6, self.sizes["recipients"] - 1), align=WD_ALIGN_PARAGRAPH.LEFT)
        signature = self.doc.signature
        self.para(right, upper(signature.on_behalf), size=self.sizes["body"], bold=True, reuse_first=True)
        self.para(right, upper(signature.title), size=self.sizes["body"], bold=True)
        for _ in range(4):
            self.para(right, "", size=self.sizes["body"])
        self.para(right, signature.name, size=self.sizes["body"], bold=True)

    # -------------------------------------------------------------- all

    def write(self, out: BinaryIO) -> None:
        self.setup()
        self.header()
        self.title()
        done = self.blocks(self.doc.blocks, 0)
        self.closing()
        first_annex = True
        for block in self.doc.annexes:
            if first_annex:
                self.word.add_page_break()
                first_annex = False
            done = self.blocks((block,), done)
        self.word.save(out)

    def blocks(self, blocks, done: int) -> int:
        total = self.doc.block_count
        for block in blocks:
            if isinstance(block, Heading):
                self.heading(block)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Paragraph):
                self.paragraph(block)
            done += 1
            if self.progress is not None:
                self.progress(done, total)
        return done


def render_docx(doc: PartyDocument, out: BinaryIO, *, progress: Callable[[int, int], None] | None = None) -> None:
    """Write ``doc`` as DOCX to the binary stream ``out``."""
    _Writer(doc, progress).write(out)
