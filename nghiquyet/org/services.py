"""Writes to the organization tree. Every function validates, saves in one transaction,
records a ``Reorganization`` event where the tree changes and writes the audit trail.

Reorganizations accept ``dry_run=True``: the change is carried out and rolled back, and
the returned summary is exactly what the real run would do (the preview page uses it).

Member counts (one rule everywhere): ``Unit.member_count`` is the unit's own, direct
count as entered (the members who sit in that unit itself), never a rollup of its
subtree; totals are computed from the subtree (``selectors.unit_members_total``).
Members are never orphaned by a reorganization, so the total over active units only
changes through ``unit_update`` and ``unit_create``:

* move: counts do not change (a rollup follows the subtree by itself);
* merge: the closed sources' own counts go to the target (existing or new); a
  ``NewUnit.member_count`` of 0 means "the sum of the sources", any other value must equal it;
* split: the parts' given counts must add up to the source's own count;
* close: refused while the unit still has members or active children; move them first.

The member register (``nghiquyet.members``) follows in the same transaction: on a merge the
sources' current members close their rows on the effective date (reason "transfer") and get new
rows in the target (``_members_follow``), one audit row per reorganization; on a split, a part
that lists its members (``NewUnit.members``) takes them the same way, and members no part lists
stay on the closed unit, to be transferred from the member pages (the counts given for the parts
stand until then; see ``unit_split``).

History rules: a change takes effect today or in the past, strictly after the current
version of every unit whose name or parent it changes began, never before a receiving
parent existed or last changed place, and a unit only closes after every child that has
left it had gone. So the tree ``tree_as_of`` any day is a proper tree: no cycle, no
unit under a parent that was closed or not yet founded that day. Closed units are
history and are never written to again.

Who may reorganize: ``Perm.UNIT_REORGANIZE`` at every unit involved and, for the unit that is
renamed, moved, closed or split, at its parent too (the level above decides on its subordinates:
a commune office does not rename or dissolve its own commune); a root only by a superuser.
``can_reorganize`` tells the pages.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can, scope_of
from nghiquyet.audit.models import AuditAction
from nghiquyet.audit.services import audit_create, audit_record, diff, snapshot
from nghiquyet.core.fields import path_ids
from nghiquyet.core.text import fold
from nghiquyet.org.models import (
    Reorganization,
    ReorganizationKind,
    Unit,
    UnitKind,
    UnitSuccession,
    UnitVersion,
)
from nghiquyet.org.selectors import unit_members_total

UNIT_AUDIT_FIELDS = ["kind", "code", "name", "short_name", "member_count", "parent", "valid_from", "valid_to"]
LEAF_KINDS = {UnitKind.BRANCH} | UnitKind.implementing_kinds()
_DECISION_RE = re.compile(r"\d+\s*[-/]\s*\w")
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass
class ReorgResult:
    """What a reorganization did (or, in a dry run, would do)."""

    kind: str
    reorganization: Reorganization | None = None
    created: list[dict[str, Any]] = field(default_factory=list)
    moved: list[dict[str, Any]] = field(default_factory=list)
    renamed: list[dict[str, Any]] = field(default_factory=list)
    closed: list[dict[str, Any]] = field(default_factory=list)
    successions: list[dict[str, Any]] = field(default_factory=list)
    descendants_moved: int = 0
    units: list[Unit] = field(default_factory=list)
    dry_run: bool = False

    def as_summary(self) -> dict[str, Any]:
        return {
            "created": self.created, "moved": self.moved, "renamed": self.renamed, "closed": self.closed,
            "successions": self.successions, "descendants_moved": self.descendants_moved,
        }


# --------------------------------------------------------------------------- checks

def _require(actor, perm: str, *units: Unit) -> None:
    """``actor=None`` is the system (seeding, migrations); a user needs ``perm`` at every unit."""
    if actor is None:
        return
    for unit in units:
        if not can(actor, perm, unit):
            raise PermissionDenied(_("Bạn không có quyền thay đổi đơn vị “%(unit)s”.") % {"unit": unit.name})


def can_reorganize(actor, unit: Unit) -> bool:
    """May ``actor`` rename, move, close or split ``unit``: ``Perm.UNIT_REORGANIZE`` at the unit and at its
    parent (the level above decides on its subordinates); a root unit only for a superuser. No query."""
    if not can(actor, Perm.UNIT_REORGANIZE, unit):
        return False
    scope = scope_of(actor)
    ancestors = unit.ancestor_ids
    if not ancestors:
        return scope.is_superuser
    parent_path = "/" + "/".join(str(i) for i in ancestors) + "/"
    return scope.covers(parent_path, Perm.UNIT_REORGANIZE)


def _require_at_parent(actor, unit: Unit) -> None:
    """``can_reorganize`` or ``PermissionDenied`` (``actor=None`` is the system)."""
    if actor is None:
        return
    if not can_reorganize(actor, unit):
        raise PermissionDenied(_("Việc sắp xếp “%(unit)s” do cấp trên của đơn vị quyết định: "
                                 "bạn không có quyền sắp xếp tổ chức ở cấp trên.") % {"unit": unit.name})


def _lock(unit: Unit | None) -> Unit | None:
    """The unit as stored now, row-locked until the transaction ends (callers may hold stale copies)."""
    if unit is None:
        return None
    return Unit.objects.select_for_update().get(pk=unit.pk)


def _require_active(unit: Unit, field_name: str) -> None:
    if unit.valid_to is not None:
        raise ValidationError(
            {field_name: _("Đơn vị “%(unit)s” đã kết thúc hoạt động từ %(date)s.")
             % {"unit": unit.name, "date": unit.valid_to.strftime("%d/%m/%Y")}}
        )


def _check_effective_date(day: dt.date | None, *units: Unit) -> dt.date:
    if day is None:
        raise ValidationError({"effective_date": _("Nhập ngày hiệu lực.")})
    if day > timezone.localdate():
        raise ValidationError({"effective_date": _("Ngày hiệu lực không được ở tương lai.")})
    for unit in units:
        current = unit.versions.filter(valid_to__isnull=True).first()
        start = current.valid_from if current else unit.valid_from
        if day <= start:
            raise ValidationError({"effective_date": _(
                "Ngày hiệu lực phải sau %(date)s (thay đổi gần nhất của “%(unit)s”)."
            ) % {"date": start.strftime("%d/%m/%Y"), "unit": unit.name}})
    return day


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _check_receiver(day: dt.date, receiver: Unit) -> None:
    """``receiver`` takes units in on ``day``: it existed then and neither it nor any of its
    ancestors has changed place since (else the history would put units under a parent that
    was elsewhere, or form a cycle, on the days in between)."""
    if day < receiver.valid_from:
        raise ValidationError({"effective_date": _(
            "Ngày hiệu lực (%(day)s) trước ngày thành lập của “%(unit)s” (%(start)s)."
        ) % {"day": _fmt(day), "unit": receiver.name, "start": _fmt(receiver.valid_from)}})
    later = (
        UnitVersion.objects.filter(unit_id__in=path_ids(receiver.path), valid_to__isnull=True, valid_from__gt=day)
        .select_related("unit").order_by("-valid_from").first()
    )
    if later is not None:
        raise ValidationError({"effective_date": _(
            "“%(unit)s” đã thay đổi (đổi tên hoặc điều chuyển) từ %(start)s: ngày hiệu lực không được trước ngày đó."
        ) % {"unit": later.unit.name, "start": _fmt(later.valid_from)}})


def _check_children_can_leave(day: dt.date, unit: Unit) -> None:
    """The active children of ``unit`` move away on ``day``: each must have joined it before."""
    late = (
        UnitVersion.objects.filter(parent=unit, valid_to__isnull=True, unit__valid_to__isnull=True,
                                   valid_from__gte=day)
        .select_related("unit").order_by("-valid_from").first()
    )
    if late is not None:
        raise ValidationError({"effective_date": _(
            "“%(child)s” trực thuộc “%(unit)s” từ %(start)s: ngày hiệu lực phải sau ngày đó."
        ) % {"child": late.unit.name, "unit": unit.name, "start": _fmt(late.valid_from)}})


def _check_closable_on(day: dt.date, unit: Unit) -> None:
    """``unit`` closes on ``day``: no unit that has left it (or closed) was still under it after that day."""
    late = (
        UnitVersion.objects.filter(parent=unit, valid_to__gt=day)
        .select_related("unit").order_by("-valid_to").first()
    )
    if late is not None:
        raise ValidationError({"effective_date": _(
            "“%(child)s” còn trực thuộc “%(unit)s” đến %(end)s: ngày hiệu lực không được trước ngày đó."
        ) % {"child": late.unit.name, "unit": unit.name, "end": _fmt(late.valid_to)}})


def _check_decision(decision_ref: str) -> str:
    decision_ref = (decision_ref or "").strip()
    if not decision_ref:
        raise ValidationError({"decision_ref": _("Nhập căn cứ quyết định, ví dụ: Quyết định 321-QĐ/TW.")})
    if not _DECISION_RE.search(decision_ref) or len(decision_ref) > 200:
        raise ValidationError({"decision_ref": _(
            "Căn cứ quyết định phải có số và ký hiệu, ví dụ: Quyết định 321-QĐ/TW."
        )})
    return decision_ref


def _check_new_unit_fields(*, code: str, name: str, kind: str, parent: Unit | None, member_count: int) -> None:
    errors: dict[str, str] = {}
    if not code or not _CODE_RE.match(code) or len(code) > 40:
        errors["code"] = _("Mã đơn vị chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang; tối đa 40 ký tự.")
    elif Unit.objects.filter(code=code).exists():
        errors["code"] = _("Mã đơn vị “%(code)s” đã được dùng.") % {"code": code}
    if not name or not name.strip():
        errors["name"] = _("Nhập tên đơn vị.")
    elif len(name) > 255:
        errors["name"] = _("Tên đơn vị tối đa 255 ký tự.")
    if kind not in UnitKind.values:
        errors["kind"] = _("Loại đơn vị không hợp lệ.")
    if parent is not None and parent.kind in LEAF_KINDS:
        errors["parent"] = _("“%(unit)s” không thể có đơn vị trực thuộc.") % {"unit": parent.name}
    if member_count is None or member_count < 0:
        errors["member_count"] = _("Số đảng viên phải là số nguyên không âm.")
    if errors:
        raise ValidationError(errors)


def _search_text(unit: Unit) -> str:
    return fold(f"{unit.name} {unit.short_name} {unit.code}")[:600]


def _ref(unit: Unit | None) -> dict[str, Any] | None:
    return None if unit is None else {"id": unit.pk, "name": unit.name}


# --------------------------------------------------------------------------- primitives

def _insert_unit(*, parent, kind, code, name, short_name, member_count, valid_from, reorganization) -> Unit:
    unit = Unit(
        parent=parent, kind=kind, code=code, name=name.strip(), short_name=(short_name or "").strip(),
        member_count=member_count, valid_from=valid_from, path="/", depth=0 if parent is None else parent.depth + 1,
    )
    unit.search_text = _search_text(unit)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        raise ValidationError({"code": _("Mã đơn vị “%(code)s” đã được dùng.") % {"code": code}}) from None
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    Unit.objects.filter(pk=unit.pk).update(path=unit.path)
    UnitVersion.objects.create(
        unit=unit, parent=parent, name=unit.name, short_name=unit.short_name, valid_from=valid_from,
        reorganization=reorganization,
    )
    return unit


def _new_version(unit: Unit, day: dt.date, reorganization: Reorganization) -> None:
    """Close the unit's open version on ``day`` and open one with its current name and parent."""
    UnitVersion.objects.filter(unit=unit, valid_to__isnull=True).update(valid_to=day)
    UnitVersion.objects.create(
        unit=unit, parent=unit.parent, name=unit.name, short_name=unit.short_name, valid_from=day,
        reorganization=reorganization,
    )


