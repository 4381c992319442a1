"""An approved adjustment changes the evaluation from its effective date only; nothing else changes it.

The plan engine (``reporting.evaluation._plans``) applies the approved adjustments whose effective date is on or
before the evaluated period's end (``resolutions.selectors.adjustments_in_force``). Built on the small tree of
``tests/reporting/test_rollups`` (values written straight to the rollups)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nghiquyet.reporting.evaluation import TargetStatus, evaluate, evaluate_many, series
from nghiquyet.reporting.models import PeriodKind
from nghiquyet.reporting.periods import period_get
from nghiquyet.resolutions.models import AdjustmentField, Aggregation, Milestone, Target
from nghiquyet.resolutions.selectors import AppliedAdjustment, adjustments_in_force
from nghiquyet.resolutions.services import adjustment_propose, adjustment_reject
from tests.adjustments.conftest import approved
from tests.reporting.test_rollups import World, make_document, make_target

D = Decimal


@pytest.fixture
def world(db) -> World:
    return World()


def q(number: int, year: int = 2025):
    return period_get(PeriodKind.QUARTER, year, number)


def _sum_target(world: World) -> Target:
    """Milestone 100 in 2025 (a year-to-date sum), 120 in 2026; reported 30, 40, 50, 90 in the quarters of 2025."""
    t = world.target(Aggregation.SUM, milestones={2025: 100, 2026: 120, 2030: 200}, target_value=200, baseline=50)
    for n, value in [(1, 30), (2, 40), (3, 50), (4, 90)]:
        world.put(t, world.B11, q(n), value=value)
    return t


def _all(t: Target, world: World) -> dict[int, object]:
    return {n: evaluate(target=t, unit=world.P, period=q(n)) for n in (1, 2, 3, 4)}


def test_an_approved_adjustment_changes_the_evaluation_from_its_effective_date_only(world, settings):
    settings.NGHIQUYET["REPORTING"]["ON_TRACK"] = D("0.95")
    settings.NGHIQUYET["REPORTING"]["AT_RISK"] = D("0.80")
    t = _sum_target(world)
    before = _all(t, world)
    assert [before[n].status for n in (3, 4)] == [TargetStatus.OFF_TRACK, TargetStatus.AT_RISK]
    adjustment = approved(t, year=2025, value=80, proposed=dt.date(2025, 6, 10), decided=dt.date(2025, 6, 20),
                          effective=dt.date(2025, 7, 1))
    after = _all(t, world)
    # Q1 and Q2 end before 1 July: exactly as before (no trace of the adjustment either).
    assert after[1] == before[1] and after[2] == before[2]
    assert after[2].milestone_original is None and after[2].milestone_adjustment is None
    # Q3 and Q4: the new milestone, with the original beside it and the decision that changed it.
    for n in (3, 4):
        e = after[n]
        assert e.milestone == D(80) and e.milestone_original == D(100)
        assert e.milestone_adjustment.id == adjustment.pk
        assert e.milestone_adjustment.label == "điều chỉnh theo Quyết định số 77-QĐ/TU ngày 20/06/2025"
        assert e.actual == before[n].actual and e.term_target == D(200) and e.term_adjustment is None
    assert after[3].plan == D(60) and after[3].pct_of_milestone == D("62.5")   # 80 × 9/12; 50 / 80
    assert after[3].status == TargetStatus.AT_RISK                              # 50 / 60, was 50 / 75
    assert after[4].status == TargetStatus.ACHIEVED                             # 90 ≥ 80, was 90 / 100
    # Nothing was overwritten: the resolution's values stay.
    assert Milestone.objects.get(target=t, year=2025).value == D(100)
    assert Target.objects.get(pk=t.pk).target_value == D(200)


@pytest.mark.parametrize("effective", [
    dt.date(2025, 1, 1), dt.date(2025, 3, 31), dt.date(2025, 4, 1), dt.date(2025, 6, 30), dt.date(2025, 7, 1),
    dt.date(2025, 11, 15), dt.date(2025, 12, 31),
])
def test_a_period_reads_the_new_milestone_exactly_when_it_ends_on_or_after_the_effective_date(world, effective):
    t = _sum_target(world)
    before = _all(t, world)
    approved(t, year=2025, value=80, proposed=dt.date(2025, 1, 20), decided=dt.date(2025, 1, 25),
             effective=effective)
    after = _all(t, world)
    for n in (1, 2, 3, 4):
        if q(n).end >= effective:
            assert after[n].milestone == D(80) and after[n].milestone_original == D(100), (n, effective)
        else:
            assert after[n] == before[n], (n, effective)


def test_pending_rejected_and_other_years_change_nothing(world):
    t = _sum_target(world)
    before = _all(t, world)
    pending = adjustment_propose(actor=None, target=t, unit=t.unit, field=AdjustmentField.MILESTONE, year=2025,
                                 new_value=D(70), reason="Dịch bệnh", proposed_on=dt.date(2025, 2, 1),
                                 today=dt.date(2025, 2, 1))
    assert _all(t, world) == before
    adjustment_reject(actor=None, adjustment=pending, decision_number="5-TB/TU", decision_date=dt.date(2025, 2, 5),
                      note="Chưa đủ căn cứ", today=dt.date(2025, 2, 5))
    approved(t, year=2026, value=110, proposed=dt.date(2025, 2, 10), effective=dt.date(2025, 3, 1))
    assert _all(t, world) == before   # the 2026 milestone is not 2025's
    e = evaluate(target=t, unit=world.P, period=q(1, 2026))
    assert e.milestone == D(110) and e.milestone_original == D(120)


def test_a_later_adjustment_takes_over_from_its_own_date(world):
    t = _sum_target(world)
    first = approved(t, year=2025, value=80, proposed=dt.date(2025, 3, 1), effective=dt.date(2025, 4, 1),
                     number="10-QĐ/TU")
    second = approved(t, year=2025, value=90, proposed=dt.date(2025, 8, 1), effective=dt.date(2025, 10, 1),
                      number="20-QĐ/TU")
    assert second.old_value == D(80)   # proposed against the value in force, not the resolution's
    after = _all(t, world)
    assert after[1].milestone == D(100)
    assert after[2].milestone == D(80) and after[3].milestone == D(80)
    assert after[3].milestone_adjustment.id == first.pk
    assert after[4].milestone == D(90) and after[4].milestone_original == D(100)
    assert after[4].milestone_adjustment.id == second.pk


def test_a_term_target_adjustment_moves_the_term_target_and_the_last_milestone(world):
    t = _sum_target(world)
    before = _all(t, world)
    approved(t, year=None, value=180, proposed=dt.date(2025, 5, 1), effective=dt.date(2025, 7, 1))
    after = _all(t, world)
    assert after[2] == before[2]
    e = after[3]
    assert e.term_target == D(180) and e.term_target_original == D(200) and e.term_adjustment is not None
    assert e.pct_of_term == D(50) / D(180) * 100
    assert e.milestone == D(100) and e.milestone_adjustment is None   # 2025's milestone is not the term's
    late = evaluate(target=t, unit=world.P, period=q(1, 2030))
    assert late.milestone == D(180) and late.milestone_original == D(200)   # the last year's milestone follows


def test_an_adjusted_copy_changes_the_plan_at_its_unit_only(world):
    t = _sum_target(world)
    copy = make_target(make_document(world.C1), Aggregation.SUM, unit=world.C1, copied_from=t,
                       milestones={2025: 60, 2030: 100}, target_value=100)
    approved(copy, year=2025, value=45, proposed=dt.date(2025, 2, 1), effective=dt.date(2025, 2, 1))
    at_commune = evaluate(target=t, unit=world.C1, period=q(3))
    assert at_commune.milestone == D(45) and at_commune.milestone_original == D(60)
    at_province = evaluate(target=t, unit=world.P, period=q(3))
    assert at_province.milestone == D(100) and at_province.milestone_adjustment is None


def test_query_counts_one_more_only_when_an_adjustment_is_in_force(world, django_assert_num_queries):
    targets = [_sum_target(world), world.target(Aggregation.RATIO, measure="%", milestones={2025: 50})]
    q2, q3 = q(2), q(3)
    with django_assert_num_queries(5):
        evaluate_many(targets=targets, unit=world.P, period=q2)
    approved(targets[0], year=2025, value=80, proposed=dt.date(2025, 6, 1), effective=dt.date(2025, 7, 1))
    with django_assert_num_queries(5):   # in force only from Q3: still five
        evaluate_many(targets=targets, unit=world.P, period=q2)
    with django_assert_num_queries(6):   # copies (flagging the adjusted), milestones, adjustments, terms, ...
        many = evaluate_many(targets=targets, unit=world.P, period=q3)
    assert many[targets[0].pk].milestone == D(80)
    more = targets + [world.target(Aggregation.SUM, milestones={2025: 5}) for _ in range(4)]
    for extra in more[2:]:
        approved(extra, year=2025, value=4, proposed=dt.date(2025, 6, 1), effective=dt.date(2025, 7, 1))
    with django_assert_num_queries(6):
        evaluate_many(targets=more, unit=world.P, period=q3)


def test_series_reads_each_period_with_the_adjustments_in_force_at_its_end(world, django_assert_num_queries):
    t = _sum_target(world)
    approved(t, year=2025, value=80, proposed=dt.date(2025, 6, 1), effective=dt.date(2025, 7, 1))
    periods = [q(1), q(2), q(3), q(4), q(1, 2026)]
    with django_assert_num_queries(4):
        points = series(target=t, unit=world.P, periods=periods)
    assert [m for _p, _a, m in points] == [D(100), D(100), D(80), D(80), D(120)]


# --------------------------------------------------------------------------- the rule itself, against brute force

_DAYS = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 12, 31))


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from([("milestone", 2025), ("milestone", 2026), ("term_target", None)]),
                               _DAYS, _DAYS, st.integers(1, 999)), max_size=8),
       on=_DAYS)
def test_in_force_is_the_latest_effective_on_or_before_the_day_per_field(rows, on):
    adjustments = [AppliedAdjustment(id=i + 1, target_id=1, field=key[0], year=key[1], value=D(value),
                                     decision_number="1-QĐ/TU", decision_type="QĐ", decision_date=decided,
                                     effective_from=effective)
                   for i, (key, effective, decided, value) in enumerate(rows)]
    in_force = adjustments_in_force(adjustments, on)
    for key in {(a.field, a.year) for a in adjustments}:
        candidates = [a for a in adjustments if (a.field, a.year) == key and a.effective_from <= on]
        if not candidates:
            assert key not in in_force
        else:
            best = max(candidates, key=lambda a: (a.effective_from, a.decision_date, a.id))
            assert in_force[key] == best
