"""Writes for inspection and supervision: programs, inspections, findings, conclusions, recommendations.

Who may do what:

* programs, inspections, findings, conclusions, recommendations, closing: ``Perm.INSPECTION_CHANGE`` at the
  conducting unit;
* follow-up updates on a recommendation: its owner person, or ``Perm.TASK_PROGRESS`` / ``Perm.INSPECTION_CHANGE``
  at the owner unit, or the conducting unit (``may_follow_up``).

Every refusal is a ``ValidationError`` naming the field in Vietnamese (or ``PermissionDenied``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nghiquyet.accounts.models import Person
from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can
from nghiquyet.audit.models import AuditAction
from nghiquyet.audit.services import audit_create, audit_record, diff, snapshot
from nghiquyet.core.text import fold
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.oversight.models import (
    Finding,
    FindingKind,
    Inspection,
    InspectionKind,
    InspectionMode,
    InspectionProgram,
    PlannedInspection,
    Recommendation,
    RecommendationStatus,
    RecommendationUpdate,
)
from nghiquyet.programs.models import Task
from nghiquyet.resolutions.models import Document, Target
from nghiquyet.resolutions.symbols import symbol_clean

PROGRAM_FIELDS = ["unit", "year", "title", "symbol", "issued_on"]
PLANNED_FIELDS = ["program", "number", "kind", "mode", "subject", "content", "quarter"]
INSPECTION_FIELDS = ["unit", "planned", "kind", "mode", "title", "decision_ref", "subject_unit", "subject_person",
                     "content", "resolution", "leader", "starts_on", "ends_on", "concluded_on", "conclusion",
                     "conclusion_ref"]
EDITABLE_FIELDS = {"planned", "kind", "mode", "title", "decision_ref", "subject_unit", "subject_person", "content",
                   "resolution", "leader", "starts_on", "ends_on", "concluded_on", "conclusion", "conclusion_ref"}
RECOMMENDATION_FIELDS = ["inspection", "text", "owner_unit", "owner_person", "due_on", "status", "done_on",
                         "closed_on", "close_note"]


def oversight_settings() -> dict:
    defaults = {"PROGRAM_TYPES": ["CTr", "KH"], "CONCLUSION_TYPES": ["KL", "TB", "BC"]}
    return {**defaults, **settings.NGHIQUYET.get("OVERSIGHT", {})}


# ------------------------------------------------------------------ shared checks


def _require(actor, unit: Unit, perm: str = Perm.INSPECTION_CHANGE) -> None:
    if actor is not None and not can(actor, perm, unit):
        raise PermissionDenied(_("Bạn không có quyền kiểm tra, giám sát tại “%(unit)s”.") % {"unit": unit.name})


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _date(value, field: str, errors: dict, *, required: bool = True, message: str = "") -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if value is None or value == "":
        if required:
            errors[field] = message or _("Nhập ngày.")
        return None
    if not isinstance(value, dt.date):
        errors[field] = _("Ngày không hợp lệ.")
        return None
    return value


def _text(value, field: str, errors: dict, *, model, required_message: str = "", name: str | None = None) -> str:
    text = str(value or "").strip()
    limit = getattr(model._meta.get_field(name or field), "max_length", None)
    if not text and required_message:
        errors[field] = required_message
    elif limit and len(text) > limit:
        errors[field] = _("Tối đa %(n)d ký tự.") % {"n": limit}
    return text


def _under(unit: Unit, other: Unit) -> bool:
    """``other`` is ``unit`` or inside its subtree."""
    return other.path.startswith(unit.path)


def _reaches(unit: Unit, other: Unit) -> bool:
    """What ``unit`` may name as content: its own subtree's, its ancestors' and the Central Committee's."""
    return _under(unit, other) or unit.path.startswith(other.path) or other.kind == UnitKind.CENTRAL


def _symbol(value, field: str, types: list[str], errors: dict) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        return str(symbol_clean(text, field=field, types=tuple(types)))
    except ValidationError as exc:
        errors[field] = exc.message_dict[field][0]
        return text


