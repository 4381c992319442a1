"""Live rollups: each aggregation, shifts, chains through reorganizations, the tree as of a date, rebuilds.

The helpers here (a small tree, targets, values written straight to the tables and shifted by hand, and a
brute-force recomputation walking parent links) are shared with the property and evaluation tests.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from nghiquyet.org.models import Unit, UnitKind, UnitSuccession
from nghiquyet.org.services import NewUnit, unit_create, unit_merge, unit_move, unit_split
from nghiquyet.reporting.models import PeriodKind, RollupCell, Schedule, Submission, SubmissionStatus, Value
from nghiquyet.reporting.periods import period_get
from nghiquyet.reporting.rollups import (
    Contribution,
    rollup_actual,
    rollup_as_of,
    rollup_cells,
    rollup_chain,
    rollup_get,
    rollup_shift,
    rollups_rebuild,
    value_contribution,
)
from nghiquyet.resolutions.models import Aggregation, Direction, Document, Milestone, Target, Term

FOUNDED = dt.date(2000, 1, 1)
MERGED = dt.date(2025, 7, 1)
DECISION = "Quyết định 99-QĐ/TU"
D = Decimal

# --------------------------------------------------------------------------- helpers (shared)

_serial = [0]


def unique(prefix: str) -> str:
    _serial[0] += 1
    return f"{prefix}{_serial[0]}"


def make_unit(parent: Unit | None, kind: str = UnitKind.COMMUNE, members: int = 0, code: str = "") -> Unit:
    return unit_create(actor=None, parent=parent, kind=kind, code=code or unique("RT."), name=unique("Đơn vị "),
                       member_count=members, valid_from=FOUNDED)


def make_document(unit: Unit, start_year: int = 2025) -> Document:
    term, _ = Term.objects.get_or_create(unit=unit, start_year=start_year, defaults={"end_year": start_year + 5})
    number = int(unique(""))
    return Document.objects.create(unit=unit, term=term, number=number, type_code="NQ", issuer_code="ĐU",
                                   symbol=f"{number}-NQ/ĐU", issued_on=dt.date(start_year, 1, 15),
                                   title="Nghị quyết thử", is_congress_resolution=True)


def make_target(document: Document, aggregation: str = Aggregation.SUM, *, measure: str = "tỷ đồng",
                direction: str = Direction.HIGHER, threshold=None, target_value="100", baseline=None,
                unit: Unit | None = None, copied_from: Target | None = None, milestones=None) -> Target:
    target = Target.objects.create(
        document=document, unit=unit or document.unit, number=unique(""), name=unique("Chỉ tiêu "),
        domain="economy", measure=measure, direction=direction, aggregation=aggregation,
        threshold=None if threshold is None else D(str(threshold)), target_value=D(str(target_value)),
        baseline_value=None if baseline is None else D(str(baseline)), baseline_year=2024 if baseline else None,
        copied_from=copied_from,
    )
    for year, value in (milestones or {}).items():
        Milestone.objects.create(target=target, year=year, value=D(str(value)))
    return target


def make_schedule(unit: Unit, document: Document, targets, kind: str = PeriodKind.QUARTER) -> Schedule:
    schedule = Schedule.objects.create(unit=unit, document=document, name="Lịch thử", period_kind=kind,
                                       reporting_kinds=[UnitKind.COMMUNE, UnitKind.BRANCH],
                                       starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2030, 12, 31))
    schedule.targets.set(targets)
    return schedule


def _num(x):
    return None if x is None else D(str(x))


def put_value(schedule: Schedule, target: Target, unit: Unit, period, *, value=None, numerator=None,
              denominator=None, weight=None, counted: bool = True, is_total: bool = False) -> Value:
    """A value written straight to the tables, then shifted into the rollups the way the services do."""
    submission, _ = Submission.objects.get_or_create(
        schedule=schedule, unit=unit, period=period,
        defaults={"status": SubmissionStatus.ACCEPTED if counted else SubmissionStatus.DRAFT},
    )
    row = Value.objects.create(submission=submission, target=target, unit=unit, period=period, value=_num(value),
                               numerator=_num(numerator), denominator=_num(denominator), weight=_num(weight),
                               is_total=is_total, counted=counted)
    rollup_shift(value=row, before=None, after=value_contribution(row))
    return row


def change_value(row: Value, **fields) -> Value:
    before = value_contribution(row)
    for name, new in fields.items():
        setattr(row, name, new if name in {"counted", "is_total"} else _num(new))
    row.save()
    rollup_shift(value=row, before=before, after=value_contribution(row))
    return row


def cells_of(target: Target, period=None) -> dict[tuple[int, int], tuple[Decimal, Decimal, int]]:
    """{(unit id, period id): (total, total2, contributors)} of the cells with contributors."""
    cells = RollupCell.objects.filter(target=target, contributors__gt=0)
    if period is not None:
        cells = cells.filter(period=period)
    return {(u, p): (D(t), D(t2), c) for u, p, t, t2, c in
            cells.values_list("unit_id", "period_id", "total", "total2", "contributors")}


def brute_force(target: Target) -> dict[tuple[int, int], tuple[Decimal, Decimal, int]]:
    """The cells recomputed from the raw values alone: follow successors of closed units by their links, then
    walk parent links up to the target's unit; sums by the aggregation's rule, written out independently."""
    root = f"/{target.unit.path.strip('/').split('/')[0]}/"
    units = dict(Unit.objects.filter(path__under=root).values_list("pk", "parent_id"))
    closed = set(Unit.objects.filter(path__under=root, valid_to__isnull=False).values_list("pk", flat=True))
    successor: dict[int, int] = {}
    for predecessor, follower in (UnitSuccession.objects.filter(predecessor_id__in=closed)
                                  .order_by("predecessor_id", "member_share", "-successor_id")
                                  .values_list("predecessor_id", "successor_id")):
        successor[predecessor] = follower  # ascending share: the largest share is written last
    out: dict[tuple[int, int], list] = {}
    agg = target.aggregation
    for row in Value.objects.filter(target=target):
        if not row.counted or row.is_total:
            continue
        if agg == Aggregation.RATIO:
            if row.numerator is None or row.denominator is None:
                continue
            part = (row.numerator, row.denominator)
        elif row.value is None or (agg == Aggregation.WEIGHTED_MEAN and row.weight is None):
            continue
        elif agg == Aggregation.WEIGHTED_MEAN:
            part = (row.value * row.weight, row.weight)
        elif agg == Aggregation.COUNT_MEETING:
            limit = target.threshold if target.threshold is not None else target.target_value
            ok = {"higher": row.value >= limit, "lower": row.value <= limit, "exact": row.value == limit}
            part = (D(1) if ok[target.direction] else D(0), D(0))
        else:
            part = (row.value, D(0))
        if agg == Aggregation.NONE:
            chain = [row.unit_id]
        else:
            unit, seen = row.unit_id, set()
            while unit in closed and unit in successor and unit not in seen:
                seen.add(unit)
                unit = successor[unit]
            chain, walk = [], unit
            while walk is not None:
                chain.append(walk)
                if walk == target.unit_id:
                    break
                walk = units.get(walk)
            if target.unit_id not in chain:
                chain = []
        for unit_id in chain:
            cell = out.setdefault((unit_id, row.period_id), [D(0), D(0), 0])
            cell[0] += part[0]
            cell[1] += part[1]
            cell[2] += 1
    return {key: (t, t2, c) for key, (t, t2, c) in out.items()}


def close_enough(a: dict, b: dict) -> bool:
    """Cells equal (SQLite keeps decimals as floats: compare to 1e-6 relative)."""
    if set(a) != set(b):
        return False
    for key in a:
        for x, y in zip(a[key], b[key], strict=True):
            if abs(D(x) - D(y)) > D("1e-6") * max(D(1), abs(D(y))):
                return False
    return True


def assert_cells(target: Target) -> None:
    expected, actual = brute_force(target), cells_of(target)
    assert close_enough(actual, expected), (actual, expected)


# --------------------------------------------------------------------------- fixtures

class World:
    """P > C1 > (B11, B12), P > C2 > B21; a document of P with a quarterly schedule."""

    def __init__(self):
        self.P = make_unit(None, UnitKind.PROVINCE)
        self.C1 = make_unit(self.P, members=5)
        self.C2 = make_unit(self.P, members=7)
        self.B11 = make_unit(self.C1, UnitKind.BRANCH, 10)
        self.B12 = make_unit(self.C1, UnitKind.BRANCH, 20)
        self.B21 = make_unit(self.C2, UnitKind.BRANCH, 15)
        self.document = make_document(self.P)
        self.schedule = make_schedule(self.P, self.document, [])
        self.q1 = period_get(PeriodKind.QUARTER, 2025, 1)
        self.q2 = period_get(PeriodKind.QUARTER, 2025, 2)

    def target(self, aggregation=Aggregation.SUM, **kwargs) -> Target:
        target = make_target(self.document, aggregation, **kwargs)
        self.schedule.targets.add(target)
        return target

    def put(self, target, unit, period=None, **kwargs) -> Value:
        return put_value(self.schedule, target, unit, period or self.q1, **kwargs)

    def get(self, target, unit, period=None):
        return rollup_get(target=target, unit=Unit.objects.get(pk=unit.pk), period=period or self.q1)


@pytest.fixture
def world(db) -> World:
    return World()


# --------------------------------------------------------------------------- aggregations

def test_sum_adds_up_every_level(world):
    t = world.target(Aggregation.SUM)
    world.put(t, world.B11, value="10.5")
    world.put(t, world.B12, value=20)
    world.put(t, world.B21, value=5)
    world.put(t, world.C2, value=1)  # a commune's own figure counts too
    assert world.get(t, world.P).actual == D("36.5")
    assert world.get(t, world.P).contributors == 4
    assert world.get(t, world.C1).actual == D("30.5")
    assert world.get(t, world.C2).actual == D(6)
    assert world.get(t, world.B11).actual == D("10.5")
    assert world.get(t, world.B11, world.q2) is None
    assert_cells(t)


def test_weighted_mean_is_sum_of_products_over_sum_of_weights(world):
    t = world.target(Aggregation.WEIGHTED_MEAN, measure="triệu đồng/người")
    world.put(t, world.B11, value=80, weight=10)
    world.put(t, world.B12, value=50, weight=30)
    world.put(t, world.B21, value=60)  # no weight: not counted
    result = world.get(t, world.C1)
    assert result.actual == D("57.5") and result.total2 == D(40) and result.contributors == 2
    assert world.get(t, world.P).actual == D("57.5")
    assert world.get(t, world.C2) is None
    assert_cells(t)


def test_ratio_is_computed_after_aggregation_never_by_averaging_percentages(world):
    t = world.target(Aggregation.RATIO, measure="%")
    world.put(t, world.B11, numerator=1, denominator=2, value=50)     # 50 %
    world.put(t, world.B12, numerator=1, denominator=8, value="12.5")  # 12.5 %
    province = world.get(t, world.P)
    assert province.actual == D(20)                   # 2 / 10 × 100
    mean_of_rates = (D(50) + D("12.5")) / 2
    assert mean_of_rates == D("31.25") and province.actual != mean_of_rates
    assert (province.total, province.total2) == (D(2), D(10))
    no_percent = world.target(Aggregation.RATIO, measure="người/hộ")
    world.put(no_percent, world.B11, numerator=3, denominator=2)
    assert world.get(no_percent, world.P).actual == D("1.5")
    assert_cells(t)


def test_count_meeting_counts_units_at_the_threshold_by_direction(world):
    higher = world.target(Aggregation.COUNT_MEETING, threshold=50)
    for unit, value in [(world.B11, 60), (world.B12, 40), (world.B21, 50)]:
        world.put(higher, unit, value=value)
    assert world.get(higher, world.P).actual == D(2)
    assert world.get(higher, world.P).contributors == 3
    assert world.get(higher, world.C1).actual == D(1)
    lower = world.target(Aggregation.COUNT_MEETING, threshold=50, direction=Direction.LOWER)
    exact = world.target(Aggregation.COUNT_MEETING, direction=Direction.EXACT, target_value=40)  # no threshold
    for unit, value in [(world.B11, 60), (world.B12, 40), (world.B21, 50)]:
        world.put(lower, unit, value=value)
        world.put(exact, unit, value=value)
    assert world.get(lower, world.P).actual == D(2)
    assert world.get(exact, world.P).actual == D(1)
    for t in (higher, lower, exact):
        assert_cells(t)


def test_none_keeps_only_the_units_own_cell(world):
    t = world.target(Aggregation.NONE)
    world.put(t, world.B11, value=7)
    world.put(t, world.C1, value=9)
    assert world.get(t, world.B11).actual == D(7)
    assert world.get(t, world.C1).actual == D(9)
    assert world.get(t, world.P) is None
    assert rollup_chain(target=t, unit_id=world.B11.pk) == [world.B11.pk]
    assert_cells(t)
    assert rollups_rebuild(target_ids=[t.pk]) == 2
    assert_cells(t)


def test_rollup_actual_formulas():
    ratio = Target(aggregation=Aggregation.RATIO, measure="%")
    assert rollup_actual(ratio, D(1), D(4), 2) == D(25)
    assert rollup_actual(ratio, D(1), D(0), 2) is None
    assert rollup_actual(ratio, D(1), D(4), 0) is None
    mean = Target(aggregation=Aggregation.WEIGHTED_MEAN, measure="năm")
    assert rollup_actual(mean, D(9), D(3), 2) == D(3)
    assert rollup_actual(mean, D(9), D(0), 1) is None
    for agg in (Aggregation.SUM, Aggregation.COUNT_MEETING, Aggregation.NONE):
        assert rollup_actual(Target(aggregation=agg, measure="%"), D(9), D(0), 1) == D(9)


# --------------------------------------------------------------------------- shifts

def test_value_contribution_rules(world):
    t = world.target(Aggregation.SUM)
    row = world.put(t, world.B11, value=3)
    assert value_contribution(row) == Contribution(D(3), D(0), 1)
    row.counted = False
    assert value_contribution(row) is None
    row.counted, row.is_total = True, True
    assert value_contribution(row) is None
    row.is_total, row.value = False, None
    assert value_contribution(row) is None
    mean = world.target(Aggregation.WEIGHTED_MEAN)
    row = world.put(mean, world.B11, value="1.123456", weight="2.5")
    assert value_contribution(row).total == D("2.80864000")  # rounded to the cell's 8 decimals


def test_shifts_follow_edits_and_counting(world):
    t = world.target(Aggregation.SUM)
    a = world.put(t, world.B11, value=10)
    b = world.put(t, world.B12, value=5, counted=False)  # a draft: not counted
    assert world.get(t, world.P).actual == D(10)
    change_value(b, counted=True)
    assert world.get(t, world.P).actual == D(15)
    change_value(a, value=4)
    assert world.get(t, world.C1).actual == D(9)
    change_value(a, counted=False)
    change_value(b, counted=False)
    assert world.get(t, world.P) is None      # contributors fell to 0: read as empty
    assert rollup_cells(targets=[t], unit=world.P, periods=[world.q1]) == {}
    change_value(a, counted=True)
    assert world.get(t, world.P).actual == D(4) and world.get(t, world.P).contributors == 1
    assert_cells(t)


def test_self_reported_total_never_adds(world):
    t = world.target(Aggregation.SUM)
    world.put(t, world.B11, value=10)
    world.put(t, world.C1, value=10, is_total=True)
    assert world.get(t, world.C1).actual == D(10) and world.get(t, world.C1).contributors == 1
    assert_cells(t)


def test_chain_stops_at_the_targets_unit(world):
    commune_doc = make_document(world.C1)
    t = make_target(commune_doc, Aggregation.SUM)
    schedule = make_schedule(world.C1, commune_doc, [t])
    put_value(schedule, t, world.B11, world.q1, value=3)
    put_value(schedule, t, world.B21, world.q1, value=8)  # outside C1: feeds nothing
    assert rollup_chain(target=t, unit_id=world.B11.pk) == [world.C1.pk, world.B11.pk]
    assert set(cells_of(t)) == {(world.C1.pk, world.q1.pk), (world.B11.pk, world.q1.pk)}
    assert_cells(t)


def test_shift_is_three_queries_whatever_the_depth(world, django_assert_num_queries):
    t = world.target(Aggregation.SUM)
    deep = world.B11
    for _ in range(3):  # B11 is a branch: go deeper through communes
        deep = make_unit(world.C2 if deep is world.B11 else deep)
    row = world.put(t, deep, value=1)
    row = Value.objects.select_related("target").get(pk=row.pk)
    before = value_contribution(row)
    row.value = D(5)
    with django_assert_num_queries(3):
        rollup_shift(value=row, before=before, after=value_contribution(row))
    assert world.get(t, world.P).actual == D(5)
    with django_assert_num_queries(0):
        rollup_shift(value=row, before=value_contribution(row), after=value_contribution(row))


def test_rollup_cells_reads_many_in_one_query(world, django_assert_num_queries):
    s, r = world.target(Aggregation.SUM), world.target(Aggregation.RATIO, measure="%")
    world.put(s, world.B11, value=2)
    world.put(s, world.B11, world.q2, value=3)
    world.put(r, world.B12, numerator=1, denominator=4)
    with django_assert_num_queries(1):
        cells = rollup_cells(targets=[s, r], unit=world.P, periods=[world.q1, world.q2])
    assert cells[(s.pk, world.q1.pk)].actual == D(2)
    assert cells[(s.pk, world.q2.pk)].actual == D(3)
    assert cells[(r.pk, world.q1.pk)].actual == D(25)
    assert (r.pk, world.q2.pk) not in cells


# --------------------------------------------------------------------------- reorganizations

def test_merged_commune_counts_for_its_successor(world):
    t = world.target(Aggregation.SUM)
    world.put(t, world.C1, value=1)     # the commune's own figure, before the merge
    world.put(t, world.B11, value=10)
    world.put(t, world.B21, value=100)
    unit_merge(actor=None, sources=[Unit.objects.get(pk=world.C1.pk)], target=world.C2, effective_date=MERGED,
               decision_ref=DECISION)
    assert world.get(t, world.C2).actual == D(111)      # C1's own value and its moved branch
    assert world.get(t, world.C2).contributors == 3
    assert world.get(t, world.C1) is None
    assert world.get(t, world.P).actual == D(111)
    assert rollup_chain(target=t, unit_id=world.C1.pk) == [world.P.pk, world.C2.pk]
    assert_cells(t)
    # A late acceptance of the former commune's report goes to the successor too.
    late = world.put(t, world.C1, world.q2, value=4)
    assert world.get(t, world.C2, world.q2).actual == D(4)
    change_value(late, value=6)
    assert world.get(t, world.P, world.q2).actual == D(6)
    assert_cells(t)


def test_merge_chain_of_successions_and_new_unit(world):
    t = world.target(Aggregation.SUM)
    C3 = make_unit(world.P)
    world.put(t, world.C1, value=1)
    world.put(t, C3, value=2)
    new = unit_merge(actor=None, sources=[Unit.objects.get(pk=world.C1.pk), C3], new_parent=world.P,
                     new_unit=NewUnit(code=unique("RT.N"), name="Xã mới", kind=UnitKind.COMMUNE),
                     effective_date=MERGED, decision_ref=DECISION).created[0]["id"]
    assert cells_of(t)[(new, world.q1.pk)][0] == D(3)
    later = dt.date(2025, 8, 1)
    unit_merge(actor=None, sources=[Unit.objects.get(pk=new)], target=world.C2, effective_date=later,
               decision_ref=DECISION)
    assert rollup_chain(target=t, unit_id=world.C1.pk) == [world.P.pk, world.C2.pk]
    assert world.get(t, world.C2).actual == D(3)
    assert_cells(t)


def test_split_follows_the_part_with_the_most_members(world):
    t = world.target(Aggregation.SUM)
    world.put(t, world.C1, value=5)
    world.put(t, world.B11, value=1)
    result = unit_split(actor=None, unit=Unit.objects.get(pk=world.C1.pk), parts=[
        NewUnit(code=unique("RT.S"), name="Phần nhỏ", kind=UnitKind.COMMUNE, member_count=1,
                children=[world.B11]),
        NewUnit(code=unique("RT.S"), name="Phần lớn", kind=UnitKind.COMMUNE, member_count=4,
                children=[world.B12]),
    ], effective_date=MERGED, decision_ref=DECISION)
    small, big = (c["id"] for c in result.created)
    assert cells_of(t)[(big, world.q1.pk)][0] == D(5)
    assert cells_of(t)[(small, world.q1.pk)][0] == D(1)
    assert_cells(t)


def test_move_out_of_the_targets_subtree_rebuilds(world):
    commune_doc = make_document(world.C1)
    t = make_target(commune_doc, Aggregation.SUM)
    schedule = make_schedule(world.C1, commune_doc, [t])
    put_value(schedule, t, world.B11, world.q1, value=3)
    put_value(schedule, t, world.B12, world.q1, value=4)
    unit_move(actor=None, unit=Unit.objects.get(pk=world.B11.pk), new_parent=world.C2, effective_date=MERGED,
              decision_ref=DECISION)
    assert cells_of(t) == {(world.C1.pk, world.q1.pk): (D(4), D(0), 1), (world.B12.pk, world.q1.pk): (D(4), D(0), 1)}
    assert_cells(t)


def test_dry_run_leaves_rollups_alone(world):
    t = world.target(Aggregation.SUM)
    world.put(t, world.B11, value=3)
    before = cells_of(t)
    unit_move(actor=None, unit=Unit.objects.get(pk=world.B11.pk), new_parent=world.C2, effective_date=MERGED,
              decision_ref=DECISION, dry_run=True)
    assert cells_of(t) == before


def test_as_of_uses_the_tree_of_that_day(world):
    t = world.target(Aggregation.SUM)
    world.put(t, world.C1, value=1)
    world.put(t, world.B11, value=10)
    world.put(t, world.B21, value=100)
    unit_merge(actor=None, sources=[Unit.objects.get(pk=world.C1.pk)], target=world.C2, effective_date=MERGED,
               decision_ref=DECISION)
    C2 = Unit.objects.get(pk=world.C2.pk)
    before = rollup_as_of(target=t, unit=C2, period=world.q1, on=dt.date(2025, 3, 31))
    assert before.actual == D(100) and before.contributors == 1
    after = rollup_as_of(target=t, unit=C2, period=world.q1, on=dt.date(2025, 8, 1))
    assert after.actual == D(110)   # B11 came over; the closed C1 itself is not in that day's tree
    old_c1 = rollup_as_of(target=t, unit=Unit.objects.get(pk=world.C1.pk), period=world.q1, on=dt.date(2025, 3, 1))
    assert old_c1.actual == D(11) and old_c1.contributors == 2
    assert rollup_as_of(target=t, unit=C2, period=world.q1, on=dt.date(1999, 1, 1)) is None
    province = rollup_as_of(target=t, unit=world.P, period=world.q1, on=dt.date(2025, 3, 1))
    assert province.actual == world.get(t, world.P).actual == D(111)


# --------------------------------------------------------------------------- rebuild

def test_rebuild_equals_incremental_and_is_scoped(world):
    s = world.target(Aggregation.SUM)
    m = world.target(Aggregation.WEIGHTED_MEAN)
    r = world.target(Aggregation.RATIO, measure="%")
    c = world.target(Aggregation.COUNT_MEETING, threshold=3)
    for i, unit in enumerate([world.B11, world.B12, world.B21, world.C1]):
        for period in (world.q1, world.q2):
            world.put(s, unit, period, value=i + 1)
            world.put(m, unit, period, value=f"{i}.25", weight=i + 2)
            world.put(r, unit, period, numerator=i, denominator=10)
            world.put(c, unit, period, value=i + period.number)
    incremental = {t.pk: cells_of(t) for t in (s, m, r, c)}
    assert rollups_rebuild(target_ids=[s.pk], period_ids=[world.q1.pk]) == 6
    RollupCell.objects.filter(target=m).update(total=0)       # damage another target: untouched by a scoped run
    assert rollups_rebuild(target_ids=[s.pk, r.pk, c.pk]) == 36
    assert cells_of(m) != incremental[m.pk]
    rollups_rebuild(target_ids=[m.pk])
    for t in (s, m, r, c):
        assert close_enough(cells_of(t), incremental[t.pk]), t
        assert_cells(t)


def test_rebuild_command_prints_counts_in_vietnamese(world):
    t = world.target(Aggregation.SUM)
    world.put(t, world.B11, value=3)
    out = StringIO()
    call_command("rollups_rebuild", "--target", str(t.pk), stdout=out)
    assert "Đã tính lại 3 ô tổng hợp từ 1 số liệu trong" in out.getvalue()
    assert "giây" in out.getvalue()


def test_full_rebuild_rewrites_every_cell_and_keeps_the_indexes(world):
    from django.db import connection

    t = world.target(Aggregation.SUM)
    world.put(t, world.B11, value=3)
    RollupCell.objects.filter(target=t, unit=world.P).update(total=99)

    def indexes():
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, RollupCell._meta.db_table)
        return {name: (tuple(info["columns"]), info["unique"]) for name, info in found.items() if info["index"]}

    before = indexes()
    assert rollups_rebuild() >= 3
    assert indexes() == before
    assert_cells(t)


def test_a_former_communes_values_follow_its_successor_when_that_moves(world):
    t = world.target(Aggregation.SUM)
    district = make_unit(world.P, UnitKind.DISTRICT)
    world.put(t, world.C1, value=5)
    unit_merge(actor=None, sources=[Unit.objects.get(pk=world.C1.pk)], target=world.C2, effective_date=MERGED,
               decision_ref=DECISION)
    unit_move(actor=None, unit=Unit.objects.get(pk=world.C2.pk), new_parent=district,
              effective_date=dt.date(2025, 8, 1), decision_ref=DECISION)
    assert rollup_chain(target=t, unit_id=world.C1.pk) == [world.P.pk, district.pk, world.C2.pk]
    assert world.get(t, district).actual == D(5)
    assert_cells(t)
