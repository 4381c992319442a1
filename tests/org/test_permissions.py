"""Reorganizing needs Perm.UNIT_REORGANIZE at every unit involved; the demo accounts show the boundaries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from nghiquyet.accounts.models import RoleAssignment
from nghiquyet.accounts.roles import Role
from nghiquyet.audit.models import AuditAction, AuditEvent
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.org.services import (
    NewUnit,
    can_reorganize,
    unit_close,
    unit_create,
    unit_merge,
    unit_move,
    unit_rename,
    unit_split,
    unit_update,
)
from tests.org.helpers import db_state

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 12, 1)
DECISION = "Quyết định 12-QĐ/ĐU"


def denied(call) -> None:
    state = db_state()
    with pytest.raises(PermissionDenied):
        call()
    assert db_state() == state


def _branches(commune: Unit) -> list[Unit]:
    return list(commune.children.active().filter(kind=UnitKind.BRANCH).order_by("code"))


def test_outside_the_subtree_is_denied(demo):
    branch, other = demo.branch, _branches(demo.commune2)[0]
    for dry_run in (False, True):  # a preview reveals nothing either
        denied(lambda dry_run=dry_run: unit_move(actor=demo.xa2, unit=branch, new_parent=demo.commune2,
                                                 effective_date=DAY, decision_ref=DECISION, dry_run=dry_run))
    # Moving out needs the right at the receiving unit too.
    denied(lambda: unit_move(actor=demo.xa, unit=branch, new_parent=demo.commune2, effective_date=DAY,
                             decision_ref=DECISION))
    denied(lambda: unit_merge(actor=demo.xa, sources=[branch, other], new_parent=demo.commune,
                              new_unit=NewUnit(code="X.NEW", name="Chi bộ mới", kind=UnitKind.BRANCH),
                              effective_date=DAY, decision_ref=DECISION))
    # Even a refused-anyway request (a unit merged with itself) is denied first, naming nothing.
    denied(lambda: unit_merge(actor=demo.xa2, sources=[branch, branch], target=_branches(demo.commune)[1],
                              effective_date=DAY, decision_ref=DECISION))
    denied(lambda: unit_create(actor=demo.xa2, parent=demo.commune, kind=UnitKind.BRANCH, code="X.NEW",
                               name="Chi bộ mới", valid_from=DAY))
    denied(lambda: unit_create(actor=demo.xa, parent=None, kind=UnitKind.PROVINCE, code="X.ROOT",
                               name="Tỉnh khác", valid_from=DAY))


def test_a_branch_secretary_reorganizes_nothing(demo):
    """Renaming, moving, closing, splitting or merging a unit away is decided by the level above."""
    denied(lambda: unit_rename(actor=demo.chibo, unit=demo.commune, name="Xã khác", effective_date=DAY,
                               decision_ref=DECISION))
    sibling = next(b for b in _branches(demo.commune) if b.pk != demo.branch.pk)
    denied(lambda: unit_merge(actor=demo.chibo, sources=[sibling], target=demo.branch, effective_date=DAY,
                              decision_ref=DECISION))
    denied(lambda: unit_rename(actor=demo.chibo, unit=demo.branch, name="Chi bộ thôn Mới", effective_date=DAY,
                               decision_ref=DECISION))
    result = unit_rename(actor=demo.xa, unit=demo.branch, name="Chi bộ thôn Mới", effective_date=DAY,
                         decision_ref=DECISION)
    assert result.reorganization.actor == demo.xa


def test_a_commune_office_does_not_rename_close_move_split_or_merge_away_its_own_commune(demo):
    """Regression: rename and close used to need the permission only at the unit itself."""
    assert can_reorganize(demo.xa, demo.branch) and not can_reorganize(demo.xa, demo.commune)
    assert can_reorganize(demo.tinh, demo.commune) and not can_reorganize(demo.tinh, demo.province)
    assert not can_reorganize(demo.chibo, demo.branch)
    args = {"effective_date": DAY, "decision_ref": DECISION}
    for dry_run in (False, True):
        denied(lambda dry_run=dry_run: unit_rename(actor=demo.xa, unit=demo.commune, name="Xã Đông Sơn Mới",
                                                   dry_run=dry_run, **args))
        denied(lambda dry_run=dry_run: unit_close(actor=demo.xa, unit=demo.commune, dry_run=dry_run, **args))
    first = _branches(demo.commune)[0]
    denied(lambda: unit_move(actor=demo.xa, unit=demo.commune, new_parent=demo.commune, **args))
    parts = [NewUnit(code=f"X.{c}", name=f"Xã {c}", kind=UnitKind.COMMUNE) for c in "AB"]
    denied(lambda: unit_split(actor=demo.xa, unit=demo.commune, new_parent=demo.commune, parts=parts, **args))
    denied(lambda: unit_merge(actor=demo.xa, sources=[demo.commune], target=first, **args))
    # A root has no level above: only a superuser.
    denied(lambda: unit_rename(actor=demo.tinh, unit=demo.province, name="Tỉnh khác", **args))
    admin = get_user_model().objects.create_superuser("quan-tri-thu", password="x" * 12)
    assert can_reorganize(admin, demo.province)
    # The province office still renames the commune.
    unit_rename(actor=demo.tinh, unit=demo.commune, name="Đảng bộ xã Đông Sơn Mới", **args)
    assert Unit.objects.get(pk=demo.commune.pk).name == "Đảng bộ xã Đông Sơn Mới"


def test_roles_without_the_reorganize_permission_are_denied(demo):
    User = get_user_model()
    for role in (Role.STANDING_MEMBER, Role.COMMITTEE_MEMBER, Role.ADVISOR, Role.INSPECTOR, Role.VIEWER):
        user = User.objects.create_user(f"thu-{role}", password="x" * 12)
        RoleAssignment.objects.create(user=user, unit=demo.commune, role=role)
        denied(lambda user=user: unit_rename(actor=user, unit=demo.branch, name="Chi bộ khác", effective_date=DAY,
                                             decision_ref=DECISION))
        denied(lambda user=user: unit_move(actor=user, unit=demo.branch, new_parent=demo.commune,
                                           effective_date=DAY, decision_ref=DECISION))
    # A standing committee member may still edit details (Perm.UNIT_CHANGE), just not reorganize.
    standing = User.objects.get(username=f"thu-{Role.STANDING_MEMBER}")
    unit_update(actor=standing, unit=demo.branch, member_count=demo.branch.member_count + 1)


def test_commune_office_merges_its_own_branches_and_is_recorded(demo):
    first, second = _branches(demo.commune)[:2]
    total = first.member_count + second.member_count
    result = unit_merge(actor=demo.xa, sources=[first, second], new_parent=demo.commune,
                        new_unit=NewUnit(code="X.MERGED", name="Chi bộ thôn Hợp Nhất", kind=UnitKind.BRANCH),
                        effective_date=DAY, decision_ref=DECISION)
    merged = Unit.objects.get(code="X.MERGED")
    assert merged.member_count == total and merged.parent == demo.commune
    assert result.reorganization.actor == demo.xa
    event = AuditEvent.objects.get(reorganization=result.reorganization, action=AuditAction.REORGANIZE)
    assert (event.actor, event.actor_name, event.unit) == (demo.xa, "demo-xa", demo.commune)
    # The province office may move units between communes.
    unit_move(actor=demo.tinh, unit=merged, new_parent=demo.commune2, effective_date=DAY + dt.timedelta(days=1),
              decision_ref=DECISION)
    assert Unit.objects.get(pk=merged.pk).path.startswith(demo.commune2.path)