def _not_future(day: dt.date | None, field: str, errors: dict, message: str) -> None:
    if day is not None and field not in errors and day > timezone.localdate():
        errors[field] = message


# ------------------------------------------------------------------ programs


@transaction.atomic
def inspection_program_create(*, actor, unit: Unit, year: int, title: str, issued_on: dt.date,
                              symbol: str = "") -> InspectionProgram:
    """The annual program (chương trình kiểm tra, giám sát năm ``year``) of ``unit``: one per unit and year."""
    _require(actor, unit)
    errors: dict[str, str] = {}
    if unit.valid_to is not None:
        errors["unit"] = _("“%(unit)s” đã kết thúc hoạt động.") % {"unit": unit.name}
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = _("Năm không hợp lệ.")
    elif InspectionProgram.objects.filter(unit=unit, year=year).exists():
        errors["year"] = _("“%(unit)s” đã có chương trình kiểm tra, giám sát năm %(y)d.") % {
            "unit": unit.name, "y": year}
    title = _text(title, "title", errors, model=InspectionProgram, required_message=_("Nhập tên chương trình."))
    symbol = _symbol(symbol, "symbol", oversight_settings()["PROGRAM_TYPES"], errors)
    issued_on = _date(issued_on, "issued_on", errors, message=_("Nhập ngày ban hành."))
    _not_future(issued_on, "issued_on", errors, _("Ngày ban hành không được ở tương lai."))
    if issued_on and "issued_on" not in errors and "year" not in errors and issued_on.year > year:
        errors["issued_on"] = _("Chương trình năm %(y)d phải ban hành trước hoặc trong năm %(y)d.") % {"y": year}
    if errors:
        raise ValidationError(errors)
    program = InspectionProgram.objects.create(unit=unit, year=year, title=title, issued_on=issued_on, symbol=symbol)
    audit_create(actor=actor, obj=program, fields=PROGRAM_FIELDS, unit=unit)
    return program


@transaction.atomic
def planned_add(*, actor, program: InspectionProgram, kind: str, subject: str, content: str,
                mode: str = InspectionMode.THEMATIC, quarter: int | None = None, number: str = "") -> PlannedInspection:
    """An item of the annual program: kind (kiểm tra / giám sát), subject, content, the planned quarter."""
    program = InspectionProgram.objects.select_for_update().select_related("unit").get(pk=program.pk)
    _require(actor, program.unit)
    errors: dict[str, str] = {}
    if program.unit.valid_to is not None:
        errors["program"] = _("“%(unit)s” đã kết thúc hoạt động.") % {"unit": program.unit.name}
    if kind not in InspectionKind.values:
        errors["kind"] = _("Chọn kiểm tra hoặc giám sát.")
    if mode not in InspectionMode.values:
        errors["mode"] = _("Chọn thường xuyên hoặc chuyên đề.")
    subject = _text(subject, "subject", errors, model=PlannedInspection, required_message=_("Nhập đối tượng."))
    content = _text(content, "content", errors, model=PlannedInspection, required_message=_("Nhập nội dung."))
    if quarter in ("", None):
        quarter = None
    elif isinstance(quarter, bool) or not isinstance(quarter, int) or not 1 <= quarter <= 4:
        errors["quarter"] = _("Quý từ 1 đến 4.")
    number = _text(number, "number", errors, model=PlannedInspection) or str(program.items.count() + 1)
    if errors:
        raise ValidationError(errors)
    item = PlannedInspection.objects.create(program=program, number=number, kind=kind, mode=mode, subject=subject,
                                            content=content, quarter=quarter)
    audit_create(actor=actor, obj=item, fields=PLANNED_FIELDS, unit=program.unit)
    return item


@transaction.atomic
def planned_remove(*, actor, item: PlannedInspection) -> None:
    """Remove an item of a program, only while no inspection was carried out under it."""
    item = PlannedInspection.objects.select_related("program__unit").get(pk=item.pk)
    _require(actor, item.program.unit)
    if item.inspections.exists():
        raise ValidationError({"item": _("Đã tiến hành kiểm tra, giám sát theo nội dung này: không xóa được.")})
    audit_record(actor=actor, action=AuditAction.DELETE, obj=item, unit=item.program.unit,
                 changes={k: [v, None] for k, v in snapshot(item, PLANNED_FIELDS).items()})
    item.delete()


