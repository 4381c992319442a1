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
