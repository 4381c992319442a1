"""``/api/v1/`` terms, resolutions, targets, action programs, tasks and coverage.

Reads go through the selectors (``resolutions.selectors``, ``programs.selectors``), which scope every
query with ``accounts.scope``: what a level issues (terms, resolutions, targets, programs) is readable,
read only, by its whole subtree; tasks only within the user's own scope. Writes go through the
services, which check the role (``PermissionDenied`` -> 403) and validate (``ValidationError`` -> 422
naming the field in Vietnamese). An id in the path that is unknown or out of scope is a 404; an id in
the body that cannot be found is a 422 naming that field.
"""


import math
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from nghiquyet.accounts.models import Person
from nghiquyet.accounts.scope import can_see_unit, unit_get_visible
from nghiquyet.api.pagination import Page
from nghiquyet.api.plans_schemas import (
    CongressIn,
    CongressOut,
    CopyTargetsIn,
    CoverageOut,
    DirectionIn,
    DocumentDetailOut,
    DocumentIn,
    DocumentOut,
    DocumentPatch,
    DomainIn,
    ItemIn,
    ItemOut,
    ItemPatch,
    LinkIn,
    ProgramDetailOut,
    ProgramIn,
    ProgramOut,
    ProgramPatch,
    ProgressIn,
    StatusIn,
    TargetDetailOut,
    TargetIn,
    TargetOut,
    TargetPatch,
    TaskDetailOut,
    TaskIn,
    TaskOut,
    TaskPatch,
    TermIn,
    TermOut,
)
from nghiquyet.api.schemas import READ_ERRORS, WRITE_ERRORS, Id
from nghiquyet.core.ids import get_or_404
from nghiquyet.core.numbers import NumberFormatError, parse_vn_decimal
from nghiquyet.org.models import Unit
from nghiquyet.programs import selectors as program_selectors
from nghiquyet.programs import services as program_services
from nghiquyet.programs.models import ActionProgram, Task
from nghiquyet.resolutions import selectors as resolution_selectors
from nghiquyet.resolutions import services as resolution_services
from nghiquyet.resolutions.models import Alignment, Document, Target

router = Router(tags=["plans"])



# ------------------------------------------------------------------ input helpers

_MACHINE_DECIMAL = re.compile(r"^[+-]?\d+(\.\d+)?$")
_ZERO_POINT = re.compile(r"^[+-]?0\.\d+$")      # "0.125" is never Vietnamese for 125
_MAX_PLACES = 6          # resolutions.models.AMOUNT
_MAX_INTEGER_DIGITS = 18


class _Errors:
    """Collects Vietnamese messages per field, raised together as one ``ValidationError``."""

    def __init__(self) -> None:
        self.messages: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.messages.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def _number(value, field: str, errors: _Errors) -> Decimal | None:
    """A JSON number, Vietnamese "1.234,5" or "1234.5" -> exact Decimal within the stored precision.

    Text is Vietnamese first, as everywhere in the product ("9.689" = 9689), then a dotted decimal."""
    if value is None:
        return None
    try:
        if isinstance(value, bool):
            raise NumberFormatError(_("Phải là một số."))
        if isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise NumberFormatError(_("Phải là một số."))
            number = Decimal(repr(value))
        else:
            text = str(value).strip().replace("\u2212", "-")
            if _ZERO_POINT.match(text):
                number = Decimal(text)
            else:
                try:
                    number = parse_vn_decimal(text)
                except NumberFormatError:
                    if not _MACHINE_DECIMAL.match(text):
                        raise
                    number = Decimal(text)
    except NumberFormatError as exc:
        errors.add(field, str(exc))
        return None
    if number.as_tuple().exponent < -_MAX_PLACES and number != number.quantize(Decimal(1).scaleb(-_MAX_PLACES)):
        errors.add(field, _("Tối đa %(n)d chữ số sau dấu thập phân.") % {"n": _MAX_PLACES})
        return None
    if abs(number) >= Decimal(10) ** _MAX_INTEGER_DIGITS:
        errors.add(field, _("Số quá lớn."))
        return None
    return number