# ------------------------------------------------------------------ inspections


def _check_inspection(inspection: Inspection, *, targets: list, tasks: list, team: list,
                      keep_people: Iterable[int] = ()) -> None:
    keep_people = set(keep_people)
    unit = inspection.unit
    errors: dict[str, str] = {}
    if inspection.kind not in InspectionKind.values:
        errors["kind"] = _("Chọn kiểm tra hoặc giám sát.")
    if inspection.mode not in InspectionMode.values:
        errors["mode"] = _("Chọn thường xuyên hoặc chuyên đề.")
    inspection.title = _text(inspection.title, "title", errors, model=Inspection,
                             required_message=_("Nhập tên cuộc kiểm tra, giám sát."))
    inspection.decision_ref = _text(inspection.decision_ref, "decision_ref", errors, model=Inspection)
    inspection.content = str(inspection.content or "").strip()
    inspection.conclusion = str(inspection.conclusion or "").strip()
    inspection.conclusion_ref = _symbol(inspection.conclusion_ref, "conclusion_ref",
                                        oversight_settings()["CONCLUSION_TYPES"], errors)

    subject_unit, subject_person = inspection.subject_unit, inspection.subject_person
    if subject_unit is not None and subject_person is not None:
        errors["subject_unit"] = _("Chỉ chọn một đối tượng: một tổ chức đảng hoặc một đảng viên.")
    elif subject_unit is None and subject_person is None:
        errors["subject_unit"] = _("Chọn đối tượng kiểm tra, giám sát: một tổ chức đảng hoặc một đảng viên.")
    elif subject_unit is not None:
        if not isinstance(subject_unit, Unit) or not _under(unit, subject_unit):
            errors["subject_unit"] = _("“%(s)s” không thuộc phạm vi của “%(u)s”: chỉ kiểm tra, giám sát tổ chức "
                                       "đảng trực thuộc.") % {"s": subject_unit, "u": unit.name}
        elif not subject_unit.is_party_organization:
            errors["subject_unit"] = _("“%(s)s” không phải là tổ chức đảng.") % {"s": subject_unit.name}
        elif subject_unit.valid_to is not None and inspection.pk is None:
            errors["subject_unit"] = _("“%(s)s” đã kết thúc hoạt động.") % {"s": subject_unit.name}
    elif not isinstance(subject_person, Person) or not _under(unit, subject_person.unit):
        errors["subject_person"] = _("“%(s)s” không thuộc phạm vi của “%(u)s”.") % {"s": subject_person,
                                                                                     "u": unit.name}

    planned = inspection.planned
    if planned is not None and (not isinstance(planned, PlannedInspection) or planned.program.unit_id != unit.pk):
        errors["planned"] = _("Nội dung này không thuộc chương trình kiểm tra, giám sát của “%(u)s”.") % {
            "u": unit.name}

    inspection.starts_on = _date(inspection.starts_on, "starts_on", errors, message=_("Nhập ngày bắt đầu."))
    inspection.ends_on = _date(inspection.ends_on, "ends_on", errors, required=False)
    inspection.concluded_on = _date(inspection.concluded_on, "concluded_on", errors, required=False)
    starts, ends, concluded = inspection.starts_on, inspection.ends_on, inspection.concluded_on
    if starts and ends and "ends_on" not in errors and ends < starts:
        errors["ends_on"] = _("Ngày kết thúc không được trước ngày bắt đầu (%(d)s).") % {"d": _d(starts)}
    if concluded and "concluded_on" not in errors:
        if starts and concluded < starts:
            errors["concluded_on"] = _("Ngày kết luận không được trước ngày bắt đầu (%(d)s).") % {"d": _d(starts)}
        elif ends and "ends_on" not in errors and concluded < ends:
            errors["concluded_on"] = _("Ngày kết luận không được trước ngày kết thúc (%(d)s).") % {"d": _d(ends)}
        elif concluded > timezone.localdate():
            errors["concluded_on"] = _("Ngày kết luận không được ở tương lai.")
        elif not inspection.conclusion:
            errors["conclusion"] = _("Nhập nội dung kết luận.")
    elif inspection.conclusion or inspection.conclusion_ref:
        errors.setdefault("concluded_on", _("Nhập ngày kết luận."))

    resolution = inspection.resolution
    if resolution is not None and (not isinstance(resolution, Document) or not _reaches(unit, resolution.unit)):
        errors["resolution"] = _("Chỉ chọn nghị quyết của đơn vị, của cấp trên hoặc của cấp dưới trực thuộc.")
    for target in targets:
        if not isinstance(target, Target) or not _reaches(unit, target.unit):
            errors["targets"] = _("Chỉ tiêu “%(t)s” không thuộc nghị quyết của đơn vị, cấp trên hoặc cấp dưới.") % {
                "t": target}
            break
    for task in tasks:
        if not isinstance(task, Task) or not _under(unit, task.unit):
            errors["tasks"] = _("Nhiệm vụ “%(t)s” không thuộc đơn vị hoặc cấp dưới.") % {"t": task}
            break
    people = ([("leader", inspection.leader)] if inspection.leader is not None else []) + [("team", p) for p in team]
    for field, person in people:
        if not isinstance(person, Person):
            errors[field] = _("Chọn một cán bộ.")
        elif person.pk not in keep_people and not (_under(unit, person.unit) or unit.path.startswith(person.unit.path)):
            errors[field] = _("“%(p)s” không thuộc đơn vị tiến hành, cấp trên hoặc cấp dưới của đơn vị.") % {
                "p": person.full_name}
    if errors:
        raise ValidationError(errors)
    inspection.search_text = fold(" ".join([inspection.title, inspection.subject_name, inspection.decision_ref,
                                            inspection.conclusion_ref]))[:600]


