"""Schemas of ``/api/v1/`` review campaigns and review reports (sơ kết, tổng kết).

Dates are ISO (``2026-12-10``) or Vietnamese (``10/12/2026``) in requests, ISO in responses. Figures in a report
are exact decimal strings ("1234.5"), as stored in the frozen JSON.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from nghiquyet.api.plans_schemas import DateIn, DocumentRefOut
from nghiquyet.api.reporting_schemas import UnitKindIn
from nghiquyet.api.schemas import Id, UnitRefOut

ReviewKindIn = Literal["midterm", "final", "yearly"]
ReportStatusIn = Literal["draft", "submitted", "returned", "accepted"]
SectionKeyIn = Literal["results", "limitations", "causes_subjective", "causes_objective", "lessons", "solutions",
                       "proposals"]

STATES_DESCRIPTION = ("accepted (đã duyệt), on_time (đã gửi đúng hạn), late (đã gửi muộn), returned (bị trả lại), "
                      "draft (đang soạn), missing (quá hạn chưa gửi), not_due (chưa đến hạn)")


# ------------------------------------------------------------------ campaigns


class CampaignOut(Schema):
    id: int
    unit: UnitRefOut = Field(..., description="Cấp mở đợt")
    resolution: DocumentRefOut
    kind: str = Field(..., description="midterm, final, yearly")
    kind_label: str
    title: str
    period_start: dt.date
    period_end: dt.date
    deadlines: dict[str, str] = Field(..., description="Hạn nộp theo cấp: {loại đơn vị: ngày}")
    own_deadline: dt.date = Field(..., description="Hạn hoàn thành báo cáo (tổng hợp) của cấp mở đợt")
    conference_date: dt.date | None
    instructions: str
    is_closed: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class CampaignIn(Schema):
    unit: Id = Field(..., description="Cấp mở đợt (cần quyền giao lịch báo cáo tại đó)")
    resolution: Id = Field(..., description="Nghị quyết của đơn vị hoặc của cấp trên")
    kind: ReviewKindIn
    title: str = Field(..., max_length=300)
    period_start: DateIn
    period_end: DateIn
    deadlines: dict[UnitKindIn, DateIn] = Field(default_factory=dict, description="Hạn nộp theo cấp cấp dưới")
    own_deadline: DateIn
    conference_date: DateIn | None = None
    instructions: str = Field("", max_length=20000)


class CampaignPatch(Schema):
    kind: ReviewKindIn | None = None
    title: str | None = Field(None, max_length=300)
    period_start: DateIn | None = None
    period_end: DateIn | None = None
    deadlines: dict[UnitKindIn, DateIn] | None = None
    own_deadline: DateIn | None = None
    conference_date: DateIn | None = None
    instructions: str | None = Field(None, max_length=20000)


class ProgressRowOut(Schema):
    unit: UnitRefOut
    due: dt.date
    state: str = Field(..., description=STATES_DESCRIPTION)
    state_label: str
    report_id: int | None
    status: str | None
    is_late: bool
    submitted_at: dt.datetime | None
    symbol: str = Field(..., description="Số báo cáo đã cấp (“01-BC/ĐU”); rỗng khi chưa gửi")
    reviewer_id: int | None = Field(..., description="Đơn vị duyệt báo cáo (null: cấp mở đợt)")


class ProgressOut(Schema):
    campaign_id: int
    unit: UnitRefOut
    today: dt.date
    expected: int
    submitted: int = Field(..., description="Đã gửi (đúng hạn hoặc muộn), kể cả đã duyệt")
    on_time: int
    late: int
    accepted: int
    returned: int
    draft: int
    missing: int
    not_due: int
    rows: list[ProgressRowOut]


# ------------------------------------------------------------------ reports


class ReportOut(Schema):
    id: int
    campaign_id: int
    campaign_title: str
    unit: UnitRefOut
    status: str = Field(..., description="draft, submitted, returned, accepted")
    status_label: str
    version: int = Field(..., description="Gửi lại khi lưu, gửi, duyệt: phát hiện hai người cùng sửa")
    subject: str
    due: dt.date
    is_late: bool
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    comment: str
    symbol: str = Field(..., description="Số báo cáo trong sổ văn bản (“01-BC/ĐU”), rỗng khi chưa gửi")
    updated_at: dt.datetime

    # The list answers report objects; the detail answers a dict holding these values already.
    @staticmethod
    def resolve_campaign_title(obj) -> str:
        return obj["campaign_title"] if isinstance(obj, dict) else obj.campaign.title

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj["status_label"] if isinstance(obj, dict) else str(obj.get_status_display())

    @staticmethod
    def resolve_due(obj) -> dt.date:
        from nghiquyet.reviews.selectors import deadline_for

        return obj["due"] if isinstance(obj, dict) else deadline_for(obj.campaign, obj.unit)

    @staticmethod
    def resolve_symbol(obj) -> str:
        if isinstance(obj, dict):
            return obj["symbol"]
        return obj.issued.symbol if obj.issued_id else ""


class SectionOut(Schema):
    key: str
    label: str
    text: str


class ReportDetailOut(ReportOut):
    recipients: str
    sections: list[SectionOut]
    figures: dict = Field(..., description="Số liệu dự thảo (trực tiếp khi đang soạn, đã chốt khi gửi): targets, "
                                           "tasks, study, inspections, flags")
    figures_frozen: bool
    consolidation: dict | None = Field(..., description="Với đơn vị tổng hợp: số báo cáo theo tình trạng")
    can_edit: bool
    can_decide: bool
    documents: dict[str, str] = Field(..., description="Địa chỉ tải văn bản: docx, pdf, xlsx")


class ReportOpenIn(Schema):
    campaign: Id
    unit: Id


class SectionsIn(Schema):
    version: int | None = Field(None, description="Phiên bản đã tải; người khác lưu sau đó thì trả 409")
    sections: dict[SectionKeyIn, str] = Field(default_factory=dict, description="Chỉ các phần gửi lên thay đổi; "
                                              "HTML dán vào được làm sạch thành văn bản thuần")
    subject: str | None = Field(None, max_length=2000)
    recipients: str | None = Field(None, max_length=5000)


class VersionIn(Schema):
    version: int | None = None


class ReviewDecisionIn(Schema):
    version: int | None = None
    # the service refuses more than ``reviews.services.COMMENT_MAX_CHARS`` characters with a Vietnamese message
    comment: str = Field("", max_length=20000, description="Ý kiến (tối đa 2.000 ký tự; dài hơn: 422 tại `comment`)")


class ReviewConflictOut(Schema):
    detail: str
    version: int
    status: str
    updated_at: dt.datetime


class RenderJobStartedOut(Schema):
    """202: the report is too large to render during the request; the worker renders it (follow ``url``)."""
    job_id: int
    status: str = Field(description="queued, running, done hoặc failed")
    url: str = Field(description="`/api/v1/render-jobs/{id}`: tiến độ và đường dẫn tệp khi xong")
    subordinates: int = Field(description="Số đơn vị cấp dưới phải báo cáo lên (quyết định tạo tệp ngay hay nền)")
