"""Register entries made in the app whose file is missing (a review report issued while no worker ran): rendered on
the first download and kept; ``nghiquyet documents_fill_files`` renders all of them as the system."""

from __future__ import annotations

import datetime as dt
import io
from io import StringIO

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse

from nghiquyet.documents import registry
from nghiquyet.documents.models import IssuedDocument, SourceKind
from nghiquyet.documents.registry import Built
from nghiquyet.documents.services import (
    document_issue,
    issued_file_render,
    issued_files_missing,
    missing_file_message,
    system_user,
)

from .conftest import sample_document


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def report_entry(demo):
    """An issued review report of the demo (the seed leaves their files to the worker), without its file."""
    reports = IssuedDocument.objects.filter(source_kind=SourceKind.REVIEW_REPORT).order_by("pk")
    entry = reports.filter(unit=demo.commune).first() or reports.first()
    assert entry is not None, "the demo issues review reports"
    if entry.file:
        IssuedDocument.objects.filter(pk=entry.pk).update(file="", size=0)
        entry.refresh_from_db()
    return entry


def _refusing_builder(calls):
    def build(source_id, *, user):
        calls.append((source_id, user))
        raise AssertionError("the stored file must be served, not rendered again")

    return build


@pytest.mark.parametrize("via", ["page", "api"])
def test_a_missing_report_file_is_rendered_on_download_and_kept(client, demo, report_entry, monkeypatch, via):
    client.force_login(demo.tinh)
    url = (reverse("register_download", args=[report_entry.pk]) if via == "page"
           else f"/api/v1/documents/{report_entry.pk}/file")
    first = client.get(url)
    assert first.status_code == 200 and "attachment" in first["Content-Disposition"]
    data = _content(first)
    word = docx.Document(io.BytesIO(data))
    header = "\n".join(cell.text for cell in word.tables[0].rows[0].cells)
    assert f"Số {report_entry.symbol}" in header and "ĐẢNG CỘNG SẢN VIỆT NAM" in header
    report_entry.refresh_from_db()
    assert report_entry.file and report_entry.file_name.endswith(".docx") and report_entry.size == len(data)
    calls: list = []
    monkeypatch.setitem(registry.BUILDERS, SourceKind.REVIEW_REPORT, _refusing_builder(calls))
    again = client.get(url)
    assert again.status_code == 200 and _content(again) == data and calls == []


def test_the_builder_is_asked_as_the_requesting_user_and_may_refuse(client, demo, monkeypatch):
    seen: list = []

    def build(source_id, *, user):
        seen.append(user)
        return Built(document=sample_document(), tables=[], permitted=user == demo.tinh)

    monkeypatch.setitem(registry.BUILDERS, SourceKind.REVIEW_REPORT, build)
    entry = document_issue(actor=demo.xa, unit=demo.commune, type_code="BC", title="Báo cáo sơ kết",
                           issued_on=dt.date(2026, 4, 20), source_kind=SourceKind.REVIEW_REPORT, source_id=424242)
    client.force_login(demo.xa)
    assert client.get(reverse("register_download", args=[entry.pk])).status_code == 404  # refused: nothing stored
    entry.refresh_from_db()
    assert not entry.file and seen == [demo.xa]
    assert missing_file_message(entry) != "Văn bản chưa có tệp."
    client.force_login(demo.tinh)
    assert client.get(reverse("register_download", args=[entry.pk])).status_code == 200
    entry.refresh_from_db()
    assert entry.file and seen[-1] == demo.tinh
    client.force_login(demo.xa2)  # outside the scope: 404 before any builder runs
    assert client.get(reverse("register_download", args=[entry.pk])).status_code == 404
    assert len(seen) == 2


def test_an_upload_without_file_keeps_its_message(client, demo):
    entry = document_issue(actor=demo.xa, unit=demo.commune, type_code="TB", title="Thông báo",
                           issued_on=dt.date(2026, 4, 20), source_kind=SourceKind.UPLOAD)
    assert missing_file_message(entry) == "Văn bản chưa có tệp."
    client.force_login(demo.xa)
    assert client.get(reverse("register_download", args=[entry.pk])).status_code == 404
    assert client.get(f"/api/v1/documents/{entry.pk}/file").status_code == 404


def test_the_system_may_render_a_demo_report(report_entry):
    rendered = issued_file_render(document=report_entry, user=system_user())
    assert rendered is not None
    content, name = rendered
    assert content.startswith(b"PK") and name.endswith(".docx")


def test_fill_files_command(demo, monkeypatch):
    built_for: list = []

    def build(source_id, *, user):
        built_for.append(user)
        return Built(document=sample_document(), tables=[], permitted=True)

    monkeypatch.setitem(registry.BUILDERS, SourceKind.REVIEW_REPORT, build)
    document_issue(actor=demo.xa, unit=demo.commune, type_code="BC", title="Báo cáo sơ kết",
                   issued_on=dt.date(2026, 4, 20), source_kind=SourceKind.REVIEW_REPORT, source_id=424242)
    upload = document_issue(actor=demo.xa, unit=demo.commune, type_code="TB", title="Thông báo",
                            issued_on=dt.date(2026, 4, 20), source_kind=SourceKind.UPLOAD)
    missing = issued_files_missing().count()
    assert missing >= 1 and upload not in issued_files_missing()

    out = StringIO()
    call_command("documents_fill_files", "--dry-run", stdout=out)
    assert f"Còn {missing} văn bản thiếu tệp" in out.getvalue()
    assert issued_files_missing().count() == missing and built_for == []

    out = StringIO()
    call_command("documents_fill_files", stdout=out)
    assert f"Văn bản thiếu tệp: {missing}; đã tạo tệp: {missing}; không tạo được: 0" in out.getvalue()
    assert not issued_files_missing().exists()
    assert len(built_for) == missing and all(u.is_superuser and u.pk is None for u in built_for)  # as the system
    upload.refresh_from_db()
    assert not upload.file  # an upload has nothing to render

    out = StringIO()
    call_command("documents_fill_files", stdout=out)
    assert "Văn bản thiếu tệp: 0; đã tạo tệp: 0" in out.getvalue()


def test_pages_and_api_offer_the_download_of_a_file_still_to_render(client, demo, report_entry):
    client.force_login(demo.tinh)
    link = reverse("register_download", args=[report_entry.pk])
    detail = client.get(reverse("register_detail", args=[report_entry.pk])).content.decode()
    assert f'href="{link}"' in detail and "Văn bản chưa có tệp." not in detail
    listing = client.get(reverse("register_list"), {"q": report_entry.symbol}).content.decode()
    assert f'href="{link}"' in listing
    item = client.get(f"/api/v1/documents/{report_entry.pk}").json()
    assert item["has_file"] is False and item["file_url"] == f"/api/v1/documents/{report_entry.pk}/file"
    upload = document_issue(actor=demo.xa, unit=demo.commune, type_code="TB", title="Thông báo",
                            issued_on=dt.date(2026, 4, 20), source_kind=SourceKind.UPLOAD)
    assert client.get(f"/api/v1/documents/{upload.pk}").json()["file_url"] is None
    detail = client.get(reverse("register_detail", args=[upload.pk])).content.decode()
    assert "Văn bản chưa có tệp." in detail