def _m2m_changes(before: dict[str, list[str]], after: dict[str, list[str]]) -> dict:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _names(objects) -> list[str]:
    return sorted(str(o) for o in objects)


@transaction.atomic
def inspection_create(
    *,
    actor,
    unit: Unit,
    kind: str,
    title: str,
    starts_on: dt.date,
    subject_unit: Unit | None = None,
    subject_person: Person | None = None,
    mode: str = InspectionMode.THEMATIC,
    planned: PlannedInspection | None = None,
    decision_ref: str = "",
    content: str = "",
    resolution: Document | None = None,
    targets: Iterable[Target] = (),
    tasks: Iterable[Task] = (),
    leader: Person | None = None,
    team: Iterable[Person] = (),
    ends_on: dt.date | None = None,
) -> Inspection:
    """An inspection (kiểm tra) or supervision (giám sát) conducted by ``unit`` of one subject in its subtree."""
    _require(actor, unit)
    if unit.valid_to is not None:
        raise ValidationError({"unit": _("“%(unit)s” đã kết thúc hoạt động.") % {"unit": unit.name}})
    targets, tasks, team = list(targets or ()), list(tasks or ()), list(team or ())
    inspection = Inspection(unit=unit, kind=kind, mode=mode, title=title, planned=planned, decision_ref=decision_ref,
                            subject_unit=subject_unit, subject_person=subject_person, content=content,
                            resolution=resolution, leader=leader, starts_on=starts_on, ends_on=ends_on)
    _check_inspection(inspection, targets=targets, tasks=tasks, team=team)
    inspection.save()
    inspection.targets.set(targets)
    inspection.tasks.set(tasks)
    inspection.team.set(team)
    changes = {k: [None, v] for k, v in snapshot(inspection, INSPECTION_FIELDS).items()}
    changes.update(_m2m_changes({}, {"targets": _names(targets), "tasks": _names(tasks), "team": _names(team)}))
    audit_record(actor=actor, action=AuditAction.CREATE, obj=inspection, unit=unit, changes=changes)
    return inspection


