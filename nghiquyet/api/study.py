"""``/api/v1/study``: study plans, sessions (points, make-ups), attendance, write-ups and the figures of a subtree.

Reads go through ``study.selectors`` (scoped by ``accounts.scope``): plans read like resolutions (the user's subtree
plus what ancestors issue), sessions by their unit or one of their points, attendance and write-ups by the member's
unit. Writes go through ``study.services``: a missing role is a 403, a refusal a 422 naming the field in
Vietnamese (attendance for someone not a member of the recording unit names the person). An id in the path that is
unknown or out of scope is a 404; an id in the body that cannot be found is a 422 naming the field. Every write runs
in one transaction.
"""

import datetime as dt

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from nghiquyet.accounts.scope import unit_get_visible, units_visible
from nghiquyet.api.pagination import Page
from nghiquyet.api.plans import _body_ref, _body_refs, _Errors, _no_nulls
from nghiquyet.api.schemas import READ_ERRORS, WRITE_ERRORS, Id
from nghiquyet.api.study_schemas import (
    AttendanceIn,
    AttendanceOut,
    GapOut,
    PlanIn,
    PlanOut,
    PlanPatch,
    SessionIn,
    SessionOut,
    SessionPatch,
    UnitFiguresOut,
    WriteUpIn,
    WriteUpOut,
    WriteUpReceiveIn,
)
from nghiquyet.core.ids import get_or_404
from nghiquyet.resolutions import selectors as resolution_selectors
from nghiquyet.study import selectors, services
from nghiquyet.study.models import Attendance, SessionPoint

router = Router(tags=["study"])


def _sessions(user):
    return selectors.sessions_visible(user).prefetch_related(
        Prefetch("points", queryset=SessionPoint.objects.select_related("unit").order_by("unit__path")))


def _session(user, pk):
    return get_or_404(_sessions(user), pk, _("Không tìm thấy buổi học tập."))


# ------------------------------------------------------------------ plans


class PlanFilters(Schema):
    unit: Id | None = None
    resolution: Id | None = None


@router.get("/study/plans", response={200: list[PlanOut], **READ_ERRORS}, summary="Kế hoạch học tập, quán triệt",
            description="Kế hoạch của đơn vị trong phạm vi và của cấp trên (chỉ đọc). Lọc theo `unit` (đơn vị ban "
                        "hành), `resolution`.")
@paginate(Page)
def plans_list(request, filters: Query[PlanFilters]):
    plans = selectors.plans_visible(request.auth)
    if filters.unit is not None:
        plans = plans.filter(unit_id=filters.unit)
    if filters.resolution is not None:
        plans = plans.filter(resolution_id=filters.resolution)
    return plans.order_by("-starts_on", "id")


@router.get("/study/plans/{plan_id}", response={200: PlanOut, **READ_ERRORS}, summary="Chi tiết kế hoạch học tập")
def plan_detail(request, plan_id: Id):
    return selectors.plan_get(request.auth, plan_id)


@router.post("/study/plans", response={201: PlanOut, **WRITE_ERRORS}, summary="Lập kế hoạch học tập, quán triệt",
             description="Cần quyền cập nhật học tập tại `unit`. Nghị quyết của đơn vị hoặc của cấp trên; thời hạn "
                         "không trước ngày bắt đầu. `writeup_kind` (bài thu hoạch, kế hoạch cá nhân) và "
                         "`writeup_days`: mỗi đảng viên đã học phải nộp trong số ngày đó.")
def plan_create(request, payload: PlanIn):
    user = request.auth
    errors = _Errors()
    unit = _body_ref(lambda: unit_get_visible(user, payload.unit), "unit", errors)
    resolution = _body_ref(lambda: resolution_selectors.document_get(user, payload.resolution), "resolution", errors)
    errors.raise_if_any()
    values = payload.dict(exclude={"unit", "resolution"})
    plan = services.plan_create(actor=user, unit=unit, resolution=resolution, **values)
    return Status(201, selectors.plan_get(user, plan.pk))


@router.patch("/study/plans/{plan_id}", response={200: PlanOut, **WRITE_ERRORS},
              summary="Sửa kế hoạch học tập (chỉ các trường gửi lên)")
def plan_update(request, plan_id: Id, payload: PlanPatch):
    user = request.auth
    plan = selectors.plan_get(user, plan_id)
    values = payload.dict(exclude_unset=True)
    errors = _Errors()
    _no_nulls(values, ("symbol", "title", "form", "purpose", "content", "materials", "starts_on", "ends_on",
                       "deadline", "place", "audience", "holder_kinds", "speakers", "writeup_kind"), errors)
    errors.raise_if_any()
    services.plan_update(actor=user, plan=plan, **values)
    return selectors.plan_get(user, plan.pk)


# ------------------------------------------------------------------ sessions


@router.get("/study/plans/{plan_id}/sessions", response={200: list[SessionOut], **READ_ERRORS},
            summary="Các buổi học của kế hoạch trong phạm vi (kể cả buổi có điểm cầu trong phạm vi)")
