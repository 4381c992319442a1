"""Schemas of ``/api/v1/`` progress reporting: schedules, submissions, values, rollups and completeness.

Numbers follow ``plans_schemas``: responses carry exact decimal strings ("1234.5") with a ``*_vn`` twin in
Vietnamese format ("1.234,5") where people read them; requests take a JSON number or a string in Vietnamese
format ("104,33", "1.234,5") or with a decimal dot. A period is named by its key ``<kind>-<year>-<number>``
(``quarter-2025-3``, ``half-2025-1``, ``year-2025-1``, ``month-2025-11``, ``nine_months-2025-1``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can
from nghiquyet.api.plans_schemas import DateIn, DecimalOut, DocumentRefOut, NumberIn, _not_bool
from nghiquyet.api.schemas import Id, UnitRefOut
from nghiquyet.core.numbers import format_vn_decimal

PeriodKindIn = Literal["month", "quarter", "half", "nine_months", "year"]
UnitKindIn = Literal["central", "province", "district", "sector_bloc", "commune", "agency", "enterprise", "branch",
                     "peoples_committee", "fatherland_front", "mass_organization"]
SubmissionStatusIn = Literal["draft", "submitted", "returned", "accepted"]

PERIOD_KEY_DESCRIPTION = ("Kỳ báo cáo dạng <loại>-<năm>-<số>: quarter-2025-3 (quý III/2025), month-2025-11, "
                          "half-2025-1 (6 tháng đầu năm), nine_months-2025-1, year-2025-1.")


def _user(context):
    request = (context or {}).get("request")
    return getattr(request, "auth", None) if request is not None else None


def _vn(value) -> str:
    return format_vn_decimal(value) if value is not None else ""


# ------------------------------------------------------------------ references


class PeriodOut(Schema):
    key: str = Field(..., description=PERIOD_KEY_DESCRIPTION)
    kind: str
    kind_label: str
    year: int
    number: int
    label: str = Field(..., description="Tên kỳ, ví dụ “Quý III/2025”, “6 tháng đầu năm 2025”")
    start: dt.date
    end: dt.date

    @staticmethod
    def resolve_key(obj) -> str:
        from nghiquyet.reporting.selectors import period_key

        return period_key(obj)

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj)


class ScheduleRefOut(Schema):
    id: int
    name: str
    unit_id: int


class ReportTargetOut(Schema):
    """A target as the report form needs it: what to enter depends on ``aggregation``."""

    id: int
    number: str
    name: str
    measure: str
    document_id: int
    unit_id: int
    aggregation: str = Field(..., description="sum, weighted_mean (value + weight), ratio (numerator + "
                                              "denominator), count_meeting, none")
    numerator_name: str
    denominator_name: str
    weight_name: str


# ------------------------------------------------------------------ schedules


class ScheduleOut(Schema):
    id: int
    unit: UnitRefOut = Field(..., description="Đơn vị giao lịch báo cáo")
    document: DocumentRefOut
    name: str
    targets: list[ReportTargetOut]
    period_kind: str
    period_kind_label: str
    reporting_kinds: list[str] = Field(..., description="Các cấp (loại đơn vị) trong phạm vi đơn vị giao phải báo cáo")
    starts_on: dt.date
    ends_on: dt.date
    due_days: int = Field(..., description="Hạn nộp: số ngày sau khi kết thúc kỳ")
    due_days_by_kind: dict[str, int] = Field(..., description="Hạn nộp riêng theo cấp: {loại đơn vị: số ngày}")
    grace_days: int = Field(..., description="Số ngày sau hạn nộp vẫn tính là đúng hạn")
    lock_days: int = Field(..., description="Khóa số liệu: số ngày sau khi kết thúc kỳ")
    is_active: bool
    can_change: bool

    @staticmethod
    def resolve_targets(obj):
        return sorted(obj.targets.all(), key=lambda t: (t.document_id, t.pk))

    @staticmethod
    def resolve_period_kind_label(obj) -> str:
        return str(obj.get_period_kind_display())

    @staticmethod
    def resolve_can_change(obj, context) -> bool:
        user = _user(context)
        return bool(user is not None and can(user, Perm.SCHEDULE_CHANGE, obj.unit))


#: A number of days (0-366); true/false is not a number.
Days = Annotated[int, BeforeValidator(_not_bool), Field(ge=0, le=366)]
#: The submission version a client loaded.
Version = Annotated[int, BeforeValidator(_not_bool), Field(ge=1, le=2**31 - 1)]


class ScheduleIn(Schema):
    unit: Id = Field(..., description="Đơn vị giao lịch báo cáo (cần quyền giao lịch báo cáo tại đơn vị này)")
    document: Id = Field(..., description="Nghị quyết của đơn vị hoặc của cấp trên")
    name: str = Field("", max_length=200)
    targets: list[Id] = Field(..., max_length=500, description="Chỉ tiêu của nghị quyết phải báo cáo")
    period_kind: PeriodKindIn
    reporting_kinds: list[UnitKindIn] = Field(..., max_length=20, description="Các cấp phải báo cáo")
    starts_on: DateIn
    ends_on: DateIn
    due_days: Days = 10
    due_days_by_kind: dict[UnitKindIn, Days] = Field(default_factory=dict,
                                                     description="Hạn nộp riêng theo cấp (số ngày sau kỳ)")
    grace_days: Days = 0
    lock_days: Days = 45


class SchedulePatch(Schema):
    """Only the fields sent change; ``targets``, when sent, replaces the list. Unit and document are fixed."""

    name: str | None = Field(None, max_length=200)
    targets: list[Id] | None = Field(None, max_length=500)
    period_kind: PeriodKindIn | None = None
    reporting_kinds: list[UnitKindIn] | None = Field(None, max_length=20)
    starts_on: DateIn | None = None
    ends_on: DateIn | None = None
    due_days: Days | None = None
    due_days_by_kind: dict[UnitKindIn, Days] | None = None
    grace_days: Days | None = None
    lock_days: Days | None = None
    is_active: bool | None = None


# ------------------------------------------------------------------ submissions


class SubmissionOut(Schema):
    id: int
    schedule: ScheduleRefOut
    unit: UnitRefOut
    period: PeriodOut
    status: str = Field(..., description="draft, submitted, returned, accepted")
    status_label: str
    version: int = Field(..., description="Gửi lại khi lưu, gửi, duyệt: phát hiện hai người cùng sửa")
    submitted_at: dt.datetime | None
    is_late: bool
    decided_at: dt.datetime | None
    comment: str = Field(..., description="Ý kiến của cấp trên khi duyệt, trả lại hoặc mở lại")
    due_on: dt.date = Field(..., description="Hạn nộp của đơn vị")
    locks_on: dt.date = Field(..., description="Ngày khóa số liệu")
    lock_reason: str | None = Field(..., description="Vì sao người dùng không sửa được báo cáo lúc này (null: "
                                                     "sửa được)")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_due_on(obj) -> dt.date:
        from nghiquyet.reporting.rules import due_on

        return due_on(obj.schedule, obj.unit.kind, obj.period)

    @staticmethod
    def resolve_locks_on(obj) -> dt.date:
        from nghiquyet.reporting.rules import locks_on

        return locks_on(obj.schedule, obj.period)

    @staticmethod
    def resolve_lock_reason(obj, context) -> str | None:
        from nghiquyet.reporting.services import submission_lock_reason

        return submission_lock_reason(_user(context), schedule=obj.schedule, unit=obj.unit, period=obj.period,
                                      submission=obj)


class FlagOut(Schema):
    id: int
    kind: str
    kind_label: str
    message: str
    explanation: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_message(obj) -> str:
        return obj.text


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    uploaded_at: dt.datetime


class EntryOut(Schema):
    """One target of the schedule: the figures entered (null when not yet), last period's value, the plan."""

    target: ReportTargetOut
    value: DecimalOut | None = Field(..., description="Giá trị (chỉ tiêu tỷ số: tính từ tử số và mẫu số)")
    value_vn: str
    numerator: DecimalOut | None
    denominator: DecimalOut | None
    weight: DecimalOut | None
    note: str
    is_total: bool = Field(..., description="Tổng tự báo cáo của đơn vị có cấp dưới cùng báo cáo: chỉ để đối "
                                            "chiếu, không cộng vào tổng hợp")
    counted: bool = Field(..., description="Đang được tính vào số liệu tổng hợp của các cấp trên")
    previous: DecimalOut | None = Field(..., description="Giá trị kỳ trước của đơn vị")
    milestone: DecimalOut | None = Field(..., description="Mốc kế hoạch của năm")
    flags: list[FlagOut] = Field(..., description="Cảnh báo chất lượng số liệu")
    evidence: list[EvidenceOut]


