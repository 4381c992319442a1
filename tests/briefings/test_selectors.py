"""The digest's sections against the hand-built committee of conftest.py (every number known in advance)."""

from __future__ import annotations

import datetime as dt

import pytest

from nghiquyet.briefings.selectors import WindowKind, briefing_for, home_unit, window_of
from nghiquyet.reporting.evaluation import TargetStatus
from nghiquyet.reporting.selectors import State
from tests.briefings.conftest import TODAY

pytestmark = pytest.mark.django_db


def _digest(world, *, kind=WindowKind.WEEK, day=TODAY, today=TODAY, unit=None):
    window = window_of(kind, day)
    return briefing_for(user=world.demo.tinh, unit=unit or world.commune, start=window.start, end=window.end,
                        today=today)


def test_windows():
    week = window_of(WindowKind.WEEK, TODAY)
    assert (week.start, week.end) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert week.label == "Tuần 48/2026 (23/11 – 29/11/2026)"
    assert week.previous().start == dt.date(2026, 11, 16) and week.next().start == dt.date(2026, 11, 30)
    month = window_of(WindowKind.MONTH, dt.date(2026, 12, 31))
    assert (month.start, month.end, month.label) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31), "Tháng 12/2026")
    assert month.next().start == dt.date(2027, 1, 1)
    quarter = window_of(WindowKind.QUARTER, TODAY)
    assert (quarter.start, quarter.end, quarter.label) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31),
                                                          "Quý IV/2026")
    assert quarter.previous().label == "Quý III/2026"
    assert window_of("nonsense", TODAY) == week
    # weeks across a year boundary keep the ISO year
    assert window_of(WindowKind.WEEK, dt.date(2027, 1, 1)).label.startswith("Tuần 53/2026")


def test_tasks_overdue_and_at_risk_by_responsible_person(world):
    b = _digest(world)
    assert b.on == TODAY
    t = world.tasks
    lines = {line.task.pk: line for line in b.tasks.lines}
    overdue = {t[k].pk for k in ("late_road", "late_school", "done_after", "branch_late", "nobody")}
    at_risk = {t[k].pk for k in ("risk_water", "risk_today")}
    assert {pk for pk, line in lines.items() if line.overdue} == overdue
    assert {pk for pk, line in lines.items() if not line.overdue} == at_risk
    assert (b.tasks.overdue, b.tasks.at_risk) == (5, 2)
    assert lines[t["late_road"].pk].days == 20 and lines[t["risk_water"].pk].days == 6
    # grouped by the responsible person: most overdue first, the unassigned last
    people = [g.person for g in b.tasks.groups]
    assert people[0] == world.member and people[-1] is None
    assert set(people) == {world.member, world.deputy, world.member2, None}
    mine = b.tasks.groups[0]
    assert [line.task.title for line in mine.lines] == [
        "Nâng cấp đường trục xã", "Xây trường mầm non đạt chuẩn", "Cấp nước sạch cho 200 hộ"]  # overdue, then risk
    assert (mine.overdue, mine.at_risk) == (2, 1)
    assert mine.lines[0].task.directing == world.secretary


def test_a_past_week_reads_as_of_its_last_day(world):
    """The week before last, read as of Sunday 15/11: what was overdue or at risk that day."""
    b = _digest(world, day=TODAY - dt.timedelta(days=14))
    assert b.on == dt.date(2026, 11, 15)
    lines = {line.task.title: line for line in b.tasks.lines}
    assert set(lines) == {"Nâng cấp đường trục xã", "Báo cáo sơ kết quý", "Kết nạp đảng viên mới ở thôn",
                          "Rà soát quy hoạch cán bộ"}
    assert lines["Nâng cấp đường trục xã"].overdue and lines["Nâng cấp đường trục xã"].days == 10
    assert not lines["Báo cáo sơ kết quý"].overdue and lines["Báo cáo sơ kết quý"].days == 10
    # the task finished on 27/11 was open (and overdue) on 25/11, the week of TODAY
    assert next(line for line in _digest(world).tasks.lines if line.task.title.startswith("Hoàn thành đề án")).overdue


def test_targets_off_track_at_the_latest_period_with_figures(world):
    b = _digest(world)
    assert str(b.targets.period) == "Quý III/2026"
    assert [(line.target.number, line.evaluation.status) for line in b.targets.lines] == [
        ("GB1", TargetStatus.OFF_TRACK), ("GB2", TargetStatus.AT_RISK)]
    assert (b.targets.off_track, b.targets.at_risk, b.targets.evaluated) == (1, 1, 3)
    # before any figure came in there is nothing to evaluate
    early = _digest(world, day=dt.date(2026, 9, 1), today=dt.date(2026, 9, 1))
    assert early.targets.period is None and early.targets.lines == []


def test_missing_and_late_reports_of_the_latest_ended_period(world):
    b = _digest(world)
    [block] = b.reports.blocks
    assert str(block.period) == "Quý III/2026"
    assert [(r.unit, r.state) for r in block.rows] == [(world.branch_a, State.MISSING), (world.branch_b, State.LATE)]
    assert (b.reports.missing, b.reports.late, block.completeness.expected) == (1, 1, 2)
    # in the first days of October Q3 has ended but is not due: nothing missing yet
    october = _digest(world, day=dt.date(2026, 10, 5), today=dt.date(2026, 10, 5))
    assert october.reports.missing == 0


def test_counts_at_the_top(world):
    b = _digest(world)
    counts = {label: n for _anchor, label, n in b.counts}
    assert counts["Nhiệm vụ quá hạn"] == 5 and counts["Nhiệm vụ có nguy cơ chậm"] == 2
    assert counts["Chỉ tiêu chậm tiến độ"] == 1 and counts["Chỉ tiêu có nguy cơ"] == 1
    assert counts["Báo cáo chưa nộp (quá hạn)"] == 1 and counts["Báo cáo nộp muộn"] == 1


def test_the_province_sees_its_whole_subtree(world):
    b = _digest(world, unit=world.demo.province)
    pks = {line.task.pk for line in b.tasks.lines}
    assert world.tasks["late_road"].pk in pks and world.tasks["branch_late"].pk in pks
    assert "Nhiệm vụ xã khác" in {line.task.title for line in b.tasks.lines}
    # the commune's own briefing leaves the other commune out
    assert "Nhiệm vụ xã khác" not in {line.task.title for line in _digest(world).tasks.lines}


def test_settings_move_the_at_risk_rule(world, settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "BRIEFINGS": {**settings.NGHIQUYET["BRIEFINGS"],
                                                              "AT_RISK_DAYS": 60, "AT_RISK_PERCENT": 90}}
    titles = {line.task.title for line in _digest(world).tasks.lines if not line.overdue}
    assert {"Còn xa", "Sắp xong", "Cấp nước sạch cho 200 hộ", "Báo cáo sơ kết quý"} <= titles


def test_home_unit_is_the_users_own(demo):
    assert home_unit(demo.tinh) == demo.province
    assert home_unit(demo.xa) == demo.commune
