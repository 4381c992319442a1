"""Writes for action programs and tasks. The "clears" a task must carry are a setting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

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
from nghiquyet.core.files import (
    ALLOWED_TYPES,
    display_name,
    file_extension,
    max_upload_bytes,
    safe_content_type,
    upload_problem,
)
from nghiquyet.org.models import Unit
from nghiquyet.programs.models import ActionProgram, Task, TaskEvidence, TaskStatus, TaskUpdate
from nghiquyet.programs.selectors import body_assignable, person_assignable
from nghiquyet.resolutions.models import Document
from nghiquyet.resolutions.symbols import symbol_clean

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


PROGRAM_FIELDS = ["unit", "resolution", "symbol", "title", "issued_on"]


def program_type_codes() -> tuple[str, ...]:
    """Document types an action program or plan may carry (default CTr, KH); a setting."""
    return tuple(settings.NGHIQUYET.get("PROGRAM_TYPES", ("CTr", "KH")))


def _check_program(*, unit: Unit, resolution, title, issued_on, symbol) -> dict:
    from nghiquyet.resolutions.services import is_from_above

    errors: dict[str, str] = {}
    if not isinstance(resolution, Document):
        errors["resolution"] = _("Chọn nghị quyết mà chương trình thực hiện.")
    elif resolution.unit_id != unit.pk and not is_from_above(unit, resolution.unit, resolution):
        errors["resolution"] = _("Chương trình chỉ thực hiện nghị quyết của đơn vị mình hoặc của cấp trên.")
    title = str(title or "").strip()
    if not title:
        errors["title"] = _("Nhập tên chương trình.")
    elif len(title) > ActionProgram._meta.get_field("title").max_length:
        errors["title"] = _("Tối đa %(n)d ký tự.") % {"n": ActionProgram._meta.get_field("title").max_length}
    symbol = str(symbol or "").strip()
    if symbol:
        try:
            symbol = str(symbol_clean(symbol, types=program_type_codes()))
        except ValidationError as exc:
            errors["symbol"] = exc.message_dict["symbol"][0]
    if not isinstance(issued_on, dt.date):
        errors["issued_on"] = _("Nhập ngày ban hành.")
    else:
        if isinstance(issued_on, dt.datetime):
            issued_on = issued_on.date()
        if issued_on > timezone.localdate():
            errors["issued_on"] = _("Ngày ban hành không được ở tương lai.")
        elif isinstance(resolution, Document) and issued_on < resolution.issued_on:
            errors["issued_on"] = _("Chương trình không thể ban hành trước nghị quyết (%(d)s).") % {
                "d": resolution.issued_on.strftime("%d/%m/%Y")}
    if errors:
        raise ValidationError(errors)
    return {"resolution": resolution, "title": title, "issued_on": issued_on, "symbol": symbol}


@transaction.atomic
def program_create(
    *, actor, unit: Unit, resolution: Document, title: str, issued_on: dt.date, symbol: str = ""
) -> ActionProgram:
    """An action program or plan of ``unit`` implementing its own resolution or one from above."""
    _require(actor, unit, Perm.PLAN_CHANGE)
    if unit.valid_to is not None:
        raise ValidationError({"unit": _("“%(unit)s” đã kết thúc hoạt động.") % {"unit": unit.name}})
    cleaned = _check_program(unit=unit, resolution=resolution, title=title, issued_on=issued_on, symbol=symbol)
    program = ActionProgram.objects.create(unit=unit, **cleaned)
    audit_create(actor=actor, obj=program, fields=PROGRAM_FIELDS, unit=unit)
    return program


@transaction.atomic
def program_update(*, actor, program: ActionProgram, **values) -> ActionProgram:
    """Correct an action program's resolution, title, issued_on or symbol."""
    program = (ActionProgram.objects.select_for_update(of=("self",)).select_related("unit", "resolution")
               .get(pk=program.pk))
    _require(actor, program.unit, Perm.PLAN_CHANGE)
    unknown = set(values) - {"resolution", "title", "issued_on", "symbol"}
    if unknown:
        raise TypeError(f"unknown program fields: {sorted(unknown)}")
    before = snapshot(program, PROGRAM_FIELDS)
    merged = {name: getattr(program, name) for name in ("resolution", "title", "issued_on", "symbol")} | values
    for key, value in _check_program(unit=program.unit, **merged).items():
        setattr(program, key, value)
    program.save()
    changes = diff(before, snapshot(program, PROGRAM_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=program, unit=program.unit, changes=changes)
    return program


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# status -> the statuses a person may move a task to ("overdue" is derived, never chosen)
TRANSITIONS: dict[str, set[str]] = {
    TaskStatus.NOT_STARTED: {TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.CANCELLED},
    TaskStatus.IN_PROGRESS: {TaskStatus.NOT_STARTED, TaskStatus.DONE, TaskStatus.CANCELLED},
    TaskStatus.DONE: {TaskStatus.IN_PROGRESS},                          # reopen
    TaskStatus.CANCELLED: {TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS},  # restore
    TaskStatus.OVERDUE: {TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.CANCELLED},
}


def _percent(value, errors: dict, field: str = "percent") -> int | None:
    try:
        if isinstance(value, bool) or value is None or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        number = int(str(value).strip().rstrip("%")) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        errors[field] = _("Tiến độ là số nguyên từ 0 đến 100%.")
        return None
    if not 0 <= number <= 100:
        errors[field] = _("Tiến độ từ 0 đến 100%.")
        return None
    return number


def _check_task(task: Task, coordinating: list[Unit], *, keep_people: Iterable[int] = (),
                keep_bodies: Iterable[int] = ()) -> None:
    """The clears required by the setting, field sizes, dates, people and bodies (``person_assignable``,
    ``body_assignable``; those the task already names are kept), progress."""
    keep_people, keep_bodies = set(keep_people), set(keep_bodies)
    errors: dict[str, str] = {}
    for clear in required_clears():
        fields, message = CLEARS[clear]
        missing = [f for f in fields if _blank(getattr(task, f))]
        if missing:
            errors[missing[0]] = str(message)
    if _blank(task.title):  # a task without content is never a task, whatever the setting
        errors["title"] = str(CLEARS["task"][1])
    for name in ("number", "title", "deliverable", "authority"):
        limit = Task._meta.get_field(name).max_length
        if name not in errors and len(getattr(task, name) or "") > limit:
            errors[name] = _("Tối đa %(n)d ký tự.") % {"n": limit}
    for name in ("start_date", "due_date", "completed_on"):
        value = getattr(task, name)
        if isinstance(value, dt.datetime):
            setattr(task, name, value.date())
        elif value is not None and not isinstance(value, dt.date):
            errors[name] = _("Ngày không hợp lệ.")
    if "start_date" not in errors and "due_date" not in errors and task.start_date and task.due_date \
            and task.due_date < task.start_date:
        errors["due_date"] = _("Thời hạn hoàn thành không được trước ngày bắt đầu.")
    if "completed_on" not in errors and task.completed_on and task.completed_on > timezone.localdate():
        errors["completed_on"] = _("Ngày hoàn thành không được ở tương lai.")
    unit = task.program.unit
    for field in ("directing", "responsible", "advisor"):
        person = getattr(task, field)
        if person is None:
            continue
        if not isinstance(person, Person):
            errors[field] = _("Chọn một cán bộ.")
        elif person.pk not in keep_people and not person_assignable(unit, person):
            errors[field] = _("“%(p)s” không thuộc đơn vị này, đơn vị trực thuộc hoặc cấp trên.") % {
                "p": person.full_name}
    for body in coordinating:
        if not isinstance(body, Unit):
            errors["coordinating"] = _("Chọn cơ quan, đoàn thể phối hợp.")
        elif body.pk not in keep_bodies and not body_assignable(unit, body):
            errors["coordinating"] = _("“%(b)s” không phải cơ quan, đoàn thể thuộc đơn vị.") % {"b": body}
    if task.status not in TaskStatus.values:
        errors["status"] = _("Trạng thái không hợp lệ.")
    percent = _percent(task.percent if task.percent is not None else 0, errors)
    if percent is not None:
        task.percent = percent
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
    if program.unit.valid_to is not None:
        raise ValidationError({"program": _("“%(unit)s” đã kết thúc hoạt động.") % {"unit": program.unit.name}})
    number = str(number or "").strip()
    if not number:
        number = str(program.tasks.count() + 1)
    task = Task(program=program, unit=program.unit, number=number, title=str(title or "").strip(),
                directing=directing, responsible=responsible, advisor=advisor, start_date=start_date,
                due_date=due_date, deliverable=str(deliverable or "").strip(),
                authority=str(authority or "").strip())
    coordinating = list(coordinating or ())
    _check_task(task, coordinating)
    task.save()
    task.coordinating.set(coordinating)
    changes = {k: [None, v] for k, v in snapshot(task, TASK_FIELDS).items()}
    if coordinating:
        changes["coordinating"] = [None, sorted(str(b) for b in coordinating)]
    audit_record(actor=actor, action=AuditAction.CREATE, obj=task, unit=program.unit, changes=changes)
    return task


def _apply_status(task: Task, before_status: str, values: dict) -> None:
    """Status and progress kept consistent; illegal transitions refused."""
    today = timezone.localdate()
    if "status" in values:
        status = task.status
        if status == TaskStatus.OVERDUE:
            raise ValidationError({"status": _("“Quá hạn” được tính tự động từ thời hạn, không chọn trực tiếp.")})
        if status not in TaskStatus.values:
            raise ValidationError({"status": _("Trạng thái không hợp lệ.")})
        if status != before_status and status not in TRANSITIONS.get(before_status, set()):
            raise ValidationError({"status": _("Không chuyển được nhiệm vụ từ “%(a)s” sang “%(b)s”.") % {
                "a": TaskStatus(before_status).label, "b": TaskStatus(status).label}})
        percent_given = "percent" in values
        if status == TaskStatus.DONE:
            if percent_given and task.percent != 100:
                raise ValidationError({"percent": _("Nhiệm vụ hoàn thành thì tiến độ là 100%.")})
            task.percent = 100
        elif status == TaskStatus.IN_PROGRESS and task.percent == 100:
            raise ValidationError({"percent": _("Nhiệm vụ đang thực hiện thì tiến độ dưới 100%.")})
        elif status == TaskStatus.NOT_STARTED and task.percent:
            raise ValidationError({"percent": _("Nhiệm vụ chưa thực hiện thì tiến độ là 0%.")})
    elif "percent" in values and task.status != TaskStatus.CANCELLED:
        if task.percent == 100:
            task.status = TaskStatus.DONE
        elif task.status == TaskStatus.DONE or (task.percent and task.status == TaskStatus.NOT_STARTED):
            task.status = TaskStatus.IN_PROGRESS
    if task.status == TaskStatus.DONE:
        task.completed_on = task.completed_on or today
    else:
        task.completed_on = None


@transaction.atomic
def task_update(*, actor, task: Task, coordinating: list[Unit] | None = None, **values) -> Task:
    """Edit a task (any of ``TASK_FIELDS``). Status moves are checked (``TRANSITIONS``) and kept consistent
    with progress: done means 100%, a 100% task is done, "overdue" is derived from the due date."""
    task = Task.objects.select_for_update(of=("self",)).select_related("program__unit", "unit").get(pk=task.pk)
    _require(actor, task.unit, Perm.TASK_CHANGE)
    unknown = set(values) - set(TASK_FIELDS)
    if unknown:
        raise TypeError(f"unknown task fields: {sorted(unknown)}")
    before = snapshot(task, TASK_FIELDS)
    before_status = task.status
    before_bodies = list(task.coordinating.all())
    before_coordinating = sorted(str(b) for b in before_bodies)
    keep_people = {task.directing_id, task.responsible_id, task.advisor_id} - {None}
    errors: dict[str, str] = {}
    for key, value in values.items():
        if key == "percent":
            value = _percent(value, errors)
            if value is None:
                continue
        setattr(task, key, value.strip() if isinstance(value, str) else value)
    if errors:
        raise ValidationError(errors)
    _apply_status(task, before_status, values)
    bodies = list(coordinating) if coordinating is not None else before_bodies
    _check_task(task, bodies, keep_people=keep_people, keep_bodies={b.pk for b in before_bodies})
    task.save()
    changes = diff(before, snapshot(task, TASK_FIELDS))
    if coordinating is not None:
        task.coordinating.set(bodies)
        after_coordinating = sorted(str(b) for b in bodies)
        if after_coordinating != before_coordinating:
            changes["coordinating"] = [before_coordinating, after_coordinating]
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, unit=task.unit, changes=changes)
    return task


