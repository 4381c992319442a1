"""Schemas of ``/api/v1/`` target adjustments (điều chỉnh chỉ tiêu).

Numbers as in ``plans_schemas``: exact decimal strings ("80") with a ``*_vn`` twin in Vietnamese format; requests
take a JSON number or a string ("1.234,5", "1234.5"). Dates: ISO (2026-07-15) or dd/mm/yyyy.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from nghiquyet.api.plans_schemas import DateIn, DecimalOut, DocumentRefOut, NumberIn
from nghiquyet.api.schemas import Id, UnitRefOut
from nghiquyet.core.numbers import format_vn_decimal

AdjustmentFieldIn = Literal["term_target", "milestone"]
AdjustmentStatusIn = Literal["pending", "approved", "rejected", "withdrawn"]


def _vn(value) -> str:
    return format_vn_decimal(value) if value is not None else ""


class AdjustmentTargetOut(Schema):
    id: int
    number: str
    name: str
    measure: str
    unit: UnitRefOut
    document: DocumentRefOut


class AdjustmentOut(Schema):
    id: int
    target: AdjustmentTargetOut
    unit: UnitRefOut = Field(..., description="Đơn vị đề xuất (đơn vị sở hữu chỉ tiêu)")
    field: str = Field(..., description="term_target: mục tiêu cuối nhiệm kỳ; milestone: mốc của một năm")
    field_label: str
    year: int | None = Field(None, description="Năm của mốc (khi field = milestone)")
    old_value: DecimalOut = Field(..., description="Giá trị đang áp dụng khi đề xuất")
    old_value_vn: str
    new_value: DecimalOut = Field(..., description="Giá trị đề xuất")
    new_value_vn: str
    reason: str
    proposed_on: dt.date
    status: str
    status_label: str
    decision_number: str = Field(..., description="Số, ký hiệu quyết định, ví dụ 1250-QĐ/TU")
    decision_date: dt.date | None
    effective_from: dt.date | None = Field(None, description="Áp dụng cho các kỳ kết thúc từ ngày này")
    decision_note: str
    decision_label: str = Field(..., description="“điều chỉnh theo Quyết định số … ngày …” (khi đã quyết định)")

    @staticmethod
    def resolve_field_label(obj) -> str:
        return str(obj.get_field_display())

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_old_value_vn(obj) -> str:
        return _vn(obj.old_value)

    @staticmethod
    def resolve_new_value_vn(obj) -> str:
        return _vn(obj.new_value)

    @staticmethod
    def resolve_decision_label(obj) -> str:
        from nghiquyet.resolutions.selectors import adjustment_label

        if not obj.decision_number:
            return ""
        return adjustment_label(obj.decision_type, obj.decision_number, obj.decision_date)


class AdjustmentIn(Schema):
    target: Id
    unit: Id = Field(..., description="Đơn vị đề xuất: phải là đơn vị sở hữu chỉ tiêu")
    field: AdjustmentFieldIn
    year: int | None = Field(None, description="Năm của mốc, bắt buộc khi field = milestone")
    new_value: NumberIn
    reason: str = Field(..., max_length=5000)
    proposed_on: DateIn | None = Field(None, description="Ngày đề xuất (mặc định hôm nay)")


class DecisionIn(Schema):
    decision: Literal["approve", "reject"]
    decision_number: str = Field(..., max_length=80, description="Ví dụ 1250-QĐ/TU")
    decision_date: DateIn
    effective_from: DateIn | None = Field(None, description="Bắt buộc khi phê duyệt")
    note: str = Field("", max_length=5000, description="Ý kiến của cấp ủy; bắt buộc khi không phê duyệt")


class PlanLineOut(Schema):
    field: str
    year: int | None
    original: DecimalOut | None = Field(..., description="Giá trị theo nghị quyết")
    original_vn: str
    value: DecimalOut | None = Field(..., description="Giá trị đang áp dụng (sau điều chỉnh)")
    value_vn: str
    adjusted: bool
    adjustment_id: int | None
    decision_label: str = Field(..., description="“điều chỉnh theo Quyết định số … ngày …” khi đã điều chỉnh")
    effective_from: dt.date | None


class TargetPlanOut(Schema):
    target_id: int
    on: dt.date | None = Field(..., description="Ngày xét (các điều chỉnh có hiệu lực đến ngày này); rỗng: mọi "
                                                "điều chỉnh đã phê duyệt")
    term_target: PlanLineOut
    milestones: list[PlanLineOut]
