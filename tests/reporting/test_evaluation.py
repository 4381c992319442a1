"""Evaluation of a target at a unit and period: plan, percentages, progress, projection, status, queries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nghiquyet.reporting.evaluation import (
    TargetStatus,
    evaluate,
    evaluate_many,
    percent_toward,
    progress_of,
    projection_of,
    series,
    status_of,
)
from nghiquyet.reporting.models import PeriodKind
from nghiquyet.reporting.periods import period_get
from nghiquyet.resolutions.models import Aggregation, Direction
from tests.reporting.test_rollups import World, make_target

D = Decimal


@pytest.fixture
def world(db) -> World:
    return World()


def q(number: int, year: int = 2025):
    return period_get(PeriodKind.QUARTER, year, number)


def close(a, b, places: str = "0.0001") -> bool:
    return a is not None and abs(D(a) - D(b)) < D(places)


def test_sum_target_status_is_pro_rata_until_the_year_milestone_is_met(world, settings):
    settings.NGHIQUYET["REPORTING"]["ON_TRACK"] = D("0.95")
    settings.NGHIQUYET["REPORTING"]["AT_RISK"] = D("0.80")
    t = world.target(Aggregation.SUM, milestones={2025: 100, 2026: 120}, target_value=200, baseline=50)
    world.put(t, world.B11, q(1), value=30)   # plan 25: ahead
    world.put(t, world.B11, q(2), value=40)   # plan 50: 80 %
    world.put(t, world.B11, q(3), value=50)   # plan 75: 67 %
    world.put(t, world.B11, q(4), value=100)  # the year's milestone
    e1 = evaluate(target=t, unit=world.P, period=q(1))
    assert e1.actual == D(30) and e1.contributors == 1
    assert e1.milestone == D(100) and e1.plan == D(25)
    assert e1.pct_of_milestone == D(30) and e1.term_target == D(200) and e1.pct_of_term == D(15)
    assert e1.status == TargetStatus.ON_TRACK and e1.status_label == "Đúng tiến độ"
    assert evaluate(target=t, unit=world.P, period=q(2)).status == TargetStatus.AT_RISK
    assert evaluate(target=t, unit=world.P, period=q(3)).status == TargetStatus.OFF_TRACK
    e4 = evaluate(target=t, unit=world.P, period=q(4))
    assert e4.status == TargetStatus.ACHIEVED and e4.status_label == "Đạt"
    assert close(e4.progress, D(1) / D(3))   # (100 − 50) / (200 − 50)
    assert close(evaluate(target=t, unit=world.P, period=q(2)).progress, D("0.2"))  # annualised 80
    early = world.target(Aggregation.SUM, milestones={2025: 10})
    world.put(early, world.B11, q(1), value=12)
    assert evaluate(target=early, unit=world.P, period=q(1)).status == TargetStatus.ACHIEVED


def test_no_status_without_actual_or_plan(world):
    t = world.target(Aggregation.SUM)  # no milestones
    world.put(t, world.B11, q(1), value=3)
    e = evaluate(target=t, unit=world.P, period=q(1))
    assert e.actual == D(3) and e.milestone is None and e.status is None and e.status_label == ""
    planned = world.target(Aggregation.SUM, milestones={2025: 10})
    e = evaluate(target=planned, unit=world.P, period=q(1))
    assert e.actual is None and e.status is None and e.contributors == 0 and e.pct_of_milestone is None


def test_lower_is_better_rate_inverts_the_ratio(world):
    t = world.target(Aggregation.RATIO, measure="%", direction=Direction.LOWER, milestones={2025: 10},
                     target_value=5, baseline=15)
    cases = [(q(1), 8, TargetStatus.ACHIEVED), (q(2), "10.4", TargetStatus.ON_TRACK),
             (q(3), 12, TargetStatus.AT_RISK), (q(4), 20, TargetStatus.OFF_TRACK)]
    for period, rate, _status in cases:
        world.put(t, world.B11, period, numerator=rate, denominator=100)
    for period, rate, status in cases:
        e = evaluate(target=t, unit=world.P, period=period)
        assert close(e.actual, D(str(rate))), period
        assert e.status == status, period
    e = evaluate(target=t, unit=world.P, period=q(1))
    assert e.progress == D("0.7")   # from 15 % down to 8 %: 7 of the 10 points to 5 %


def test_plans_below_the_targets_unit(world):
    """A rate compares with the plan at any level; a sum only with the unit's own copy."""
    rate = world.target(Aggregation.WEIGHTED_MEAN, milestones={2025: 50})
    total = world.target(Aggregation.SUM, milestones={2025: 100})
    copy = make_target(world.document, Aggregation.SUM, unit=world.C1, copied_from=total, milestones={2025: 40},
                       target_value=80)
    world.put(rate, world.B11, q(1), value=60, weight=1)
    world.put(total, world.B11, q(1), value=12)
    world.put(total, world.B21, q(1), value=7)
    at_c1 = evaluate_many(targets=[rate, total], unit=world.C1, period=q(1))
    assert at_c1[rate.pk].milestone == D(50) and at_c1[rate.pk].status == TargetStatus.ACHIEVED
    assert at_c1[total.pk].milestone == D(40) and at_c1[total.pk].plan == D(10)
    assert at_c1[total.pk].term_target == D(80) and at_c1[total.pk].status == TargetStatus.ON_TRACK
    at_c2 = evaluate(target=total, unit=world.C2, period=q(1))
    assert at_c2.actual == D(7) and at_c2.milestone is None and at_c2.term_target is None and at_c2.status is None
    assert copy.copied_from_id == total.pk


