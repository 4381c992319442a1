"""A small tree of our own (besides the demo province) and snapshots to prove nothing changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from nghiquyet.accounts.models import RoleAssignment
from nghiquyet.accounts.roles import Role
from nghiquyet.audit.models import AuditEvent
from nghiquyet.core.fields import path_ids
from nghiquyet.org.models import Reorganization, Unit, UnitKind, UnitSuccession, UnitVersion
from nghiquyet.org.services import unit_create

FOUNDED = dt.date(2000, 1, 1)
DAY = dt.date(2025, 7, 1)
DECISION = "Quyết định 321-QĐ/TW"


@dataclass
class Tree:
    """P (province)
         D1 (district): C1 (5 members; B11 10, B12 20), C2 (7; B21 15)
         D2 (district): C3 (3; B31 4)
    ``user`` is office staff at P (may reorganize the whole tree)."""

    P: Unit
    D1: Unit
    D2: Unit
    C1: Unit
    C2: Unit
    C3: Unit
    B11: Unit
    B12: Unit
    B21: Unit
    B31: Unit
    user: object

    def get(self, name: str) -> Unit:
        return Unit.objects.get(pk=getattr(self, name).pk)


def make(parent, kind, code, name, members=0, day=FOUNDED) -> Unit:
    return unit_create(actor=None, parent=parent, kind=kind, code=code, name=name, member_count=members,
                       valid_from=day)


def build_tree() -> Tree:
    P = make(None, UnitKind.PROVINCE, "T.P", "Đảng bộ tỉnh Thử Nghiệm")
    D1 = make(P, UnitKind.DISTRICT, "T.D1", "Đảng bộ huyện Một")
    D2 = make(P, UnitKind.DISTRICT, "T.D2", "Đảng bộ huyện Hai")
    C1 = make(D1, UnitKind.COMMUNE, "T.C1", "Đảng bộ xã Đông Phú", 5)
    C2 = make(D1, UnitKind.COMMUNE, "T.C2", "Đảng bộ xã Tây Hòa", 7)
    C3 = make(D2, UnitKind.COMMUNE, "T.C3", "Đảng bộ xã Nam Định", 3)
    B11 = make(C1, UnitKind.BRANCH, "T.B11", "Chi bộ thôn Một", 10)
    B12 = make(C1, UnitKind.BRANCH, "T.B12", "Chi bộ thôn Hai", 20)
    B21 = make(C2, UnitKind.BRANCH, "T.B21", "Chi bộ thôn Ba", 15)
    B31 = make(C3, UnitKind.BRANCH, "T.B31", "Chi bộ thôn Bốn", 4)
    user = get_user_model().objects.create_user("to-chuc-thu", password="x" * 12)
    RoleAssignment.objects.create(user=user, unit=P, role=Role.OFFICE_STAFF)
    return Tree(P, D1, D2, C1, C2, C3, B11, B12, B21, B31, user)


def db_state() -> tuple:
    """Everything a reorganization may write, to compare before and after."""
    units = tuple(Unit.objects.order_by("pk").values_list(
        "pk", "code", "name", "short_name", "member_count", "parent_id", "path", "depth", "valid_from", "valid_to",
        "search_text",
    ))
    versions = tuple(UnitVersion.objects.order_by("pk").values_list(
        "pk", "unit_id", "parent_id", "name", "valid_from", "valid_to",
    ))
    return (
        units, versions,
        tuple(Reorganization.objects.order_by("pk").values_list("pk", "summary")),
        tuple(UnitSuccession.objects.order_by("pk").values_list("pk", "predecessor_id", "successor_id")),
        AuditEvent.objects.count(),
    )


def check_tree_invariants(root: Unit) -> None:
    """The materialized path agrees with the parent links everywhere under ``root``."""
    units = {u.pk: u for u in Unit.objects.filter(path__under=root.path)}
    for unit in units.values():
        if unit.parent_id is None:
            assert unit.path == f"/{unit.pk}/"
        else:
            parent = Unit.objects.get(pk=unit.parent_id)
            assert unit.path == f"{parent.path}{unit.pk}/", unit
        assert unit.depth == len(path_ids(unit.path)) - 1, unit
        if unit.valid_to is None and unit.parent_id is not None:
            assert Unit.objects.get(pk=unit.parent_id).valid_to is None, f"{unit} active under a closed parent"
        # Versions tile the unit's life without gaps or overlaps; the open one matches the unit.
        versions = list(UnitVersion.objects.filter(unit=unit).order_by("valid_from"))
        assert versions and versions[0].valid_from == unit.valid_from, unit
        for before, after in zip(versions, versions[1:], strict=False):
            assert before.valid_to == after.valid_from, unit
        for version in versions:
            assert version.valid_to is None or version.valid_to > version.valid_from, unit
        assert versions[-1].valid_to == unit.valid_to, unit
        assert versions[-1].parent_id == unit.parent_id and versions[-1].name == unit.name, unit
