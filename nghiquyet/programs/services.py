"""Writes for action programs and tasks. The "clears" a task must carry are a setting."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nghiquyet.accounts.models import Person
from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can
from nghiquyet.audit.models import AuditAction
from nghiquyet.audit.services import audit_create, audit_record, diff, snapshot
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.programs.models import ActionProgram, Task, TaskEvidence, TaskStatus, TaskUpdate
from nghiquyet.resolutions.models import Document
from nghiquyet.resolutions.symbols import SymbolError, parse_symbol

TASK_FIELDS = ["number", "title", "directing", "responsible", "advisor", "start_date", "due_date", "deliverable",
               "authority", "status", "percent", "completed_on"]

# clear -> (fields that carry it, the message when it is missing)
CLEARS = {
    "task": (("title",), gettext_lazy("Thiếu “rõ việc”: nhập nội dung nhiệm vụ.")),
    "person": (("responsible",), gettext_lazy("Thiếu “rõ người”: chọn cấp ủy viên phụ trách.")),
    "time": (("start_date", "due_date"), gettext_lazy("Thiếu “rõ thời gian”: nhập ngày bắt đầu và thời hạn.")),
    "responsibility": (("directing", "advisor"), gettext_lazy(
        "Thiếu “rõ trách nhiệm”: chọn Ủy viên Ban Thường vụ chỉ đạo và cán bộ tham mưu.")),
    "deliverable": (("deliverable",), gettext_lazy("Thiếu “rõ sản phẩm”: nhập sản phẩm đầu ra.")),
    "authority": (("authority",), gettext_lazy("Thiếu “rõ thẩm quyền”: nhập cấp có thẩm quyền phê duyệt.")),
}


def required_clears() -> list[str]:
    return [c for c in settings.NGHIQUYET["TASK_REQUIRED_CLEARS"] if c in CLEARS]


def _require(actor, unit: Unit, perm: str) -> None:
    if actor is not None and not can(actor, perm, unit):
        raise PermissionDenied(_("Bạn không có quyền thay đổi dữ liệu của “%(unit)s”.") % {"unit": unit.name})


@transaction.atomic
def program_create(
    *, actor, unit: Unit, resolution: Document, title: str, issued_on: dt.date, symbol: str = ""
) -> ActionProgram:
    """An action program or plan of ``unit`` implementing its own resolution or one from above."""
    _require(actor, unit, Perm.PLAN_CHANGE)
    errors = {}
    if unit.valid_to is not None:
        errors["unit"] = _("“%(unit)s” đã kết thúc hoạt động.") % {"unit": unit.name}
    if resolution.unit_id != unit.pk and resolution.unit_id not in unit.ancestor_ids:
        errors["resolution"] = _("Chương trình chỉ thực hiện nghị quyết của đơn vị mình hoặc của cấp trên.")
    if not (title or "").strip():
        errors["title"] = _("Nhập tên chương trình.")
    if symbol:
        try:
            symbol = str(parse_symbol(symbol))
        except SymbolError as exc:
            errors["symbol"] = str(exc)
    if issued_on and issued_on < resolution.issued_on:
        errors["issued_on"] = _("Chương trình không thể ban hành trước nghị quyết (%(d)s).") % {
            "d": resolution.issued_on.strftime("%d/%m/%Y")}
    if errors:
        raise ValidationError(errors)
    program = ActionProgram.objects.create(unit=unit, resolution=resolution, title=title.strip(),
                                           issued_on=issued_on, symbol=symbol)
    audit_create(actor=actor, obj=program, fields=["unit", "resolution", "symbol", "title", "issued_on"], unit=unit)
    return program


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_task(task: Task, coordinating: list[Unit]) -> None:
    errors: dict[str, str] = {}
    for clear in required_clears():
        fields, message = CLEARS[clear]
        missing = [f for f in fields if _blank(getattr(task, f))]
        if missing:
            errors[missing[0]] = str(message)
    if task.start_date and task.due_date and task.due_date < task.start_date:
        errors["due_date"] = _("Thời hạn hoàn thành không được trước ngày bắt đầu.")
    unit = task.program.unit
    allowed = {unit.pk, *unit.ancestor_ids}
    for field in ("directing", "responsible", "advisor"):
        person = getattr(task, field)
        if person is not None and person.unit_id not in allowed and not person.unit.path.startswith(unit.path):
            errors[field] = _("“%(p)s” không thuộc đơn vị này.") % {"p": person.full_name}
    for body in coordinating:
        if not body.path.startswith(unit.path) or body.kind not in UnitKind.implementing_kinds() | {UnitKind.BRANCH}:
            errors["coordinating"] = _("“%(b)s” không phải cơ quan, đoàn thể thuộc đơn vị.") % {"b": body.name}
    if not 0 <= (task.percent or 0) <= 100:
        errors["percent"] = _("Tiến độ từ 0 đến 100%.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def task_create(
    *,
    actor,
    program: ActionProgram,
    title: str,
    directing: Person | None = None,
    responsible: Person | None = None,
    advisor: Person | None = None,
    coordinating: list[Unit] | tuple = (),
    start_date: dt.date | None = None,
    due_date: dt.date | None = None,
    deliverable: str = "",
    authority: str = "",
    number: str = "",
) -> Task:
    """Add a task with its clears; a task missing a required clear is refused, naming it."""
    _require(actor, program.unit, Perm.TASK_CHANGE)
    if not number:
        number = str(program.tasks.count() + 1)
    task = Task(program=program, unit=program.unit, number=number.strip()[:10], title=(title or "").strip(),
                directing=directing, responsible=responsible, advisor=advisor, start_date=start_date,
                due_date=due_date, deliverable=(deliverable or "").strip(), authority=(authority or "").strip())
    _check_task(task, list(coordinating))
    task.save()
    task.coordinating.set(coordinating)
    audit_create(actor=actor, obj=task, fields=TASK_FIELDS, unit=program.unit)
    return task


@transaction.atomic
def task_update(*, actor, task: Task, coordinating: list[Unit] | None = None, **values) -> Task:
    task = Task.objects.select_for_update().select_related("program__unit").get(pk=task.pk)
    _require(actor, task.unit, Perm.TASK_CHANGE)
    unknown = set(values) - set(TASK_FIELDS)
    if unknown:
        raise TypeError(f"unknown task fields: {sorted(unknown)}")
    before = snapshot(task, TASK_FIELDS)
    for key, value in values.items():
        setattr(task, key, value.strip() if isinstance(value, str) else value)
    if task.status == TaskStatus.OVERDUE:
        raise ValidationError({"status": _("“Quá hạn” được tính tự động từ thời hạn, không chọn trực tiếp.")})
    if task.status == TaskStatus.DONE:
        task.percent = 100
        task.completed_on = task.completed_on or timezone.localdate()
    _check_task(task, coordinating if coordinating is not None else list(task.coordinating.all()))
    task.save()
    if coordinating is not None:
        task.coordinating.set(coordinating)
    changes = diff(before, snapshot(task, TASK_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, unit=task.unit, changes=changes)
    return task


def task_is_own(user, task: Task) -> bool:
    return any(p is not None and p.user_id == user.pk for p in (task.directing, task.responsible, task.advisor))


@transaction.atomic
def task_progress_add(
    *, actor, task: Task, on: dt.date, note: str, percent: int, files: list | tuple = ()
) -> TaskUpdate:
    """A dated progress report on a task, by its own people or someone allowed to report for the unit."""
    task = Task.objects.select_for_update().select_related("program__unit", "directing", "responsible",
                                                           "advisor").get(pk=task.pk)
    if actor is not None and not (task_is_own(actor, task) or can(actor, Perm.TASK_PROGRESS, task.unit)):
        raise PermissionDenied(_("Bạn không có quyền báo cáo tiến độ nhiệm vụ này."))
    errors = {}
    if not (note or "").strip():
        errors["note"] = _("Nhập nội dung tiến độ.")
    if percent is None or not 0 <= percent <= 100:
        errors["percent"] = _("Tiến độ từ 0 đến 100%.")
    if on is None or on > timezone.localdate():
        errors["on"] = _("Ngày báo cáo không được ở tương lai.")
    if task.status == TaskStatus.CANCELLED:
        errors["note"] = _("Nhiệm vụ đã hủy.")
    if errors:
        raise ValidationError(errors)
    update = TaskUpdate.objects.create(task=task, on=on, note=note.strip(), percent=percent,
                                       author=actor if actor is not None else None)
    for upload in files:
        TaskEvidence.objects.create(update=update, file=upload, name=getattr(upload, "name", "tệp")[:255])
    before = snapshot(task, TASK_FIELDS)
    task.percent = percent
    if percent == 100:
        task.status, task.completed_on = TaskStatus.DONE, on
    elif task.status == TaskStatus.NOT_STARTED:
        task.status = TaskStatus.IN_PROGRESS
    task.save(update_fields=["percent", "status", "completed_on"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, unit=task.unit,
                 changes={**diff(before, snapshot(task, TASK_FIELDS)), "progress": [None, note.strip()[:200]]})
    return update
