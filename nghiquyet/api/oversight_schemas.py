"""Schemas of ``/api/v1/`` inspection and supervision: programs, inspections, findings, recommendations."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema

from nghiquyet.accounts.roles import Perm
from nghiquyet.api.plans_schemas import DateIn, PersonRefOut, _can, _user
from nghiquyet.api.schemas import Id, UnitRefOut
from nghiquyet.oversight.models import RecommendationStatus

KindIn = Literal["inspection", "supervision"]
ModeIn = Literal["regular", "thematic"]
FindingKindIn = Literal["strength", "shortcoming", "violation"]


# ------------------------------------------------------------------ programs


class ProgramOut(Schema):
    id: int
    unit: UnitRefOut
    year: int
    title: str
    symbol: str
    issued_on: dt.date
    item_count: int


class PlannedOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    mode: str
    subject: str
    content: str
    quarter: int | None
    done: bool = Field(description="Đã có cuộc kiểm tra, giám sát theo nội dung này được kết luận")
    inspection_ids: list[int] = Field(description="Các cuộc theo nội dung này mà người dùng được xem")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class ProgramDetailOut(ProgramOut):
    items: list[PlannedOut]
    can_change: bool

    @staticmethod
    def resolve_items(obj) -> list:
        return obj.items_out

    @staticmethod
    def resolve_can_change(obj, context) -> bool:
        return _can(context, Perm.INSPECTION_CHANGE, obj.unit)


class ProgramIn(Schema):
    unit: Id = Field(..., description="Cấp ủy, ủy ban kiểm tra lập chương trình")
    year: int
    title: str = Field("", max_length=300)
    symbol: str = Field("", max_length=40, examples=["01-CTr/TU"])
    issued_on: DateIn


class PlannedIn(Schema):
    kind: KindIn
    mode: ModeIn = "thematic"
    subject: str = Field("", max_length=300)
    content: str = ""
    quarter: int | None = Field(None, ge=1, le=4)
    number: str = Field("", max_length=10)


# ------------------------------------------------------------------ inspections


class DocumentRefOut(Schema):
    id: int
    symbol: str
    title: str


class TargetRefOut(Schema):
    id: int
    number: str
    name: str
    unit_id: int


class TaskRefOut(Schema):
    id: int
    title: str
    unit_id: int


class FindingOut(Schema):
    id: int
    kind: str
    kind_label: str
    text: str
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class UpdateOut(Schema):
    id: int
    on: dt.date
    note: str
    done: bool
    author: str

    @staticmethod
    def resolve_author(obj) -> str:
        return obj.author.get_username() if obj.author_id else ""


class RecommendationOut(Schema):
    id: int
    inspection_id: int
    inspection_title: str
    conducting_unit: UnitRefOut
    text: str
    owner_unit: UnitRefOut
    owner_person: PersonRefOut | None
    due_on: dt.date
    status: str
    status_label: str
    overdue: bool = Field(description="Chưa báo cáo hoàn thành và đã quá thời hạn")
    done_on: dt.date | None
    closed_on: dt.date | None
    close_note: str

    @staticmethod
    def resolve_inspection_title(obj) -> str:
        return obj.inspection.title

    @staticmethod
    def resolve_conducting_unit(obj):
        return obj.inspection.unit

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.status == RecommendationStatus.OPEN and obj.due_on < timezone.localdate()


class RecommendationDetailOut(RecommendationOut):
    updates: list[UpdateOut]
    can_follow_up: bool
    can_close: bool

    @staticmethod
    def resolve_updates(obj) -> list:
        return list(obj.updates.select_related("author"))

    @staticmethod
    def resolve_can_follow_up(obj, context) -> bool:
        from nghiquyet.oversight.services import may_follow_up

        user = _user(context)
        return bool(user is not None and obj.status != RecommendationStatus.CLOSED and may_follow_up(user, obj))

    @staticmethod
    def resolve_can_close(obj, context) -> bool:
        return obj.status == RecommendationStatus.DONE and _can(context, Perm.INSPECTION_CHANGE, obj.inspection.unit)


class InspectionOut(Schema):
    id: int
    unit: UnitRefOut
    kind: str
    kind_label: str
    mode: str
    title: str
    decision_ref: str
    subject_unit: UnitRefOut | None
    subject_person: PersonRefOut | None
    subject_name: str
    planned_id: int | None
    starts_on: dt.date
    ends_on: dt.date | None
    concluded_on: dt.date | None
    conclusion_ref: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class InspectionDetailOut(InspectionOut):
    content: str
    conclusion: str
    resolution: DocumentRefOut | None
    targets: list[TargetRefOut]
    tasks: list[TaskRefOut]
    leader: PersonRefOut | None
    team: list[PersonRefOut]
    findings: list[FindingOut]
    recommendations: list[RecommendationOut]
    can_change: bool

    @staticmethod
    def resolve_targets(obj) -> list:
        return list(obj.targets.all())

    @staticmethod
    def resolve_tasks(obj) -> list:
        return list(obj.tasks.all())

    @staticmethod
    def resolve_team(obj) -> list:
        return list(obj.team.all())

    @staticmethod
    def resolve_findings(obj) -> list:
        return list(obj.findings.all())

    @staticmethod
    def resolve_recommendations(obj) -> list:
        return list(obj.recommendations.select_related("inspection__unit", "owner_unit", "owner_person"))

    @staticmethod
    def resolve_can_change(obj, context) -> bool:
        return _can(context, Perm.INSPECTION_CHANGE, obj.unit)


class InspectionIn(Schema):
    unit: Id = Field(..., description="Đơn vị tiến hành (cần quyền kiểm tra, giám sát tại đó)")
    kind: KindIn
    mode: ModeIn = "thematic"
    title: str = Field("", max_length=300)
    decision_ref: str = Field("", max_length=60)
    subject_unit: Id | None = Field(None, description="Tổ chức đảng được kiểm tra (thuộc phạm vi đơn vị tiến hành)")
    subject_person: Id | None = Field(None, description="Hoặc đảng viên (cán bộ) được kiểm tra; chọn đúng một")
    planned: Id | None = Field(None, description="Nội dung trong chương trình năm của đơn vị tiến hành")
    content: str = ""
    resolution: Id | None = None
    targets: list[Id] = Field(default_factory=list)
    tasks: list[Id] = Field(default_factory=list)
    leader: Id | None = None
    team: list[Id] = Field(default_factory=list)
    starts_on: DateIn
    ends_on: DateIn | None = None


class InspectionPatch(Schema):
    """Only the fields sent change; ``targets``, ``tasks``, ``team``, when sent, replace the lists."""

    kind: KindIn | None = None
    mode: ModeIn | None = None
    title: str | None = Field(None, max_length=300)
    decision_ref: str | None = Field(None, max_length=60)
    subject_unit: Id | None = None
    subject_person: Id | None = None
    planned: Id | None = None
    content: str | None = None
    resolution: Id | None = None
    targets: list[Id] | None = None
    tasks: list[Id] | None = None
    leader: Id | None = None
    team: list[Id] | None = None
    starts_on: DateIn | None = None
    ends_on: DateIn | None = None
    concluded_on: DateIn | None = None
    conclusion: str | None = None
    conclusion_ref: str | None = Field(None, max_length=60)


class FindingIn(Schema):
    kind: FindingKindIn
    text: str = ""


class ConclusionIn(Schema):
    concluded_on: DateIn
    conclusion: str = ""
    conclusion_ref: str = Field("", max_length=60, examples=["12-KL/TU"])


class RecommendationIn(Schema):
    text: str = ""
    owner_unit: Id | None = None
    owner_person: Id | None = None
    due_on: DateIn


class FollowUpIn(Schema):
    on: DateIn
    note: str = ""
    done: bool = False


class CloseIn(Schema):
    on: DateIn
    note: str = ""


class ExtendIn(Schema):
    due_on: DateIn
    note: str = ""


class ReopenIn(Schema):
    note: str = ""


class FiguresOut(Schema):
    unit: UnitRefOut
    year: int
    planned: int
    planned_done: int
    planned_started: int
    planned_percent: int | None
    inspections: int
    supervisions: int
    concluded: int
    unplanned: int
    recommendations: int
    open: int
    overdue: int
    done_waiting: int
    closed: int
    closed_on_time: int
