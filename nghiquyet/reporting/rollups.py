"""Live rollups: each counted value is added to the ``RollupCell`` of its unit and of every ancestor inside the
target's subtree, in the same transaction as the change that counts (or uncounts) it.

How a value contributes (``value_contribution``), by the target's aggregation:

* sum: ``(value, 0)``; none: ``(value, 0)`` at the unit's own cell only;
* weighted mean: ``(value × weight, weight)`` → actual = Σ(value × weight) / Σ weight;
* ratio: ``(numerator, denominator)`` → actual = Σ numerator / Σ denominator (× 100 when the measure has "%"):
  the rate of the sums, never the mean of the rates;
* count meeting: ``(1 if the value meets the threshold else 0, 0)`` → actual = number of units meeting it
  (threshold: ``target.threshold``, or the term target when none is set; higher: >=, lower: <=, exact: ==).

Each counted value adds 1 to ``contributors``. Products are rounded to 8 decimals (the cell's precision) before
they are added, so an incremental sequence of shifts and a full rebuild give the same cells.

The chain of a value reported by unit U (``ChainResolver``): U and its ancestors from the target's own unit
down (ids in U's materialized path); when U is closed, the chain of its successor (merge: the unit it went into;
split: the part with the largest member share), recursively, so a former commune's values count for the commune
that took it over. A unit outside the target's subtree contributes nothing.

``rollup_shift`` applies ``after - before`` to the chain with one ``UPDATE … SET total = total + …``: the
database adds, so two acceptances at the same time never lose each other's update. Cells whose contributors
fall to 0 are kept (a concurrent shift may be about to add to them); reads treat them as empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import F, Q

from nghiquyet.core.fields import path_ids
from nghiquyet.org.models import Unit, UnitSuccession
from nghiquyet.reporting.models import Period, RollupCell, Value
from nghiquyet.resolutions.models import Aggregation, Direction, Target

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CELL_PLACES = Decimal("1E-8")
BATCH = 5000
RATES = {Aggregation.RATIO, Aggregation.WEIGHTED_MEAN}


@dataclass(frozen=True)
class Contribution:
    """What one value adds to each cell of its chain."""

    total: Decimal
    total2: Decimal
    contributors: int


@dataclass(frozen=True)
class RollupResult:
    actual: Decimal | None
    contributors: int
    total: Decimal
    total2: Decimal


# --------------------------------------------------------------------------- contributions (pure)

def _cell(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CELL_PLACES, rounding=ROUND_HALF_UP)


def meets(direction: str, value: Decimal, threshold: Decimal) -> bool:
    if direction == Direction.LOWER:
        return value <= threshold
    if direction == Direction.EXACT:
        return value == threshold
    return value >= threshold


def contribution_of(
    target: Target, *, value: Decimal | None, numerator: Decimal | None = None, denominator: Decimal | None = None,
    weight: Decimal | None = None,
) -> Contribution | None:
    """The contribution of one counted figure of ``target`` (``None`` when a part it needs is missing)."""
    aggregation = target.aggregation
    if aggregation == Aggregation.RATIO:
        if numerator is None or denominator is None:
            return None
        return Contribution(_cell(numerator), _cell(denominator), 1)
    if value is None:
        return None
    if aggregation == Aggregation.WEIGHTED_MEAN:
        if weight is None:
            return None
        return Contribution(_cell(value * weight), _cell(weight), 1)
    if aggregation == Aggregation.COUNT_MEETING:
        threshold = target.threshold if target.threshold is not None else target.target_value
        hit = threshold is not None and meets(target.direction, value, threshold)
        return Contribution(Decimal(1) if hit else ZERO, ZERO, 1)
    return Contribution(_cell(value), ZERO, 1)  # sum, none


def value_contribution(value: Value) -> Contribution | None:
    """What ``value`` adds to the rollups now: ``None`` when it is not counted, is a self-reported total or
    lacks a part its target's aggregation needs."""
    if not value.counted or value.is_total:
        return None
    return contribution_of(value.target, value=value.value, numerator=value.numerator,
                           denominator=value.denominator, weight=value.weight)