def _locked(inspection: Inspection) -> Inspection:
    return (Inspection.objects.select_for_update(of=("self",))
            .select_related("unit", "subject_unit", "subject_person__unit", "planned__program", "resolution__unit",
                            "leader__unit")
            .get(pk=inspection.pk))


@transaction.atomic
def inspection_update(*, actor, inspection: Inspection, targets: Iterable[Target] | None = None,
                      tasks: Iterable[Task] | None = None, team: Iterable[Person] | None = None,
                      **values) -> Inspection:
    """Correct an inspection (any of ``EDITABLE_FIELDS``; ``targets``, ``tasks``, ``team`` replace the lists)."""
    inspection = _locked(inspection)
    _require(actor, inspection.unit)
    unknown = set(values) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"unknown inspection fields: {sorted(unknown)}")
    before = snapshot(inspection, INSPECTION_FIELDS)
    current = {"targets": list(inspection.targets.select_related("unit")),
               "tasks": list(inspection.tasks.select_related("unit")),
               "team": list(inspection.team.select_related("unit"))}
    keep = {p.pk for p in current["team"]} | ({inspection.leader_id} if inspection.leader_id else set())
    for key, value in values.items():
        setattr(inspection, key, value)
    if "subject_unit" in values and values["subject_unit"] is not None and "subject_person" not in values:
        inspection.subject_person = None
    if "subject_person" in values and values["subject_person"] is not None and "subject_unit" not in values:
        inspection.subject_unit = None
    new = {"targets": list(targets) if targets is not None else current["targets"],
           "tasks": list(tasks) if tasks is not None else current["tasks"],
           "team": list(team) if team is not None else current["team"]}
    _check_inspection(inspection, **new, keep_people=keep)
    if inspection.recommendations.filter(due_on__lt=inspection.starts_on).exists():
        raise ValidationError({"starts_on": _("Có kiến nghị có thời hạn trước ngày bắt đầu này.")})
    inspection.save()
    changes = diff(before, snapshot(inspection, INSPECTION_FIELDS))
    for name, objects in new.items():
        if objects is not current[name]:
            getattr(inspection, name).set(objects)
    changes.update(_m2m_changes({k: _names(v) for k, v in current.items()}, {k: _names(v) for k, v in new.items()}))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=inspection, unit=inspection.unit, changes=changes)
    return inspection


@transaction.atomic
def inspection_conclude(*, actor, inspection: Inspection, concluded_on: dt.date, conclusion: str,
                        conclusion_ref: str = "") -> Inspection:
    """Record the conclusion (kết luận) of an inspection: once; corrections go through ``inspection_update``."""
    locked = _locked(inspection)
    _require(actor, locked.unit)
    if locked.concluded_on is not None:
        raise ValidationError({"concluded_on": _("Cuộc kiểm tra, giám sát đã có kết luận ngày %(d)s.") % {
            "d": _d(locked.concluded_on)}})
    errors: dict[str, str] = {}
    if not str(conclusion or "").strip():
        errors["conclusion"] = _("Nhập nội dung kết luận.")
    if concluded_on is None:
        errors["concluded_on"] = _("Nhập ngày kết luận.")
    if errors:
        raise ValidationError(errors)
    return inspection_update(actor=actor, inspection=locked, concluded_on=concluded_on, conclusion=conclusion,
                             conclusion_ref=conclusion_ref)


@transaction.atomic
def inspection_delete(*, actor, inspection: Inspection) -> None:
    """Remove an inspection entered by mistake: only before its conclusion and recommendations."""
    inspection = _locked(inspection)
    _require(actor, inspection.unit)
    if inspection.concluded_on is not None or inspection.recommendations.exists():
        raise ValidationError({"inspection": _("Cuộc kiểm tra, giám sát đã có kết luận hoặc kiến nghị: không xóa "
                                               "được, chỉ sửa được.")})
    audit_record(actor=actor, action=AuditAction.DELETE, obj=inspection, unit=inspection.unit,
                 changes={k: [v, None] for k, v in snapshot(inspection, INSPECTION_FIELDS).items()})
    inspection.delete()


