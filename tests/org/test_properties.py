"""Property tests: random trees, random sequences of reorganizations, the tree and its history stay sound.

Invariants checked after every operation: the materialized path is the parent's path plus the unit's
own id, the depth matches, no active unit sits under a closed parent, each unit's versions tile its
life and the open one matches it, members are conserved; a refused operation changes nothing. At the
end: subtree queries equal a naive walk over parent links, and ``tree_as_of`` on every recorded date
gives back the tree as it was recorded then (chronological run) or, with random (retroactive) dates,
a proper tree on every date where anything changed: no cycle, no unit under an absent parent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nghiquyet.org.models import Unit, UnitKind, UnitVersion
from nghiquyet.org.selectors import tree_as_of
from nghiquyet.org.services import NewUnit, unit_close, unit_create, unit_merge, unit_move, unit_rename, unit_split
from tests.org.helpers import FOUNDED, db_state

SETTINGS = {"deadline": None, "derandomize": True,
            "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}
DECISION = "Quyết định 7-QĐ/TU"
OP_KINDS = ["move", "move", "merge", "merge_new", "split", "rename", "close"]

trees = st.lists(
    st.tuples(st.integers(0, 10**6), st.booleans(), st.one_of(st.just(0), st.integers(1, 30))),
    min_size=2, max_size=10,
)
operations = st.lists(
    st.tuples(st.sampled_from(OP_KINDS), st.integers(0, 10**6), st.integers(0, 10**6), st.integers(1, 400)),
    min_size=1, max_size=7,
)


class _Rollback(Exception):
    pass


def in_rollback(fn) -> None:
    try:
        with transaction.atomic():
            fn()
            raise _Rollback
    except _Rollback:
        pass


def build(spec) -> Unit:
    root = unit_create(actor=None, parent=None, kind=UnitKind.PROVINCE, code="PT.R", name="Tỉnh Thử",
                       valid_from=FOUNDED)
    internal = [root]
    for index, (pick, leaf, members) in enumerate(spec):
        parent = internal[pick % len(internal)]
        unit = unit_create(actor=None, parent=parent, kind=UnitKind.BRANCH if leaf else UnitKind.COMMUNE,
                           code=f"PT.{index}", name=f"Đơn vị {index}", member_count=members, valid_from=FOUNDED)
        if not leaf:
            internal.append(unit)
    return root


def _pick(units: list[Unit], index: int, recent: list[int]) -> Unit:
    """Every other pick comes from the units the last operations touched, so that operations
    meet each other's history (a unit that just gained or lost a child, or changed place)."""
    pool = [u for u in units if u.pk in recent] if index % 2 else []
    pool = pool or units
    return pool[(index // 2) % len(pool)]


def apply(op, root: Unit, day: dt.date, serial: int, recent: list[int]):
    """Carry out one operation picked by indexes into the active units (it may well be refused)."""
    kind, a, b, _ = op
    active = list(Unit.objects.filter(path__under=root.path, valid_to__isnull=True).order_by("pk"))
    if len(active) < 2:
        raise ValidationError("nothing left to reorganize")
    # The root as the subject is nearly always refused: pick below it. Receivers for moves are
    # units that may have children (the leaf rule has its own tests).
    unit = _pick(active[1:], a, recent)
    other = _pick(active, b, recent)
    receivers = [u for u in active if u.kind != UnitKind.BRANCH]
    common = {"actor": None, "effective_date": day, "decision_ref": DECISION}
    if kind == "move":
        return unit_move(unit=unit, new_parent=_pick(receivers, b, recent), **common)
    elif kind == "merge":
        return unit_merge(sources=[unit], target=other, **common)
    elif kind == "merge_new":
        second = active[(a + 1 + b % max(len(active) - 1, 1)) % len(active)]
        leafy = unit.kind == second.kind == UnitKind.BRANCH
        return unit_merge(sources=[unit, second], new_parent=unit.parent or other,
                   new_unit=NewUnit(code=f"PT.M{serial}", name=f"Hợp nhất {serial}",
                                    kind=UnitKind.BRANCH if leafy else UnitKind.COMMUNE), **common)
    elif kind == "split":
        children = list(unit.children.filter(valid_to__isnull=True).order_by("pk"))
        first = b % (unit.member_count + 1)
        parts = [
            NewUnit(code=f"PT.S{serial}.{i}", name=f"Chia {serial}.{i}", kind=UnitKind.COMMUNE,
                    member_count=first if i == 0 else unit.member_count - first,
                    children=[c for j, c in enumerate(children) if (b >> j) % 2 == i])
            for i in range(2)
        ]
        return unit_split(unit=unit, parts=parts, **common)
    elif kind == "rename":
        return unit_rename(unit=unit, name=f"Tên mới {serial}", **common)
    return unit_close(unit=unit, **common)


def load(root: Unit):
    units = {u.pk: u for u in Unit.objects.filter(path__under=root.path)}
    versions = defaultdict(list)
    for version in UnitVersion.objects.filter(unit_id__in=list(units)).order_by("valid_from"):
        versions[version.unit_id].append(version)
    return units, versions


def check_current(root: Unit, members: int) -> None:
    units, versions = load(root)
    for pk, unit in units.items():
        parent = units.get(unit.parent_id)
        if unit.parent_id is None:
            assert pk == root.pk and unit.path == f"/{pk}/"
        else:
            assert parent is not None and unit.path == f"{parent.path}{pk}/", unit
        assert unit.depth == unit.path.count("/") - 2, unit
        if unit.valid_to is None and parent is not None:
            assert parent.valid_to is None, f"{unit} active under closed {parent}"
        own = versions[pk]
        assert own[0].valid_from == unit.valid_from and own[-1].valid_to == unit.valid_to, unit
        assert all(v.valid_to is None or v.valid_to > v.valid_from for v in own), unit
        assert all(x.valid_to == y.valid_from for x, y in zip(own, own[1:], strict=False)), unit
        assert (own[-1].parent_id, own[-1].name) == (unit.parent_id, unit.name), unit
    assert sum(u.member_count for u in units.values() if u.valid_to is None) == members


def check_subtrees(root: Unit) -> None:
    units, _ = load(root)
    children = defaultdict(list)
    for unit in units.values():
        children[unit.parent_id].append(unit.pk)
    for unit in units.values():
        naive, stack = set(), [unit.pk]
        while stack:
            current = stack.pop()
            naive.add(current)
            stack.extend(children[current])
        assert set(Unit.objects.subtree_of(unit).values_list("pk", flat=True)) == naive, unit
        ancestors, walk = [], unit
        while walk.parent_id is not None:
            walk = units[walk.parent_id]
            ancestors.insert(0, walk.pk)
        assert unit.ancestor_ids == ancestors


def flatten(node) -> dict[int, tuple[int | None, str]]:
    out, stack = {}, [node] if node is not None else []
    while stack:
        current = stack.pop()
        out[current.unit_id] = (current.parent_id, current.name)
        stack.extend(current.children)
    return out


def current_tree(root: Unit) -> dict[int, tuple[int | None, str]]:
    return {pk: (parent, name) for pk, parent, name in Unit.objects.filter(
        path__under=root.path, valid_to__isnull=True).values_list("pk", "parent_id", "name")}


def check_history(root: Unit) -> None:
    """On every day where something changed, the versions valid that day form one proper tree."""
    units, versions = load(root)
    days = {v.valid_from for vs in versions.values() for v in vs} | {
        v.valid_to for vs in versions.values() for v in vs if v.valid_to}
    for day in sorted(days):
        alive = {pk for pk, u in units.items() if u.active_on(day)}
        valid = {pk: v for pk, vs in versions.items() for v in vs
                 if v.valid_from <= day and (v.valid_to is None or v.valid_to > day)}
        assert set(valid) == alive, day
        for pk, version in valid.items():
            assert version.parent_id is None or version.parent_id in alive, (day, pk)
            seen, walk = set(), pk
            while walk is not None:  # reaches the root, no cycle
                assert walk not in seen, (day, pk)
                seen.add(walk)
                walk = valid[walk].parent_id
        rebuilt = flatten(tree_as_of(root, day))
        assert rebuilt == {pk: (v.parent_id, v.name) for pk, v in valid.items()}, day


@settings(max_examples=40, **SETTINGS)
@given(spec=trees, ops=operations)
def test_chronological_reorganizations_keep_tree_and_history(db, spec, ops):
    def run():
        root = build(spec)
        members = sum(m for _, _, m in spec)
        recorded = [(FOUNDED, current_tree(root))]
        day, recent = dt.date(2001, 1, 1), []
        for serial, op in enumerate(ops):
            day += dt.timedelta(days=op[3])
            before = db_state()
            try:
                result = apply(op, root, day, serial, recent)
            except ValidationError:
                event(f"{op[0]}: refused")
                assert db_state() == before, op  # refused: nothing half saved
            else:
                event(f"{op[0]}: done")
                recent = [u.pk for u in result.units] + [m["id"] for m in result.moved]
                recorded.append((day, current_tree(root)))
            check_current(root, members)
        check_subtrees(root)
        for when, tree in recorded:  # the tree as it was recorded on that day
            assert flatten(tree_as_of(root, when)) == tree, when
        check_history(root)

    in_rollback(run)


@settings(max_examples=40, **SETTINGS)
@given(spec=trees, ops=operations, steps=st.lists(st.integers(-200, 200), min_size=7, max_size=7))
def test_retroactive_reorganizations_never_break_history(db, spec, ops, steps):
    """Dates wander back and forth, so changes are often recorded before earlier recorded ones."""
    def run():
        root = build(spec)
        members = sum(m for _, _, m in spec)
        day, recent = dt.date(2001, 1, 1), []
        for serial, (op, step) in enumerate(zip(ops, steps, strict=False)):
            day = max(day + dt.timedelta(days=step or 1), FOUNDED + dt.timedelta(days=1))
            before = db_state()
            try:
                result = apply(op, root, day, serial, recent)
            except ValidationError:
                event(f"{op[0]}: refused")
                assert db_state() == before, op
            else:
                event(f"{op[0]}: done")
                recent = [u.pk for u in result.units] + [m["id"] for m in result.moved]
            check_current(root, members)
        check_subtrees(root)
        check_history(root)

    in_rollback(run)
