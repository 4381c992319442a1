"""Rollups at national scale (issue 4, item 9): full recompute, one value reaching its ancestors, NumPy floor.

Generates the national data set (``bench/national.py``) into a fresh database (its own SQLite file under /tmp
unless DATABASE_URL is set; ``scripts/with-postgres.sh`` gives a throw-away PostgreSQL), then prints:

1. rows generated and the generation time;
2. a full recompute of every rollup cell (``rollups_rebuild()``), into the empty table and again over the
   existing cells (the ``nghiquyet rollups_rebuild`` case);
3. median and p95 time for one value to reach all its ancestors: ``rollup_shift`` on random values, each in its
   own ``transaction.atomic`` with the commit timed (the value is first taken out of the rollups, untimed, then
   counted again, timed: the work of an acceptance);
4. a plain NumPy reference on the same data: load (target, unit, period, value, numerator, denominator, weight)
   and the units' paths into arrays, then the same per-(target, ancestor, period) sums with ``np.bincount``;
   "load + group-by" and "group-by only";
5. the ratios full recompute / reference, and a check of sampled cells (plus every cell the updates touched)
   against the reference: "kiểm tra: khớp" or the mismatches.

Goal (issue 4): full recompute within 3× the reference, one update to all ancestors under 20 ms.
Run: ``make bench-rollups`` (SQLite, then PostgreSQL) or
``.venv/bin/python bench/bench_rollups.py [--scale 0.1] [--seed 2025] [--updates 200] [--sample 3000]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.national import National, generate, setup_django  # noqa: E402

AGG_CODE = {"sum": 0, "weighted_mean": 1, "ratio": 2, "count_meeting": 3, "none": 4}
DIRECTION_CODE = {"higher": 0, "lower": 1, "exact": 2}
FIELDS = ["target_id", "unit_id", "period_id", "value", "numerator", "denominator", "weight"]


# --------------------------------------------------------------------------- the NumPy reference

def load_arrays(connection) -> dict[str, np.ndarray]:
    """The counted values as arrays, by the fastest plain path each database offers (binary COPY on PostgreSQL,
    a fetchmany loop on SQLite)."""
    columns = ("v.target_id, v.unit_id, v.period_id, CAST(COALESCE(v.value, 0) AS {f}), "
               "CAST(COALESCE(v.numerator, 0) AS {f}), CAST(COALESCE(v.denominator, 0) AS {f}), "
               "CAST(COALESCE(v.weight, 0) AS {f})")
    where = "FROM reporting_value v WHERE v.counted AND NOT v.is_total"
    if connection.vendor == "postgresql":
        sql = f"COPY (SELECT {columns.format(f='float8')} {where}) TO STDOUT (FORMAT BINARY)"
        chunks = []
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for data in copy:
                chunks.append(bytes(data))
        buffer = b"".join(chunks)
        # Header: 11-byte signature, flags, extension length (19 bytes); trailer: int16 -1. Each row: field
        # count (int16) then, per field, its length (int32) and 8 bytes (bigint or float8), big-endian.
        layout = [("n", ">i2")]
        for name, kind in zip(FIELDS, [">i8"] * 3 + [">f8"] * 4, strict=True):
            layout += [(f"{name}_len", ">i4"), (name, kind)]
        dtype = np.dtype(layout)
        count = (len(buffer) - 21) // dtype.itemsize
        rows = np.frombuffer(buffer, dtype=dtype, count=count, offset=19)
        return {name: rows[name].astype(np.int64 if i < 3 else np.float64) for i, name in enumerate(FIELDS)}
    parts: list[np.ndarray] = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns.format(f='REAL')} {where}")
        while True:
            rows = cursor.fetchmany(250_000)
            if not rows:
                break
            parts.append(np.array(rows, dtype=np.float64))
    table = np.concatenate(parts) if parts else np.zeros((0, 7))
    return {name: (table[:, i].astype(np.int64) if i < 3 else np.ascontiguousarray(table[:, i]))
            for i, name in enumerate(FIELDS)}


def load_units(connection) -> tuple[np.ndarray, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, path FROM org_unit ORDER BY id")
        rows = cursor.fetchall()
    return np.array([r[0] for r in rows], dtype=np.int64), [r[1] for r in rows]


class Reference:
    """Per-(target, node, period) sums of the counted values, the way the rollup rules define them (active
    units only: the generated tree has no reorganizations)."""

    def __init__(self, values: dict[str, np.ndarray], unit_ids: np.ndarray, paths: list[str], targets: dict):
        # Ancestor matrix of the reporting units (root first, -1 padded).
        reporting = np.unique(values["unit_id"])
        position = np.searchsorted(unit_ids, reporting)
        chains = [[int(x) for x in paths[i].strip("/").split("/")] for i in position]
        width = max(len(c) for c in chains)
        ancestors = np.full((len(reporting), width), -1, dtype=np.int64)
        for row, chain in enumerate(chains):
            ancestors[row, :len(chain)] = chain
        self.nodes = np.unique(ancestors[ancestors >= 0])
        dense = np.full(ancestors.shape, -1, dtype=np.int64)
        dense[ancestors >= 0] = np.searchsorted(self.nodes, ancestors[ancestors >= 0])
        depth = (ancestors >= 0).sum(axis=1) - 1

        self.target_ids = np.array(sorted(targets), dtype=np.int64)
        self.period_ids = np.unique(values["period_id"])
        n_t, n_n, n_p = len(self.target_ids), len(self.nodes), len(self.period_ids)
        self.shape = (n_t, n_n, n_p)
        t = np.searchsorted(self.target_ids, values["target_id"])
        p = np.searchsorted(self.period_ids, values["period_id"])
        u = np.searchsorted(reporting, values["unit_id"])
        agg = np.array([AGG_CODE[targets[pk]["aggregation"]] for pk in self.target_ids])[t]
        direction = np.array([DIRECTION_CODE[targets[pk]["direction"]] for pk in self.target_ids])[t]
        threshold = np.array([targets[pk]["threshold"] for pk in self.target_ids], dtype=np.float64)[t]
        anchor = np.array([targets[pk]["anchor"] for pk in self.target_ids], dtype=np.int64)[t]

        v, w = values["value"], values["weight"]
        meets = np.where(direction == 1, v <= threshold, np.where(direction == 2, v == threshold, v >= threshold))
        total = np.select([agg == 1, agg == 2, agg == 3], [np.round(v * w, 8), values["numerator"], meets], v)
        total2 = np.select([agg == 1, agg == 2], [w, values["denominator"]], 0.0)

        size = n_t * n_n * n_p
        self.total = np.zeros(size)
        self.total2 = np.zeros(size)
        self.count = np.zeros(size, dtype=np.int64)
        base = t * n_n
        own_level = depth[u]
        anchor_seen = np.zeros(len(t), dtype=bool)
        for level in range(width):
            node = dense[u, level]
            anchor_seen |= ancestors[u, level] == anchor
            # a cell of the chain: from the target's own unit down to the unit; none: the unit's own cell only
            take = (node >= 0) & np.where(agg == 4, level == own_level, anchor_seen)
            key = ((base + node) * n_p + p)[take]
            self.total += np.bincount(key, weights=total[take], minlength=size)
            self.total2 += np.bincount(key, weights=total2[take], minlength=size)
            self.count += np.bincount(key, minlength=size)

    def cells(self) -> int:
        return int(np.count_nonzero(self.count))

    def get(self, target_id: int, unit_id: int, period_id: int) -> tuple[float, float, int] | None:
        n_t, n_n, n_p = self.shape
        t = np.searchsorted(self.target_ids, target_id)
        n = np.searchsorted(self.nodes, unit_id)
        p = np.searchsorted(self.period_ids, period_id)
        if n >= n_n or self.nodes[n] != unit_id or t >= n_t or p >= n_p:
            return None
        key = (t * n_n + n) * n_p + p
        if not self.count[key]:
            return None
        return float(self.total[key]), float(self.total2[key]), int(self.count[key])


# --------------------------------------------------------------------------- the benchmark

def percentile(samples: list[float], q: float) -> float:
    return float(np.percentile(np.array(samples), q))


def time_updates(data: National, count: int, seed: int) -> dict[str, list[float]]:
    from django.db import transaction

    from nghiquyet.reporting.models import Value
    from nghiquyet.reporting.rollups import rollup_shift, value_contribution

    rng = np.random.default_rng(seed + 1)
    ids = sorted({int(x) for x in rng.integers(1, data.values + 1, count)})
    out: dict[str, list[float]] = {"accept": [], "shift": [], "reopen": [], "ids": ids}

    def fetch(pk):
        return Value.objects.select_related("target", "target__unit", "unit").get(pk=pk)

    for pk in ids:
        t0 = time.perf_counter()
        with transaction.atomic():  # take it out (a superior reopens the report): the reverse move, timed apart
            value = fetch(pk)
            before = value_contribution(value)
            value.counted = False
            Value.objects.filter(pk=pk).update(counted=False)
            rollup_shift(value=value, before=before, after=None)
        out["reopen"].append((time.perf_counter() - t0) * 1000)

        t0 = time.perf_counter()
        with transaction.atomic():  # accepted: the value reaches every ancestor, commit included
            value = fetch(pk)
            value.counted = True
            Value.objects.filter(pk=pk).update(counted=True)
            t1 = time.perf_counter()
            rollup_shift(value=value, before=None, after=value_contribution(value))
            out["shift"].append((time.perf_counter() - t1) * 1000)
        out["accept"].append((time.perf_counter() - t0) * 1000)
    return out


def verify(reference: Reference, data: National, sample: int, touched: list[int], seed: int) -> list[str]:
    """Compare every cell of a sample of units (the root, some provinces, communes, grassroots organizations and
    the units the updates touched, with their chains) with the reference; also the total number of cells."""
    from nghiquyet.org.models import Unit
    from nghiquyet.reporting.models import RollupCell, Value

    rng = np.random.default_rng(seed + 2)
    by_depth: dict[int, list[int]] = {}
    for pk, depth in Unit.objects.filter(depth__lte=3).values_list("pk", "depth"):
        by_depth.setdefault(depth, []).append(pk)
    units = {data.central_id}
    for depth, quota in ((1, 5), (2, 20), (3, max(1, sample // 600))):
        pool = by_depth.get(depth, [])
        units |= {int(x) for x in rng.choice(pool, min(quota, len(pool)), replace=False)}
    for path in Unit.objects.filter(report_values__pk__in=touched).values_list("path", flat=True).distinct():
        units |= {int(x) for x in path.strip("/").split("/")}
    problems: list[str] = []
    seen = 0
    found = set()
    rows = RollupCell.objects.filter(unit_id__in=units).values_list("target_id", "unit_id", "period_id", "total",
                                                                   "total2", "contributors")
    for target_id, unit_id, period_id, total, total2, contributors in rows.iterator(chunk_size=10_000):
        if not contributors:
            continue
        seen += 1
        found.add((target_id, unit_id, period_id))
        expected = reference.get(target_id, unit_id, period_id)
        got = (float(total), float(total2), contributors)
        if expected is None or expected[2] != got[2] or not all(
                abs(a - b) <= 1e-6 + 1e-9 * abs(b) for a, b in zip(got[:2], expected[:2], strict=True)):
            problems.append(f"  ô (chỉ tiêu {target_id}, đơn vị {unit_id}, kỳ {period_id}): "
                            f"CSDL {got}, NumPy {expected}")
    # cells the reference has but the database lacks, for the sampled units
    n_t, n_n, n_p = reference.shape
    for unit_id in units:
        n = np.searchsorted(reference.nodes, unit_id)
        if n >= n_n or reference.nodes[n] != unit_id:
            continue
        block = reference.count.reshape(n_t, n_n, n_p)[:, n, :]
        for t, p in zip(*np.nonzero(block), strict=True):
            key = (int(reference.target_ids[t]), unit_id, int(reference.period_ids[p]))
            if key not in found:
                problems.append(f"  thiếu ô {key} (NumPy: {block[t, p]} đóng góp)")
    cells = RollupCell.objects.filter(contributors__gt=0).count()
    if cells != reference.cells():
        problems.append(f"  số ô: CSDL {cells:,}, NumPy {reference.cells():,}")
    counted = Value.objects.filter(counted=True).count()
    if counted != data.values:
        problems.append(f"  số giá trị được tính: {counted:,} thay vì {data.values:,}")
    print(f"    compared {seen:,} cells of {len(units):,} units")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.1, help="fraction of the national size (1.0 = full)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--sample", type=int, default=3000, help="about how many cells to check")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument("--once", action="store_true", help="skip the second full recompute (saves time at scale 1)")
    args = parser.parse_args()
    own_file = "DATABASE_URL" not in os.environ
    setup_django()
    from django.db import connection

    from nghiquyet.reporting.rollups import rollups_rebuild
    from nghiquyet.resolutions.models import Target

    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    print(f"== rollups at national scale: {connection.vendor} {version}, scale {args.scale}, seed {args.seed}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} ==")

    data = generate(scale=args.scale, seed=args.seed, echo=print)
    print(f"(1) generated {data.rows:,} rows ({data.units:,} units + versions, {data.submissions:,} submissions, "
          f"{data.values:,} values) in {data.seconds:.1f} s")

    t0 = time.perf_counter()
    cells = rollups_rebuild()
    rebuild = time.perf_counter() - t0
    again = float("nan")
    if not args.once:
        t0 = time.perf_counter()
        rollups_rebuild()
        again = time.perf_counter() - t0
    print(f"(2) full recompute rollups_rebuild(): {cells:,} cells in {rebuild:.2f} s into the empty table, "
          + ("second run skipped (--once)" if args.once else f"{again:.2f} s again over the existing cells"))

    updates = time_updates(data, args.updates, args.seed)
    accept, shift, reopen = updates["accept"], updates["shift"], updates["reopen"]
    print(f"(3) one accepted value → all ancestors ({len(accept)} values, own transaction, commit timed): "
          f"median {statistics.median(accept):.2f} ms, p95 {percentile(accept, 95):.2f} ms "
          f"(rollup_shift alone: median {statistics.median(shift):.2f} ms, p95 {percentile(shift, 95):.2f} ms; "
          f"taking a value out: median {statistics.median(reopen):.2f} ms)")

    targets = {t.pk: {"aggregation": t.aggregation, "direction": t.direction, "anchor": t.unit_id,
                      "threshold": float(t.threshold if t.threshold is not None else t.target_value)}
               for t in Target.objects.all()}
    t0 = time.perf_counter()
    values = load_arrays(connection)
    unit_ids, paths = load_units(connection)
    t1 = time.perf_counter()
    reference = Reference(values, unit_ids, paths, targets)
    t2 = time.perf_counter()
    load_group, group = t2 - t0, t2 - t1
    print(f"(4) NumPy reference: load + group-by {load_group:.2f} s (load {t1 - t0:.2f} s of "
          f"{len(values['value']):,} values), group-by only {group:.2f} s, {reference.cells():,} cells")
    print(f"(5) full recompute / reference: {rebuild / load_group:.1f}× load + group-by, "
          f"{rebuild / group:.1f}× group-by only"
          + ("" if args.once else f" (again: {again / load_group:.1f}×, {again / group:.1f}×)") + "; goal ≤ 3×; "
          f"one update: median {statistics.median(accept):.2f} ms (goal < 20 ms); "
          f"load average now {os.getloadavg()[0]:.1f}")

    del values
    problems = verify(reference, data, args.sample, updates["ids"], args.seed)
    if problems:
        print(f"kiểm tra: {len(problems)} chỗ không khớp")
        print("\n".join(problems[:20]))
    else:
        print("kiểm tra: khớp")
    connection.close()
    name = str(connection.settings_dict["NAME"])
    if own_file and connection.vendor == "sqlite" and not args.keep and "nghiquyet-bench-" in name:
        shutil.rmtree(Path(name).parent, ignore_errors=True)
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