def _reparent(unit: Unit, new_parent: Unit, day: dt.date, reorganization: Reorganization) -> int:
    """Move ``unit`` and its subtree under ``new_parent``; returns the number of descendants moved."""
    old_prefix = unit.path
    new_prefix = f"{new_parent.path}{unit.pk}/"
    delta = (new_parent.depth + 1) - unit.depth
    moved = Unit.objects.filter(path__under=old_prefix).update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1)),
        depth=F("depth") + delta,
    )
    unit.parent = new_parent
    unit.path = new_prefix
    unit.depth += delta
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    _new_version(unit, day, reorganization)
    return moved - 1


def _close(unit: Unit, day: dt.date, reorganization: Reorganization) -> None:
    unit.valid_to = day
    Unit.objects.filter(pk=unit.pk).update(valid_to=day)
    UnitVersion.objects.filter(unit=unit, valid_to__isnull=True).update(valid_to=day)


def _open_reorganization(*, kind, actor, effective_date, decision_ref, note) -> Reorganization:
    return Reorganization.objects.create(
        kind=kind, effective_date=effective_date, decision_ref=decision_ref, note=(note or "").strip(),
        actor=actor if actor is not None and actor.is_authenticated else None,
    )


def _finish(result: ReorgResult, reorganization: Reorganization, units: list[Unit], actor, dry_run: bool):
    reorganization.summary = result.as_summary()
    reorganization.save(update_fields=["summary"])
    reorganization.units.set({u.pk for u in units})
    result.reorganization = reorganization
    result.units = units
    result.dry_run = dry_run
    audit_record(
        actor=actor, action=AuditAction.REORGANIZE, obj=reorganization, unit=_scope_unit(units),
        changes={"summary": [None, result.as_summary()]}, reorganization=reorganization,
        note=reorganization.decision_ref,
    )
    if dry_run:
        transaction.set_rollback(True)
    return result


