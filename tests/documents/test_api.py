"""``/api/v1/documents``: the register through the API, scoped like the pages."""

from __future__ import annotations

import datetime as dt

import pytest

from nghiquyet.documents.models import SourceKind
from nghiquyet.documents.services import document_issue

PDF = b"%PDF-1.4\n% test\n"


@pytest.fixture
def docs(demo):
    def issue(actor, unit, type_code="BC", title="Báo cáo sơ kết", **extra):
        return document_issue(actor=actor, unit=unit, type_code=type_code, title=title,
                              issued_on=dt.date(2026, 4, 20), source_kind=SourceKind.UPLOAD, **extra)

    return {
        "commune": issue(demo.xa, demo.commune, title="Báo cáo xã Đông Sơn", content=PDF, file_name="bc.pdf"),
        "plan": issue(demo.tinh, demo.province, "KH", title="Kế hoạch toàn tỉnh"),
        "commune2": issue(demo.xa2, demo.commune2, title="Báo cáo xã An Lạc"),
    }


def test_list_search_and_filters(client, demo, docs):
    client.force_login(demo.xa)
    body = client.get("/api/v1/documents").json()
    ids = {item["id"] for item in body["items"]}
    assert docs["commune"].pk in ids and docs["plan"].pk in ids and docs["commune2"].pk not in ids
    found = client.get("/api/v1/documents", {"q": "dong son"}).json()["items"]
    assert [item["id"] for item in found] == [docs["commune"].pk]
    item = found[0]
    assert item["symbol"] == "01-BC/ĐU" and item["type_label"] == "Báo cáo" and item["has_file"]
    assert item["unit"]["name"] == demo.commune.name
    assert item["file_url"] == f"/api/v1/documents/{docs['commune'].pk}/file"
    assert [i["id"] for i in client.get("/api/v1/documents", {"type": "KH"}).json()["items"]] == [docs["plan"].pk]
    by_unit = client.get("/api/v1/documents", {"unit": demo.province.pk}).json()["items"]
    assert [i["id"] for i in by_unit] == [docs["plan"].pk]
    assert client.get("/api/v1/documents", {"year": 2025}).json()["count"] == 0
    bad = client.get("/api/v1/documents", {"type": "ZZ"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "type"
    assert client.get("/api/v1/documents", {"unit": demo.commune2.pk}).status_code == 404  # out of scope: as if missing


def test_detail_and_file_are_scoped(client, demo, docs):
    client.force_login(demo.xa)
    detail = client.get(f"/api/v1/documents/{docs['commune'].pk}").json()
    assert detail["title"] == "Báo cáo xã Đông Sơn" and detail["term_start"] == 2025
    download = client.get(detail["file_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client.get(f"/api/v1/documents/{docs['plan'].pk}/file").status_code == 404  # no file
    client.force_login(demo.xa2)
    assert client.get(f"/api/v1/documents/{docs['commune'].pk}").status_code == 404
    assert client.get(f"/api/v1/documents/{docs['commune'].pk}/file").status_code == 404
    assert client.get("/api/v1/documents/abc").status_code == 404


def test_list_is_paged(client, demo, docs):
    client.force_login(demo.tinh)
    body = client.get("/api/v1/documents", {"page_size": 2}).json()
    assert body["count"] >= 3 and len(body["items"]) == 2
    second = client.get("/api/v1/documents", {"page_size": 2, "page": 2}).json()
    assert not {i["id"] for i in body["items"]} & {i["id"] for i in second["items"]}


def test_number_preview_edit_and_void(client, demo, docs):
    client.force_login(demo.xa)
    preview = client.get("/api/v1/documents/number-preview", {"unit": demo.commune.pk, "type": "BC"})
    assert preview.status_code == 200 and preview.json() == {"symbol": "02-BC/ĐU"}
    assert client.get("/api/v1/documents/number-preview", {"unit": demo.commune2.pk, "type": "BC"}).status_code == 404
    bad = client.get("/api/v1/documents/number-preview", {"unit": demo.commune.pk, "type": "ZZ"})
    assert bad.status_code == 422
    url = f"/api/v1/documents/{docs['commune'].pk}"
    changed = client.patch(url, {"title": "Báo cáo xã Đông Sơn (sửa)", "issued_on": "21/04/2026"},
                           content_type="application/json")
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["title"] == "Báo cáo xã Đông Sơn (sửa)" and body["issued_on"] == "2026-04-21"
    assert body["symbol"] == "01-BC/ĐU" and body["voided"] is False
    refused = client.patch(url, {"issued_on": "2019-01-01"}, content_type="application/json")
    assert refused.status_code == 422
    assert client.patch(url, {"title": None}, content_type="application/json").status_code == 422
    voided = client.post(f"{url}/void", {"reason": "Ban hành nhầm"}, content_type="application/json")
    assert voided.status_code == 200 and voided.json()["voided"] and voided.json()["void_reason"] == "Ban hành nhầm"
    assert client.post(f"{url}/void", {"reason": "lần nữa"}, content_type="application/json").status_code == 422
    client.force_login(demo.xa2)
    assert client.patch(url, {"title": "x"}, content_type="application/json").status_code == 404
    assert client.post(f"{url}/void", {"reason": "x"}, content_type="application/json").status_code == 404