def _milestones(items: list[dict], errors: _Errors) -> dict[int, Decimal]:
    result: dict[int, Decimal] = {}
    for item in items:
        year = item["year"]
        if year in result:
            errors.add("milestones", _("Năm %(y)d bị nhập hai lần.") % {"y": year})
        value = _number(item["value"], "milestones", errors)
        if value is not None:
            result[year] = value
    return result


def _no_nulls(values: dict, fields: tuple[str, ...], errors: _Errors) -> None:
    for name in fields:
        if name in values and values[name] is None:
            errors.add(name, _("Không được để trống."))


def _body_ref(getter, field: str, errors: _Errors):
    """Resolve an id sent in the body through a scoped selector; not found -> a field error, not 404."""
    try:
        return getter()
    except Http404:
        errors.add(field, _("Không tìm thấy (hoặc ngoài phạm vi của bạn)."))
        return None


def _body_refs(queryset, ids: list[int], field: str, errors: _Errors) -> list:
    ids = list(dict.fromkeys(ids))
    found = {obj.pk: obj for obj in queryset.filter(pk__in=ids)} if ids else {}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        errors.add(field, _("Không tìm thấy (hoặc ngoài phạm vi của bạn): %(ids)s.") % {"ids": ", ".join(missing)})
    return [found[i] for i in ids if i in found]


def _rekey(exc: ValidationError, prefix: str) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError({f"{prefix}.{k}": v for k, v in exc.message_dict.items()})
    return exc


def _person(people, pk: int | None, field: str, errors: _Errors) -> Person | None:
    if pk is None:
        return None
    person = people.filter(pk=pk).first()
    if person is None:
        errors.add(field, _("Không tìm thấy cán bộ của đơn vị (hoặc ngoài phạm vi của bạn)."))
    return person


# ------------------------------------------------------------------ terms


class TermFilters(Schema):
    unit: Id | None = None


@router.get("/terms", response={200: list[TermOut], **READ_ERRORS}, tags=["terms"],
            summary="Nhiệm kỳ của các đơn vị trong phạm vi và của cấp trên (chỉ đọc)")
@paginate(Page)
def terms_list(request, filters: Query[TermFilters]):
    terms = resolution_selectors.terms_visible(request.auth)
    if filters.unit is not None:
        terms = terms.filter(unit_id=filters.unit)
    return terms


@router.get("/terms/{term_id}", response={200: TermOut, **READ_ERRORS}, tags=["terms"], summary="Chi tiết nhiệm kỳ")
def term_detail(request, term_id: Id):
    return resolution_selectors.term_get(request.auth, term_id)


@router.post("/terms", response={201: TermOut, **WRITE_ERRORS}, tags=["terms"],
             summary="Tạo nhiệm kỳ (kèm đại hội nếu có)")
def term_create(request, payload: TermIn):
    user = request.auth
    errors = _Errors()
    unit = _body_ref(lambda: unit_get_visible(user, payload.unit), "unit", errors)
    errors.raise_if_any()
    # All or nothing: every API write runs in one transaction (api._atomic_writes).
    term = resolution_services.term_create(actor=user, unit=unit, start_year=payload.start_year,
                                           end_year=payload.end_year)
    if payload.congress is not None:
        try:
            resolution_services.congress_create(actor=user, term=term, ordinal=payload.congress.ordinal,
                                                held_from=payload.congress.held_from,
                                                held_to=payload.congress.held_to)
        except ValidationError as exc:
            raise _rekey(exc, "congress") from None
    return Status(201, resolution_selectors.term_get(user, term.pk))


@router.post("/terms/{term_id}/congress", response={201: CongressOut, **WRITE_ERRORS}, tags=["terms"],
             summary="Ghi đại hội mở đầu nhiệm kỳ")
def congress_create(request, term_id: Id, payload: CongressIn):
    user = request.auth
    term = resolution_selectors.term_get(user, term_id)
    congress = resolution_services.congress_create(actor=user, term=term, ordinal=payload.ordinal,
                                                   held_from=payload.held_from, held_to=payload.held_to)
    return Status(201, congress)


# ------------------------------------------------------------------ resolutions (documents)


class ResolutionFilters(Schema):
    unit: Id | None = None
    term: Id | None = None
    type: str = ""
    q: str = ""
    congress: bool | None = None