def is_percent(target: Target) -> bool:
    return "%" in (target.measure or "")


def rate(target: Target, numerator: Decimal, denominator: Decimal) -> Decimal:
    """A ratio target's figure: numerator / denominator, × 100 when the target is measured in "%"."""
    result = Decimal(numerator) / Decimal(denominator)
    return result * HUNDRED if is_percent(target) else result


def rollup_actual(target: Target, total: Decimal, total2: Decimal, contributors: int) -> Decimal | None:
    """The target's figure from a cell's sums (the aggregation's formula); ``None`` without contributors."""
    if not contributors:
        return None
    total, total2 = Decimal(total), Decimal(total2)
    aggregation = target.aggregation
    if aggregation in RATES:
        if total2 == 0:
            return None
        return rate(target, total, total2) if aggregation == Aggregation.RATIO else total / total2
    return total


def _result(target: Target, total, total2, contributors) -> RollupResult | None:
    if not contributors:
        return None
    total, total2 = Decimal(total), Decimal(total2)
    return RollupResult(actual=rollup_actual(target, total, total2, contributors), contributors=contributors,
                        total=total, total2=total2)


# --------------------------------------------------------------------------- chains

class ChainResolver:
    """Resolves (unit, target) to the ids of the cells a value of the unit feeds, with a cache per instance.

    ``load`` fetches the units it will be asked about in one query (more only for closed units, to follow
    their successors); ``chain`` then answers without queries."""

    def __init__(self) -> None:
        self.units: dict[int, tuple[str, bool]] = {}   # id -> (path, closed)
        self.successor: dict[int, int | None] = {}
        self._resolved: dict[int, int] = {}

    def remember(self, unit_id: int, path: str, closed: bool) -> None:
        self.units[unit_id] = (path, closed)

    def load(self, unit_ids: Iterable[int]) -> None:
        missing = {pk for pk in unit_ids if pk not in self.units}
        if missing:
            for pk, path, valid_to in Unit.objects.filter(pk__in=missing).values_list("pk", "path", "valid_to"):
                self.remember(pk, path, valid_to is not None)
        self._follow_successors()

    def _follow_successors(self) -> None:
        """Load successor links of every loaded closed unit, and the successors themselves, until none is new."""
        while True:
            closed = [pk for pk, (_path, is_closed) in self.units.items() if is_closed and pk not in self.successor]
            if not closed:
                return
            for pk in closed:
                self.successor[pk] = None
            links = (UnitSuccession.objects.filter(predecessor_id__in=closed)
                     .order_by("predecessor_id", "-member_share", "successor_id")
                     .values_list("predecessor_id", "successor_id"))
            for predecessor, successor in links:
                if self.successor[predecessor] is None:
                    self.successor[predecessor] = successor
            new = {s for s in self.successor.values() if s is not None and s not in self.units}
            if new:
                for pk, path, valid_to in Unit.objects.filter(pk__in=new).values_list("pk", "path", "valid_to"):
                    self.remember(pk, path, valid_to is not None)

    def resolve(self, unit_id: int) -> int:
        """The unit whose chain a value of ``unit_id`` follows: itself if active, else its successor's (…)."""
        if unit_id in self._resolved:
            return self._resolved[unit_id]
        current, seen = unit_id, set()
        while current not in seen:
            seen.add(current)
            path_closed = self.units.get(current)
            if path_closed is None or not path_closed[1]:
                break
            following = self.successor.get(current)
            if following is None:  # closed without a successor (dissolved): its own former place
                break
            current = following
        self._resolved[unit_id] = current
        return current

    def chain(self, unit_id: int, anchor_id: int, aggregation: str) -> list[int]:
        if aggregation == Aggregation.NONE:
            return [unit_id]
        resolved = self.resolve(unit_id)
        if resolved not in self.units:
            return []
        ids = path_ids(self.units[resolved][0])
        if anchor_id not in ids:
            return []
        return ids[ids.index(anchor_id):]