def _rollups_follow(units: list[Unit], dry_run: bool) -> None:
    """Rollups follow the new tree in the same transaction (the reporting app rebuilds the affected targets)."""
    if dry_run:
        return
    from nghiquyet.reporting.rollups import rollups_after_reorganization

    rollups_after_reorganization(unit_ids=[u.pk for u in units])


def _scope_unit(units: list[Unit]) -> Unit | None:
    """The deepest common ancestor of ``units`` (the event belongs to its subtree)."""
    if not units:
        return None
    paths = [u.path for u in units]
    common = paths[0]
    for p in paths[1:]:
        while not p.startswith(common):
            common = common[: common[:-1].rfind("/") + 1]
    ids = [int(x) for x in common.strip("/").split("/") if x]
    return Unit.objects.filter(pk=ids[-1]).first() if ids else None


def _audit_unit_change(actor, unit: Unit, before: dict, reorganization: Reorganization) -> None:
    unit.refresh_from_db()
    changes = diff(before, snapshot(unit, UNIT_AUDIT_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=unit, unit=unit, changes=changes,
                     reorganization=reorganization, note=reorganization.decision_ref)


def _members_follow(actor, moves: list[tuple[Unit, list[int] | None, Unit]], day: dt.date,
                    reorganization: Reorganization) -> int:
    """Members follow a reorganization: for each ``(source, member ids or None for all, receiver)``, the
    source's current members (of the register, ``members.Member``) close their row on ``day`` with the reason
    "transfer" and get a new row in ``receiver`` from ``day``, in bulk; a row that began on or after ``day`` (the
    member arrived when the source was already being reorganized) simply moves. The official's link
    (``person``) goes with the new row. One audit row per reorganization names the counts. Returns how many
    members moved. ``Unit.member_count`` is left to the caller (the counts move with the units)."""
    from nghiquyet.members.models import LeaveReason, Member  # members imports org: import here

    moved_by_source: list[dict[str, Any]] = []
    total = 0
    for source, ids, receiver in moves:
        current = Member.objects.filter(unit=source, left_unit_on__isnull=True)
        if ids is not None:
            current = current.filter(pk__in=ids)
        later = current.filter(joined_unit_on__gte=day).update(unit=receiver)
        rows = list(current.filter(joined_unit_on__lt=day).order_by("pk"))
        if rows:
            Member.objects.filter(pk__in=[m.pk for m in rows]).update(
                left_unit_on=day, leave_reason=LeaveReason.TRANSFER, person=None)
            new_rows = Member.objects.bulk_create([
                Member(unit=receiver, full_name=m.full_name, gender=m.gender, birth_date=m.birth_date,
                       card_number=m.card_number, joined_party_on=m.joined_party_on, joined_unit_on=day,
                       person_id=m.person_id, email=m.email, search_text=m.search_text, origin_id=m.origin_key)
                for m in rows
            ], batch_size=2000)
            if new_rows and new_rows[0].pk is None:      # a backend that returns no ids: find them by origin
                by_origin = {m.origin_id: m for m in Member.objects.filter(
                    unit=receiver, joined_unit_on=day, origin_id__in=[m.origin_key for m in rows])}
                new_rows = [by_origin[m.origin_key] for m in rows]
            from nghiquyet.study.services import writeups_follow  # study imports org: import here

            writeups_follow(actor=actor, moves={m.pk: new for m, new in zip(rows, new_rows, strict=True)},
                            reorganization=reorganization)
        if rows or later:
            total += len(rows) + later
            moved_by_source.append({"from": _ref(source), "to": _ref(receiver), "members": len(rows) + later})
    if total:
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=reorganization, unit=_scope_unit(
                [u for move in moves for u in (move[0], move[2])]),
            changes={"members_transferred": [None, moved_by_source]}, reorganization=reorganization,
            note=(_("Chuyển sinh hoạt %(n)d đảng viên theo %(ref)s")
                  % {"n": total, "ref": reorganization.decision_ref}),
        )
    return total


