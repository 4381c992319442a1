"""Schemas of ``/api/v1/briefings`` (the digest of ``nghiquyet.briefings.selectors.briefing_for``)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from nghiquyet.api.plans_schemas import DateIn, DecimalOut
from nghiquyet.api.reporting_schemas import PeriodOut
from nghiquyet.api.schemas import Id, UnitRefOut


class BriefingQuery(Schema):
    unit: Id
    window: str = Field("week", max_length=10, description="week (tuần, thứ Hai – Chủ nhật), month hoặc quarter")
    day: DateIn | None = Field(None, description="Một ngày bất kỳ trong kỳ; mặc định hôm nay")


class PersonRefOut(Schema):
    id: int
    full_name: str
    position: str


class CountOut(Schema):
    section: str = Field(..., description="tasks, targets, reports, recommendations, study")
    label: str
    count: int


class TaskLineOut(Schema):
    id: int
    title: str
    unit: UnitRefOut
    program_id: int
    due_date: dt.date
    percent: int
    status: str
    overdue: bool = Field(..., description="Quá hạn (nếu không: có nguy cơ chậm)")
    days: int = Field(..., description="Số ngày quá hạn, hoặc số ngày còn lại")
    responsible: PersonRefOut | None
    directing: PersonRefOut | None


class TasksOut(Schema):
    overdue: int
    at_risk: int
    at_risk_days: int
    at_risk_percent: int
    lines: list[TaskLineOut]


class TargetLineOut(Schema):
    id: int
    number: str
    name: str
    measure: str
    status: str
    status_label: str
    actual: DecimalOut | None
    plan: DecimalOut | None
    pct_of_milestone: DecimalOut | None


class TargetsOut(Schema):
    period: PeriodOut | None
    evaluated: int
    off_track: int
    at_risk: int
    lines: list[TargetLineOut]


class ReportLineOut(Schema):
    unit: UnitRefOut
    schedule_id: int
    schedule: str
    due: dt.date
    state: str
    state_label: str
    submission_id: int | None


class ReportsBlockOut(Schema):
    period: PeriodOut
    expected: int
    missing: int
    late: int
    lines: list[ReportLineOut]


class RecommendationLineOut(Schema):
    id: int
    text: str
    inspection_id: int
    inspection: str
    owner_unit: UnitRefOut | None
    owner_person: PersonRefOut | None
    due_on: dt.date | None
    overdue: bool


class RecommendationsOut(Schema):
    available: bool = Field(..., description="false: chưa có dữ liệu kiểm tra, giám sát")
    open: int
    overdue: int
    lines: list[RecommendationLineOut]


class StudyGapOut(Schema):
    plan_id: int
    plan: str
    resolution: str
    deadline: dt.date | None
    unit: UnitRefOut
    members: int
    studied: int
    percent: DecimalOut | None
    writeups_overdue: int


class StudyOut(Schema):
    available: bool = Field(..., description="false: chưa có dữ liệu học tập, quán triệt")
    units: int
    gaps: list[StudyGapOut]


class BriefingOut(Schema):
    unit: UnitRefOut
    window: str
    label: str
    start: dt.date
    end: dt.date
    on: dt.date = Field(..., description="Số liệu tính đến ngày này (cuối kỳ, hoặc hôm nay nếu kỳ chưa kết thúc)")
    url: str = Field(..., description="Trang giao ban")
    pdf_url: str = Field(..., description="Bản PDF một trang A4")
    counts: list[CountOut]
    tasks: TasksOut
    targets: TargetsOut
    reports: list[ReportsBlockOut]
    recommendations: RecommendationsOut
    study: StudyOut