def task_is_own(user, task: Task) -> bool:
    return any(p is not None and p.user_id == user.pk for p in (task.directing, task.responsible, task.advisor))


# Evidence files: the shared checks of ``core.files`` (allowed types, magic bytes, size limit), under the
# names this module has always exported.
EVIDENCE_TYPES = ALLOWED_TYPES
evidence_max_bytes = max_upload_bytes
evidence_extension = file_extension
evidence_content_type = safe_content_type
evidence_name = display_name
evidence_problem = upload_problem


@transaction.atomic
def task_progress_add(
    *, actor, task: Task, on: dt.date, note: str, percent: int, files: list | tuple = ()
) -> TaskUpdate:
    """A dated progress report on a task, by its own people or someone allowed to report for the unit.

    100% marks the task done (on that date); less than 100% on a done task reopens it.
    """
    task = Task.objects.select_for_update(of=("self",)).select_related("program__unit", "directing", "responsible",
                                                           "advisor", "unit").get(pk=task.pk)
    if actor is not None and not (task_is_own(actor, task) or can(actor, Perm.TASK_PROGRESS, task.unit)):
        raise PermissionDenied(_("Bạn không có quyền báo cáo tiến độ nhiệm vụ này."))
    errors: dict[str, str] = {}
    note = str(note or "").strip()
    if not note:
        errors["note"] = _("Nhập nội dung tiến độ.")
    percent = _percent(percent, errors)
    if isinstance(on, dt.datetime):
        on = on.date()
    if not isinstance(on, dt.date):
        errors["on"] = _("Nhập ngày báo cáo.")
    elif on > timezone.localdate():
        errors["on"] = _("Ngày báo cáo không được ở tương lai.")
    if task.status == TaskStatus.CANCELLED:
        errors["note"] = _("Nhiệm vụ đã hủy.")
    files = list(files or ())
    if len(files) > 20:
        errors["evidence"] = _("Tối đa 20 tệp minh chứng mỗi lần báo cáo.")
    else:
        for upload in files:
            problem = evidence_problem(upload)
            if problem:
                errors["evidence"] = problem
                break
    if errors:
        raise ValidationError(errors)
    update = TaskUpdate.objects.create(task=task, on=on, note=note, percent=percent,
                                       author=actor if getattr(actor, "is_authenticated", False) else None)
    for upload in files:
        TaskEvidence.objects.create(update=update, file=upload, name=evidence_name(upload), size=upload.size)
    before = snapshot(task, TASK_FIELDS)
    task.percent = percent
    if percent == 100:
        task.status, task.completed_on = TaskStatus.DONE, on
    elif task.status == TaskStatus.DONE:
        task.status, task.completed_on = TaskStatus.IN_PROGRESS, None
    elif task.status == TaskStatus.NOT_STARTED:
        task.status = TaskStatus.IN_PROGRESS
    task.save(update_fields=["percent", "status", "completed_on"])
    changes = {**diff(before, snapshot(task, TASK_FIELDS)), "progress": [None, note[:200]]}
    if files:
        changes["evidence"] = [None, [e.name for e in update.evidence.all()]]
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, unit=task.unit, changes=changes)
    return update