def _documents(user, **kwargs):
    return resolution_selectors.documents_visible(user, **kwargs).prefetch_related(
        Prefetch("implements", queryset=resolution_selectors.documents_visible(user).order_by("issued_on", "id"))
    )


def _document_out(user, pk) -> Document:
    return get_or_404(_documents(user).prefetch_related("items", "targets", "attachments"), pk,
                      _("Không tìm thấy văn bản."))


@router.get("/resolutions", response={200: list[DocumentOut], **READ_ERRORS}, tags=["resolutions"],
            summary="Nghị quyết và văn bản (của đơn vị trong phạm vi và của cấp trên, chỉ đọc)")
@paginate(Page)
def resolutions_list(request, filters: Query[ResolutionFilters]):
    documents = _documents(request.auth, query=filters.q[:200], type_code=filters.type[:8])
    if filters.unit is not None:
        documents = documents.filter(unit_id=filters.unit)
    if filters.term is not None:
        documents = documents.filter(term_id=filters.term)
    if filters.congress is not None:
        documents = documents.filter(is_congress_resolution=filters.congress)
    return documents


@router.get("/resolutions/{document_id}", response={200: DocumentDetailOut, **READ_ERRORS}, tags=["resolutions"],
            summary="Chi tiết nghị quyết: mục tiêu, chương trình trọng tâm, khâu đột phá, chỉ tiêu, chương trình")
def resolution_detail(request, document_id: Id):
    return _document_out(request.auth, document_id)


@router.post("/resolutions", response={201: DocumentDetailOut, **WRITE_ERRORS}, tags=["resolutions"],
             summary="Ghi nhận nghị quyết hoặc văn bản (số, ký hiệu dạng 58-NQ/TW)")
def resolution_create(request, payload: DocumentIn):
    user = request.auth
    errors = _Errors()
    unit = _body_ref(lambda: unit_get_visible(user, payload.unit), "unit", errors)
    term = None
    if payload.term is not None:
        term = _body_ref(lambda: resolution_selectors.term_get(user, payload.term), "term", errors)
    implements = _body_refs(resolution_selectors.documents_visible(user), payload.implements, "implements", errors)
    errors.raise_if_any()
    document = resolution_services.document_create(
        actor=user, unit=unit, symbol=payload.symbol, issued_on=payload.issued_on, title=payload.title, term=term,
        full_text=payload.full_text, is_congress_resolution=payload.is_congress_resolution, implements=implements,
    )
    return Status(201, _document_out(user, document.pk))


@router.patch("/resolutions/{document_id}", response={200: DocumentDetailOut, **WRITE_ERRORS}, tags=["resolutions"],
              summary="Sửa nghị quyết, văn bản (chỉ các trường gửi lên; implements thay cả danh sách)")
def resolution_update(request, document_id: Id, payload: DocumentPatch):
    user = request.auth
    document = resolution_selectors.document_get(user, document_id)
    errors = _Errors()
    values = payload.dict(exclude_unset=True)
    _no_nulls(values, ("symbol", "issued_on", "title", "full_text", "is_congress_resolution"), errors)
    if values.get("term") is not None:
        values["term"] = _body_ref(lambda: resolution_selectors.term_get(user, values["term"]), "term", errors)
    implements = values.pop("implements", None)
    if implements is not None:
        implements = _body_refs(resolution_selectors.documents_visible(user), implements, "implements", errors)
    errors.raise_if_any()
    resolution_services.document_update(actor=user, document=document, implements=implements, **values)
    return _document_out(user, document.pk)


@router.post("/resolutions/{document_id}/items", response={201: ItemOut, **WRITE_ERRORS}, tags=["resolutions"],
             summary="Thêm mục tiêu, chương trình trọng tâm hoặc khâu đột phá")
def resolution_item_create(request, document_id: Id, payload: ItemIn):
    user = request.auth
    document = resolution_selectors.document_get(user, document_id)
    item = resolution_services.item_create(actor=user, document=document, kind=payload.kind, number=payload.number,
                                           title=payload.title, description=payload.description)
    return Status(201, item)