def test_same_period_last_year(world):
    t = world.target(Aggregation.SUM)
    world.put(t, world.B11, q(1, 2024), value=20)
    world.put(t, world.B11, q(1), value=30)
    e = evaluate(target=t, unit=world.P, period=q(1))
    assert e.same_period_last_year == D(20) and e.pct_same_period == D(150)
    assert evaluate(target=t, unit=world.P, period=q(1, 2024)).same_period_last_year is None


def test_projection_to_the_end_of_the_term(world):
    t = world.target(Aggregation.SUM, target_value=200)  # term 2025-2030
    y2025, y2026 = period_get(PeriodKind.YEAR, 2025), period_get(PeriodKind.YEAR, 2026)
    world.put(t, world.B11, y2025, value=100)
    assert evaluate(target=t, unit=world.P, period=y2025).projection is None  # one point is no trend
    world.put(t, world.B11, y2026, value=120)
    assert evaluate(target=t, unit=world.P, period=y2026).projection == D(200)  # +20 a year to 2030
    # Quarterly sums are the year to date: annualised before the trend (each is 100 a year: flat).
    flat = world.target(Aggregation.SUM, target_value=200)
    for n, value in [(1, 25), (2, 50), (3, 75)]:
        world.put(flat, world.B11, q(n), value=value)
    assert close(evaluate(target=flat, unit=world.P, period=q(3)).projection, 100)
    assert evaluate(target=flat, unit=world.P, period=q(1)).projection is None


def test_evaluate_many_uses_a_fixed_number_of_queries(world, django_assert_num_queries):
    targets = [world.target(Aggregation.SUM, milestones={2025: 10}),
               world.target(Aggregation.RATIO, measure="%", milestones={2025: 50}),
               world.target(Aggregation.COUNT_MEETING, threshold=1)]
    for t in targets:
        world.put(t, world.B11, q(1), value=5, numerator=1, denominator=2)
        world.put(t, world.B11, q(2), value=6, numerator=1, denominator=2)
    period = q(2)
    with django_assert_num_queries(5):
        few = evaluate_many(targets=targets[:1], unit=world.P, period=period)
    more = targets + [world.target(Aggregation.SUM) for _ in range(5)]
    with django_assert_num_queries(5):
        many = evaluate_many(targets=more, unit=world.P, period=period)
    assert few[targets[0].pk] == many[targets[0].pk]
    assert many[targets[1].pk].actual == D(50) and many[targets[1].pk].status == TargetStatus.ACHIEVED
    assert many[targets[2].pk].actual == D(1)
    assert many[more[-1].pk].actual is None
    assert evaluate_many(targets=[], unit=world.P, period=period) == {}


