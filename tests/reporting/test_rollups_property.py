"""Property tests: random trees, values, edits and reorganizations; the live rollups always equal a brute-force
recomputation from the raw counted values, ratios are rates of sums, and the incremental cells equal a rebuild.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.reporting.models import PeriodKind, RollupCell, Value
from nghiquyet.reporting.periods import period_get
from nghiquyet.reporting.rollups import rollup_actual, rollups_rebuild
from nghiquyet.resolutions.models import Aggregation, Direction
from tests.org.helpers import FOUNDED
from tests.org.test_properties import apply as reorganize
from tests.org.test_properties import in_rollback
from tests.reporting.test_rollups import (
    brute_force,
    cells_of,
    change_value,
    close_enough,
    make_document,
    make_schedule,
    make_target,
    put_value,
)

D = Decimal
SETTINGS = {"deadline": None, "derandomize": True, "max_examples": 30,
            "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}

trees = st.lists(st.tuples(st.integers(0, 10**6), st.booleans(), st.integers(0, 30)), min_size=2, max_size=9)
figures = st.tuples(st.decimals(min_value=-20, max_value=500, places=2), st.integers(0, 40), st.integers(0, 40),
                    st.integers(1, 9), st.integers(0, 9))   # value, numerator, denominator, weight, which is None
steps = st.lists(st.one_of(
    st.tuples(st.just("put"), st.integers(0, 10**6), st.integers(0, 5), st.integers(0, 1), figures,
              st.booleans(), st.integers(0, 9)),
    st.tuples(st.just("edit"), st.integers(0, 10**6), figures),
    st.tuples(st.just("toggle"), st.integers(0, 10**6)),
    st.tuples(st.just("reorganize"), st.sampled_from(["merge", "merge", "merge_new", "move", "split", "close"]),
              st.integers(0, 10**6), st.integers(0, 10**6)),
), min_size=4, max_size=16)


def build(spec) -> tuple[Unit, list[Unit]]:
    from nghiquyet.org.services import unit_create

    root = unit_create(actor=None, parent=None, kind=UnitKind.PROVINCE, code="PT.R", name="Tỉnh Thử",
                       valid_from=FOUNDED)
    units, internal = [root], [root]
    for index, (pick, leaf, members) in enumerate(spec):
        unit = unit_create(actor=None, parent=internal[pick % len(internal)],
                           kind=UnitKind.BRANCH if leaf else UnitKind.COMMUNE, code=f"PT.{index}",
                           name=f"Đơn vị {index}", member_count=members, valid_from=FOUNDED)
        units.append(unit)
        if not leaf:
            internal.append(unit)
    return root, units


def parts(figure) -> dict:
    value, numerator, denominator, weight, missing = figure
    out = {"value": value, "numerator": numerator, "denominator": denominator or 1, "weight": weight}
    if missing < 4:  # now and then a part is missing: the value is then not counted
        out[["value", "numerator", "denominator", "weight"][missing]] = None
    return out


def check(targets) -> None:
    for target in targets:
        expected, actual = brute_force(target), cells_of(target)
        assert close_enough(actual, expected), (target.aggregation, actual, expected)
        if target.aggregation == Aggregation.RATIO:  # the rate of the sums at every level, never a mean of rates
            for key, (num, den, count) in expected.items():
                rate = rollup_actual(target, *actual[key][:2], count)
                assert (rate is None) == (den == 0)
                if rate is not None:
                    assert abs(rate - num / den * 100) < D("1e-6") * max(D(1), abs(rate)), key


@settings(**SETTINGS)
@given(spec=trees, plan=steps, anchor_pick=st.integers(0, 10**6))
def test_rollups_equal_brute_force_through_edits_and_reorganizations(db, spec, plan, anchor_pick):
    def run():
        root, units = build(spec)
        document = make_document(root)
        targets = [
            make_target(document, Aggregation.SUM),
            make_target(document, Aggregation.WEIGHTED_MEAN),
            make_target(document, Aggregation.RATIO, measure="%"),
            make_target(document, Aggregation.COUNT_MEETING, threshold=100),
            make_target(document, Aggregation.NONE),
        ]
        internal = [u for u in units if u.kind != UnitKind.BRANCH]
        anchor = internal[anchor_pick % len(internal)]   # a target of a unit below the root
        targets.append(make_target(make_document(anchor), Aggregation.COUNT_MEETING, threshold=50,
                                   direction=Direction.LOWER))
        schedule = make_schedule(root, document, targets)
        periods = [period_get(PeriodKind.QUARTER, 2025, 1), period_get(PeriodKind.QUARTER, 2025, 2)]
        values: list[Value] = []
        day, recent = dt.date(2025, 1, 1), []
        for serial, step in enumerate(plan):
            kind = step[0]
            if kind == "put":
                _, pick, target_index, period_index, figure, counted, total_flag = step
                everyone = list(Unit.objects.filter(path__under=root.path).order_by("pk"))  # closed ones too
                unit, target = everyone[pick % len(everyone)], targets[target_index]
                period = periods[period_index]
                if Value.objects.filter(target=target, unit=unit, period=period).exists():
                    continue
                values.append(put_value(schedule, target, unit, period, counted=counted, is_total=total_flag == 0,
                                        **parts(figure)))
                event("put on a closed unit" if unit.valid_to else "put")
            elif kind == "edit" and values:
                change_value(values[step[1] % len(values)], **parts(step[2]))
            elif kind == "toggle" and values:
                row = values[step[1] % len(values)]
                change_value(row, counted=not row.counted)
            elif kind == "reorganize":
                day += dt.timedelta(days=3)
                try:
                    result = reorganize((step[1], step[2], step[3], 0), root, day, serial, recent)
                except ValidationError:
                    event(f"{step[1]}: refused")
                else:
                    event(f"{step[1]}: done")
                    recent = [u.pk for u in result.units] + [m["id"] for m in result.moved]
            check(targets)
        # The incremental cells equal a full recompute, and a recompute leaves no empty cell behind.
        incremental = {t.pk: cells_of(t) for t in targets}
        rollups_rebuild(target_ids=[t.pk for t in targets])
        assert not RollupCell.objects.filter(target__in=targets, contributors=0).exists()
        for target in targets:
            assert close_enough(cells_of(target), incremental[target.pk]), target.aggregation
        check(targets)

    in_rollback(run)


@settings(**SETTINGS)
@given(rates=st.lists(st.tuples(st.integers(0, 50), st.integers(1, 50)), min_size=2, max_size=6))
def test_ratio_is_the_rate_of_the_sums(db, rates):
    """At the root, the rate is Σ numerators / Σ denominators; the mean of the units' rates differs in general
    and is never what we return."""
    def run():
        root, units = build([(0, True, 0)] * len(rates))
        document = make_document(root)
        target = make_target(document, Aggregation.RATIO, measure="%")
        schedule = make_schedule(root, document, [target])
        period = period_get(PeriodKind.QUARTER, 2025, 1)
        for unit, (num, den) in zip(units[1:], rates, strict=True):
            put_value(schedule, target, unit, period, numerator=num, denominator=den)
        num, den, count = cells_of(target)[(root.pk, period.pk)]
        rate = rollup_actual(target, num, den, count)
        expected = D(sum(n for n, _ in rates)) / D(sum(d for _, d in rates)) * 100
        assert abs(rate - expected) < D("1e-9")
        mean = sum(D(n) / D(d) * 100 for n, d in rates) / len(rates)
        if abs(mean - expected) > D("1e-9"):
            event("mean of rates differs")
            assert abs(rate - mean) > D("1e-9")

    in_rollback(run)