@router.patch("/resolutions/{document_id}/items/{item_id}", response={200: ItemOut, **WRITE_ERRORS},
              tags=["resolutions"], summary="Sửa mục tiêu, chương trình trọng tâm hoặc khâu đột phá")
def resolution_item_update(request, document_id: Id, item_id: Id, payload: ItemPatch):
    user = request.auth
    document = resolution_selectors.document_get(user, document_id)
    item = resolution_selectors.items_visible(user).filter(document=document, pk=item_id).first()
    if item is None:
        raise Http404(_("Không tìm thấy nội dung."))
    errors = _Errors()
    values = payload.dict(exclude_unset=True)
    _no_nulls(values, ("kind", "number", "title", "description"), errors)
    errors.raise_if_any()
    return resolution_services.item_update(actor=user, item=item, **values)


@router.post("/resolutions/{document_id}/copy-targets", response={201: list[TargetOut], **WRITE_ERRORS},
             tags=["targets"], summary="Sao chép chỉ tiêu của cấp trên vào nghị quyết này (giữ liên kết lên)")
def resolution_copy_targets(request, document_id: Id, payload: CopyTargetsIn):
    user = request.auth
    document = resolution_selectors.document_get(user, document_id)
    errors = _Errors()
    if not payload.sources:
        errors.add("sources", _("Chọn ít nhất một chỉ tiêu."))
    sources = _body_refs(resolution_selectors.targets_visible(user), payload.sources, "sources", errors)
    errors.raise_if_any()
    copies = resolution_services.targets_copy_down(actor=user, document=document, sources=sources)
    copied = resolution_selectors.targets_visible(user).filter(pk__in=[c.pk for c in copies]).order_by("id")
    return Status(201, list(copied))


# ------------------------------------------------------------------ targets


class TargetFilters(Schema):
    unit: Id | None = None
    resolution: Id | None = None
    domain: DomainIn | None = None
    direction: DirectionIn | None = None
    q: str = ""


def _link_out(link: Alignment, *, up: bool) -> dict:
    if up:
        obj, kind = (link.to_target, "target") if link.to_target_id else (link.to_item, "item")
        unit = obj.unit if kind == "target" else obj.document.unit
    else:
        if link.from_target_id:
            obj, kind = link.from_target, "target"
        elif link.from_item_id:
            obj, kind = link.from_item, "item"
        else:
            obj, kind = link.from_task, "task"
        unit = link.from_unit
    return {"id": link.pk, "kind": kind, "object_id": obj.pk, "number": obj.number,
            "title": getattr(obj, "name", None) or obj.title, "unit": unit}


def _target_out(user, pk) -> Target:
    target = resolution_selectors.target_get(user, pk)
    links = resolution_selectors.target_links(user, target)
    target.api_links_up = [_link_out(a, up=True) for a in links["up"]]
    target.api_links_down = [_link_out(a, up=False) for a in links["down"]]
    return target


_TARGET_NUMBERS = ("baseline_value", "target_value", "threshold")
_TARGET_NOT_NULL = ("number", "name", "domain", "measure", "direction", "aggregation", "weight_name",
                    "numerator_name", "denominator_name")


def _target_values(values: dict, errors: _Errors) -> tuple[dict, dict[int, Decimal] | None]:
    milestones = values.pop("milestones", None)
    values.pop("resolution", None)
    _no_nulls(values, _TARGET_NOT_NULL, errors)
    for name in _TARGET_NUMBERS:
        if name in values:
            values[name] = _number(values[name], name, errors)
    parsed = None
    if milestones is not None:
        parsed = _milestones(milestones, errors)
    return values, parsed


@router.get("/targets", response={200: list[TargetOut], **READ_ERRORS}, tags=["targets"],
            summary="Chỉ tiêu (kèm mốc theo năm) của đơn vị trong phạm vi và của cấp trên (chỉ đọc)")
@paginate(Page)
def targets_list(request, filters: Query[TargetFilters]):
    targets = resolution_selectors.targets_visible(request.auth, query=filters.q[:200], domain=filters.domain or "")
    if filters.unit is not None:
        targets = targets.filter(unit_id=filters.unit)
    if filters.resolution is not None:
        targets = targets.filter(document_id=filters.resolution)
    if filters.direction is not None:
        targets = targets.filter(direction=filters.direction)
    return targets.select_related("document")


