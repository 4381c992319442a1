"""What a Party document is made of, independent of the file format (the contract between domain apps and the
renderers in ``documents/render_docx.py``, ``render_pdf.py`` and ``render_xlsx.py``).

A domain app (reviews, later ratings and awards) builds a ``PartyDocument``; a renderer writes it as DOCX, PDF or
XLSX (tables only). ``blocks`` may be a generator so a large consolidation is produced piece by piece; a
renderer calls ``progress(done, total)`` after each block when given one (``total`` is ``block_count`` or 0).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

Cell = str | int | Decimal | None


@dataclass
class Letterhead:
    superior: str            # "ĐẢNG BỘ TỈNH HÀ THANH" (upper-cased by the renderer); "" for the top level
    issuer: str              # "ĐẢNG ỦY XÃ ĐÔNG SƠN" / "BAN THƯỜNG VỤ TỈNH ỦY" / "CHI BỘ THÔN 1"
    symbol: str              # "Số 12-BC/ĐU"; a draft shows the blank number "Số     -BC/ĐU"
    place: str               # "Đông Sơn"
    date: dt.date | None     # None for a draft: "ngày   tháng   năm 2026"


@dataclass
class Heading:
    text: str
    level: int = 1           # 1: "I. ..." (bold caps), 2: "1. ..." (bold), 3: italic bold


@dataclass
class Paragraph:
    text: str                # plain text; never HTML
    italic: bool = False
    bold: bool = False


@dataclass
class Table:
    title: str               # caption above the table, also the sheet name in XLSX (cut to 31 characters)
    columns: list[str]
    rows: list[list[Cell]]
    numeric: list[bool] = field(default_factory=list)  # per column: right-aligned, number-formatted
    widths: list[float] = field(default_factory=list)  # relative widths (optional)
    note: str = ""           # italic line under the table (e.g. "(*) chỉ tiêu đã điều chỉnh theo ...")


Block = Heading | Paragraph | Table


@dataclass
class Signature:
    on_behalf: str           # "T/M BAN THƯỜNG VỤ" / "T/M CHI BỘ"
    title: str               # "BÍ THƯ" (or "PHÓ BÍ THƯ")
    name: str                # the signer's name; "" leaves the space


@dataclass
class PartyDocument:
    letterhead: Letterhead
    type_label: str          # "BÁO CÁO"
    subject: str             # "sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội ..."
    blocks: Iterable[Block]
    signature: Signature
    recipients: list[str]    # each line of "Nơi nhận:" ("- Ban Thường vụ Tỉnh ủy,", "- Lưu Văn phòng.")
    # Annexes (phụ lục) come after the signature block, from a new page, as in Party documents. May be a generator.
    annexes: Iterable[Block] = ()
    block_count: int = 0     # blocks + annex blocks, for progress when they are generators; 0 when unknown
    file_stem: str = "van-ban"  # ascii file name without extension, e.g. "bao-cao-12-BC-DU"


Progress = Callable[[int, int], None]
