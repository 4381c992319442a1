"""Issue 4 journey: demo-xa types a quarter's figures the Vietnamese way and submits; demo-tinh sees them at once in
the province dashboard and accepts; the completeness page shows the commune as on time."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from nghiquyet.org.models import UnitKind
from nghiquyet.reporting.models import PeriodKind, Schedule, Submission, SubmissionStatus
from nghiquyet.reporting.services import schedule_create
from nghiquyet.resolutions.models import Aggregation, Document
from nghiquyet.resolutions.services import target_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date(2026, 10, 5)   # Q3/2026 ended on 30/9: due 10/10, so a report today is on time
Q3 = "quarter-2026-3"
SCHEDULE = "Báo cáo quý chỉ tiêu kinh tế - xã hội (hành trình)"


@pytest.fixture
def frozen(monkeypatch):
    """The server thread reads the same clock: the quarter is open and not yet due."""
    moment = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _schedule(demo):
    resolution = Document.objects.get(unit=demo.province, is_congress_resolution=True)
    common = {"domain": "economy", "baseline_year": 2025, "direction": "higher"}
    budget = target_create(actor=demo.tinh, document=resolution, number="HT1", name="Thu ngân sách trên địa bàn xã",
                           measure="tỷ đồng", baseline_value=Decimal(90), target_value=Decimal(150),
                           aggregation=Aggregation.SUM, milestones={2026: Decimal(110)}, **common)
    trained = target_create(actor=demo.tinh, document=resolution, number="HT2",
                            name="Tỷ lệ lao động qua đào tạo ở xã", measure="%", baseline_value=Decimal(70),
                            target_value=Decimal(80), aggregation=Aggregation.RATIO,
                            numerator_name="Lao động đã qua đào tạo", denominator_name="Lực lượng lao động",
                            milestones={2026: Decimal(72)}, **common)
    schedule = schedule_create(
        actor=demo.tinh, unit=demo.province, document=resolution, name=SCHEDULE, targets=[budget, trained],
        period_kind=PeriodKind.QUARTER, reporting_kinds=[UnitKind.COMMUNE], starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2030, 12, 31), due_days=10, lock_days=45)
    Schedule.objects.exclude(pk=schedule.pk).update(is_active=False)   # one schedule: one row per commune
    return schedule, budget, trained


def test_commune_submits_province_sees_it_at_once_accepts_and_it_is_on_time(live_server, page, log_in, demo, frozen):
    schedule, budget, trained = _schedule(demo)
    page.on("dialog", lambda dialog: dialog.accept())   # the data-confirm questions

    # demo-xa: from the menu to the quarter's form, Vietnamese numbers, submit.
    log_in("demo-xa")
    page.get_by_role("navigation").get_by_role("link", name="Báo cáo số liệu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo số liệu")
    row = page.locator("table.report-todos tr", has_text="Quý III/2026").filter(has_text=SCHEDULE)
    row.get_by_role("link", name="Nhập số liệu").click()
    expect(page).to_have_url(re.compile(rf"/bao-cao/don-vi/{demo.commune.pk}/nhap/{schedule.pk}/{Q3}/$"))
    block = page.locator(f"#chi-tieu-{budget.pk}")
    ratio = page.locator(f"#chi-tieu-{trained.pk}")
    expect(ratio).to_contain_text("72")                        # a rate's milestone holds at any level
    expect(block).not_to_contain_text("110")                   # the province's sum is no plan for one commune
    block.get_by_label("Giá trị (tỷ đồng)").fill("104,33")
    block.get_by_label("Ghi chú").fill("Theo số liệu của Chi cục Thuế")
    ratio.get_by_label("Lao động đã qua đào tạo").fill("1.245")
    ratio.get_by_label("Lực lượng lao động").fill("1.500")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi báo cáo")
    submission = Submission.objects.get(schedule=schedule, unit=demo.commune)
    assert submission.status == SubmissionStatus.SUBMITTED and not submission.is_late
    assert submission.values.get(target=budget).value == Decimal("104.33")
    assert submission.values.get(target=trained).value == Decimal("83")   # 1.245 / 1.500, never typed

    # demo-tinh: the province dashboard shows the commune's figures at once.
    page.context.clear_cookies()
    log_in("demo-tinh")
    page.goto(f"{live_server.url}/bao-cao/bang-dieu-khien/{demo.province.pk}/?ky={Q3}")
    targets = page.locator("table.dash-targets")
    expect(targets.locator("tr", has_text=budget.name)).to_contain_text("104,33")
    expect(targets.locator("tr", has_text=trained.name)).to_contain_text("83")

    # ... finds it waiting for a decision and accepts it.
    page.get_by_role("navigation").get_by_role("link", name="Báo cáo số liệu").click()
    waiting = page.locator("#cho-duyet tr", has_text=demo.commune.name).filter(has_text=SCHEDULE)
    waiting.get_by_role("link", name="Xem và duyệt").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(demo.commune.name)
    expect(page.locator(f"#chi-tieu-{budget.pk}")).to_contain_text("104,33")
    page.get_by_label("Ý kiến").fill("Số liệu khớp báo cáo của Chi cục Thuế.")
    page.get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã duyệt báo cáo.")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED

    # The completeness page: the commune reported on time.
    page.goto(f"{live_server.url}/bao-cao/tien-do-nop/{demo.province.pk}/?ky={Q3}&tinh-trang=submitted")
    line = page.locator("table.completeness-list tr", has_text=demo.commune.name)
    expect(line).to_contain_text("Đúng hạn")
    expect(line).to_contain_text("đã duyệt")