# --------------------------------------------------------------------------- public services

@transaction.atomic
def unit_create(
    *,
    actor,
    parent: Unit | None,
    kind: str,
    code: str,
    name: str,
    short_name: str = "",
    member_count: int = 0,
    valid_from: dt.date,
    decision_ref: str = "",
    note: str = "",
) -> Unit:
    """Establish a unit (thành lập). A root unit can only be created by the system or a superuser."""
    parent = _lock(parent)
    if valid_from is None:
        raise ValidationError({"valid_from": _("Nhập ngày thành lập.")})
    if parent is None:
        if actor is not None and not actor.is_superuser:
            raise PermissionDenied(_("Chỉ quản trị hệ thống được tạo đơn vị cấp cao nhất."))
    else:
        _require(actor, Perm.UNIT_REORGANIZE, parent)
        _require_active(parent, "parent")
        if valid_from < parent.valid_from:
            raise ValidationError({"valid_from": _(
                "Ngày thành lập không được trước ngày thành lập của đơn vị cấp trên."
            )})
    if valid_from > timezone.localdate():
        raise ValidationError({"valid_from": _("Ngày hiệu lực không được ở tương lai.")})
    _check_new_unit_fields(code=code, name=name, kind=kind, parent=parent, member_count=member_count)
    reorganization = _open_reorganization(
        kind=ReorganizationKind.CREATE, actor=actor, effective_date=valid_from,
        decision_ref=(decision_ref or "").strip(), note=note,
    )
    unit = _insert_unit(parent=parent, kind=kind, code=code, name=name, short_name=short_name,
                        member_count=member_count, valid_from=valid_from, reorganization=reorganization)
    reorganization.summary = {"created": [_ref(unit)], "parent": _ref(parent)}
    reorganization.save(update_fields=["summary"])
    reorganization.units.add(unit)
    audit_create(actor=actor, obj=unit, fields=UNIT_AUDIT_FIELDS, unit=unit, reorganization=reorganization)
    return unit