@paginate(Page)
def plan_sessions(request, plan_id: Id):
    plan = selectors.plan_get(request.auth, plan_id)
    return _sessions(request.auth).filter(plan=plan).order_by("held_on", "id")


@router.get("/study/sessions/{session_id}", response={200: SessionOut, **READ_ERRORS}, summary="Chi tiết buổi học")
def session_detail(request, session_id: Id):
    return _session(request.auth, session_id)


@router.post("/study/sessions", response={201: SessionOut, **WRITE_ERRORS}, summary="Ghi buổi học đã tổ chức",
             description="Cần quyền cập nhật học tập tại `unit`. `points`: điểm cầu (đơn vị cấp dưới của `unit`); "
                         "`makeup_of`: buổi học được học bù (cùng kế hoạch, trước buổi này).")
def session_create(request, payload: SessionIn):
    user = request.auth
    errors = _Errors()
    plan = _body_ref(lambda: selectors.plan_get(user, payload.plan), "plan", errors)
    unit = _body_ref(lambda: unit_get_visible(user, payload.unit), "unit", errors)
    points = _body_refs(units_visible(user), payload.points, "points", errors)
    makeup_of = None
    if payload.makeup_of is not None:
        makeup_of = _body_ref(lambda: selectors.session_get(user, payload.makeup_of), "makeup_of", errors)
    errors.raise_if_any()
    session = services.session_create(actor=user, plan=plan, unit=unit, held_on=payload.held_on,
                                      place=payload.place, speakers=payload.speakers, note=payload.note,
                                      points=points, makeup_of=makeup_of)
    return Status(201, _session(user, session.pk))


@router.patch("/study/sessions/{session_id}", response={200: SessionOut, **WRITE_ERRORS},
              summary="Sửa buổi học (địa điểm, báo cáo viên, ghi chú; ngày khi chưa điểm danh) và thêm điểm cầu")
def session_update(request, session_id: Id, payload: SessionPatch):
    user = request.auth
    session = _session(user, session_id)
    errors = _Errors()
    points = _body_refs(units_visible(user), payload.add_points, "add_points", errors)
    errors.raise_if_any()
    values = payload.dict(exclude_unset=True, exclude={"add_points"})
    services.session_update(actor=user, session=session, add_points=points, **values)
    return _session(user, session.pk)


@router.delete("/study/sessions/{session_id}", response={204: None, **WRITE_ERRORS},
               summary="Xóa buổi học ghi nhầm (cùng điểm danh)",
               description="Buổi học đã có buổi học bù: 422 (xóa buổi học bù trước). Bài thu hoạch chưa nộp của "
                           "những người chỉ học ở buổi này cũng bị xóa.")
def session_delete(request, session_id: Id):
    user = request.auth
    services.session_delete(actor=user, session=_session(user, session_id))
    return Status(204, None)


# ------------------------------------------------------------------ attendance


class AttendanceFilters(Schema):
    unit: Id | None = None


@router.get("/study/sessions/{session_id}/attendance", response={200: list[AttendanceOut], **READ_ERRORS},
            summary="Điểm danh của buổi học (đảng viên trong phạm vi)",
            description="`unit`: chỉ những đảng viên do đơn vị đó (đơn vị tổ chức hoặc điểm cầu) ghi nhận.")
@paginate(Page)
def attendance_list(request, session_id: Id, filters: Query[AttendanceFilters]):
    from nghiquyet.accounts.scope import scope_filter

    user = request.auth
    session = _session(user, session_id)
    rows = scope_filter(Attendance.objects.filter(session=session), user, unit_field="member__unit")
    if filters.unit is not None:
        rows = rows.filter(unit_id=filters.unit)
    return rows.select_related("member").order_by("member__unit_id", "member__full_name", "id")


@router.put("/study/sessions/{session_id}/attendance", response={200: list[AttendanceOut], **WRITE_ERRORS},
            summary="Ghi điểm danh (có mặt, vắng có lý do, vắng không lý do)",
            description="Mỗi đảng viên phải là đảng viên của đơn vị ghi nhận vào ngày của buổi học (buổi học bù: chỉ "
                        "người vắng ở buổi chính); người khác bị từ chối (422 tại `members`, nêu tên). Cần quyền cập "
                        "nhật học tập tại đơn vị ghi nhận.")
def attendance_put(request, session_id: Id, payload: AttendanceIn):
    user = request.auth
    session = _session(user, session_id)
    unit = None
    if payload.unit is not None:
        errors = _Errors()
        unit = _body_ref(lambda: unit_get_visible(user, payload.unit), "unit", errors)
        errors.raise_if_any()
    seen: set[int] = set()
    errors = _Errors()
    for i, entry in enumerate(payload.entries):
        if entry.member in seen:
            errors.add(f"entries.{i}.member", _("Đảng viên này đã có trong danh sách."))
        seen.add(entry.member)
    errors.raise_if_any()
    saved = services.attendance_record(actor=user, session=session, unit=unit,
                                       entries={e.member: e.status for e in payload.entries},
                                       notes={e.member: e.note for e in payload.entries})
    return Attendance.objects.filter(pk__in=[a.pk for a in saved]).select_related("member").order_by(
        "member__full_name", "id")