# ------------------------------------------------------------------ findings


@transaction.atomic
def finding_add(*, actor, inspection: Inspection, kind: str, text: str) -> Finding:
    inspection = _locked(inspection)
    _require(actor, inspection.unit)
    errors: dict[str, str] = {}
    if kind not in FindingKind.values:
        errors["kind"] = _("Chọn loại: ưu điểm, hạn chế khuyết điểm hoặc vi phạm.")
    text = str(text or "").strip()
    if not text:
        errors["text"] = _("Nhập nội dung.")
    if errors:
        raise ValidationError(errors)
    finding = Finding.objects.create(inspection=inspection, kind=kind, text=text,
                                     author=actor if getattr(actor, "is_authenticated", False) else None)
    audit_create(actor=actor, obj=finding, fields=["inspection", "kind", "text"], unit=inspection.unit)
    return finding


@transaction.atomic
def finding_remove(*, actor, finding: Finding) -> None:
    finding = Finding.objects.select_related("inspection__unit").get(pk=finding.pk)
    _require(actor, finding.inspection.unit)
    audit_record(actor=actor, action=AuditAction.DELETE, obj=finding, unit=finding.inspection.unit,
                 changes={"kind": [finding.kind, None], "text": [finding.text, None]})
    finding.delete()


# ------------------------------------------------------------------ recommendations


@transaction.atomic
def recommendation_add(*, actor, inspection: Inspection, text: str, due_on: dt.date, owner_unit: Unit | None = None,
                       owner_person: Person | None = None) -> Recommendation:
    """A recommendation (kiến nghị) to a unit and/or person in the conducting unit's subtree, due ``due_on``.
    With only a person, the person's unit answers for it (``owner_unit``)."""
    inspection = _locked(inspection)
    unit = inspection.unit
    _require(actor, unit)
    errors: dict[str, str] = {}
    text = str(text or "").strip()
    if not text:
        errors["text"] = _("Nhập nội dung kiến nghị.")
    if owner_unit is None and owner_person is None:
        errors["owner_unit"] = _("Chọn đơn vị hoặc người thực hiện kiến nghị.")
    if owner_unit is not None:
        if not isinstance(owner_unit, Unit) or not _under(unit, owner_unit):
            errors["owner_unit"] = _("“%(s)s” không thuộc phạm vi của “%(u)s”.") % {"s": owner_unit, "u": unit.name}
        elif owner_unit.valid_to is not None:
            errors["owner_unit"] = _("“%(s)s” đã kết thúc hoạt động.") % {"s": owner_unit.name}
    if owner_person is not None:
        if not isinstance(owner_person, Person) or not _under(unit, owner_person.unit):
            errors["owner_person"] = _("“%(s)s” không thuộc phạm vi của “%(u)s”.") % {"s": owner_person,
                                                                                       "u": unit.name}
        elif owner_unit is None:
            owner_unit = owner_person.unit
    due_on = _date(due_on, "due_on", errors, message=_("Nhập thời hạn thực hiện."))
    if due_on and "due_on" not in errors:
        if due_on < inspection.starts_on:
            errors["due_on"] = _("Thời hạn không được trước ngày bắt đầu cuộc kiểm tra, giám sát (%(d)s).") % {
                "d": _d(inspection.starts_on)}
        elif inspection.concluded_on and due_on < inspection.concluded_on:
            errors["due_on"] = _("Thời hạn không được trước ngày kết luận (%(d)s).") % {
                "d": _d(inspection.concluded_on)}
    if errors:
        raise ValidationError(errors)
    recommendation = Recommendation.objects.create(inspection=inspection, text=text, owner_unit=owner_unit,
                                                   owner_person=owner_person, due_on=due_on)
    audit_create(actor=actor, obj=recommendation, fields=["inspection", "text", "owner_unit", "owner_person",
                                                          "due_on"], unit=unit)
    return recommendation