def rollup_chain(*, target: Target, unit_id: int) -> list[int]:
    """Ids of the cells (root of the target's subtree first) a value of ``unit_id`` for ``target`` feeds."""
    resolver = ChainResolver()
    if target.aggregation != Aggregation.NONE:
        resolver.load([unit_id])
    return resolver.chain(unit_id, target.unit_id, target.aggregation)


# --------------------------------------------------------------------------- incremental update

def rollup_shift(*, value: Value, before: Contribution | None, after: Contribution | None) -> None:
    """Apply ``after - before`` to every cell of the value's chain (no-op when equal).

    Three queries for an active unit, whatever the depth: the unit's path (read fresh: a unit object loaded
    before a reorganization would be stale), the missing cells (``INSERT … ON CONFLICT DO NOTHING``), one atomic
    ``UPDATE`` of the whole chain (a closed unit adds one or two per succession it follows). Call it inside the
    transaction that changes the value."""
    if before == after:
        return
    zero = Contribution(ZERO, ZERO, 0)
    before, after = before or zero, after or zero
    d_total = after.total - before.total
    d_total2 = after.total2 - before.total2
    d_count = after.contributors - before.contributors
    if not d_total and not d_total2 and not d_count:
        return
    target = value.target
    chain = rollup_chain(target=target, unit_id=value.unit_id)
    if not chain:
        return
    RollupCell.objects.bulk_create(
        [RollupCell(target_id=target.pk, unit_id=unit_id, period_id=value.period_id) for unit_id in chain],
        ignore_conflicts=True,
    )
    RollupCell.objects.filter(target_id=target.pk, period_id=value.period_id, unit_id__in=chain).update(
        total=F("total") + d_total, total2=F("total2") + d_total2, contributors=F("contributors") + d_count,
    )


# --------------------------------------------------------------------------- full recompute

_MAP, _UP, _OWN, _ACC = "nq_rollup_map", "nq_rollup_up", "nq_rollup_own", "nq_rollup_acc"


def _contribution_sql(thr: str) -> tuple[str, str, str]:
    """SQL for (total, total2, has-all-parts) of a value row ``v`` of a target row ``t`` (see ``contribution_of``;
    ``thr`` is the threshold expression)."""
    total = (
        "CASE t.aggregation"
        " WHEN 'weighted_mean' THEN ROUND(v.value * v.weight, 8)"
        " WHEN 'ratio' THEN v.numerator"
        " WHEN 'count_meeting' THEN CASE WHEN "
        f"(t.direction = 'lower' AND v.value <= {thr}) OR (t.direction = 'exact' AND v.value = {thr})"
        f" OR (t.direction NOT IN ('lower', 'exact') AND v.value >= {thr}) THEN 1 ELSE 0 END"
        " ELSE v.value END"
    )
    total2 = ("CASE t.aggregation WHEN 'weighted_mean' THEN v.weight WHEN 'ratio' THEN v.denominator"
              " ELSE 0 END")
    parts = (
        "((t.aggregation = 'ratio' AND v.numerator IS NOT NULL AND v.denominator IS NOT NULL)"
        " OR (t.aggregation = 'weighted_mean' AND v.value IS NOT NULL AND v.weight IS NOT NULL)"
        " OR (t.aggregation NOT IN ('ratio', 'weighted_mean') AND v.value IS NOT NULL))"
    )
    return total, total2, parts


