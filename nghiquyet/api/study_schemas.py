"""Schemas of ``/api/v1/study``: plans, sessions, attendance, write-ups and figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from nghiquyet.accounts.roles import Perm
from nghiquyet.api.plans_schemas import DateIn, DocumentRefOut, _can
from nghiquyet.api.schemas import Id, UnitRefOut

FormIn = Literal["quan_triet", "pho_bien"]
AudienceIn = Literal["unit", "subtree"]
WriteUpKindIn = Literal["essay", "personal_plan", ""]
StatusIn = Literal["present", "excused", "absent"]


class PlanOut(Schema):
    id: int
    unit: UnitRefOut
    resolution: DocumentRefOut
    symbol: str
    title: str
    form: str
    purpose: str
    content: str
    materials: str
    starts_on: dt.date
    ends_on: dt.date
    deadline: dt.date
    place: str
    audience: str
    holder_kinds: list[str]
    speakers: str
    writeup_kind: str
    writeup_days: int | None
    can_change: bool

    @staticmethod
    def resolve_can_change(obj, context) -> bool:
        return _can(context, Perm.STUDY_CHANGE, obj.unit)


class PlanIn(Schema):
    unit: Id = Field(..., description="Đơn vị ban hành kế hoạch")
    resolution: Id = Field(..., description="Nghị quyết cần học tập (của đơn vị hoặc của cấp trên)")
    symbol: str = Field("", max_length=40)
    title: str = Field("", max_length=500)
    form: FormIn = "quan_triet"
    purpose: str = Field("", max_length=20000)
    content: str = Field("", max_length=20000)
    materials: str = Field("", max_length=20000)
    starts_on: DateIn
    ends_on: DateIn
    deadline: DateIn
    place: str = Field("", max_length=300)
    audience: AudienceIn = Field("unit", description="`unit`: đơn vị ban hành tự tổ chức; `subtree`: các đơn vị "
                                                     "trực thuộc (cấp trong `holder_kinds`) tự tổ chức")
    holder_kinds: list[str] = Field(default_factory=list, max_length=10)
    speakers: str = Field("", max_length=5000)
    writeup_kind: WriteUpKindIn = ""
    writeup_days: int | None = Field(None, ge=1, le=365)


class PlanPatch(Schema):
    symbol: str | None = Field(None, max_length=40)
    title: str | None = Field(None, max_length=500)
    form: FormIn | None = None
    purpose: str | None = Field(None, max_length=20000)
    content: str | None = Field(None, max_length=20000)
    materials: str | None = Field(None, max_length=20000)
    starts_on: DateIn | None = None
    ends_on: DateIn | None = None
    deadline: DateIn | None = None
    place: str | None = Field(None, max_length=300)
    audience: AudienceIn | None = None
    holder_kinds: list[str] | None = Field(None, max_length=10)
    speakers: str | None = Field(None, max_length=5000)
    writeup_kind: WriteUpKindIn | None = None
    writeup_days: int | None = Field(None, ge=1, le=365)


class SessionOut(Schema):
    id: int
    plan_id: int
    unit: UnitRefOut
    held_on: dt.date
    place: str
    speakers: str
    note: str
    makeup_of_id: int | None
    points: list[UnitRefOut]

    @staticmethod
    def resolve_points(obj) -> list:
        return [p.unit for p in obj.points.all()]


class SessionIn(Schema):
    plan: Id
    unit: Id = Field(..., description="Đơn vị tổ chức")
    held_on: DateIn
    place: str = Field("", max_length=300)
    speakers: str = Field("", max_length=500)
    note: str = Field("", max_length=5000)
    points: list[Id] = Field(default_factory=list, max_length=2000, description="Điểm cầu: đơn vị cấp dưới")
    makeup_of: Id | None = Field(None, description="Buổi học được học bù")


class SessionPatch(Schema):
    """Only the fields sent change; ``add_points`` adds points (điểm cầu)."""

    held_on: DateIn | None = None
    place: str | None = Field(None, max_length=300)
    speakers: str | None = Field(None, max_length=500)
    note: str | None = Field(None, max_length=5000)
    add_points: list[Id] = Field(default_factory=list, max_length=2000)


class MemberRefOut(Schema):
    id: int
    full_name: str
    unit_id: int


class AttendanceOut(Schema):
    member: MemberRefOut
    unit_id: int = Field(..., description="Đơn vị ghi nhận (đơn vị tổ chức hoặc điểm cầu)")
    status: str
    note: str


class AttendanceEntryIn(Schema):
    member: Id
    status: StatusIn
    note: str = Field("", max_length=300)


class AttendanceIn(Schema):
    unit: Id | None = Field(None, description="Đơn vị ghi nhận: đơn vị tổ chức (mặc định) hoặc một điểm cầu")
    entries: list[AttendanceEntryIn] = Field(..., max_length=5000)


class WriteUpOut(Schema):
    id: int
    plan_id: int
    member: MemberRefOut
    kind: str
    due_on: dt.date
    received_on: dt.date | None
    overdue: bool
    text: str
    has_file: bool

    @staticmethod
    def resolve_overdue(obj) -> bool:
        from django.utils import timezone

        return obj.received_on is None and obj.due_on < timezone.localdate()

    @staticmethod
    def resolve_has_file(obj) -> bool:
        return bool(obj.file)


class WriteUpIn(Schema):
    plan: Id
    member: Id
    due_on: DateIn
    kind: WriteUpKindIn = Field("", description="Mặc định: loại sản phẩm của kế hoạch")


class WriteUpReceiveIn(Schema):
    received_on: DateIn
    text: str = Field("", max_length=50000)


class SessionTallyOut(Schema):
    expected: int
    on_time: int
    late: int
    missing: int
    pending: int


class WriteUpTallyOut(Schema):
    expected: int
    received: int
    overdue: int


class FigureRowOut(Schema):
    unit: UnitRefOut
    is_self: bool = Field(..., description="Đảng viên, buổi học của chính đơn vị (không phải đơn vị trực thuộc)")
    members: int
    studied: int
    percent: Decimal | None
    sessions: SessionTallyOut
    writeups: WriteUpTallyOut


class ResolutionFiguresOut(Schema):
    resolution: DocumentRefOut
    plan_ids: list[int]
    total: FigureRowOut
    rows: list[FigureRowOut]

    @staticmethod
    def resolve_plan_ids(obj) -> list[int]:
        return [p.pk for p in obj.plans]


class UnitFiguresOut(Schema):
    unit: UnitRefOut
    on: dt.date
    resolutions: list[ResolutionFiguresOut]


class GapOut(Schema):
    plan_id: int
    resolution: DocumentRefOut
    deadline: dt.date
    unit: UnitRefOut
    members: int
    studied: int
    percent: Decimal | None
    writeups_overdue: int

    @staticmethod
    def resolve_plan_id(obj) -> int:
        return obj.plan.pk

    @staticmethod
    def resolve_resolution(obj):
        return obj.plan.resolution

    @staticmethod
    def resolve_deadline(obj) -> dt.date:
        return obj.plan.deadline
