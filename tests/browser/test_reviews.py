"""Issue 6 journey: demo-xa finishes and submits Đông Sơn's mid-term review report (the demo campaign: its draft
has three sections written; the deadline has passed, so the confirmation warns it will be marked late); demo-tinh
opens the province's consolidated report and downloads it as DOCX, which holds "BÁO CÁO" and Đông Sơn's proposal
in the annex."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from docx import Document as DocxDocument
from playwright.sync_api import expect

from nghiquyet.demo.plans import DEMO_TODAY
from nghiquyet.reporting.models import SubmissionStatus
from nghiquyet.reviews.models import Campaign, ReviewKind, ReviewReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROPOSAL = "Đề nghị Tỉnh ủy hỗ trợ kinh phí nâng cấp tuyến đường liên xã Đông Sơn - An Lạc (kiểm thử trình duyệt)."


@pytest.fixture
def frozen(monkeypatch):
    """The server thread reads the same clock: the demo's day, five days after the communes' deadline."""
    moment = timezone.make_aware(dt.datetime.combine(DEMO_TODAY, dt.time(9, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _docx_text(path) -> str:
    document = DocxDocument(path)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_commune_submits_its_midterm_report_and_the_province_downloads_the_consolidation(
        live_server, page, log_in, demo, frozen, tmp_path):
    campaign = Campaign.objects.get(unit=demo.province, kind=ReviewKind.MIDTERM)
    dialogs: list[str] = []

    def confirm(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", confirm)   # the data-confirm questions

    # demo-xa: the commune's reporting page loads its review to-dos (htmx); the draft is overdue.
    log_in("demo-xa")
    page.get_by_role("navigation").get_by_role("link", name="Báo cáo số liệu").click()
    todo = page.locator("#so-ket tr", has_text=campaign.title)
    expect(todo).to_contain_text("quá hạn 5 ngày")
    todo.get_by_role("link", name="Tiếp tục soạn").click()
    expect(page).to_have_url(re.compile(rf"/so-ket/{campaign.pk}/don-vi/{demo.commune.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(demo.commune.name)
    expect(page.locator("#so-lieu")).to_contain_text("Kết quả thực hiện các chỉ tiêu")

    # The sections not yet written, then save.
    page.get_by_label("Nguyên nhân khách quan").fill("Mưa lũ tháng 9/2026 làm chậm tiến độ các công trình giao thông.")
    page.get_by_label("Bài học kinh nghiệm").fill("Phân công rõ người, rõ việc, rõ thời gian; kiểm tra thường xuyên.")
    page.get_by_label("Nhiệm vụ, giải pháp thời gian tới").fill("Tập trung thu ngân sách, hoàn thành tiêu chí "
                                                                 "nông thôn mới nâng cao.")
    page.get_by_label("Đề xuất, kiến nghị với cấp trên").fill(PROPOSAL)
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu nháp.")
    expect(page.get_by_label("Đề xuất, kiến nghị với cấp trên")).to_have_value(PROPOSAL)

    # Submit (confirmed): after the deadline, marked late, never refused.
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi báo cáo lên cấp trên")
    assert any("nộp muộn" in message for message in dialogs)
    report = ReviewReport.objects.get(campaign=campaign, unit=demo.commune)
    assert report.status == SubmissionStatus.SUBMITTED and report.is_late and report.issued is not None
    expect(page.locator("header.card")).to_contain_text(report.issued.symbol)
    expect(page.locator("textarea")).to_have_count(0)                 # read only once sent

    # demo-tinh: the province's consolidated report, downloaded as DOCX.
    page.context.clear_cookies()
    log_in("demo-tinh")
    page.get_by_role("navigation").get_by_role("link", name="Sơ kết, tổng kết").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sơ kết, tổng kết")
    page.get_by_role("link", name=campaign.title).first.click()
    expect(page.locator("#bao-cao-cua-don-vi")).to_contain_text(demo.province.name)   # its own report, apart
    page.locator("#tien-do select[name=trang-thai]").select_option(value="nop-muon")
    page.locator("#tien-do").get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"trang-thai=nop-muon"))
    row = page.locator("#tien-do tr", has_text=demo.commune.name)
    expect(row).to_contain_text("Đã gửi muộn")

    # Returning needs a comment: the browser asks for it before anything is sent.
    row.get_by_role("link", name="Xem báo cáo").click()
    comment = page.locator("#quyet-dinh textarea")
    page.locator("#quyet-dinh").get_by_role("button", name="Trả lại").click()
    assert comment.evaluate("el => el.validity.valueMissing")
    report.refresh_from_db()
    assert report.status == SubmissionStatus.SUBMITTED
    page.goto(live_server.url + f"/so-ket/{campaign.pk}/")
    page.get_by_role("link", name="Báo cáo của đơn vị").click()
    expect(page.locator("#tong-hop")).to_contain_text("Phụ lục: đề xuất, kiến nghị của cấp dưới")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải DOCX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    path = tmp_path / "bao-cao.docx"
    download.save_as(path)
    text = _docx_text(path)
    assert "BÁO CÁO" in text
    assert PROPOSAL in text and demo.commune.name in text
