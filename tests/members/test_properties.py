"""Property: whatever sequence of registrations, leaves, transfers, merges and splits (with member lists), every
active unit's ``member_count`` equals its current register, the subtree count equals a brute-force count, and
nobody is lost or counted twice; a refused operation changes nothing."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nghiquyet.members.models import LeaveReason, Member
from nghiquyet.members.selectors import member_count_in_subtree
from nghiquyet.members.services import member_create, member_leave, member_transfer
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.org.services import NewUnit, unit_create, unit_merge, unit_split
from tests.members.conftest import today

SETTINGS = {"deadline": None, "derandomize": True, "max_examples": 40,
            "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}
FOUNDED = dt.date(2000, 1, 1)
DECISION = "Quyết định 9-QĐ/TU"
operations = st.lists(
    st.tuples(st.sampled_from(["create", "create", "create", "leave", "transfer", "merge", "split"]),
              st.integers(0, 10**6), st.integers(0, 10**6)),
    min_size=1, max_size=14,
)


class _Rollback(Exception):
    pass


def build() -> Unit:
    def make(parent, kind, code):
        return unit_create(actor=None, parent=parent, kind=kind, code=code, name=f"Đơn vị {code}",
                           member_count=0, valid_from=FOUNDED)

    root = make(None, UnitKind.PROVINCE, "MP.R")
    for c in range(2):
        commune = make(root, UnitKind.COMMUNE, f"MP.C{c}")
        for b in range(3):
            make(commune, UnitKind.BRANCH, f"MP.C{c}.B{b}")
    return root


def register_state(root: Unit) -> list[tuple]:
    return sorted(Member.objects.filter(unit__path__under=root.path)
                  .values_list("pk", "unit_id", "left_unit_on", "card_number"))


def check(root: Unit, alive: int) -> None:
    units = list(Unit.objects.filter(path__under=root.path))
    current = {u.pk: Member.objects.filter(unit=u, left_unit_on__isnull=True).count() for u in units}
    for unit in units:
        if unit.valid_to is None:
            assert unit.member_count == current[unit.pk], unit.code
        else:
            assert current[unit.pk] == 0, unit.code  # merges and listed splits leave nobody behind
    assert member_count_in_subtree(root, today()) == sum(current.values()) == alive
    cards = list(Member.objects.filter(unit__path__under=root.path, left_unit_on__isnull=True)
                 .values_list("card_number", flat=True))
    assert len(cards) == len(set(cards))  # nobody counted twice


def apply(op, root: Unit, serial: int) -> int:
    """Carry out one operation; returns the change in the number of current members."""
    kind, a, b = op
    active = list(Unit.objects.filter(path__under=root.path, valid_to__isnull=True)
                  .exclude(pk=root.pk).order_by("path"))
    members = list(Member.objects.filter(unit__path__under=root.path, left_unit_on__isnull=True).order_by("pk"))
    if kind == "create" or (kind in ("leave", "transfer") and not members):
        member_create(actor=None, unit=active[a % len(active)], full_name=f"Đảng viên {serial}",
                      card_number=f"MP{serial:04d}{a % 1000:03d}", joined_unit_on=today())
        return 1
    if kind == "leave":
        member_leave(actor=None, member=members[a % len(members)], on=today(), reason=LeaveReason.OTHER)
        return -1
    if kind == "transfer":
        member_transfer(actor=None, member=members[a % len(members)], to_unit=active[b % len(active)], on=today())
        return 0
    branches = [u for u in active if u.kind == UnitKind.BRANCH]
    if kind == "merge":
        source, target = branches[a % len(branches)], branches[b % len(branches)]
        unit_merge(actor=None, sources=[source], target=target, effective_date=today(), decision_ref=DECISION)
        return 0
    source = branches[a % len(branches)]
    ids = list(Member.objects.filter(unit=source, left_unit_on__isnull=True).order_by("pk").values_list("pk",
                                                                                                     flat=True))
    cut = b % (len(ids) + 1)
    unit_split(actor=None, unit=source, effective_date=today(), decision_ref=DECISION, parts=[
        NewUnit(code=f"MP.S{serial}a", name=f"Chi bộ {serial}a", kind=UnitKind.BRANCH, member_count=cut,
                members=ids[:cut]),
        NewUnit(code=f"MP.S{serial}b", name=f"Chi bộ {serial}b", kind=UnitKind.BRANCH,
                member_count=len(ids) - cut, members=ids[cut:])])
    return 0


@settings(**SETTINGS)
@given(ops=operations)
def test_register_follows_every_change(db, ops):
    def run():
        root = build()
        alive = 0
        for serial, op in enumerate(ops):
            before = register_state(root)
            try:
                with transaction.atomic():
                    alive += apply(op, root, serial)
            except ValidationError:
                event(f"{op[0]}: refused")
                assert register_state(root) == before, op
            else:
                event(f"{op[0]}: done")
            check(root, alive)

    try:
        with transaction.atomic():
            run()
            raise _Rollback
    except _Rollback:
        pass