@router.get("/targets/{target_id}", response={200: TargetDetailOut, **READ_ERRORS}, tags=["targets"],
            summary="Chi tiết chỉ tiêu: mốc theo năm, liên kết lên cấp trên và xuống cấp dưới")
def target_detail(request, target_id: Id):
    return _target_out(request.auth, target_id)


@router.post("/targets", response={201: TargetDetailOut, **WRITE_ERRORS}, tags=["targets"],
             summary="Thêm chỉ tiêu vào nghị quyết (số theo định dạng Việt Nam được chấp nhận)")
def target_create(request, payload: TargetIn):
    user = request.auth
    errors = _Errors()
    document = _body_ref(lambda: resolution_selectors.document_get(user, payload.resolution), "resolution", errors)
    values, milestones = _target_values(payload.dict(), errors)
    errors.raise_if_any()
    target = resolution_services.target_create(actor=user, document=document, milestones=milestones or None,
                                               **values)
    return Status(201, _target_out(user, target.pk))


@router.patch("/targets/{target_id}", response={200: TargetDetailOut, **WRITE_ERRORS}, tags=["targets"],
              summary="Sửa chỉ tiêu; gửi milestones để thay toàn bộ mốc theo năm")
def target_update(request, target_id: Id, payload: TargetPatch):
    user = request.auth
    target = resolution_selectors.target_get(user, target_id)
    errors = _Errors()
    values, milestones = _target_values(payload.dict(exclude_unset=True), errors)
    errors.raise_if_any()
    resolution_services.target_update(actor=user, target=target, milestones=milestones, **values)
    return _target_out(user, target.pk)


def _link_destination(user, payload: LinkIn, errors: _Errors):
    if (payload.target is None) == (payload.item is None):
        errors.add("target", _("Chọn đúng một chỉ tiêu hoặc một nội dung của cấp trên để liên kết."))
        return None
    if payload.target is not None:
        return _body_ref(lambda: resolution_selectors.target_get(user, payload.target), "target", errors)
    item = resolution_selectors.items_visible(user).select_related("document__unit").filter(pk=payload.item).first()
    if item is None:
        errors.add("item", _("Không tìm thấy (hoặc ngoài phạm vi của bạn)."))
    return item


@router.post("/targets/{target_id}/links", response={201: TargetDetailOut, **WRITE_ERRORS}, tags=["targets"],
             summary="Liên kết chỉ tiêu lên chỉ tiêu hoặc nội dung của cấp trên")
def target_link_create(request, target_id: Id, payload: LinkIn):
    user = request.auth
    target = resolution_selectors.target_get(user, target_id)
    errors = _Errors()
    destination = _link_destination(user, payload, errors)
    errors.raise_if_any()
    resolution_services.alignment_create(actor=user, source=target, destination=destination)
    return Status(201, _target_out(user, target.pk))


# ------------------------------------------------------------------ programs


class ProgramFilters(Schema):
    unit: Id | None = None
    resolution: Id | None = None


@router.get("/programs", response={200: list[ProgramOut], **READ_ERRORS}, tags=["programs"],
            summary="Chương trình hành động, kế hoạch (của đơn vị trong phạm vi và của cấp trên, chỉ đọc)")
@paginate(Page)
def programs_list(request, filters: Query[ProgramFilters]):
    programs = program_selectors.programs_visible(request.auth)
    if filters.unit is not None:
        programs = programs.filter(unit_id=filters.unit)
    if filters.resolution is not None:
        programs = programs.filter(resolution_id=filters.resolution)
    return programs


def _program_out(user, pk) -> ActionProgram:
    program = program_selectors.program_get(user, pk)
    program.task_counts = None
    if can_see_unit(user, program.unit):
        program.task_counts = program_selectors.task_counts(program_selectors.tasks_visible(user, program=program))
    return program


@router.get("/programs/{program_id}", response={200: ProgramDetailOut, **READ_ERRORS}, tags=["programs"],
            summary="Chi tiết chương trình hành động (số nhiệm vụ theo trạng thái nếu trong phạm vi)")
def program_detail(request, program_id: Id):
    return _program_out(request.auth, program_id)


