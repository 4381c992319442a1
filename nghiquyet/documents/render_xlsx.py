"""The tables of a document as an Excel workbook (openpyxl, write-only: rows stream to the file, so a table of
1,000 units takes little memory).

One sheet per ``Table``: its title as the sheet name (cut at a word boundary to 31 characters, without the
characters Excel refuses, made unique). Each sheet starts with the workbook's title (the document: "Báo cáo sơ kết …
– ĐẢNG ỦY XÃ ĐÔNG SƠN – Số 01-BC/ĐU", ``workbook_title``), then the table's caption, then the header row in bold;
everything down to the header stays frozen when scrolling. Numbers are stored as numbers (``Decimal``/``int``, and
integer-looking texts such as "3" or "2026": TT, years) with a number format; column widths come from the table's
relative widths (or its content); the note goes under the table.

Texts (headers, labels, notes, the sheet names) go through ``documents.text``: characters XML refuses are dropped,
and a text a spreadsheet would run as a formula ("=HYPERLINK(...)", "+", "-", "@", tab, CR first) is stored as a
plain string marked as text (``quotePrefix``), never as a formula.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from nghiquyet.documents.layout import PartyDocument, Table
from nghiquyet.documents.text import is_formula_like, xml_text

_BAD = re.compile(r"[\[\]:*?/\\]")
SHEET_MAX = 31
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.##"
PLAIN_FORMAT = "0"


_INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,14})")


def cut_words(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary ("Bảng 1. Kết quả thực hiện các chỉ tiêu" →
    "Bảng 1. Kết quả thực hiện các"), or at ``limit`` when its first word alone is longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > 0 else text[:limit]
    return cut.rstrip(" .,;:-–(").strip() or text[:limit].strip()


def sheet_name(title: str, taken: set[str], index: int) -> str:
    """A valid, unique sheet name for ``title`` (Excel: 1..31 characters, none of []:*?/\\, not quoted), cut at a
    word boundary; a repeated name gets " (2)", " (3)"..."""
    base = " ".join(_BAD.sub(" ", xml_text(title)).split()).strip("'").strip() or f"Bảng {index}"
    name, n = cut_words(base, SHEET_MAX), 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = cut_words(base, SHEET_MAX - len(suffix)) + suffix
        n += 1
    taken.add(name.lower())
    return name


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal | float):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    return None


def workbook_title(document: PartyDocument) -> str:
    """The title row of every sheet: "Báo cáo sơ kết giữa nhiệm kỳ … – ĐẢNG ỦY XÃ ĐÔNG SƠN – Số 01-BC/ĐU" (the
    number only once issued; a draft's blank number is left out)."""
    from nghiquyet.documents.letterhead import BLANK_NUMBER

    type_label = (document.type_label or "").strip()
    head = type_label[:1].upper() + type_label[1:].lower()
    parts = [" ".join(p for p in (head, (document.subject or "").strip()) if p)]
    letterhead = document.letterhead
    if letterhead.issuer:
        parts.append(letterhead.issuer)
    if letterhead.symbol and BLANK_NUMBER not in letterhead.symbol:
        parts.append(letterhead.symbol)
    return " – ".join(p for p in parts if p)


def text_cell(sheet, value) -> WriteOnlyCell:
    """A cell holding ``value`` as text, never as a formula."""
    text = xml_text(value)
    cell = WriteOnlyCell(sheet, value=text)
    if is_formula_like(text):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def render_xlsx(tables: Iterable[Table], out: BinaryIO, *, title: str = "",
                progress: Callable[[int, int], None] | None = None) -> None:
    """Write ``tables`` as XLSX to the binary stream ``out``; ``progress(done, total)`` after each table."""
    tables = list(tables)
    workbook = Workbook(write_only=True)
    if title:
        workbook.properties.title = xml_text(title)[:250]
    taken: set[str] = set()
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    italic = Font(italic=True)
    big = Font(bold=True, size=13)
    if not tables:
        sheet = workbook.create_sheet(sheet_name(title or "Bảng", taken, 1))
        sheet.append([text_cell(sheet, title or "")])
    for index, table in enumerate(tables, start=1):
        sheet = workbook.create_sheet(sheet_name(table.title, taken, index))
        columns = len(table.columns)
        numeric = list(table.numeric) + [False] * (columns - len(table.numeric))
        widths = _widths(table, columns)
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        # Before the first row: a write-only sheet writes its view with it. The title, the caption and the header
        # stay in view.
        sheet.freeze_panes = f"A{int(bool(title)) + int(bool(table.title)) + 2}"
        if title:
            cell = text_cell(sheet, title)
            cell.font = big
            sheet.append([cell])
        if table.title:
            cell = text_cell(sheet, table.title)
            cell.font = bold
            sheet.append([cell])
        header = []
        for text in table.columns:
            cell = text_cell(sheet, text)
            cell.font, cell.alignment = bold, wrap
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            values = list(row)[:columns] + [None] * (columns - len(row))
            cells = []
            for value, is_number in zip(values, numeric, strict=False):
                number = _number(value)
                if number is not None:
                    cell = WriteOnlyCell(sheet, value=number)
                    whole = isinstance(number, int) or (isinstance(number, Decimal) and number == number.to_integral())
                    # A whole number in a text column (TT, a year) is shown as typed: 2026, not 2.026.
                    cell.number_format = (INTEGER_FORMAT if is_number else PLAIN_FORMAT) if whole else DECIMAL_FORMAT
                else:
                    cell = WriteOnlyCell(sheet, value=None) if value is None else text_cell(sheet, value)
                    if is_number:
                        cell.alignment = Alignment(horizontal="right")
                cells.append(cell)
            sheet.append(cells)
        if table.note:
            sheet.append([])
            note = text_cell(sheet, table.note)
            note.font = italic
            sheet.append([note])
        if progress is not None:
            progress(index, len(tables))
    workbook.save(out)


def _widths(table: Table, columns: int) -> list[float]:
    """Excel column widths (characters): from the relative widths when given, else from the header and the first
    rows' content, between 6 and 60."""
    if len(table.widths) == columns and sum(table.widths) > 0:
        total = sum(table.widths)
        return [max(6.0, min(60.0, 100 * w / total)) for w in table.widths]
    widths = [len(str(c)) + 2 for c in table.columns]
    for row in table.rows[:200]:
        for i, value in enumerate(list(row)[:columns]):
            widths[i] = max(widths[i], len(str(value if value is not None else "")) + 2)
    return [float(max(6, min(60, w))) for w in widths]
