"""A ``PartyDocument`` as PDF (WeasyPrint, from ``documents/party_document.html``), in the same layout as the DOCX:
A4 with the ``MARGINS_MM`` settings, ``FONT`` (Times New Roman) then ``FALLBACK_FONT`` (Liberation Serif from
fonts-liberation2, metric-compatible) then serif; the header block of Hướng dẫn 36-HD/VPTW, the body, tables whose
header row repeats on every page, the recipients and the signature block, the page number centred at the top
from page 2 on.

WeasyPrint lays a document out in one go, so it cannot be fed in chunks: the blocks are turned into plain values
first (``progress`` runs over that half), then the whole is laid out and written (the second half). The benchmark
``bench/bench_documents.py`` measures a 1,000-unit consolidation.

The HTML is passed through ``documents.text.xml_text`` once laid out as a string (control characters dropped, as
in the DOCX and XLSX); the "Nơi nhận:" label follows ``RECIPIENTS_LABEL_STYLE`` as in the DOCX.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from django.conf import settings
from django.template.loader import render_to_string

from nghiquyet.documents.layout import Heading, Paragraph, PartyDocument, Table
from nghiquyet.documents.letterhead import upper, vn_date_line
from nghiquyet.documents.render_docx import PARTY_NAME, RECIPIENTS_LABEL, SEPARATOR, cell_text, recipients_label_style
from nghiquyet.documents.text import xml_text


def _block(block) -> dict | None:
    if isinstance(block, Heading):
        level = max(1, min(3, block.level))
        return {"kind": "heading", "level": level, "text": upper(block.text) if level == 1 else block.text}
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "lines": (block.text or "").split("\n"), "bold": block.bold,
                "italic": block.italic}
    if isinstance(block, Table):
        columns = len(block.columns)
        numeric = list(block.numeric) + [False] * (columns - len(block.numeric))
        weights = list(block.widths) if len(block.widths) == columns and sum(block.widths) > 0 else [1] * columns
        total = sum(weights) or 1
        rows = [
            [(cell_text(v), numeric[i]) for i, v in enumerate(list(row)[:columns] + [None] * (columns - len(row)))]
            for row in block.rows
        ]
        return {"kind": "table", "title": block.title, "columns": block.columns, "rows": rows, "note": block.note,
                "widths": [f"{100 * w / total:.2f}" for w in weights]}
    return None


def render_html(doc: PartyDocument, *, progress: Callable[[int, int], None] | None = None) -> str:
    conf = settings.NGHIQUYET["DOCUMENTS"]
    total = doc.block_count
    blocks: list[dict] = []
    annexes: list[dict] = []
    done = 0
    for target, source in ((blocks, doc.blocks), (annexes, doc.annexes)):
        for block in source:
            value = _block(block)
            if value is not None:
                target.append(value)
            done += 1
            if progress is not None:
                progress(done, 2 * total)
    head = doc.letterhead
    html = render_to_string("documents/party_document.html", {
        "doc": doc, "blocks": blocks, "annexes": annexes,
        "superior": upper(head.superior), "issuer": upper(head.issuer),
        "symbol": head.symbol, "date_line": vn_date_line(head.place, head.date), "party": PARTY_NAME,
        "type_label": upper(doc.type_label), "subject": doc.subject, "separator": SEPARATOR,
        "recipients_label": RECIPIENTS_LABEL, "recipients_label_style": recipients_label_style(),
        "recipients": doc.recipients,
        "on_behalf": upper(doc.signature.on_behalf), "signer_title": upper(doc.signature.title),
        "signer_name": doc.signature.name, "font": conf["FONT"], "fallback_font": conf["FALLBACK_FONT"],
        "sizes": conf["SIZES"], "margins": conf["MARGINS_MM"],
    })
    return xml_text(html), len(blocks) + len(annexes)


def render_pdf(doc: PartyDocument, out: BinaryIO, *, progress: Callable[[int, int], None] | None = None) -> None:
    """Write ``doc`` as PDF to the binary stream ``out``."""
    from weasyprint import HTML

    html, count = render_html(doc, progress=progress)
    HTML(string=html).write_pdf(out)
    if progress is not None:
        total = 2 * max(doc.block_count, count, 1)
        progress(total, total)