class SubmissionDetailOut(SubmissionOut):
    """``values`` is set on the object by the view from ``selectors.entry_rows``."""

    values: list[EntryOut]
    can_decide: bool = Field(..., description="Người dùng là cấp trên được duyệt, trả lại, mở lại")

    @staticmethod
    def resolve_values(obj):
        return obj.api_entries

    @staticmethod
    def resolve_can_decide(obj) -> bool:
        return obj.api_can_decide


class SubmissionIn(Schema):
    schedule: Id
    unit: Id = Field(..., description="Đơn vị báo cáo")
    period: str = Field(..., max_length=30, description=PERIOD_KEY_DESCRIPTION, examples=["quarter-2025-3"])


class EntryIn(Schema):
    """Figures for one target. Ratio targets: numerator and denominator; weighted means: value and weight;
    others: value. An entry with no figure removes the target's value."""

    target: Id
    value: NumberIn | None = None
    numerator: NumberIn | None = None
    denominator: NumberIn | None = None
    weight: NumberIn | None = None
    note: str = Field("", max_length=2000)


class ValuesIn(Schema):
    version: Version = Field(..., description="Phiên bản của báo cáo khi tải biểu mẫu")
    values: list[EntryIn] = Field(..., max_length=500, description="Chỉ các chỉ tiêu gửi lên được thay đổi")