def _in(column: str, ids: list[int] | None) -> tuple[str, list[int]]:
    if ids is None:
        return "", []
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def rollups_rebuild(*, target_ids: Iterable[int] | None = None, period_ids: Iterable[int] | None = None) -> int:
    """Recompute the cells of ``target_ids`` × ``period_ids`` (all when ``None``) from the counted values.

    Set-based, level by level: the chains of the reporting units are resolved in Python once per (unit, target's
    unit) into two small temporary tables (where a unit's values land, and each cell's parent); the values are
    summed once at the cell they land in, then each level of cells is the sum of its own values and of the level
    below, from the deepest level up (each row is grouped once, not once per ancestor); the finished cells are
    copied in one ``INSERT … SELECT``. Returns the number of cells written."""
    target_ids = None if target_ids is None else sorted(set(target_ids))
    period_ids = None if period_ids is None else sorted(set(period_ids))
    if target_ids == [] or period_ids == []:
        return 0
    cells = RollupCell.objects.all()
    if target_ids is not None:
        cells = cells.filter(target_id__in=target_ids)
    if period_ids is not None:
        cells = cells.filter(period_id__in=period_ids)
    full = target_ids is None and period_ids is None
    with transaction.atomic():
        postgres = full and connection.vendor == "postgresql"
        if postgres:  # TRUNCATE and CREATE INDEX refuse to run over pending deferred foreign-key checks
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        indexes = _drop_secondary_indexes() if full else {}
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {connection.ops.quote_name(RollupCell._meta.db_table)}")
        else:
            cells.delete()
        targets = Target.objects.all() if target_ids is None else Target.objects.filter(pk__in=target_ids)
        anchors = {pk: anchor for pk, anchor, aggregation in targets.values_list("pk", "unit_id", "aggregation")
                   if aggregation != Aggregation.NONE}
        reporters = Value.objects.filter(target_id__in=list(anchors)) if target_ids is not None else Value.objects
        pairs = {(unit_id, anchors[target_id]) for target_id, unit_id in
                 reporters.values_list("target_id", "unit_id").distinct().order_by() if target_id in anchors}
        resolver = ChainResolver()
        units = sorted({unit_id for unit_id, _anchor in pairs})
        for start in range(0, len(units), BATCH):
            resolver.load(units[start:start + BATCH])
        landing: set[tuple[int, int, int, int]] = set()   # (anchor, reporting unit, cell it lands in, depth)
        parents: set[tuple[int, int, int, int]] = set()   # (anchor, cell, parent cell, depth of the cell)
        for unit_id, anchor in pairs:
            chain = resolver.chain(unit_id, anchor, Aggregation.SUM)
            if chain:
                landing.add((anchor, unit_id, chain[-1], len(chain) - 1))
                for depth in range(1, len(chain)):
                    parents.add((anchor, chain[depth], chain[depth - 1], depth))
        written = _insert_cells(landing, parents, target_ids, period_ids)
        _create_indexes(indexes)
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return written


