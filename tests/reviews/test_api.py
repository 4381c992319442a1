"""The reviews API with bearer tokens of the demo accounts: campaigns (list, create, detail, progress), reports
(open, sections with pasted HTML and conflicts, submit late, accept, return), document downloads opened with
python-docx and openpyxl, and 404s outside the scope."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from docx import Document as Docx
from openpyxl import load_workbook

from nghiquyet.reviews.models import ReviewReport
from tests.api_client import API, Api
from tests.reviews.conftest import COMMUNE_DEADLINE, province_resolution

pytestmark = pytest.mark.django_db




@pytest.fixture
def tinh(client, demo):
    return Api(client, demo.tinh)


@pytest.fixture
def xa(client, demo):
    return Api(client, demo.xa)


@pytest.fixture
def xa2(client, demo):
    return Api(client, demo.xa2)


def _errors(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_campaign_create_list_detail_and_progress(demo, frozen, tinh, xa):
    body = {"unit": demo.province.pk, "resolution": province_resolution(demo).pk, "kind": "midterm",
            "title": "Sơ kết giữa nhiệm kỳ (API)", "period_start": "2025-10-01", "period_end": "30/09/2026",
            "deadlines": {"commune": "10/12/2026"}, "own_deadline": "2026-12-20", "conference_date": "2027-01-05"}
    outside = xa.post("/review-campaigns", body)    # the province is not in demo-xa's scope: an id not found
    assert outside.status_code == 422 and "unit" in _errors(outside)
    bad = tinh.post("/review-campaigns", {**body, "deadlines": {"commune": "2027-02-01"}})
    assert bad.status_code == 422 and "deadlines" in _errors(bad)
    created = tinh.post("/review-campaigns", body)
    assert created.status_code == 201, created.content
    campaign = created.json()
    assert campaign["deadlines"] == {"commune": "2026-12-10"} and campaign["kind_label"] == "Sơ kết giữa nhiệm kỳ"
    listed = xa.get("/review-campaigns", unit=demo.province.pk)
    assert campaign["id"] in [c["id"] for c in listed.json()["items"]]
    assert xa.get(f"/review-campaigns/{campaign['id']}").json()["title"] == "Sơ kết giữa nhiệm kỳ (API)"

    progress = tinh.get(f"/review-campaigns/{campaign['id']}/progress").json()
    assert progress["expected"] == len(progress["rows"]) > 25 and progress["not_due"] == progress["expected"]
    mine = xa.get(f"/review-campaigns/{campaign['id']}/progress").json()
    assert [r["unit"]["id"] for r in mine["rows"]] == [demo.commune.pk]
    assert mine["rows"][0]["due"] == COMMUNE_DEADLINE.isoformat() and mine["rows"][0]["state"] == "not_due"
    assert xa.get(f"/review-campaigns/{campaign['id']}/progress", unit=demo.commune2.pk).status_code == 404
    assert xa.get("/review-campaigns/999999999").status_code == 404


def test_report_lifecycle_through_the_api(demo, campaign, frozen, tinh, xa, xa2):
    assert xa2.post("/reports", {"campaign": campaign.pk, "unit": demo.commune.pk}).status_code == 422  # not visible
    opened = xa.post("/reports", {"campaign": campaign.pk, "unit": demo.commune.pk})
    assert opened.status_code == 201
    report = opened.json()
    assert xa.post("/reports", {"campaign": campaign.pk, "unit": demo.commune.pk}).status_code == 200
    assert report["status"] == "draft" and report["can_edit"] and report["figures"]["targets"]
    assert report["documents"]["docx"] == f"/api/v1/reports/{report['id']}/document.docx"

    saved = xa.put(f"/reports/{report['id']}/sections", {
        "version": report["version"],
        "sections": {"results": "<script>alert(1)</script><p>Kết quả <b>tốt</b></p>",
                     "proposals": "Đề nghị tỉnh hỗ trợ kinh phí."},
        "recipients": "- Ban Thường vụ Tỉnh ủy,\n- Lưu Văn phòng Đảng ủy."})
    assert saved.status_code == 200, saved.content
    sections = {s["key"]: s["text"] for s in saved.json()["sections"]}
    assert sections["results"] == "Kết quả tốt"
    stale = xa.put(f"/reports/{report['id']}/sections", {"version": report["version"], "sections": {"lessons": "x"}})
    assert stale.status_code == 409 and stale.json()["version"] == saved.json()["version"]
    bad = xa.put(f"/reports/{report['id']}/sections", {"sections": {"bogus": "x"}})
    assert bad.status_code == 422

    frozen(COMMUNE_DEADLINE + dt.timedelta(days=1))
    submitted = xa.post(f"/reports/{report['id']}/submit", {"version": saved.json()["version"]})
    assert submitted.status_code == 200, submitted.content
    data = submitted.json()
    assert data["status"] == "submitted" and data["is_late"] and data["symbol"].endswith("-BC/ĐU")
    assert data["figures_frozen"] and not data["can_edit"]
    assert xa.post(f"/reports/{report['id']}/accept", {}).status_code == 403
    no_comment = tinh.post(f"/reports/{report['id']}/return", {"comment": ""})
    assert no_comment.status_code == 422 and "comment" in _errors(no_comment)
    returned = tinh.post(f"/reports/{report['id']}/return", {"comment": "Bổ sung nguyên nhân."})
    assert returned.json()["status"] == "returned" and returned.json()["comment"] == "Bổ sung nguyên nhân."
    again = xa.post(f"/reports/{report['id']}/submit", {})
    assert again.json()["symbol"] == data["symbol"]
    accepted = tinh.post(f"/reports/{report['id']}/accept", {"version": again.json()["version"]})
    assert accepted.json()["status"] == "accepted"

    listed = tinh.get("/reports", campaign=campaign.pk, status="accepted").json()["items"]
    assert [r["id"] for r in listed] == [report["id"]]
    assert listed[0]["due"] == COMMUNE_DEADLINE.isoformat() and listed[0]["unit"]["id"] == demo.commune.pk
    assert not xa2.get("/reports", campaign=campaign.pk).json()["items"]
    assert xa2.get(f"/reports/{report['id']}").status_code == 404


def _submitted(demo, campaign, xa):
    report = xa.post("/reports", {"campaign": campaign.pk, "unit": demo.commune.pk}).json()
    xa.put(f"/reports/{report['id']}/sections", {"sections": {
        "results": "Kinh tế tăng trưởng khá, đời sống nhân dân được nâng lên.",
        "causes_subjective": "Công tác chỉ đạo có lúc chưa quyết liệt.",
        "proposals": "Đề nghị tỉnh hỗ trợ kinh phí làm đường."}})
    return xa.post(f"/reports/{report['id']}/submit", {}).json()


def test_document_downloads(demo, campaign, frozen, xa, xa2, tinh):
    report = _submitted(demo, campaign, xa)
    docx = xa.get(f"/reports/{report['id']}/document.docx")
    assert docx.status_code == 200
    assert docx["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert docx["Content-Disposition"].startswith('attachment; filename="bao-cao-')
    assert docx["Content-Disposition"].endswith('-bc-du.docx"')
    word = Docx(io.BytesIO(docx.content))
    texts = [p.text for p in word.paragraphs] + [c.text for t in word.tables for row in t.rows for c in row.cells]
    joined = "\n".join(texts)
    assert "BÁO CÁO" in joined and "ĐẢNG CỘNG SẢN VIỆT NAM" in joined
    assert f"Số {report['symbol']}" in joined
    assert "Công tác chỉ đạo có lúc chưa quyết liệt." in joined
    assert "ĐẢNG ỦY XÃ ĐÔNG SƠN" in joined and "T/M BAN THƯỜNG VỤ" in joined

    xlsx = xa.get(f"/reports/{report['id']}/document.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    first = book[book.sheetnames[0]]
    header = [c for c in next(first.iter_rows(values_only=True)) if c]
    assert any("Chỉ tiêu" in str(c) for c in header) or any(
        "Chỉ tiêu" in str(c) for row in first.iter_rows(max_row=3, values_only=True) for c in row if c)

    pdf = xa.get(f"/reports/{report['id']}/document.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    for fmt in ("docx", "pdf", "xlsx"):
        assert xa2.get(f"/reports/{report['id']}/document.{fmt}").status_code == 404
    assert tinh.get(f"/reports/{report['id']}/document.docx").status_code == 200
    assert xa.get("/reports/999999999/document.docx").status_code == 404


def test_the_provinces_consolidated_report_downloads(demo, campaign, frozen, xa, tinh):
    _submitted(demo, campaign, xa)
    opened = tinh.post("/reports", {"campaign": campaign.pk, "unit": demo.province.pk}).json()
    assert opened["consolidation"]["expected"] >= 25 and opened["consolidation"]["counts"]["on_time"] == 1
    docx = tinh.get(f"/reports/{opened['id']}/document.docx")
    word = Docx(io.BytesIO(docx.content))
    paragraphs = [p.text for p in word.paragraphs]
    assert "PHỤ LỤC 2: ĐỀ XUẤT, KIẾN NGHỊ CỦA CÁC ĐƠN VỊ" in paragraphs
    annex = paragraphs.index("PHỤ LỤC 2: ĐỀ XUẤT, KIẾN NGHỊ CỦA CÁC ĐƠN VỊ")
    assert f"1. {demo.commune.name}" in paragraphs[annex:]
    assert "Đề nghị tỉnh hỗ trợ kinh phí làm đường." in paragraphs[annex:]
    header = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert any("Số     -BC/TU" in text for text in paragraphs + header), header[:4]   # a draft: no number yet
    assert ReviewReport.objects.filter(campaign=campaign).count() == 2


def test_list_query_counts_do_not_grow_with_the_rows(demo, campaign, frozen, tinh, xa,
                                                     django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _submitted(demo, campaign, xa)

    def count(path: str, **params) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert tinh.get(path, **params).status_code == 200
        return len(queries.captured_queries)

    count("/reports", campaign=campaign.pk)           # warm up (the token's first use is written once)
    one = count("/reports", campaign=campaign.pk)
    progress_one = count(f"/review-campaigns/{campaign.pk}/progress")
    for unit in [r["unit"]["id"] for r in tinh.get(f"/review-campaigns/{campaign.pk}/progress").json()["rows"]][1:6]:
        tinh.post("/reports", {"campaign": campaign.pk, "unit": unit})
    assert count("/reports", campaign=campaign.pk) == one
    assert count(f"/review-campaigns/{campaign.pk}/progress") == progress_one
    with django_assert_max_num_queries(8):
        tinh.get("/reports", campaign=campaign.pk)
    with django_assert_max_num_queries(8):
        tinh.get(f"/review-campaigns/{campaign.pk}/progress")


def test_campaign_update_and_close(demo, campaign, frozen, tinh, xa):
    assert xa.client.patch(f"{API}/review-campaigns/{campaign.pk}", json.dumps({"title": "x"}),
                           content_type="application/json", headers=xa.headers).status_code == 403
    changed = tinh.client.patch(f"{API}/review-campaigns/{campaign.pk}",
                                json.dumps({"title": "Sơ kết giữa nhiệm kỳ (đổi tên)",
                                            "deadlines": {"commune": "15/12/2026"}}),
                                content_type="application/json", headers=tinh.headers)
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == "Sơ kết giữa nhiệm kỳ (đổi tên)"
    assert changed.json()["deadlines"] == {"commune": "2026-12-15"}
    empty = tinh.client.patch(f"{API}/review-campaigns/{campaign.pk}", json.dumps({"title": None}),
                              content_type="application/json", headers=tinh.headers)
    assert empty.status_code == 422 and "title" in _errors(empty)
    report = xa.post("/reports", {"campaign": campaign.pk, "unit": demo.commune.pk}).json()
    assert tinh.post(f"/review-campaigns/{campaign.pk}/close").json()["is_closed"]
    refused = xa.put(f"/reports/{report['id']}/sections", {"sections": {"results": "Muộn rồi"}})
    assert refused.status_code == 422


def test_a_large_consolidation_renders_on_the_worker(demo, campaign, frozen, xa, tinh, settings):
    from nghiquyet.documents.models import RenderJob
    from nghiquyet.reviews import selectors

    _submitted(demo, campaign, xa)
    opened = tinh.post("/reports", {"campaign": campaign.pk, "unit": demo.province.pk}).json()
    report = ReviewReport.objects.get(pk=opened["id"])
    owing = selectors.subordinate_count(report)
    assert owing == opened["consolidation"]["expected"] > 25    # the owing units, not the 1 report written so far
    settings.NGHIQUYET = {**settings.NGHIQUYET, "REVIEWS": {**settings.NGHIQUYET["REVIEWS"],
                                                             "RENDER_INLINE_MAX_UNITS": owing - 1}}
    for fmt in ("docx", "pdf", "xlsx"):
        response = tinh.get(f"/reports/{report.pk}/document.{fmt}")
        assert response.status_code == 202, response.content
        body = response.json()
        job = RenderJob.objects.get(pk=body["job_id"])
        assert (job.source_kind, job.source_id, job.fmt, job.requested_by) == ("review_report", report.pk, fmt,
                                                                                demo.tinh)
        assert body["url"] == f"/api/v1/render-jobs/{job.pk}" and body["subordinates"] == owing
        assert tinh.get(body["url"].removeprefix(API)).status_code == 200
    # a commune's own report has no subordinate units: still rendered now
    commune_report = ReviewReport.objects.get(campaign=campaign, unit=demo.commune)
    assert xa.get(f"/reports/{commune_report.pk}/document.docx").status_code == 200
    settings.NGHIQUYET = {**settings.NGHIQUYET, "REVIEWS": {**settings.NGHIQUYET["REVIEWS"],
                                                             "RENDER_INLINE_MAX_UNITS": owing}}
    assert tinh.get(f"/reports/{report.pk}/document.xlsx").status_code == 200
    schema = tinh.client.get(API + "/openapi.json").json()
    documented = schema["paths"][f"{API}/reports/{{report_id}}/document.pdf"]["get"]["responses"]
    assert "202" in documented


def test_campaigns_review_resolutions_directives_and_conclusions_only(demo, frozen, tinh):
    from nghiquyet.resolutions.models import Document

    resolution = province_resolution(demo)
    body = {"unit": demo.province.pk, "kind": "midterm", "title": "Sơ kết kế hoạch (API)",
            "period_start": "2025-10-01", "period_end": "2026-09-30", "deadlines": {"commune": "2026-12-10"},
            "own_deadline": "2026-12-20"}
    for code in ("KH", "CTr"):
        plan = Document.objects.create(unit=demo.province, type_code=code, number=98, issuer_code="TU",
                                       symbol=f"98-{code}/TU", issued_on=resolution.issued_on,
                                       title="Thực hiện nghị quyết đại hội")
        refused = tinh.post("/review-campaigns", {**body, "resolution": plan.pk})
        assert refused.status_code == 422, refused.content
        assert "chỉ sơ kết, tổng kết" in _errors(refused)["resolution"]
    assert tinh.post("/review-campaigns", {**body, "resolution": resolution.pk}).status_code == 201


def test_a_decision_comment_over_the_limit_is_a_422(demo, campaign, frozen, xa, tinh):
    report = _submitted(demo, campaign, xa)
    refused = tinh.post(f"/reports/{report['id']}/return", {"comment": "Bổ sung. " * 300})
    assert refused.status_code == 422 and "vượt quá 2.000 ký tự" in _errors(refused)["comment"]
    assert tinh.get(f"/reports/{report['id']}").json()["status"] == "submitted"
