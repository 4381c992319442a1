"""The tables of a document as an Excel workbook (openpyxl, write-only: rows stream to the file, so a table of
1,000 units takes little memory).

One sheet per ``Table``: its title as the sheet name (cut to 31 characters, without the characters Excel refuses,
made unique), the header row bold and frozen, numbers stored as numbers (``Decimal``/``int``) with a number format,
column widths from the table's relative widths (or its content), the note under the table.

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

from nghiquyet.documents.layout import Table
from nghiquyet.documents.text import is_formula_like, xml_text

_BAD = re.compile(r"[\[\]:*?/\\]")
SHEET_MAX = 31
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.##"


def sheet_name(title: str, taken: set[str], index: int) -> str:
    """A valid, unique sheet name for ``title`` (Excel: 1..31 characters, none of []:*?/\\, not quoted)."""
    base = _BAD.sub(" ", xml_text(title)).strip().strip("'").strip() or f"Bảng {index}"
    base = base[:SHEET_MAX].strip()
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: SHEET_MAX - len(suffix)].rstrip() + suffix
        n += 1
    taken.add(name.lower())
    return name


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal | float):
        return value
    return None


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
        sheet.freeze_panes = "A2"
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
                    cell.number_format = INTEGER_FORMAT if whole else DECIMAL_FORMAT
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