@transaction.atomic
def unit_update(
    *, actor, unit: Unit, short_name: str | None = None, member_count: int | None = None, code: str | None = None
) -> Unit:
    """Edit the details that are not a reorganization (the name changes by ``unit_rename``)."""
    unit = _lock(unit)
    _require(actor, Perm.UNIT_CHANGE, unit)
    _require_active(unit, "unit")
    before = snapshot(unit, UNIT_AUDIT_FIELDS)
    errors = {}
    if code is not None and code != unit.code:
        if not _CODE_RE.match(code) or len(code) > 40:
            errors["code"] = _("Mã đơn vị chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang; tối đa 40 ký tự.")
        elif Unit.objects.filter(code=code).exclude(pk=unit.pk).exists():
            errors["code"] = _("Mã đơn vị “%(code)s” đã được dùng.") % {"code": code}
        unit.code = code
    if member_count is not None:
        if member_count < 0:
            errors["member_count"] = _("Số đảng viên phải là số nguyên không âm.")
        unit.member_count = member_count
    if short_name is not None:
        unit.short_name = short_name.strip()[:120]
    if errors:
        raise ValidationError(errors)
    unit.search_text = _search_text(unit)
    unit.save(update_fields=["code", "member_count", "short_name", "search_text"])
    changes = diff(before, snapshot(unit, UNIT_AUDIT_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=unit, unit=unit, changes=changes)
    return unit


@transaction.atomic
def unit_rename(
    *, actor, unit: Unit, name: str, short_name: str = "", effective_date: dt.date, decision_ref: str,
    note: str = "", dry_run: bool = False,
) -> ReorgResult:
    unit = _lock(unit)
    _require(actor, Perm.UNIT_REORGANIZE, unit)
    _require_at_parent(actor, unit)
    _require_active(unit, "unit")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Nhập tên mới.")})
    if name == unit.name and (short_name or "") == unit.short_name:
        raise ValidationError({"name": _("Tên mới trùng với tên hiện tại.")})
    _check_effective_date(effective_date, unit)
    decision_ref = _check_decision(decision_ref)
    reorganization = _open_reorganization(kind=ReorganizationKind.RENAME, actor=actor,
                                          effective_date=effective_date, decision_ref=decision_ref, note=note)
    before = snapshot(unit, UNIT_AUDIT_FIELDS)
    result = ReorgResult(kind=ReorganizationKind.RENAME)
    result.renamed.append({"id": unit.pk, "from": unit.name, "to": name})
    unit.name, unit.short_name = name, (short_name or "").strip()
    unit.search_text = _search_text(unit)
    unit.save(update_fields=["name", "short_name", "search_text"])
    _new_version(unit, effective_date, reorganization)
    _audit_unit_change(actor, unit, before, reorganization)
    return _finish(result, reorganization, [unit], actor, dry_run)


@transaction.atomic
def unit_move(
    *, actor, unit: Unit, new_parent: Unit, effective_date: dt.date, decision_ref: str, note: str = "",
    dry_run: bool = False,
) -> ReorgResult:
    """Move a unit with its whole subtree under another parent (điều chuyển)."""
    unit, new_parent = _lock(unit), _lock(new_parent)
    _require(actor, Perm.UNIT_REORGANIZE, unit, new_parent)
    _require_at_parent(actor, unit)
    _require_active(unit, "unit")
    _require_active(new_parent, "new_parent")
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"new_parent": _(
            "Không thể chuyển “%(unit)s” vào chính nó hoặc đơn vị trực thuộc của nó (tạo vòng lặp)."
        ) % {"unit": unit.name}})
    if unit.parent_id == new_parent.pk:
        raise ValidationError({"new_parent": _("“%(unit)s” đã trực thuộc “%(parent)s”.")
                               % {"unit": unit.name, "parent": new_parent.name}})
    if new_parent.kind in LEAF_KINDS:
        raise ValidationError({"new_parent": _("“%(unit)s” không thể có đơn vị trực thuộc.")
                               % {"unit": new_parent.name}})
    _check_effective_date(effective_date, unit)
    _check_receiver(effective_date, new_parent)
    decision_ref = _check_decision(decision_ref)
    reorganization = _open_reorganization(kind=ReorganizationKind.MOVE, actor=actor,
                                          effective_date=effective_date, decision_ref=decision_ref, note=note)
    before = snapshot(unit, UNIT_AUDIT_FIELDS)
    result = ReorgResult(kind=ReorganizationKind.MOVE)
    old_parent = unit.parent
    result.descendants_moved = _reparent(unit, new_parent, effective_date, reorganization)
    result.moved.append({"id": unit.pk, "name": unit.name, "from": _ref(old_parent), "to": _ref(new_parent),
                         "descendants": result.descendants_moved})
    _audit_unit_change(actor, unit, before, reorganization)
    units = [unit, new_parent] + ([old_parent] if old_parent else [])
    _rollups_follow(units, dry_run)
    return _finish(result, reorganization, units, actor, dry_run)


@dataclass
class NewUnit:
    """Fields of a unit that a merge or split creates."""

    code: str
    name: str
    kind: str
    short_name: str = ""
    member_count: int = 0
    children: list[Unit] = field(default_factory=list)
    #: Split only: the members (``members.Member`` rows or ids) of the split unit's register this part takes;
    #: ``None`` leaves them on the closed unit (see ``unit_split``).
    members: list | None = None