def test_series_for_charts(world, django_assert_num_queries):
    t = world.target(Aggregation.SUM, milestones={2025: 100, 2026: 130})
    world.put(t, world.B11, q(1), value=20)
    world.put(t, world.B11, q(3), value=70)
    periods = [q(1), q(2), q(3), q(1, 2026)]
    with django_assert_num_queries(3):
        points = series(target=t, unit=world.P, periods=periods)
    assert [(p.pk, a, m) for p, a, m in points] == [
        (periods[0].pk, D(20), D(100)), (periods[1].pk, None, D(100)), (periods[2].pk, D(70), D(100)),
        (periods[3].pk, None, D(130)),
    ]


# --------------------------------------------------------------------------- pure rules

def test_status_rules(settings):
    settings.NGHIQUYET["REPORTING"]["ON_TRACK"] = D("0.9")
    settings.NGHIQUYET["REPORTING"]["AT_RISK"] = D("0.7")

    class P:  # a period without the database
        def __init__(self, month):
            self.end = type("E", (), {"month": month})()

    june, december = P(6), P(12)
    s = Aggregation.SUM
    assert status_of(aggregation=s, direction=Direction.HIGHER, actual=D(46), milestone=D(100), period=june) \
        == TargetStatus.ON_TRACK          # 46 of a plan of 50 = 0.92
    assert status_of(aggregation=s, direction=Direction.HIGHER, actual=D(40), milestone=D(100), period=june) \
        == TargetStatus.AT_RISK
    # A sum that should stay low is only achieved at the end of the year.
    assert status_of(aggregation=s, direction=Direction.LOWER, actual=D(30), milestone=D(100), period=june) \
        == TargetStatus.ON_TRACK
    assert status_of(aggregation=s, direction=Direction.LOWER, actual=D(90), milestone=D(100), period=december) \
        == TargetStatus.ACHIEVED
    assert status_of(aggregation=s, direction=Direction.LOWER, actual=D(80), milestone=D(100), period=june) \
        == TargetStatus.OFF_TRACK         # 50 / 80 = 0.625
    r = Aggregation.RATIO
    assert status_of(aggregation=r, direction=Direction.EXACT, actual=D(100), milestone=D(100), period=june) \
        == TargetStatus.ACHIEVED
    assert status_of(aggregation=r, direction=Direction.EXACT, actual=D(92), milestone=D(100), period=june) \
        == TargetStatus.ON_TRACK
    assert status_of(aggregation=r, direction=Direction.EXACT, actual=D(120), milestone=D(100), period=june) \
        == TargetStatus.AT_RISK
    assert status_of(aggregation=r, direction=Direction.HIGHER, actual=None, milestone=D(1), period=june) is None
    assert status_of(aggregation=r, direction=Direction.HIGHER, actual=D(1), milestone=None, period=june) is None
    assert [label for _v, label in TargetStatus.choices] == ["Đạt", "Đúng tiến độ", "Có nguy cơ", "Chậm tiến độ"]


def test_progress_and_projection_rules():
    assert progress_of(D(75), D(50), D(100)) == D("0.5")
    assert progress_of(D(110), D(50), D(100)) == D("1.2")
    assert progress_of(D(8), D(10), D(6)) == D("0.5")   # lower is better: 10 → 6
    assert progress_of(D(8), None, D(6)) is None and progress_of(D(8), D(6), D(6)) is None
    assert projection_of([(D(2025), D(10))], D(2031)) is None
    assert projection_of([(D(2025), D(10)), (D(2025), D(12))], D(2031)) is None
    assert projection_of([(D(1), D(1)), (D(2), D(2)), (D(3), D(3))], D(10)) == D(10)


@pytest.mark.parametrize(("direction", "actual", "plan", "expected"), [
    (Direction.HIGHER, Decimal("69.5"), Decimal("89"), Decimal("78.1")),
    (Direction.LOWER, Decimal("2.88"), Decimal("1.07"), Decimal("37.2")),   # poverty rate still far above its goal
    (Direction.LOWER, Decimal("1.15"), Decimal("1.19"), Decimal("103.5")),  # below the milestone: beyond the plan
    (Direction.LOWER, Decimal("0"), Decimal("5"), None),                    # nothing to divide by
    (Direction.EXACT, Decimal("9"), Decimal("10"), Decimal("90.0")),
    (Direction.HIGHER, None, Decimal("10"), None),
])
def test_percent_of_plan_reads_the_way_the_target_points(direction, actual, plan, expected):
    result = percent_toward(direction, actual, plan)
    assert (None if result is None else result.quantize(Decimal("0.1"))) == expected
