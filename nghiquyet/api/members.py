"""``/api/v1/members``: the member register (đảng viên).

Reads go through ``members.selectors`` (scoped by ``accounts.scope``): a member whose unit is outside the
caller's scope is a 404. Writes go through ``members.services`` (``Perm.PERSON_CHANGE`` -> 403 otherwise,
``ValidationError`` -> 422 naming the field in Vietnamese). A unit named in the body that cannot be found or
is out of scope is a 422 naming that field.
"""

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from nghiquyet.accounts.scope import unit_get_visible
from nghiquyet.api.members_schemas import LeaveIn, MemberIn, MemberOut, MemberPatch, TransferIn
from nghiquyet.api.pagination import Page
from nghiquyet.api.plans import _body_ref, _Errors, _no_nulls
from nghiquyet.api.plans_schemas import DateIn
from nghiquyet.api.schemas import READ_ERRORS, WRITE_ERRORS, Id
from nghiquyet.members import selectors as member_selectors
from nghiquyet.members import services as member_services

router = Router(tags=["members"])

_EDITABLE = ("full_name", "gender", "birth_date", "card_number", "joined_party_on", "joined_unit_on", "email")


class MemberFilters(Schema):
    unit: Id | None = Field(None, description="Đơn vị (mặc định: mọi đơn vị trong phạm vi)")
    subtree: bool = Field(False, description="Cả các đơn vị trực thuộc của ``unit``")
    q: str = Field("", description="Tìm theo họ tên hoặc số thẻ, không dấu cũng được")
    on: DateIn | None = Field(None, description="Đảng viên đang sinh hoạt vào ngày này (mặc định: hôm nay)")
    include_former: bool = Field(False, description="Cả những người đã chuyển đi, thôi sinh hoạt")


@router.get("/members", response={200: list[MemberOut], **READ_ERRORS}, tags=["members"],
            summary="Danh sách đảng viên trong phạm vi (theo đơn vị, cả đơn vị trực thuộc, tìm kiếm không dấu)")
@paginate(Page)
def members_list(request, filters: Query[MemberFilters]):
    user = request.auth
    unit = unit_get_visible(user, filters.unit) if filters.unit is not None else None
    return member_selectors.members_of(user=user, unit=unit, subtree=filters.subtree, on=filters.on,
                                       query=filters.q[:200], include_former=filters.include_former)


@router.get("/members/{member_id}", response={200: MemberOut, **READ_ERRORS}, tags=["members"],
            summary="Chi tiết đảng viên")
def member_detail(request, member_id: Id):
    return member_selectors.member_get(user=request.auth, member_id=member_id)


@router.post("/members", response={201: MemberOut, **WRITE_ERRORS}, tags=["members"],
             summary="Thêm đảng viên vào danh sách của chi bộ, đảng bộ")
def member_create(request, payload: MemberIn):
    user = request.auth
    errors = _Errors()
    unit = _body_ref(lambda: unit_get_visible(user, payload.unit), "unit", errors)
    errors.raise_if_any()
    values = payload.dict()
    values.pop("unit")
    member = member_services.member_create(actor=user, unit=unit, **values)
    return Status(201, member_selectors.member_get(user=user, member_id=member.pk))


@router.patch("/members/{member_id}", response={200: MemberOut, **WRITE_ERRORS}, tags=["members"],
              summary="Sửa thông tin đảng viên (chỉ các trường gửi lên)")
def member_update(request, member_id: Id, payload: MemberPatch):
    user = request.auth
    member = member_selectors.member_get(user=user, member_id=member_id)
    errors = _Errors()
    values = payload.dict(exclude_unset=True)
    _no_nulls(values, ("full_name", "joined_unit_on"), errors)
    errors.raise_if_any()
    merged = {name: getattr(member, name) for name in _EDITABLE}
    merged.update({k: ("" if v is None and k in ("gender", "card_number", "email") else v)
                   for k, v in values.items()})
    member_services.member_update(actor=user, member=member, **merged)
    return member_selectors.member_get(user=user, member_id=member.pk)


@router.post("/members/{member_id}/leave", response={200: MemberOut, **WRITE_ERRORS}, tags=["members"],
             summary="Ghi nhận đảng viên thôi sinh hoạt tại đơn vị (từ ngày, lý do)")
def member_leave(request, member_id: Id, payload: LeaveIn):
    user = request.auth
    member = member_selectors.member_get(user=user, member_id=member_id)
    member_services.member_leave(actor=user, member=member, on=payload.on, reason=payload.reason)
    return member_selectors.member_get(user=user, member_id=member.pk)


@router.post("/members/{member_id}/transfer", response={201: MemberOut, **WRITE_ERRORS}, tags=["members"],
             summary="Chuyển sinh hoạt đảng đến đơn vị khác; trả về bản ghi mới tại đơn vị tiếp nhận")
def member_transfer(request, member_id: Id, payload: TransferIn):
    user = request.auth
    member = member_selectors.member_get(user=user, member_id=member_id)
    errors = _Errors()
    to_unit = _body_ref(lambda: unit_get_visible(user, payload.to_unit), "to_unit", errors)
    errors.raise_if_any()
    moved = member_services.member_transfer(actor=user, member=member, to_unit=to_unit, on=payload.on)
    return Status(201, member_selectors.member_get(user=user, member_id=moved.pk))
