"""Schemas of ``/api/v1/`` terms, resolutions, targets, programs, tasks and coverage.

Numbers are exact: responses carry them as decimal strings ("1234.5", never a float), with a
``*_vn`` twin in Vietnamese format ("1.234,5") where people read them. Requests accept a JSON
number, a decimal string ("1234.5") or Vietnamese format ("1.234,5", "104,33", "1.234.567");
text is read as Vietnamese first, as everywhere in the product ("9.689" = 9689), else as a
decimal with a dot ("7.5", "0.125"). Responses never print a value that would be misread that way.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can
from nghiquyet.api.schemas import Id, UnitRefOut
from nghiquyet.core.numbers import format_vn_decimal

# ------------------------------------------------------------------ numbers and dates


_AMBIGUOUS = re.compile(r"^-?[1-9]\d{0,2}\.\d{3}$")


def decimal_text(value: Decimal | None) -> str | None:
    """Decimal("104.330000") -> "104.33"; never exponent notation. A value that would read like a
    Vietnamese thousands group ("1.234") keeps one trailing zero ("1.2340"), so that sending it
    back as text is not read as 1234."""
    if value is None:
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("", "-0"):
        return "0"
    return text + "0" if _AMBIGUOUS.match(text) else text


DecimalOut = Annotated[
    Decimal,
    PlainSerializer(decimal_text, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "examples": ["1234.5"],
                    "description": "Số thập phân chính xác, dấu chấm thập phân."}),
]

def _not_bool(value):
    if isinstance(value, bool):
        raise ValueError(_("Phải là một số."))
    return value


NumberIn = Annotated[
    str | int | float,
    BeforeValidator(_not_bool),
    WithJsonSchema({
        "anyOf": [{"type": "string"}, {"type": "number"}],
        "examples": ["1.234,5", "1234.5", 104.33],
        "description": "Số: chuỗi định dạng Việt Nam (1.234,5), chuỗi thập phân (1234.5) hoặc số JSON. "
                       "Chuỗi đọc theo định dạng Việt Nam trước (“9.689” = 9689), không được thì theo dạng thập phân "
                       "có dấu chấm (“7.5”, “0.125”).",
    }),
]

_VN_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def _vn_date(value):
    """Accept "20/04/2025" besides ISO "2025-04-20"; anything else is left to the ISO parser."""
    if isinstance(value, str):
        match = _VN_DATE.match(value)
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                return value
    return value


DateIn = Annotated[dt.date, BeforeValidator(_vn_date),
                   WithJsonSchema({"type": "string", "format": "date", "examples": ["2025-04-20", "20/04/2025"]})]


def _user(context):
    request = (context or {}).get("request")
    return getattr(request, "auth", None) if request is not None else None


def _can(context, perm: str, unit) -> bool:
    user = _user(context)
    return bool(user is not None and can(user, perm, unit))


# ------------------------------------------------------------------ references


class TermRefOut(Schema):
    id: int
    start_year: int
    end_year: int
    label: str


class DocumentRefOut(Schema):
    id: int
    symbol: str
    title: str
    unit_id: int


class PersonRefOut(Schema):
    id: int
    full_name: str
    position: str
    unit_id: int


class ProgramRefOut(Schema):
    id: int
    symbol: str
    title: str
    unit_id: int


class TargetRefOut(Schema):
    id: int
    number: str
    name: str
    document_id: int


# ------------------------------------------------------------------ terms


class CongressOut(Schema):
    id: int
    ordinal: str
    held_from: dt.date
    held_to: dt.date


class TermOut(Schema):
    id: int
    unit: UnitRefOut
    start_year: int
    end_year: int
    label: str
    congress: CongressOut | None = None
    can_change: bool

    @staticmethod
    def resolve_congress(obj):
        return getattr(obj, "congress", None)

    @staticmethod
    def resolve_can_change(obj, context) -> bool:
        return _can(context, Perm.PLAN_CHANGE, obj.unit)


class CongressIn(Schema):
    ordinal: str = Field("", max_length=40, description="Lần thứ, ví dụ XXII hoặc 35")
    held_from: DateIn
    held_to: DateIn


class TermIn(Schema):
    unit: Id = Field(..., description="Đơn vị (đảng bộ) của nhiệm kỳ")
    start_year: int
    end_year: int
    congress: CongressIn | None = None


# ------------------------------------------------------------------ resolutions (documents)

class DocumentOut(Schema):
    id: int
    unit: UnitRefOut
    term: TermRefOut | None
    symbol: str
    number: int
    type_code: str
    type_label: str
    issuer_code: str
    issued_on: dt.date
    title: str
    is_congress_resolution: bool
    implements: list[DocumentRefOut]
    can_change: bool

    @staticmethod
    def resolve_type_label(obj) -> str:
        from nghiquyet.resolutions.symbols import document_types

        return str(document_types().get(obj.type_code, obj.type_code))

    @staticmethod
    def resolve_implements(obj):
        return list(obj.implements.all())

    @staticmethod
    def resolve_can_change(obj, context) -> bool:
        return _can(context, Perm.PLAN_CHANGE, obj.unit)


ItemKindIn = Literal["objective", "key_program", "breakthrough"]


class ItemOut(Schema):
    id: int
    kind: str
    kind_label: str
    number: str
    title: str
    description: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class AttachmentOut(Schema):
    id: int
    name: str
    uploaded_at: dt.datetime


class DocumentDetailOut(DocumentOut):
    full_text: str
    items: list[ItemOut]
    targets: list[TargetRefOut]
    programs: list[ProgramRefOut] = Field(..., description="Chương trình hành động thực hiện văn bản, trong phạm vi")
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_programs(obj, context):
        from nghiquyet.programs.selectors import programs_visible

        return list(programs_visible(_user(context), resolution=obj))


class DocumentIn(Schema):
    unit: Id = Field(..., description="Cơ quan ban hành (đơn vị)")
    symbol: str = Field("", max_length=60, examples=["58-NQ/TW", "01-NQ/ĐU"])
    issued_on: DateIn
    title: str = Field("", max_length=500)
    term: Id | None = None
    full_text: str = ""
    is_congress_resolution: bool = False
    implements: list[Id] = Field(default_factory=list, description="Văn bản cấp trên mà văn bản này thực hiện")


class DocumentPatch(Schema):
    """Only the fields sent change; ``implements``, when sent, replaces the list."""

    symbol: str | None = Field(None, max_length=60)
    issued_on: DateIn | None = None
    title: str | None = Field(None, max_length=500)
    term: Id | None = None
    full_text: str | None = None
    is_congress_resolution: bool | None = None
    implements: list[Id] | None = None


class ItemIn(Schema):
    kind: ItemKindIn
    number: str = Field("", max_length=10)
    title: str = Field("", max_length=500)
    description: str = ""


class ItemPatch(Schema):
    """Only the fields sent change."""

    kind: ItemKindIn | None = None
    number: str | None = Field(None, max_length=10)
    title: str | None = Field(None, max_length=500)
    description: str | None = None


class CopyTargetsIn(Schema):
    sources: list[Id] = Field(..., description="Chỉ tiêu của cấp trên cần sao chép (giữ liên kết lên)")


# ------------------------------------------------------------------ targets

DomainIn = Literal["economy", "society", "environment", "defence", "party"]
DirectionIn = Literal["higher", "lower", "exact"]
AggregationIn = Literal["sum", "weighted_mean", "ratio", "count_meeting", "none"]


class MilestoneOut(Schema):
    year: int
    value: DecimalOut
    value_vn: str

    @staticmethod
    def resolve_value_vn(obj) -> str:
        return format_vn_decimal(obj.value)


class TargetOut(Schema):
    id: int
    document: DocumentRefOut
    unit: UnitRefOut
    number: str
    name: str
    domain: str
    domain_label: str
    measure: str
    baseline_year: int | None
    baseline_value: DecimalOut | None
    baseline_value_vn: str
    target_value: DecimalOut
    target_value_vn: str
    direction: str
    direction_label: str
    aggregation: str
    aggregation_label: str
    weight_name: str
    numerator_name: str
    denominator_name: str
    threshold: DecimalOut | None
    criteria_total: int | None
    is_criteria_set: bool
    copied_from_id: int | None
    milestones: list[MilestoneOut]
    can_change: bool

    @staticmethod
    def resolve_domain_label(obj) -> str:
        return str(obj.get_domain_display())

    @staticmethod
    def resolve_direction_label(obj) -> str:
        return str(obj.get_direction_display())

    @staticmethod
    def resolve_aggregation_label(obj) -> str:
        return str(obj.get_aggregation_display())

    @staticmethod
    def resolve_baseline_value_vn(obj) -> str:
        return format_vn_decimal(obj.baseline_value)

    @staticmethod
    def resolve_target_value_vn(obj) -> str:
        return format_vn_decimal(obj.target_value)

    @staticmethod
    def resolve_milestones(obj):
        return list(obj.milestones.all())

    @staticmethod
    def resolve_can_change(obj, context) -> bool:
        return _can(context, Perm.PLAN_CHANGE, obj.unit)


class LinkOut(Schema):
    """One alignment link: ``kind`` and ``object_id`` name the object at the other end."""

    id: int
    kind: Literal["target", "item", "task"]
    object_id: int
    number: str
    title: str
    unit: UnitRefOut


class TargetDetailOut(TargetOut):
    """``links_up``/``links_down`` are set on the object by the view from ``target_links`` (scoped)."""

    links_up: list[LinkOut]
    links_down: list[LinkOut]

    @staticmethod
    def resolve_links_up(obj):
        return obj.api_links_up

    @staticmethod
    def resolve_links_down(obj):
        return obj.api_links_down


class MilestoneIn(Schema):
    year: int
    value: NumberIn


class TargetIn(Schema):
    resolution: Id = Field(..., description="Nghị quyết (văn bản) chứa chỉ tiêu")
    number: str = Field("", max_length=10)
    name: str = Field("", max_length=300)
    domain: DomainIn
    measure: str = Field("", max_length=40)
    baseline_year: int | None = None
    baseline_value: NumberIn | None = None
    target_value: NumberIn | None = None
    direction: DirectionIn = "higher"
    aggregation: AggregationIn = "none"
    weight_name: str = Field("", max_length=80)
    numerator_name: str = Field("", max_length=120)
    denominator_name: str = Field("", max_length=120)
    threshold: NumberIn | None = None
    criteria_total: int | None = Field(None, ge=0, le=32767)
    milestones: list[MilestoneIn] = Field(default_factory=list, description="Mốc theo năm trong nhiệm kỳ")


class TargetPatch(Schema):
    """Only the fields sent change; ``milestones``, when sent, replaces all milestones."""

    number: str | None = Field(None, max_length=10)
    name: str | None = Field(None, max_length=300)
    domain: DomainIn | None = None
    measure: str | None = Field(None, max_length=40)
    baseline_year: int | None = None
    baseline_value: NumberIn | None = None
    target_value: NumberIn | None = None
    direction: DirectionIn | None = None
    aggregation: AggregationIn | None = None
    weight_name: str | None = Field(None, max_length=80)
    numerator_name: str | None = Field(None, max_length=120)
    denominator_name: str | None = Field(None, max_length=120)
    threshold: NumberIn | None = None
    criteria_total: int | None = Field(None, ge=0, le=32767)
    milestones: list[MilestoneIn] | None = None


class LinkIn(Schema):
    """Link up to exactly one superior target or item (key program, breakthrough, objective)."""

    target: Id | None = None
    item: Id | None = None


# ------------------------------------------------------------------ programs and tasks

StatusIn = Literal["not_started", "in_progress", "done", "overdue", "cancelled"]


class TaskCountsOut(Schema):
    total: int
    not_started: int
    in_progress: int
    done: int
    overdue: int
    cancelled: int


class ProgramOut(Schema):
    id: int
    unit: UnitRefOut
    resolution: DocumentRefOut
    symbol: str
    title: str
    issued_on: dt.date
    can_change: bool

    @staticmethod
    def resolve_can_change(obj, context) -> bool:
        return _can(context, Perm.PLAN_CHANGE, obj.unit)


class ProgramDetailOut(ProgramOut):
    task_counts: TaskCountsOut | None = Field(
        None, description="Chỉ có khi nhiệm vụ của chương trình thuộc phạm vi người dùng")


class ProgramIn(Schema):
    unit: Id
    resolution: Id = Field(..., description="Nghị quyết được thực hiện (của đơn vị hoặc của cấp trên)")
    title: str = Field("", max_length=500)
    issued_on: DateIn
    symbol: str = Field("", max_length=60)


class ProgramPatch(Schema):
    """Only the fields sent change."""

    resolution: Id | None = None
    title: str | None = Field(None, max_length=500)
    issued_on: DateIn | None = None
    symbol: str | None = Field(None, max_length=60)


class TaskOut(Schema):
    id: int
    program: ProgramRefOut
    unit: UnitRefOut
    number: str
    title: str
    directing: PersonRefOut | None
    responsible: PersonRefOut | None
    advisor: PersonRefOut | None
    coordinating: list[UnitRefOut]
    start_date: dt.date | None
    due_date: dt.date | None
    deliverable: str
    authority: str
    status: str = Field(..., description="Trạng thái đã ghi")
    status_label: str
    effective_status: str = Field(..., description="Trạng thái thực tế: quá hạn được tính từ thời hạn")
    effective_status_label: str
    percent: int
    completed_on: dt.date | None
    can_change: bool

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_effective_status_label(obj) -> str:
        return obj.get_effective_status_display()

    @staticmethod
    def resolve_coordinating(obj):
        return list(obj.coordinating.all())

    @staticmethod
    def resolve_can_change(obj, context) -> bool:
        return _can(context, Perm.TASK_CHANGE, obj.unit)


class TaskUpdateOut(Schema):
    id: int
    on: dt.date
    note: str
    percent: int
    author: str
    evidence: list[str]

    @staticmethod
    def resolve_author(obj) -> str:
        user = obj.author
        if user is None:
            return ""
        person = getattr(user, "person", None)
        return person.full_name if person else user.get_username()

    @staticmethod
    def resolve_evidence(obj) -> list[str]:
        return [e.name for e in obj.evidence.all()]


class TaskDetailOut(TaskOut):
    """``links_up`` and ``updates`` are set on the object by the view (scoped, prefetched)."""

    links_up: list[LinkOut]
    updates: list[TaskUpdateOut]

    @staticmethod
    def resolve_links_up(obj):
        return obj.api_links_up

    @staticmethod
    def resolve_updates(obj):
        return obj.api_updates


class TaskIn(Schema):
    program: Id
    title: str = Field("", max_length=500)
    number: str = Field("", max_length=10)
    directing: Id | None = Field(None, description="Ủy viên Ban Thường vụ chỉ đạo (id cán bộ)")
    responsible: Id | None = Field(None, description="Cấp ủy viên phụ trách (id cán bộ)")
    advisor: Id | None = Field(None, description="Cán bộ, công chức tham mưu (id cán bộ)")
    coordinating: list[Id] = Field(default_factory=list, description="Cơ quan, đoàn thể phối hợp (id đơn vị)")
    start_date: DateIn | None = None
    due_date: DateIn | None = None
    deliverable: str = Field("", max_length=300)
    authority: str = Field("", max_length=200)


class TaskPatch(Schema):
    """Only the fields sent change."""

    title: str | None = Field(None, max_length=500)
    number: str | None = Field(None, max_length=10)
    directing: Id | None = None
    responsible: Id | None = None
    advisor: Id | None = None
    coordinating: list[Id] | None = None
    start_date: DateIn | None = None
    due_date: DateIn | None = None
    deliverable: str | None = Field(None, max_length=300)
    authority: str | None = Field(None, max_length=200)
    status: StatusIn | None = None
    percent: int | None = None
    completed_on: DateIn | None = None


class ProgressIn(Schema):
    on: DateIn
    note: str = ""
    percent: int


# ------------------------------------------------------------------ coverage


class CoverageRowOut(Schema):
    target: TargetRefOut
    covered: list[UnitRefOut]
    uncovered: list[UnitRefOut]
    ratio: float


class CoverageOut(Schema):
    unit: UnitRefOut
    resolution_id: int | None
    subordinates: list[UnitRefOut]
    rows: list[CoverageRowOut]
    uncovered_count: int = Field(..., description="Số cặp (chỉ tiêu, đơn vị cấp dưới) chưa cụ thể hóa")