def _locked_recommendation(recommendation: Recommendation) -> Recommendation:
    return (Recommendation.objects.select_for_update(of=("self",))
            .select_related("inspection__unit", "owner_unit", "owner_person").get(pk=recommendation.pk))


def may_follow_up(user, recommendation: Recommendation) -> bool:
    """The owner person, someone reporting for the owner unit, or the conducting unit."""
    if user is None:
        return True
    person = recommendation.owner_person
    if person is not None and person.user_id is not None and person.user_id == user.pk:
        return True
    owner = recommendation.owner_unit
    return (can(user, Perm.TASK_PROGRESS, owner) or can(user, Perm.INSPECTION_CHANGE, owner)
            or can(user, Perm.INSPECTION_CHANGE, recommendation.inspection.unit))


@transaction.atomic
def recommendation_follow_up(*, actor, recommendation: Recommendation, on: dt.date, note: str,
                             done: bool = False) -> RecommendationUpdate:
    """A dated follow-up by the owner; ``done`` reports the recommendation carried out (waiting for closure)."""
    recommendation = _locked_recommendation(recommendation)
    if not may_follow_up(actor, recommendation):
        raise PermissionDenied(_("Bạn không có quyền cập nhật kết quả thực hiện kiến nghị này."))
    errors: dict[str, str] = {}
    if recommendation.status == RecommendationStatus.CLOSED:
        raise ValidationError({"note": _("Kiến nghị đã kết thúc theo dõi ngày %(d)s.") % {
            "d": _d(recommendation.closed_on)}})
    if done and recommendation.status == RecommendationStatus.DONE:
        errors["done"] = _("Kiến nghị đã được báo cáo hoàn thành ngày %(d)s.") % {"d": _d(recommendation.done_on)}
    note = str(note or "").strip()
    if not note:
        errors["note"] = _("Nhập kết quả thực hiện.")
    on = _date(on, "on", errors, message=_("Nhập ngày."))
    _not_future(on, "on", errors, _("Ngày cập nhật không được ở tương lai."))
    starts = recommendation.inspection.starts_on
    if on and "on" not in errors and on < starts:
        errors["on"] = _("Ngày cập nhật không được trước ngày bắt đầu cuộc kiểm tra, giám sát (%(d)s).") % {
            "d": _d(starts)}
    if errors:
        raise ValidationError(errors)
    update = RecommendationUpdate.objects.create(
        recommendation=recommendation, on=on, note=note, done=bool(done),
        author=actor if getattr(actor, "is_authenticated", False) else None)
    changes = {"follow_up": [None, note[:200]]}
    if done:
        before = snapshot(recommendation, RECOMMENDATION_FIELDS)
        recommendation.status, recommendation.done_on = RecommendationStatus.DONE, on
        recommendation.save(update_fields=["status", "done_on"])
        changes.update(diff(before, snapshot(recommendation, RECOMMENDATION_FIELDS)))
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=recommendation, unit=recommendation.owner_unit,
                 changes=changes)
    return update


@transaction.atomic
def recommendation_extend(*, actor, recommendation: Recommendation, due_on: dt.date, note: str) -> Recommendation:
    """The conducting unit moves a recommendation's due date (gia hạn), with the reason; reminders start again
    for the new date."""
    recommendation = _locked_recommendation(recommendation)
    _require(actor, recommendation.inspection.unit)
    if recommendation.status == RecommendationStatus.CLOSED:
        raise ValidationError({"due_on": _("Kiến nghị đã kết thúc theo dõi ngày %(d)s.") % {
            "d": _d(recommendation.closed_on)}})
    errors: dict[str, str] = {}
    note = str(note or "").strip()
    if not note:
        errors["note"] = _("Nhập lý do gia hạn.")
    due_on = _date(due_on, "due_on", errors, message=_("Nhập thời hạn mới."))
    inspection = recommendation.inspection
    if due_on and "due_on" not in errors:
        floor = inspection.concluded_on or inspection.starts_on
        if due_on < floor:
            errors["due_on"] = _("Thời hạn không được trước ngày %(d)s.") % {"d": _d(floor)}
        elif due_on == recommendation.due_on:
            errors["due_on"] = _("Thời hạn mới trùng thời hạn hiện tại.")
    if errors:
        raise ValidationError(errors)
    before = snapshot(recommendation, RECOMMENDATION_FIELDS)
    old = recommendation.due_on
    recommendation.due_on = due_on
    recommendation.save(update_fields=["due_on"])
    RecommendationUpdate.objects.create(
        recommendation=recommendation, on=timezone.localdate(),
        note=_("Gia hạn từ %(a)s đến %(b)s: %(n)s") % {"a": _d(old), "b": _d(due_on), "n": note},
        author=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=recommendation, unit=inspection.unit,
                 changes={**diff(before, snapshot(recommendation, RECOMMENDATION_FIELDS)), "note": [None, note[:200]]})
    return recommendation


