"""Issue 5 journey: demo-tinh opens the weekly briefing of the province on a phone, reads the counts, follows a
section to its detail page, goes to the previous week and to the month, and downloads the one-page PDF."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from nghiquyet.demo.plans import DEMO_TODAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def frozen(monkeypatch):
    """The server thread reads the same clock: the demo's day (Wednesday of week 48 of 2026)."""
    moment = timezone.make_aware(dt.datetime.combine(DEMO_TODAY, dt.time(9, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_province_office_opens_the_weekly_briefing(live_server, page, log_in, demo, frozen, tmp_path):
    province = demo.province
    log_in("demo-tinh")
    page.goto(f"{live_server.url}/giao-ban/")
    expect(page).to_have_url(re.compile(rf"/giao-ban/{province.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Giao ban · {province.name}")
    summary = page.locator("section.highlight")
    expect(summary.get_by_role("heading", level=2)).to_have_text("Tuần 48/2026 (23/11 – 29/11/2026)")
    counts = page.locator("dl.briefing-counts")
    expect(counts).to_contain_text("Nhiệm vụ quá hạn")
    overdue = int(counts.locator("div", has_text="Nhiệm vụ quá hạn").locator("dd").inner_text())
    assert overdue > 0                        # the demo has tasks past their due date

    # every section is there, each leads to its detail page
    for heading in ("1. Nhiệm vụ quá hạn và có nguy cơ chậm", "2. Chỉ tiêu chậm tiến độ",
                    "3. Báo cáo chưa nộp, nộp muộn", "4. Kiến nghị sau kiểm tra, giám sát chưa hoàn thành",
                    "5. Học tập, quán triệt nghị quyết còn thiếu"):
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    first_task = page.locator("#nhiem-vu table tbody tr").first.get_by_role("link").first
    title = first_task.inner_text()
    first_task.click()
    expect(page).to_have_url(re.compile(r"/chuong-trinh/nhiem-vu/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(title.split(". ", 1)[-1][:30])
    page.go_back()

    # the week before, then this month
    page.get_by_role("link", name="« Kỳ trước").click()
    expect(summary.get_by_role("heading", level=2)).to_have_text("Tuần 47/2026 (16/11 – 22/11/2026)")
    page.get_by_role("link", name="Kỳ hiện tại").click()
    expect(summary.get_by_role("heading", level=2)).to_contain_text("Tuần 48/2026")
    page.locator("form.briefing-window").locator("select[name=ky]").select_option("thang")
    page.locator("form.briefing-window").get_by_role("button", name="Xem").click()
    expect(summary.get_by_role("heading", level=2)).to_have_text("Tháng 11/2026")

    # the one-page PDF
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bản PDF (1 trang A4)").click()
    path = tmp_path / "giao-ban.pdf"
    download.value.save_as(path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "BÁO CÁO GIAO BAN" in text and "Tháng 11/2026" in text and province.name.upper() in text
