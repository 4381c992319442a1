"""Issue 5 journey: demo-xa records a session's attendance and sees the commune's study percentage change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from nghiquyet.demo.plans import DEMO_TODAY
from nghiquyet.study.models import Attendance, AttendanceStatus, StudyPlan, StudySession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def frozen(monkeypatch):
    moment = timezone.make_aware(dt.datetime.combine(DEMO_TODAY, dt.time(9, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _absent(session):
    studied = Attendance.objects.filter(session__plan__resolution=session.plan.resolution,
                                        status=AttendanceStatus.PRESENT).values("member_id")
    return (Attendance.objects.filter(session=session, status__in=[AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED])
            .exclude(member_id__in=studied).select_related("member__unit").order_by("member_id").first().member)


def test_commune_records_attendance_and_its_study_percentage_changes(live_server, page, log_in, demo, frozen):
    plan = StudyPlan.objects.get(symbol="18-KH/TU")
    session = StudySession.objects.get(plan=plan, unit=demo.commune, makeup_of__isnull=True)
    member = _absent(session)

    log_in("demo-xa")
    page.goto(f"{live_server.url}/hoc-tap/")
    page.get_by_role("link", name=demo.commune.name).click()
    percent = page.locator(f".study-percent[data-resolution='{plan.resolution_id}']")
    before = percent.inner_text()
    assert before.endswith("%")

    # to the plan, its session, the member's branch
    block = page.locator("section.study-resolution", has=percent)
    block.get_by_role("link", name=plan.symbol).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(plan.symbol)
    page.locator("table.study-sessions").get_by_role("link", name="18/11/2026").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("18/11/2026")
    page.get_by_label("Chi bộ").select_option(label=member.unit.name)
    page.get_by_role("button", name="Xem").click()
    radio = page.get_by_label(f"{member.full_name}: Có mặt")
    expect(radio).not_to_be_checked()
    radio.check()
    page.get_by_role("button", name="Lưu điểm danh").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu điểm danh")
    expect(page.get_by_label(f"{member.full_name}: Có mặt")).to_be_checked()
    assert Attendance.objects.get(session=session, member=member).status == AttendanceStatus.PRESENT

    # back to the commune's figures: the percentage moved up
    page.goto(f"{live_server.url}/hoc-tap/don-vi/{demo.commune.pk}/")
    after = page.locator(f".study-percent[data-resolution='{plan.resolution_id}']").inner_text()
    assert after != before

    def number(text: str) -> float:
        return float(text.rstrip("%").replace(".", "").replace(",", "."))

    assert number(after) > number(before)