@router.post("/programs", response={201: ProgramDetailOut, **WRITE_ERRORS}, tags=["programs"],
             summary="Tạo chương trình hành động thực hiện nghị quyết của đơn vị hoặc của cấp trên")
def program_create(request, payload: ProgramIn):
    user = request.auth
    errors = _Errors()
    unit = _body_ref(lambda: unit_get_visible(user, payload.unit), "unit", errors)
    resolution = _body_ref(lambda: resolution_selectors.document_get(user, payload.resolution), "resolution", errors)
    errors.raise_if_any()
    program = program_services.program_create(actor=user, unit=unit, resolution=resolution, title=payload.title,
                                              issued_on=payload.issued_on, symbol=payload.symbol)
    return Status(201, _program_out(user, program.pk))


@router.patch("/programs/{program_id}", response={200: ProgramDetailOut, **WRITE_ERRORS}, tags=["programs"],
              summary="Sửa chương trình hành động (chỉ các trường gửi lên)")
def program_update(request, program_id: Id, payload: ProgramPatch):
    user = request.auth
    program = program_selectors.program_get(user, program_id)
    errors = _Errors()
    values = payload.dict(exclude_unset=True)
    _no_nulls(values, ("resolution", "title", "issued_on", "symbol"), errors)
    if values.get("resolution") is not None:
        values["resolution"] = _body_ref(lambda: resolution_selectors.document_get(user, values["resolution"]),
                                         "resolution", errors)
    errors.raise_if_any()
    program_services.program_update(actor=user, program=program, **values)
    return _program_out(user, program.pk)


# ------------------------------------------------------------------ tasks


class TaskFilters(Schema):
    unit: Id | None = None
    program: Id | None = None
    resolution: Id | None = None
    status: StatusIn | None = None
    mine: bool = False


def _tasks(user, *, mine: bool = False, status: str = ""):
    if mine:
        return program_selectors.my_tasks(user, status=status).prefetch_related("coordinating")
    return program_selectors.tasks_visible(user, status=status)


def _task_out(user, pk) -> dict:
    task = program_selectors.task_get(user, pk)
    task.api_links_up = [_link_out(a, up=True) for a in program_selectors.task_links_up(user, task)]
    task.api_updates = list(program_selectors.task_updates(task).select_related("author__person"))
    return task


_TASK_NOT_NULL = ("title", "number", "deliverable", "authority", "status", "percent")


def _task_refs(user, program: ActionProgram, values: dict, errors: _Errors, task: Task | None = None
               ) -> list[Unit] | None:
    """People and coordinating bodies a task may name (``program_people``/``program_bodies``: the same rule as
    the service and the pages), keeping those already on the task being updated."""
    people = program_selectors.program_people(user, program, task=task)
    for field in ("directing", "responsible", "advisor"):
        if field in values:
            values[field] = _person(people, values[field], field, errors)
    coordinating = values.pop("coordinating", None)
    if coordinating is None:
        return None
    return _body_refs(program_selectors.program_bodies(user, program, task=task), coordinating, "coordinating",
                      errors)


@router.get("/tasks", response={200: list[TaskOut], **READ_ERRORS}, tags=["tasks"],
            summary="Nhiệm vụ trong phạm vi (hoặc ?mine=true: nhiệm vụ mình chỉ đạo, phụ trách, tham mưu)")
@paginate(Page)
def tasks_list(request, filters: Query[TaskFilters]):
    tasks = _tasks(request.auth, mine=filters.mine, status=filters.status or "")
    if filters.unit is not None:
        tasks = tasks.filter(unit_id=filters.unit)
    if filters.program is not None:
        tasks = tasks.filter(program_id=filters.program)
    if filters.resolution is not None:
        tasks = tasks.filter(program__resolution_id=filters.resolution)
    return tasks


@router.get("/tasks/{task_id}", response={200: TaskDetailOut, **READ_ERRORS}, tags=["tasks"],
            summary="Chi tiết nhiệm vụ: các “rõ”, liên kết lên, tiến độ")
def task_detail(request, task_id: Id):
    return _task_out(request.auth, task_id)