@transaction.atomic
def unit_merge(
    *,
    actor,
    sources: list[Unit],
    target: Unit | None = None,
    new_unit: NewUnit | None = None,
    new_parent: Unit | None = None,
    effective_date: dt.date,
    decision_ref: str,
    note: str = "",
    dry_run: bool = False,
) -> ReorgResult:
    """Merge ``sources`` into an existing ``target`` (sáp nhập) or into a ``new_unit`` under
    ``new_parent`` (hợp nhất). Children of the sources move to the target, members are added
    to it, the sources close and each gets a successor link to the target."""
    if (target is None) == (new_unit is None):
        raise ValidationError({"target": _("Chọn đơn vị tiếp nhận hoặc nhập đơn vị mới (một trong hai).")})
    duplicate = next((s for i, s in enumerate(sources) if any(o.pk == s.pk for o in sources[:i])), None)
    unique = {u.pk: u for u in sources}
    locked = {pk: _lock(unique[pk]) for pk in sorted(unique)}  # lock in one order everywhere (no deadlock)
    sources = [locked[pk] for pk in unique]
    target, new_parent = _lock(target), _lock(new_parent)
    parent = target.parent if target is not None else new_parent
    if target is None and parent is None:
        raise ValidationError({"new_parent": _("Chọn đơn vị cấp trên của đơn vị mới.")})
    _require(actor, Perm.UNIT_REORGANIZE, *sources, *([target] if target else [parent]))
    for source in sources:  # a merged unit closes: the level above decides, as for ``unit_close``
        _require_at_parent(actor, source)
    if duplicate is not None:
        raise ValidationError({"sources": _(
            "Không thể hợp nhất một đơn vị với chính nó: “%(unit)s” được chọn hai lần."
        ) % {"unit": duplicate.name}})
    if target is not None and any(s.pk == target.pk for s in sources):
        raise ValidationError({"sources": _(
            "Không thể hợp nhất “%(unit)s” với chính nó: đơn vị tiếp nhận không được nằm trong danh sách hợp nhất."
        ) % {"unit": target.name}})
    minimum = 2 if target is None else 1
    if len(sources) < minimum:
        raise ValidationError({"sources": _("Chọn ít nhất %(n)d đơn vị để hợp nhất.") % {"n": minimum}})
    for source in sources:
        _require_active(source, "sources")
    anchor = target if target is not None else parent
    _require_active(anchor, "target" if target is not None else "new_parent")
    for source in sources:
        if anchor.path.startswith(source.path):
            raise ValidationError({"target": _(
                "Không thể hợp nhất “%(unit)s” vào chính nó hoặc đơn vị trực thuộc của nó."
            ) % {"unit": source.name}})
        for other in sources:
            if other.pk != source.pk and other.path.startswith(source.path):
                raise ValidationError({"sources": _("“%(a)s” trực thuộc “%(b)s”: không hợp nhất cấp trên với cấp dưới.")
                                       % {"a": other.name, "b": source.name}})
    receiving_kind = target.kind if target is not None else new_unit.kind
    if receiving_kind in LEAF_KINDS:
        for source in sources:
            if source.children.filter(valid_to__isnull=True).exists():
                raise ValidationError({"target": _(
                    "Đơn vị nhận hợp nhất không thể có đơn vị trực thuộc, mà “%(unit)s” còn đơn vị trực thuộc: "
                    "điều chuyển chúng trước."
                ) % {"unit": source.name}})
    members = sum(s.member_count for s in sources)
    if new_unit is not None and new_unit.member_count and new_unit.member_count != members:
        raise ValidationError({"member_count": _(
            "Số đảng viên của đơn vị mới (%(given)d) phải bằng tổng số đảng viên của các đơn vị hợp nhất "
            "(%(total)d): không để đảng viên nào không có nơi sinh hoạt."
        ) % {"given": new_unit.member_count, "total": members}})
    _check_effective_date(effective_date, *sources)
    # The receiver takes units in on the day; a new unit is founded then under ``parent``.
    _check_receiver(effective_date, anchor)
    for source in sources:
        _check_children_can_leave(effective_date, source)
        _check_closable_on(effective_date, source)
    decision_ref = _check_decision(decision_ref)
    if new_unit is not None:
        _check_new_unit_fields(code=new_unit.code, name=new_unit.name, kind=new_unit.kind, parent=parent,
                               member_count=0)
    reorganization = _open_reorganization(kind=ReorganizationKind.MERGE, actor=actor,
                                          effective_date=effective_date, decision_ref=decision_ref, note=note)
    result = ReorgResult(kind=ReorganizationKind.MERGE)
    if target is None:
        target = _insert_unit(parent=parent, kind=new_unit.kind, code=new_unit.code, name=new_unit.name,
                              short_name=new_unit.short_name, member_count=0, valid_from=effective_date,
                              reorganization=reorganization)
        audit_create(actor=actor, obj=target, fields=UNIT_AUDIT_FIELDS, unit=target, reorganization=reorganization)
        result.created.append(_ref(target))
    target = _lock(target)
    target_before = snapshot(target, UNIT_AUDIT_FIELDS)
    touched = [target]
    for source in sources:
        source = _lock(source)
        before = snapshot(source, UNIT_AUDIT_FIELDS)
        members_over = unit_members_total(source)  # its own and its whole active subtree's: all go over
        for child in list(source.children.filter(valid_to__isnull=True).order_by("path")):
            child_before = snapshot(child, UNIT_AUDIT_FIELDS)
            descendants = _reparent(child, target, effective_date, reorganization)
            result.descendants_moved += descendants
            result.moved.append({"id": child.pk, "name": child.name, "from": _ref(source), "to": _ref(target),
                                 "descendants": descendants})
            _audit_unit_change(actor, child, child_before, reorganization)
        UnitSuccession.objects.create(predecessor=source, successor=target, effective_date=effective_date,
                                      reorganization=reorganization, member_share=members_over)
        target.member_count += source.member_count
        _close(source, effective_date, reorganization)
        result.closed.append(_ref(source))
        result.successions.append({"from": _ref(source), "to": _ref(target), "members": members_over})
        _audit_unit_change(actor, source, before, reorganization)
        touched.append(source)
    _members_follow(actor, [(source, None, target) for source in sources], effective_date, reorganization)
    target.save(update_fields=["member_count"])
    _audit_unit_change(actor, target, target_before, reorganization)
    _rollups_follow(touched, dry_run)
    return _finish(result, reorganization, touched, actor, dry_run)