def _drop_secondary_indexes() -> dict[str, list[str]]:
    """A full recompute rewrites the whole table: its plain indexes are dropped and built again afterwards, in
    the same transaction (one sorted build is several times faster than a million index insertions). The unique
    constraint stays."""
    table = RollupCell._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
        indexes = {name: info["columns"] for name, info in constraints.items()
                   if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"]}
        for name in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return indexes


def _create_indexes(indexes: dict[str, list[str]]) -> None:
    if not indexes:
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # no index build over pending deferred foreign-key checks
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, columns in indexes.items():
            cursor.execute(f"CREATE INDEX {qn(name)} ON {qn(RollupCell._meta.db_table)} "
                           f"({', '.join(qn(c) for c in columns)})")


def _insert_cells(landing, parents, target_ids, period_ids) -> int:
    qn = connection.ops.quote_name
    cell_table, value_table = qn(RollupCell._meta.db_table), qn(Value._meta.db_table)
    target_table = qn(Target._meta.db_table)
    total, total2, parts = _contribution_sql("COALESCE(t.threshold, t.target_value)")
    by_target, target_params = _in("v.target_id", target_ids)
    by_period, period_params = _in("v.period_id", period_ids)
    condition = f"v.counted = %s AND v.is_total = %s AND {parts}{by_target}{by_period}"
    params = [True, False, *target_params, *period_params]
    columns = "target_id, unit_id, period_id, total, total2, contributors"
    key = "target_id, anchor_id, cell_id, period_id"
    written = 0
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:

        def analyze(table: str) -> None:
            """PostgreSQL plans a temporary table as nearly empty until it is analyzed (then: hash joins)."""
            if postgres:
                cursor.execute(f"ANALYZE {table}")

        for table in (_MAP, _UP, _OWN, _ACC):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {_MAP} (anchor_id integer NOT NULL, unit_id integer NOT NULL,"
                       " cell_id integer NOT NULL, depth integer NOT NULL)")
        cursor.execute(f"CREATE TEMPORARY TABLE {_UP} (anchor_id integer NOT NULL, cell_id integer NOT NULL,"
                       " parent_id integer NOT NULL, depth integer NOT NULL)")
        for table, rows in ((_MAP, sorted(landing)), (_UP, sorted(parents))):
            for start in range(0, len(rows), BATCH):
                cursor.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s, %s)",  # noqa: S608
                                   rows[start:start + BATCH])
            column = "unit_id" if table == _MAP else "cell_id"
            cursor.execute(f"CREATE INDEX {table}_idx ON {table} (anchor_id, {column})")
            analyze(table)
        # Each value once, summed at the cell it lands in.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_OWN} AS "  # noqa: S608
            f"SELECT v.target_id AS target_id, m.anchor_id AS anchor_id, m.cell_id AS cell_id, "
            f"v.period_id AS period_id, m.depth AS depth, SUM({total}) AS total, SUM({total2}) AS total2, "
            f"COUNT(*) AS n FROM {value_table} v JOIN {target_table} t ON t.id = v.target_id "
            f"JOIN {_MAP} m ON m.anchor_id = t.unit_id AND m.unit_id = v.unit_id "
            f"WHERE {condition} AND t.aggregation <> 'none' "
            f"GROUP BY v.target_id, m.anchor_id, m.cell_id, v.period_id, m.depth",
            params,
        )
        analyze(_OWN)
        cursor.execute(f"SELECT MAX(depth) FROM {_OWN}")  # noqa: S608
        deepest = cursor.fetchone()[0]
        cursor.execute(f"CREATE TEMPORARY TABLE {_ACC} AS SELECT {key}, depth, total, total2, n FROM {_OWN} "  # noqa: S608
                       "WHERE 1 = 0")
        # Level by level from the deepest: a cell = its own values + its children's cells.
        for depth in range(deepest if deepest is not None else -1, -1, -1):
            cursor.execute(
                f"INSERT INTO {_ACC} ({key}, depth, total, total2, n) "  # noqa: S608
                f"SELECT {key}, %s, SUM(total), SUM(total2), SUM(n) FROM ("
                f"SELECT {key}, total, total2, n FROM {_OWN} WHERE depth = %s "
                f"UNION ALL SELECT a.target_id, a.anchor_id, u.parent_id, a.period_id, a.total, a.total2, a.n "
                f"FROM {_ACC} a JOIN {_UP} u ON u.anchor_id = a.anchor_id AND u.cell_id = a.cell_id "
                f"WHERE a.depth = %s) level GROUP BY {key}",
                [depth, depth, depth + 1],
            )
            analyze(_ACC)
        cursor.execute(
            f"INSERT INTO {cell_table} ({columns}) "  # noqa: S608
            f"SELECT target_id, cell_id, period_id, total, total2, n FROM {_ACC} ORDER BY target_id, cell_id, period_id"
        )
        written += max(cursor.rowcount, 0)
        cursor.execute(
            f"INSERT INTO {cell_table} ({columns}) "  # noqa: S608
            f"SELECT v.target_id, v.unit_id, v.period_id, SUM({total}), SUM({total2}), COUNT(*) "
            f"FROM {value_table} v JOIN {target_table} t ON t.id = v.target_id "
            f"WHERE {condition} AND t.aggregation = 'none' "
            "GROUP BY v.target_id, v.unit_id, v.period_id",
            params,
        )
        written += max(cursor.rowcount, 0)
        for table in (_MAP, _UP, _OWN, _ACC):
            cursor.execute(f"DROP TABLE {table}")
    return written


