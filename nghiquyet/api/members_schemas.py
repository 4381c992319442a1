"""Schemas of ``/api/v1/members``: the member register (đảng viên)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import covers
from nghiquyet.api.plans_schemas import DateIn
from nghiquyet.api.schemas import Id, UnitRefOut
from nghiquyet.members.models import Gender, LeaveReason


class MemberOut(Schema):
    id: int
    unit: UnitRefOut
    full_name: str
    gender: str = Field(..., description="male, female hoặc rỗng")
    gender_label: str
    birth_date: dt.date | None
    birth_year: int | None
    card_number: str
    joined_party_on: dt.date | None
    joined_unit_on: dt.date = Field(..., description="Sinh hoạt tại đơn vị từ ngày")
    left_unit_on: dt.date | None = Field(..., description="Thôi sinh hoạt tại đơn vị từ ngày (null: đang sinh hoạt)")
    leave_reason: str
    leave_reason_label: str
    is_current: bool
    email: str
    person_id: int | None = Field(..., description="Cán bộ (nếu đảng viên là cán bộ của hệ thống)")
    can_change: bool = Field(..., description="Người gọi được sửa, chuyển, ghi thôi sinh hoạt")

    @staticmethod
    def resolve_gender_label(obj) -> str:
        return str(obj.get_gender_display()) if obj.gender else ""

    @staticmethod
    def resolve_birth_year(obj) -> int | None:
        return obj.birth_date.year if obj.birth_date else None

    @staticmethod
    def resolve_leave_reason_label(obj) -> str:
        return str(obj.get_leave_reason_display()) if obj.leave_reason else ""

    @staticmethod
    def resolve_can_change(obj, context) -> bool:
        request = (context or {}).get("request")
        user = getattr(request, "auth", None)
        return bool(user is not None and covers(user, Perm.PERSON_CHANGE, obj.unit))


class MemberIn(Schema):
    unit: Id = Field(..., description="Chi bộ, đảng bộ nơi đảng viên sinh hoạt")
    full_name: str = Field(..., max_length=200)
    gender: str = Field("", description=f"Một trong: {', '.join(Gender.values)} hoặc rỗng", max_length=8)
    birth_date: DateIn | None = None
    card_number: str = Field("", max_length=40)
    joined_party_on: DateIn | None = None
    joined_unit_on: DateIn
    email: str = Field("", max_length=254)


class MemberPatch(Schema):
    """Only the fields sent change; the unit changes only by ``/transfer``."""

    full_name: str | None = Field(None, max_length=200)
    gender: str | None = Field(None, max_length=8)
    birth_date: DateIn | None = None
    card_number: str | None = Field(None, max_length=40)
    joined_party_on: DateIn | None = None
    joined_unit_on: DateIn | None = None
    email: str | None = Field(None, max_length=254)


class LeaveIn(Schema):
    on: DateIn = Field(..., description="Thôi sinh hoạt từ ngày")
    reason: str = Field(..., description=f"Một trong: {', '.join(LeaveReason.values)}", max_length=16)


class TransferIn(Schema):
    to_unit: Id = Field(..., description="Đơn vị tiếp nhận")
    on: DateIn = Field(..., description="Sinh hoạt tại đơn vị mới từ ngày")