def _split_member_ids(unit: Unit, parts: list[NewUnit]) -> list[list[int] | None]:
    """The member ids each part takes (``None``: the part names none), checked against ``unit``'s register: current
    members of the unit, each given to one part, as many as the part's ``member_count``."""
    from nghiquyet.members.models import Member  # members imports org: import here

    chosen: list[list[int] | None] = []
    for part in parts:
        if part.members is None:
            chosen.append(None)
            continue
        ids = [getattr(m, "pk", m) for m in part.members]
        if len(ids) != part.member_count:
            raise ValidationError({"parts": _(
                "“%(part)s”: số đảng viên (%(count)d) phải bằng số đảng viên được chuyển đến (%(given)d)."
            ) % {"part": part.name, "count": part.member_count, "given": len(ids)}})
        chosen.append(ids)
    every = [pk for ids in chosen if ids for pk in ids]
    if len(set(every)) != len(every):
        raise ValidationError({"parts": _("Một đảng viên được giao cho hai đơn vị mới.")})
    if every:
        found = set(Member.objects.filter(unit=unit, left_unit_on__isnull=True, pk__in=every)
                    .values_list("pk", flat=True))
        if len(found) != len(set(every)):
            raise ValidationError({"parts": _("Có đảng viên không (còn) sinh hoạt tại “%(unit)s”.")
                                   % {"unit": unit.name}})
    return chosen