@router.post("/tasks", response={201: TaskDetailOut, **WRITE_ERRORS}, tags=["tasks"],
             summary="Thêm nhiệm vụ vào chương trình (thiếu “rõ” bắt buộc nào thì bị từ chối, nêu rõ)")
def task_create(request, payload: TaskIn):
    user = request.auth
    errors = _Errors()
    program = _body_ref(lambda: program_selectors.program_get(user, payload.program), "program", errors)
    errors.raise_if_any()
    values = payload.dict()
    values.pop("program")
    coordinating = _task_refs(user, program, values, errors)
    errors.raise_if_any()
    task = program_services.task_create(actor=user, program=program, coordinating=coordinating or [], **values)
    return Status(201, _task_out(user, task.pk))


@router.patch("/tasks/{task_id}", response={200: TaskDetailOut, **WRITE_ERRORS}, tags=["tasks"],
              summary="Sửa nhiệm vụ (chỉ các trường gửi lên)")
def task_update(request, task_id: Id, payload: TaskPatch):
    user = request.auth
    task = program_selectors.task_get(user, task_id)
    errors = _Errors()
    values = payload.dict(exclude_unset=True)
    _no_nulls(values, _TASK_NOT_NULL, errors)
    coordinating = _task_refs(user, task.program, values, errors, task=task)
    errors.raise_if_any()
    program_services.task_update(actor=user, task=task, coordinating=coordinating, **values)
    return _task_out(user, task.pk)


@router.post("/tasks/{task_id}/progress", response={201: TaskDetailOut, **WRITE_ERRORS}, tags=["tasks"],
             summary="Báo cáo tiến độ nhiệm vụ (ngày, nội dung, phần trăm)")
def task_progress_create(request, task_id: Id, payload: ProgressIn):
    user = request.auth
    task = program_selectors.task_get(user, task_id)
    program_services.task_progress_add(actor=user, task=task, on=payload.on, note=payload.note,
                                       percent=payload.percent)
    return Status(201, _task_out(user, task.pk))


@router.post("/tasks/{task_id}/links", response={201: TaskDetailOut, **WRITE_ERRORS}, tags=["tasks"],
             summary="Liên kết nhiệm vụ lên chỉ tiêu hoặc nội dung của cấp trên")
def task_link_create(request, task_id: Id, payload: LinkIn):
    user = request.auth
    task = program_selectors.task_get(user, task_id)
    errors = _Errors()
    destination = _link_destination(user, payload, errors)
    errors.raise_if_any()
    resolution_services.alignment_create(actor=user, source=task, destination=destination)
    return Status(201, _task_out(user, task.pk))


@router.delete("/links/{link_id}", response={204: None, **WRITE_ERRORS}, tags=["targets"],
               summary="Bỏ một liên kết lên cấp trên (của chỉ tiêu, nội dung hoặc nhiệm vụ)")
def link_delete(request, link_id: Id):
    user = request.auth
    link = resolution_selectors.alignment_get(user, link_id)
    resolution_services.alignment_delete(actor=user, alignment=link)
    return Status(204, None)


# ------------------------------------------------------------------ coverage


class CoverageFilters(Schema):
    resolution: Id | None = None


@router.get("/units/{unit_id}/coverage", response={200: CoverageOut, **READ_ERRORS}, tags=["targets"],
            summary="Mức cụ thể hóa: với mỗi chỉ tiêu, cấp dưới nào đã / chưa có chỉ tiêu, nhiệm vụ liên kết")
def unit_coverage(request, unit_id: Id, filters: Query[CoverageFilters]):
    user = request.auth
    unit = unit_get_visible(user, unit_id)
    document = None
    if filters.resolution is not None:
        document = resolution_selectors.document_get(user, filters.resolution)
        if document.unit_id != unit.pk:
            raise Http404(_("Không tìm thấy văn bản."))
    subordinates, rows = resolution_selectors.coverage(user, unit, document=document)
    return {
        "unit": unit,
        "resolution_id": document.pk if document else None,
        "subordinates": subordinates,
        "rows": [{"target": r.target, "covered": r.covered, "uncovered": r.uncovered, "ratio": r.ratio}
                 for r in rows],
        "uncovered_count": sum(len(r.uncovered) for r in rows),
    }