def rollups_after_reorganization(*, unit_ids: Iterable[int]) -> int:
    """Rebuild the cells of every target with counted values whose chain may have changed: values of units in
    the subtrees of ``unit_ids`` or of their predecessors (recursively). Called by the reorganizing services
    inside their transaction. Returns the number of cells written."""
    paths = list(Unit.objects.filter(pk__in=set(unit_ids)).values_list("path", flat=True))
    if not paths:
        return 0
    in_subtrees = Q()
    for path in paths:
        in_subtrees |= Q(path__under=path)
    area = Unit.objects.filter(in_subtrees)
    predecessors: set[int] = set()
    frontier = set(UnitSuccession.objects.filter(successor__in=area).values_list("predecessor_id", flat=True))
    while frontier - predecessors:
        new = frontier - predecessors
        predecessors |= new
        frontier = set(UnitSuccession.objects.filter(successor_id__in=new).values_list("predecessor_id", flat=True))
    unit_filter = Q(unit__in=area)
    if predecessors:
        unit_filter |= Q(unit_id__in=predecessors)
    target_ids = set(Value.objects.filter(unit_filter, counted=True, is_total=False)
                     .values_list("target_id", flat=True).distinct())
    if not target_ids:
        return 0
    return rollups_rebuild(target_ids=target_ids)


# --------------------------------------------------------------------------- reads

def rollup_get(*, target: Target, unit: Unit, period: Period) -> RollupResult | None:
    row = (RollupCell.objects.filter(target_id=target.pk, unit_id=unit.pk, period_id=period.pk)
           .values_list("total", "total2", "contributors").first())
    return None if row is None else _result(target, *row)


def rollup_cells(
    *, targets: Iterable[Target], unit: Unit, periods: Iterable[Period]
) -> dict[tuple[int, int], RollupResult]:
    """{(target id, period id): result} for the cells of ``unit`` that have contributors (one query)."""
    by_id = {t.pk: t for t in targets}
    period_ids = [p.pk for p in periods]
    if not by_id or not period_ids:
        return {}
    rows = RollupCell.objects.filter(target_id__in=list(by_id), unit_id=unit.pk, period_id__in=period_ids,
                                     contributors__gt=0).values_list("target_id", "period_id", "total", "total2",
                                                                     "contributors")
    out: dict[tuple[int, int], RollupResult] = {}
    for target_id, period_id, total, total2, contributors in rows:
        result = _result(by_id[target_id], total, total2, contributors)
        if result is not None:
            out[(target_id, period_id)] = result
    return out


def rollup_as_of(*, target: Target, unit: Unit, period: Period, on: dt.date) -> RollupResult | None:
    """The rollup over ``unit``'s subtree as the tree was on ``on`` (brute force over the counted values of the
    units that were in it then; none aggregation: the unit's own value)."""
    from nghiquyet.org.selectors import tree_as_of, tree_ids

    if target.aggregation == Aggregation.NONE:
        ids = {unit.pk}
    else:
        ids = tree_ids(tree_as_of(unit, on))
        if target.unit_id != unit.pk:
            anchor = Unit.objects.filter(pk=target.unit_id).first()
            ids &= tree_ids(tree_as_of(anchor, on)) if anchor is not None else set()
    if not ids:
        return None
    total, total2, contributors = ZERO, ZERO, 0
    rows = Value.objects.filter(target_id=target.pk, period_id=period.pk, unit_id__in=ids, counted=True,
                                is_total=False).values_list("value", "numerator", "denominator", "weight")
    for value, numerator, denominator, weight in rows:
        part = contribution_of(target, value=value, numerator=numerator, denominator=denominator, weight=weight)
        if part is not None:
            total += part.total
            total2 += part.total2
            contributors += part.contributors
    return _result(target, total, total2, contributors)