@transaction.atomic
def unit_split(
    *,
    actor,
    unit: Unit,
    parts: list[NewUnit],
    new_parent: Unit | None = None,
    effective_date: dt.date,
    decision_ref: str,
    note: str = "",
    dry_run: bool = False,
) -> ReorgResult:
    """Split ``unit`` into several new units (chia tách). Every active child must go to one
    part and the parts' member counts must add up to the unit's, so no member is orphaned."""
    unit, new_parent = _lock(unit), _lock(new_parent)
    parent = new_parent or unit.parent
    if parent is None:
        raise ValidationError({"new_parent": _("Đơn vị cấp cao nhất không thể chia tách.")})
    _require(actor, Perm.UNIT_REORGANIZE, unit, parent)
    _require_at_parent(actor, unit)
    _require_active(unit, "unit")
    _require_active(parent, "new_parent")
    if parent.path.startswith(unit.path):
        raise ValidationError({"new_parent": _("Đơn vị mới không thể trực thuộc đơn vị đang bị chia tách.")})
    if len(parts) < 2:
        raise ValidationError({"parts": _("Chia tách cần ít nhất 2 đơn vị mới.")})
    codes = [p.code for p in parts]
    if len(set(codes)) != len(codes):
        raise ValidationError({"parts": _("Mã các đơn vị mới phải khác nhau.")})
    for part in parts:
        _check_new_unit_fields(code=part.code, name=part.name, kind=part.kind, parent=parent,
                               member_count=part.member_count)
    total = sum(p.member_count for p in parts)
    if total != unit.member_count:
        raise ValidationError({"parts": _(
            "Tổng số đảng viên của các đơn vị mới (%(total)d) phải bằng số đảng viên của “%(unit)s” (%(count)d): "
            "không để đảng viên nào không có nơi sinh hoạt."
        ) % {"total": total, "unit": unit.name, "count": unit.member_count}})
    active_children = {c.pk: c for c in unit.children.filter(valid_to__isnull=True)}
    assigned: dict[int, int] = {}
    for index, part in enumerate(parts):
        for child in part.children:
            if child.pk not in active_children:
                raise ValidationError({"parts": _("“%(c)s” không trực thuộc “%(u)s”.")
                                       % {"c": child.name, "u": unit.name}})
            if child.pk in assigned:
                raise ValidationError({"parts": _("“%(c)s” được giao cho hai đơn vị mới.") % {"c": child.name}})
            assigned[child.pk] = index
        if part.children and part.kind in LEAF_KINDS:
            raise ValidationError({"parts": _("“%(unit)s” không thể có đơn vị trực thuộc.") % {"unit": part.name}})
    missing = [c.name for pk, c in active_children.items() if pk not in assigned]
    if missing:
        raise ValidationError({"parts": _("Chưa giao các đơn vị trực thuộc sau cho đơn vị mới: %(names)s.")
                               % {"names": ", ".join(sorted(missing))}})
    member_ids = _split_member_ids(unit, parts)
    _check_effective_date(effective_date, unit)
    _check_receiver(effective_date, parent)
    _check_children_can_leave(effective_date, unit)
    _check_closable_on(effective_date, unit)
    decision_ref = _check_decision(decision_ref)
    reorganization = _open_reorganization(kind=ReorganizationKind.SPLIT, actor=actor,
                                          effective_date=effective_date, decision_ref=decision_ref, note=note)
    result = ReorgResult(kind=ReorganizationKind.SPLIT)
    before = snapshot(unit, UNIT_AUDIT_FIELDS)
    touched = [unit]
    member_moves: list[tuple[Unit, list[int] | None, Unit]] = []
    for part, part_member_ids in zip(parts, member_ids, strict=True):
        new = _insert_unit(parent=parent, kind=part.kind, code=part.code, name=part.name,
                           short_name=part.short_name, member_count=part.member_count,
                           valid_from=effective_date, reorganization=reorganization)
        audit_create(actor=actor, obj=new, fields=UNIT_AUDIT_FIELDS, unit=new, reorganization=reorganization)
        result.created.append({**_ref(new), "members": part.member_count})
        for child in part.children:
            child = _lock(child)
            child_before = snapshot(child, UNIT_AUDIT_FIELDS)
            descendants = _reparent(child, new, effective_date, reorganization)
            result.descendants_moved += descendants
            result.moved.append({"id": child.pk, "name": child.name, "from": _ref(unit), "to": _ref(new),
                                 "descendants": descendants})
            _audit_unit_change(actor, child, child_before, reorganization)
        UnitSuccession.objects.create(predecessor=unit, successor=new, effective_date=effective_date,
                                      reorganization=reorganization, member_share=part.member_count)
        result.successions.append({"from": _ref(unit), "to": _ref(new), "members": part.member_count})
        touched.append(new)
        if part_member_ids is not None:
            member_moves.append((unit, part_member_ids, new))
    # Members follow only where a part lists them (``NewUnit.members``): the service cannot know who goes where
    # otherwise. The others stay, as current members, on the closed unit until someone transfers them from the
    # member pages (``members.services.member_transfer`` accepts a closed source); the parts keep the counts
    # given here until then.
    _members_follow(actor, member_moves, effective_date, reorganization)
    _close(unit, effective_date, reorganization)
    result.closed.append(_ref(unit))
    _audit_unit_change(actor, unit, before, reorganization)
    _rollups_follow(touched, dry_run)
    return _finish(result, reorganization, touched, actor, dry_run)


@transaction.atomic
def unit_close(
    *, actor, unit: Unit, effective_date: dt.date, decision_ref: str, note: str = "", dry_run: bool = False
) -> ReorgResult:
    """End a unit (giải thể). Refused while it still has active units or members under it."""
    unit = _lock(unit)
    _require(actor, Perm.UNIT_REORGANIZE, unit)
    _require_at_parent(actor, unit)
    _require_active(unit, "unit")
    active_children = unit.children.filter(valid_to__isnull=True).count()
    if active_children:
        raise ValidationError({"unit": _(
            "“%(unit)s” còn %(n)d đơn vị trực thuộc đang hoạt động: điều chuyển hoặc hợp nhất chúng trước."
        ) % {"unit": unit.name, "n": active_children}})
    if unit.member_count:
        raise ValidationError({"unit": _(
            "“%(unit)s” còn %(n)d đảng viên: chuyển sinh hoạt đảng (hợp nhất vào đơn vị khác) trước khi giải thể."
        ) % {"unit": unit.name, "n": unit.member_count}})
    _check_effective_date(effective_date, unit)
    _check_closable_on(effective_date, unit)
    decision_ref = _check_decision(decision_ref)
    reorganization = _open_reorganization(kind=ReorganizationKind.CLOSE, actor=actor,
                                          effective_date=effective_date, decision_ref=decision_ref, note=note)
    before = snapshot(unit, UNIT_AUDIT_FIELDS)
    result = ReorgResult(kind=ReorganizationKind.CLOSE)
    _close(unit, effective_date, reorganization)
    result.closed.append(_ref(unit))
    _audit_unit_change(actor, unit, before, reorganization)
    _rollups_follow([unit], dry_run)
    return _finish(result, reorganization, [unit], actor, dry_run)
