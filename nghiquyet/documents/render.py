"""One entry point for writing a document in any format: the pages, the API and the worker all go through
``render_file`` so a format is handled (and titled, named, typed) the same way everywhere."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation

from nghiquyet.core.files import safe_download_headers
from nghiquyet.documents.layout import PartyDocument, Progress, Table

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def party_language():
    """Party documents are Vietnamese whatever the reader's interface language: build and render them inside this
    (the blocks may be generators, made while rendering)."""
    return translation.override(settings.LANGUAGE_CODE)


def render_file(document: PartyDocument, tables: Iterable[Table], fmt: str, out: BinaryIO, *,
                progress: Progress | None = None) -> None:
    """Write ``document`` as DOCX or PDF, or its ``tables`` as XLSX (every sheet titled by the document)."""
    if fmt == "docx":
        from nghiquyet.documents.render_docx import render_docx

        render_docx(document, out, progress=progress)
    elif fmt == "pdf":
        from nghiquyet.documents.render_pdf import render_pdf

        render_pdf(document, out, progress=progress)
    elif fmt == "xlsx":
        from nghiquyet.documents.render_xlsx import render_xlsx, workbook_title

        render_xlsx(tables, out, title=workbook_title(document), progress=progress)
    else:
        raise ValueError(f"unknown document format {fmt!r}")


def file_name(document: PartyDocument, fmt: str) -> str:
    return f"{document.file_stem or 'van-ban'}.{fmt}"


def download_response(content: bytes, document: PartyDocument, fmt: str) -> HttpResponse:
    """An attachment response (the stem is ASCII ``[a-z0-9-]``, so the header needs no quoting rules)."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{file_name(document, fmt)}"'
    return safe_download_headers(response)