class SubmitIn(Schema):
    version: Version | None = Field(None, description="Phiên bản đã tải; bỏ trống: không kiểm tra")


class DecisionIn(Schema):
    version: Version | None = Field(None, description="Phiên bản đã xem; bỏ trống: không kiểm tra")
    comment: str = Field("", max_length=2000, description="Ý kiến (bắt buộc khi trả lại hoặc mở lại)")


class ExplanationIn(Schema):
    explanation: str = Field(..., max_length=2000, description="Giải trình của đơn vị về cảnh báo")


class ConflictOut(Schema):
    detail: str
    version: int = Field(..., description="Phiên bản hiện tại của báo cáo")
    status: str
    updated_at: dt.datetime


# ------------------------------------------------------------------ values


class ValueOut(Schema):
    id: int
    submission_id: int
    target: ReportTargetOut
    unit: UnitRefOut
    period: PeriodOut
    value: DecimalOut | None
    value_vn: str
    numerator: DecimalOut | None
    denominator: DecimalOut | None
    weight: DecimalOut | None
    note: str
    is_total: bool
    counted: bool
    status: str = Field(..., description="Trạng thái của báo cáo chứa số liệu")

    @staticmethod
    def resolve_value_vn(obj) -> str:
        return _vn(obj.value)

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.submission.status


# ------------------------------------------------------------------ rollups and completeness


class AsOfOut(Schema):
    on: dt.date
    actual: DecimalOut | None
    actual_vn: str
    contributors: int


class RollupOut(Schema):
    target: ReportTargetOut
    unit: UnitRefOut
    period: PeriodOut
    actual: DecimalOut | None = Field(..., description="Số liệu tổng hợp của đơn vị (cả cấp dưới) theo cách "
                                                        "tổng hợp của chỉ tiêu")
    actual_vn: str
    contributors: int = Field(..., description="Số đơn vị có số liệu được tính")
    milestone: DecimalOut | None = Field(..., description="Mốc kế hoạch của năm")
    plan: DecimalOut | None = Field(..., description="Kế hoạch của kỳ (chỉ tiêu cộng dồn: mốc năm × phần năm đã qua)")
    pct_of_milestone: DecimalOut | None = Field(..., description="% so với mốc kế hoạch của năm")
    same_period_last_year: DecimalOut | None
    pct_same_period: DecimalOut | None = Field(..., description="% so với cùng kỳ năm trước")
    term_target: DecimalOut | None = Field(..., description="Chỉ tiêu cả nhiệm kỳ")
    pct_of_term: DecimalOut | None = Field(..., description="% so với chỉ tiêu nhiệm kỳ")
    baseline: DecimalOut | None = Field(..., description="Giá trị gốc (đầu nhiệm kỳ)")
    progress: DecimalOut | None = Field(..., description="Phần chặng đường đã đi từ giá trị gốc đến chỉ tiêu nhiệm "
                                                          "kỳ: 0 … 1 (lớn hơn 1 khi vượt)")
    projection: DecimalOut | None = Field(..., description="Dự báo đến cuối nhiệm kỳ theo xu hướng")
    status: str | None = Field(..., description="achieved, on_track, at_risk, off_track (null: chưa đủ số liệu)")
    status_label: str
    milestone_original: DecimalOut | None = Field(None, description="Mốc năm ban đầu khi mốc đã được điều chỉnh "
                                                                    "(null: không điều chỉnh)")
    milestone_adjusted_by: str = Field("", description="Quyết định điều chỉnh mốc năm, vd. “điều chỉnh theo Quyết "
                                                       "định số 1250-QĐ/TU ngày 15/07/2026”")
    term_target_original: DecimalOut | None = Field(None, description="Chỉ tiêu nhiệm kỳ ban đầu khi đã được điều "
                                                                      "chỉnh (null: không điều chỉnh)")
    term_adjusted_by: str = Field("", description="Quyết định điều chỉnh chỉ tiêu nhiệm kỳ")
    as_of: AsOfOut | None = Field(None, description="Khi hỏi as_of: số liệu tổng hợp theo cây đơn vị tại ngày đó")


class MissingUnitOut(Schema):
    id: int
    code: str
    name: str


class CompletenessOut(Schema):
    unit: UnitRefOut
    period: PeriodOut
    expected: int = Field(..., description="Số báo cáo phải nộp (lịch × đơn vị × kỳ)")
    submitted: int
    on_time: int
    late: int
    missing: int = Field(..., description="Quá hạn mà chưa nộp")
    pending: int = Field(..., description="Chưa đến hạn, đang soạn hoặc bị trả lại")
    percent_submitted: int | None
    percent_on_time: int | None
    missing_units: list[MissingUnitOut]
