"""Tree queries at national scale: ~300,000 units (34 provinces x 100 committees x 88 branches).

Prints timings (median of repeated runs) for the queries every page depends on. Uses its own
SQLite file under /tmp unless DATABASE_URL is set. Run: `make bench` or
`.venv/bin/python bench/bench_tree.py [--provinces 34 --communes 100 --branches 88]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--branches", type=int, default=88)
    args = parser.parse_args()

    if "DATABASE_URL" not in os.environ:
        db = Path(tempfile.mkdtemp(prefix="nghiquyet-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nghiquyet.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from nghiquyet.accounts.models import RoleAssignment
    from nghiquyet.accounts.scope import forget_scope, units_visible
    from nghiquyet.org.models import Unit, UnitVersion
    from nghiquyet.org.selectors import tree_as_of, unit_breadcrumbs, unit_search
    from nghiquyet.org.services import unit_move

    call_command("migrate", verbosity=0)
    start = dt.date(2000, 1, 1)
    t0 = time.perf_counter()
    units, versions, next_id = [], [], 1

    def add(kind, name, parent):
        nonlocal next_id
        pk = next_id
        next_id += 1
        path = f"{parent.path if parent else '/'}{pk}/"
        unit = Unit(pk=pk, kind=kind, code=f"U{pk}", name=name, parent_id=parent.pk if parent else None, path=path,
                    depth=path.count("/") - 2, valid_from=start, member_count=20, search_text=name.lower())
        units.append(unit)
        versions.append(UnitVersion(unit_id=pk, parent_id=unit.parent_id, name=name, valid_from=start))
        return unit

    for p in range(args.provinces):
        province = add("province", f"dang bo tinh so {p}", None)
        for c in range(args.communes):
            commune = add("commune", f"dang bo xa dong son {p}-{c}" if c == 7 else f"dang bo xa {p}-{c}", province)
            for b in range(args.branches):
                add("branch", f"chi bo thon {p}-{c}-{b}", commune)
    Unit.objects.bulk_create(units, batch_size=5000)
    UnitVersion.objects.bulk_create(versions, batch_size=5000)
    build = time.perf_counter() - t0
    total = Unit.objects.count()
    print(f"database: {connection.vendor}; units: {total:,}; built in {build:.1f} s")

    province = Unit.objects.get(code="U1")
    commune = Unit.objects.filter(parent=province).order_by("pk")[7]
    branch = Unit.objects.filter(parent=commune).order_by("pk").last()
    user = get_user_model().objects.create_user("bench", password="x" * 12)
    RoleAssignment.objects.create(user=user, unit=commune, role="office_staff")
    boss = get_user_model().objects.create_user("bench-province", password="x" * 12)
    RoleAssignment.objects.create(user=boss, unit=province, role="office_staff")

    def timeit(label, fn, repeat=15):
        samples = []
        result = None
        for _ in range(repeat):
            forget_scope(user)
            forget_scope(boss)
            t = time.perf_counter()
            result = fn()
            samples.append((time.perf_counter() - t) * 1000)
        print(f"{label:<58} {statistics.median(samples):8.2f} ms  (result {result})")

    timeit("subtree count of a province (~8,900 units)", lambda: Unit.objects.subtree_of(province).count())
    timeit("subtree rows of a commune (89 units)", lambda: len(list(Unit.objects.subtree_of(commune))))
    timeit("ancestors of a branch (breadcrumbs)", lambda: len(unit_breadcrumbs(boss, branch)))
    timeit("visible units, commune user: count", lambda: units_visible(user).count())
    timeit("visible units, province user: first page of 25", lambda: len(list(units_visible(boss)[:25])))
    timeit("search 'dong son' in a province's scope", lambda: unit_search(boss, query="dong son").count())
    timeit("tree_as_of(province, 2020-01-01) over all versions", lambda: len(tree_as_of(province, dt.date(2020, 1, 1))
                                                                               .children), repeat=3)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            sql, params = Unit.objects.subtree_of(commune).only("pk").query.sql_with_params()
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            print("plan (subtree):", " | ".join(row[-1] for row in cursor.fetchall()))
    other = Unit.objects.filter(parent=None).order_by("pk")[1]
    t = time.perf_counter()
    result = unit_move(actor=None, unit=commune, new_parent=other, effective_date=dt.date(2025, 7, 1),
                       decision_ref="Quyết định 1-QĐ/TW")
    print(f"{'move a commune subtree (89 units) to another province':<58} "
          f"{(time.perf_counter() - t) * 1000:8.2f} ms  (descendants {result.descendants_moved})")


if __name__ == "__main__":
    main()