# ------------------------------------------------------------------ write-ups


class WriteUpFilters(Schema):
    mine: bool = False
    plan: Id | None = None
    unit: Id | None = None
    state: str = ""


@router.get("/study/writeups", response={200: list[WriteUpOut], **READ_ERRORS},
            summary="Bài thu hoạch, kế hoạch cá nhân của đảng viên trong phạm vi",
            description="`mine=true`: bài của chính người dùng (là đảng viên). Lọc theo `plan`, `unit` (cả cây đơn "
                        "vị), `state`: `received`, `waiting` (chưa nộp), `overdue` (quá hạn).")
@paginate(Page)
def writeups_list(request, filters: Query[WriteUpFilters]):
    user = request.auth
    writeups = selectors.my_writeups(user) if filters.mine else selectors.writeups_visible(user)
    if filters.plan is not None:
        writeups = writeups.filter(plan_id=filters.plan)
    if filters.unit is not None:
        unit = unit_get_visible(user, filters.unit)
        writeups = writeups.filter(unit__path__under=unit.path)
    today = timezone.localdate()
    if filters.state == "received":
        writeups = writeups.filter(received_on__isnull=False)
    elif filters.state == "waiting":
        writeups = writeups.filter(received_on__isnull=True)
    elif filters.state == "overdue":
        writeups = writeups.filter(received_on__isnull=True, due_on__lt=today).exclude(
            selectors.writeup_dropped_q(today))
    return writeups.order_by("due_on", "id")


@router.post("/study/writeups", response={201: WriteUpOut, **WRITE_ERRORS},
             summary="Giao bài thu hoạch cho một đảng viên (ngoài những bài tự phát sinh khi điểm danh có mặt)",
             description="Ví dụ đảng viên được cấp ủy cho tự nghiên cứu. Cần quyền cập nhật học tập tại đơn vị của "
                         "đảng viên; đảng viên phải thuộc đối tượng của kế hoạch.")
def writeup_create(request, payload: WriteUpIn):
    from nghiquyet.members.selectors import member_get

    user = request.auth
    errors = _Errors()
    plan = _body_ref(lambda: selectors.plan_get(user, payload.plan), "plan", errors)
    member = _body_ref(lambda: member_get(user=user, member_id=payload.member), "member", errors)
    errors.raise_if_any()
    writeup = services.writeup_create(actor=user, plan=plan, member=member, due_on=payload.due_on,
                                      kind=payload.kind)
    return Status(201, selectors.writeup_get(user, writeup.pk))


@router.post("/study/writeups/{writeup_id}/receive", response={200: WriteUpOut, **WRITE_ERRORS},
             summary="Ghi nhận bài thu hoạch đã nộp (ngày nhận và nội dung)",
             description="Người giữ hồ sơ học tập của đơn vị ghi ngày nhận; đảng viên tự nộp bài của mình thì ngày "
                         "nhận là hôm nay.")
def writeup_receive(request, writeup_id: Id, payload: WriteUpReceiveIn):
    user = request.auth
    writeup = selectors.writeup_get(user, writeup_id)
    services.writeup_receive(actor=user, writeup=writeup, received_on=payload.received_on, text=payload.text)
    return selectors.writeup_get(user, writeup.pk)


# ------------------------------------------------------------------ figures


class OnFilter(Schema):
    on: dt.date | None = None


@router.get("/study/units/{unit_id}/figures", response={200: UnitFiguresOut, **READ_ERRORS},
            summary="Số liệu học tập của cây đơn vị: % đảng viên đã học từng nghị quyết, buổi học so với thời hạn, "
                    "bài thu hoạch; một dòng cho mỗi đơn vị trực thuộc",
            description="`on`: tính đến ngày (mặc định hôm nay).")
def unit_figures(request, unit_id: Id, filters: Query[OnFilter]):
    user = request.auth
    unit = unit_get_visible(user, unit_id)
    return selectors.unit_figures(user=user, unit=unit, on=filters.on or timezone.localdate())


@router.get("/study/units/{unit_id}/gaps", response={200: list[GapOut], **READ_ERRORS},
            summary="Chỗ hổng trong học tập: quá thời hạn mà chưa đủ 100% đảng viên đã học, hoặc bài thu hoạch quá "
                    "hạn; xấu nhất trước")
def unit_gaps(request, unit_id: Id, filters: Query[OnFilter]):
    user = request.auth
    unit = unit_get_visible(user, unit_id)
    return selectors.study_gaps(user=user, unit=unit, on=filters.on or timezone.localdate())