@transaction.atomic
def recommendation_close(*, actor, recommendation: Recommendation, on: dt.date, note: str) -> Recommendation:
    """The conducting unit accepts a recommendation reported done and ends its follow-up, with a note."""
    recommendation = _locked_recommendation(recommendation)
    _require(actor, recommendation.inspection.unit)
    if recommendation.status == RecommendationStatus.CLOSED:
        raise ValidationError({"status": _("Kiến nghị đã kết thúc theo dõi ngày %(d)s.") % {
            "d": _d(recommendation.closed_on)}})
    if recommendation.status != RecommendationStatus.DONE:
        raise ValidationError({"status": _("Kiến nghị chưa được báo cáo hoàn thành: chưa thể kết thúc theo dõi.")})
    errors: dict[str, str] = {}
    note = str(note or "").strip()
    if not note:
        errors["note"] = _("Nhập ý kiến đánh giá khi kết thúc theo dõi.")
    on = _date(on, "on", errors, message=_("Nhập ngày."))
    _not_future(on, "on", errors, _("Ngày kết thúc theo dõi không được ở tương lai."))
    if on and "on" not in errors and on < recommendation.done_on:
        errors["on"] = _("Ngày kết thúc theo dõi không được trước ngày hoàn thành (%(d)s).") % {
            "d": _d(recommendation.done_on)}
    if errors:
        raise ValidationError(errors)
    before = snapshot(recommendation, RECOMMENDATION_FIELDS)
    recommendation.status, recommendation.closed_on, recommendation.close_note = RecommendationStatus.CLOSED, on, note
    recommendation.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    recommendation.save(update_fields=["status", "closed_on", "close_note", "closed_by"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=recommendation, unit=recommendation.inspection.unit,
                 changes=diff(before, snapshot(recommendation, RECOMMENDATION_FIELDS)))
    return recommendation


@transaction.atomic
def recommendation_reopen(*, actor, recommendation: Recommendation, note: str) -> Recommendation:
    """The conducting unit does not accept a reported completion: the recommendation is open again, with why."""
    recommendation = _locked_recommendation(recommendation)
    _require(actor, recommendation.inspection.unit)
    if recommendation.status != RecommendationStatus.DONE:
        raise ValidationError({"status": _("Chỉ trả lại kiến nghị đã được báo cáo hoàn thành và chưa kết thúc.")})
    note = str(note or "").strip()
    if not note:
        raise ValidationError({"note": _("Nhập lý do chưa chấp nhận kết quả.")})
    before = snapshot(recommendation, RECOMMENDATION_FIELDS)
    recommendation.status, recommendation.done_on = RecommendationStatus.OPEN, None
    recommendation.save(update_fields=["status", "done_on"])
    RecommendationUpdate.objects.create(recommendation=recommendation, on=timezone.localdate(),
                                        note=_("Chưa chấp nhận kết quả: %(n)s") % {"n": note},
                                        author=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=recommendation, unit=recommendation.inspection.unit,
                 changes={**diff(before, snapshot(recommendation, RECOMMENDATION_FIELDS)), "note": [None, note[:200]]})
    return recommendation
