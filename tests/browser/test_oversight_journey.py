"""Oversight journey on a phone: demo-xa finds Đông Sơn's overdue recommendation from the figures and reports it
done; demo-tinh, whose office inspected, ends its follow-up; the figures move."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from nghiquyet.demo.plans import DEMO_TODAY
from nghiquyet.oversight.models import Recommendation, RecommendationStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def frozen(monkeypatch):
    moment = timezone.make_aware(dt.datetime.combine(DEMO_TODAY, dt.time(9, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_overdue_recommendation_reported_done_and_closed(live_server, page, log_in, demo, frozen):
    recommendation = Recommendation.objects.get(owner_unit=demo.commune, status=RecommendationStatus.OPEN)
    log_in("demo-xa")
    page.goto(f"{live_server.url}/kiem-tra/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra, giám sát")
    page.locator("dl.stats dd.status-overdue a").click()          # the overdue figure: 1
    expect(page.locator("table tr.overdue")).to_have_count(1)
    page.locator("table tr.overdue a").first.click()
    card = page.locator(f"#kien-nghi-{recommendation.pk}")
    expect(card).to_contain_text("Quá hạn")
    card.get_by_text("Cập nhật kết quả thực hiện").click()
    card.get_by_label("Kết quả thực hiện").fill("Đã bổ sung chương trình hành động theo tinh thần sáu rõ.")
    card.get_by_label("Đã hoàn thành kiến nghị").check()
    card.get_by_role("button", name="Lưu cập nhật").click()
    expect(page.locator(".messages")).to_contain_text("Đã cập nhật kết quả thực hiện")
    expect(page.locator(f"#kien-nghi-{recommendation.pk}")).to_contain_text("Đã báo cáo hoàn thành")

    page.context.clear_cookies()
    log_in("demo-tinh")
    page.goto(f"{live_server.url}/kiem-tra/{recommendation.inspection_id}/#kien-nghi-{recommendation.pk}")
    card = page.locator(f"#kien-nghi-{recommendation.pk}")
    card.get_by_text("Kết thúc theo dõi", exact=True).first.click()
    card.get_by_label("Ý kiến đánh giá").fill("Đạt yêu cầu.")
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="Kết thúc theo dõi").click()
    expect(page.locator(".messages")).to_contain_text("Đã kết thúc theo dõi kiến nghị")
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.CLOSED and recommendation.closed_on == DEMO_TODAY
    page.goto(f"{live_server.url}/kiem-tra/?don-vi={demo.commune.pk}")
    expect(page.locator("dl.stats dd.status-overdue")).to_have_text("0")
