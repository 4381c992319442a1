"""The demo's adjustments as of DEMO_TODAY: one approved (the province's 2026 GRDP-per-capita milestone, 88 → 80
from 01/07/2026, after storm No. 3), one pending (Đông Sơn's budget-revenue term target, 66,7 → 75); the
province's evaluation changes from Q3/2026 only; seeding again writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from nghiquyet.demo.adjustments import seed_adjustments
from nghiquyet.reporting.evaluation import TargetStatus, evaluate
from nghiquyet.reporting.models import PeriodKind
from nghiquyet.reporting.periods import period_get
from nghiquyet.resolutions.models import AdjustmentStatus, TargetAdjustment
from tests.adjustments.test_services import commune_target, province_target

pytestmark = pytest.mark.django_db
D = Decimal


def test_one_approved_and_one_pending(demo):
    approved = TargetAdjustment.objects.get(status=AdjustmentStatus.APPROVED, unit=demo.province)
    assert approved.target == province_target(demo, "2") and approved.year == 2026
    assert (approved.old_value, approved.new_value) == (D(88), D(80))
    assert approved.decision_number == "1250-QĐ/TU" and approved.decision_date == dt.date(2026, 7, 15)
    assert approved.effective_from == dt.date(2026, 7, 1) and approved.proposed_on == dt.date(2026, 7, 8)
    waiting = TargetAdjustment.objects.get(status=AdjustmentStatus.PENDING)
    assert waiting.target == commune_target(demo, "3") and waiting.unit == demo.commune
    assert waiting.field == "term_target" and (waiting.old_value, waiting.new_value) == (D("66.7"), D(75))
    assert TargetAdjustment.objects.count() == 2
    summary = seed_adjustments(demo.province)
    assert not summary.created and (summary.approved, summary.pending) == (1, 1)
    assert TargetAdjustment.objects.count() == 2


def test_the_province_evaluation_changes_from_the_third_quarter(demo):
    target = province_target(demo, "2")
    q2 = evaluate(target=target, unit=demo.province, period=period_get(PeriodKind.QUARTER, 2026, 2))
    q3 = evaluate(target=target, unit=demo.province, period=period_get(PeriodKind.QUARTER, 2026, 3))
    assert q2.milestone == D(88) and q2.milestone_adjustment is None and q2.status == TargetStatus.AT_RISK
    assert q3.milestone == D(80) and q3.milestone_original == D(88)
    assert q3.status == TargetStatus.ON_TRACK                       # was at risk against 88
    assert D("95") < q3.pct_of_milestone < D("96")                  # 76,33 of 80 (86,7 % of 88)


def test_the_rollup_api_shows_the_original_and_the_decision(demo, client):
    from nghiquyet.accounts.services import api_token_create

    _token, raw = api_token_create(actor=demo.tinh, name="test")
    target = province_target(demo, "2")

    def rollup(period: str) -> dict:
        response = client.get("/api/v1/rollups", {"target": target.pk, "unit": demo.province.pk, "period": period},
                              headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 200, response.content
        return response.json()

    q3, q2 = rollup("quarter-2026-3"), rollup("quarter-2026-2")
    assert D(q3["milestone"]) == 80 and D(q3["milestone_original"]) == 88
    assert "1250-QĐ/TU" in q3["milestone_adjusted_by"] and "15/07/2026" in q3["milestone_adjusted_by"]
    assert D(q2["milestone"]) == 88 and q2["milestone_original"] is None and q2["milestone_adjusted_by"] == ""
    assert q3["term_target_original"] is None and q3["term_adjusted_by"] == ""


def test_the_entry_form_shows_the_milestone_in_force(demo):
    from nghiquyet.reporting.models import Schedule
    from nghiquyet.reporting.selectors import entry_rows

    target = province_target(demo, "2")
    schedule = Schedule.objects.get(targets=target)          # the province's quarterly schedule
    unit = demo.province
    rows = entry_rows(schedule=schedule, unit=unit, period=period_get(PeriodKind.QUARTER, 2026, 3), submission=None)
    milestone = {r.target.pk: r.milestone for r in rows}[target.pk]
    assert milestone == D(80)
