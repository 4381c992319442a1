"""``/api/v1/`` inspection and supervision (kiểm tra, giám sát): annual programs and their items, inspections with
findings and conclusion, recommendations with follow-ups to closure, and the figures of a unit's subtree.

Reads go through ``oversight.selectors`` (scoped by ``accounts.scope``): programs read like what a level issues;
an inspection by the conducting unit's subtree, its subject's and its recommendations' owners; a recommendation
also by its owner. Writes go through ``oversight.services``: a missing role is a 403, a refusal a 422 naming the
field in Vietnamese. An id in the path that is unknown or out of scope is a 404; an id in the body, a 422.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from nghiquyet.accounts.scope import unit_get_visible
from nghiquyet.api.oversight_schemas import (
    CloseIn,
    ConclusionIn,
    ExtendIn,
    FiguresOut,
    FindingIn,
    FindingOut,
    FollowUpIn,
    InspectionDetailOut,
    InspectionIn,
    InspectionOut,
    InspectionPatch,
    PlannedIn,
    PlannedOut,
    ProgramDetailOut,
    ProgramIn,
    ProgramOut,
    RecommendationDetailOut,
    RecommendationIn,
    RecommendationOut,
    ReopenIn,
    UpdateOut,
)
from nghiquyet.api.pagination import Page
from nghiquyet.api.plans import _body_ref, _body_refs, _Errors, _no_nulls
from nghiquyet.api.schemas import READ_ERRORS, WRITE_ERRORS, Id
from nghiquyet.core.ids import get_or_404
from nghiquyet.oversight import selectors, services
from nghiquyet.oversight.models import Finding, PlannedInspection
from nghiquyet.programs.selectors import tasks_visible
from nghiquyet.resolutions.selectors import documents_visible, targets_visible

router = Router(tags=["oversight"])


def _today():
    return timezone.localdate()


# ------------------------------------------------------------------ programs


class ProgramFilters(Schema):
    unit: Id | None = None
    year: int | None = Field(None, ge=2000, le=2100)


def _program_out(user, pk):
    program = selectors.program_get(user, pk)
    items = list(selectors.planned_items(program))
    visible = set(selectors.inspections_visible(user).filter(planned__program=program).values_list("pk", flat=True))
    for item in items:
        item.inspection_ids = [i.pk for i in item.inspections.all() if i.pk in visible]
    program.items_out = items
    return program


@router.get("/inspection-programs", response={200: list[ProgramOut], **READ_ERRORS}, tags=["oversight"],
            summary="Chương trình kiểm tra, giám sát năm (của đơn vị trong phạm vi và của cấp trên)")
@paginate(Page)
def programs_list(request, filters: Query[ProgramFilters]):
    user = request.auth
    unit = unit_get_visible(user, filters.unit) if filters.unit is not None else None
    return selectors.programs_visible(user, unit=unit, year=filters.year).order_by("-year", "unit__path", "id")


@router.get("/inspection-programs/{program_id}", response={200: ProgramDetailOut, **READ_ERRORS},
            tags=["oversight"], summary="Chương trình kiểm tra, giám sát và các nội dung (đã thực hiện hay chưa)")
def program_detail(request, program_id: Id):
    return _program_out(request.auth, program_id)


@router.post("/inspection-programs", response={201: ProgramDetailOut, **WRITE_ERRORS}, tags=["oversight"],
             summary="Lập chương trình kiểm tra, giám sát năm (một chương trình mỗi năm cho mỗi đơn vị)")
def program_create(request, payload: ProgramIn):
    user = request.auth
    errors = _Errors()
    unit = _body_ref(lambda: unit_get_visible(user, payload.unit), "unit", errors)
    errors.raise_if_any()
    program = services.inspection_program_create(actor=user, unit=unit, year=payload.year, title=payload.title,
                                                 issued_on=payload.issued_on, symbol=payload.symbol)
    return Status(201, program_detail(request, program.pk))


@router.post("/inspection-programs/{program_id}/items", response={201: PlannedOut, **WRITE_ERRORS},
             tags=["oversight"], summary="Thêm nội dung vào chương trình")
def program_item_add(request, program_id: Id, payload: PlannedIn):
    program = selectors.program_get(request.auth, program_id)
    item = services.planned_add(actor=request.auth, program=program, **payload.dict())
    item.done, item.inspection_ids = False, []
    return Status(201, item)


@router.delete("/inspection-programs/items/{item_id}", response={204: None, **WRITE_ERRORS}, tags=["oversight"],
               summary="Xóa nội dung khỏi chương trình (khi chưa tiến hành theo nội dung đó)")
def program_item_remove(request, item_id: Id):
    user = request.auth
    item = get_or_404(PlannedInspection.objects.filter(program__in=selectors.programs_visible(user)), item_id,
                      _("Không tìm thấy."))
    services.planned_remove(actor=user, item=item)
    return Status(204, None)


# ------------------------------------------------------------------ inspections


class InspectionFilters(Schema):
    unit: Id | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    kind: str = ""
    concluded: bool | None = None
    q: str = ""


@router.get("/inspections", response={200: list[InspectionOut], **READ_ERRORS}, tags=["oversight"],
            summary="Các cuộc kiểm tra, giám sát trong phạm vi",
            description="`unit`: do đơn vị và cấp dưới tiến hành hoặc về đơn vị và cấp dưới. `q`: tìm không dấu.")
@paginate(Page)
def inspections_list(request, filters: Query[InspectionFilters]):
    user = request.auth
    unit = unit_get_visible(user, filters.unit) if filters.unit is not None else None
    return selectors.inspections_list(user, unit=unit, year=filters.year, kind=filters.kind[:20],
                                      concluded=filters.concluded, query=filters.q[:200])


def _inspection_out(user, pk):
    return get_or_404(selectors.inspections_visible(user).select_related("resolution").prefetch_related(
        "targets", "tasks", "team", "findings"), pk, _("Không tìm thấy cuộc kiểm tra, giám sát."))


@router.get("/inspections/{inspection_id}", response={200: InspectionDetailOut, **READ_ERRORS}, tags=["oversight"],
            summary="Chi tiết cuộc kiểm tra, giám sát: nội dung, đoàn, kết quả, kết luận, kiến nghị")
def inspection_detail(request, inspection_id: Id):
    return _inspection_out(request.auth, inspection_id)


def _refs(user, unit, values: dict, errors: _Errors) -> dict:
    """Ids of the body -> objects through scoped reads (unknown or out of scope: a 422 naming the field)."""
    people = selectors.subtree_people(user, unit)
    out = dict(values)
    if values.get("subject_unit") is not None:
        out["subject_unit"] = _body_ref(lambda: unit_get_visible(user, values["subject_unit"]), "subject_unit", errors)
    if values.get("subject_person") is not None:
        out["subject_person"] = _body_ref(lambda: get_or_404(people, values["subject_person"], ""),
                                          "subject_person", errors)
    if values.get("planned") is not None:
        out["planned"] = _body_ref(lambda: get_or_404(PlannedInspection.objects.filter(program__unit=unit).
                                                      select_related("program"), values["planned"], ""),
                                   "planned", errors)
    if values.get("resolution") is not None:
        out["resolution"] = _body_ref(lambda: get_or_404(documents_visible(user), values["resolution"], ""),
                                      "resolution", errors)
    team_people = selectors.team_people(user, unit)
    if values.get("leader") is not None:
        out["leader"] = _body_ref(lambda: get_or_404(team_people, values["leader"], ""), "leader", errors)
    if values.get("targets") is not None:
        out["targets"] = _body_refs(targets_visible(user), values["targets"], "targets", errors)
    if values.get("tasks") is not None:
        out["tasks"] = _body_refs(tasks_visible(user), values["tasks"], "tasks", errors)
    if values.get("team") is not None:
        out["team"] = _body_refs(team_people, values["team"], "team", errors)
    return out


@router.post("/inspections", response={201: InspectionDetailOut, **WRITE_ERRORS}, tags=["oversight"],
             summary="Tạo cuộc kiểm tra, giám sát",
             description="Đối tượng: đúng một trong `subject_unit` (tổ chức đảng thuộc phạm vi đơn vị tiến hành) và "
                         "`subject_person`. Ngày nhận dạng 2026-05-11 hoặc 11/05/2026.")
def inspection_create(request, payload: InspectionIn):
    user = request.auth
    errors = _Errors()
    unit = _body_ref(lambda: unit_get_visible(user, payload.unit), "unit", errors)
    errors.raise_if_any()
    values = _refs(user, unit, payload.dict(exclude={"unit"}), errors)
    errors.raise_if_any()
    inspection = services.inspection_create(actor=user, unit=unit, **values)
    return Status(201, _inspection_out(user, inspection.pk))


@router.patch("/inspections/{inspection_id}", response={200: InspectionDetailOut, **WRITE_ERRORS},
              tags=["oversight"], summary="Sửa cuộc kiểm tra, giám sát (chỉ các trường gửi lên)")
def inspection_update(request, inspection_id: Id, payload: InspectionPatch):
    user = request.auth
    inspection = selectors.inspection_get(user, inspection_id)
    errors = _Errors()
    values = payload.dict(exclude_unset=True)
    _no_nulls(values, ("kind", "mode", "title", "decision_ref", "content", "starts_on", "conclusion",
                       "conclusion_ref", "targets", "tasks", "team"), errors)
    errors.raise_if_any()
    values = _refs(user, inspection.unit, values, errors)
    errors.raise_if_any()
    services.inspection_update(actor=user, inspection=inspection, targets=values.pop("targets", None),
                               tasks=values.pop("tasks", None), team=values.pop("team", None), **values)
    return _inspection_out(user, inspection.pk)


@router.delete("/inspections/{inspection_id}", response={204: None, **WRITE_ERRORS}, tags=["oversight"],
               summary="Xóa cuộc kiểm tra, giám sát nhập nhầm (chỉ khi chưa có kết luận và kiến nghị)")
def inspection_delete(request, inspection_id: Id):
    user = request.auth
    services.inspection_delete(actor=user, inspection=selectors.inspection_get(user, inspection_id))
    return Status(204, None)


@router.post("/inspections/{inspection_id}/findings", response={201: FindingOut, **WRITE_ERRORS},
             tags=["oversight"], summary="Ghi một kết quả kiểm tra, giám sát (ưu điểm, hạn chế, vi phạm)")
def finding_add(request, inspection_id: Id, payload: FindingIn):
    inspection = selectors.inspection_get(request.auth, inspection_id)
    return Status(201, services.finding_add(actor=request.auth, inspection=inspection, kind=payload.kind,
                                            text=payload.text))


@router.delete("/findings/{finding_id}", response={204: None, **WRITE_ERRORS}, tags=["oversight"],
               summary="Xóa một kết quả kiểm tra, giám sát")
def finding_remove(request, finding_id: Id):
    user = request.auth
    finding = get_or_404(Finding.objects.filter(inspection__in=selectors.inspections_visible(user)), finding_id,
                         _("Không tìm thấy."))
    services.finding_remove(actor=user, finding=finding)
    return Status(204, None)


@router.post("/inspections/{inspection_id}/conclusion", response={200: InspectionDetailOut, **WRITE_ERRORS},
             tags=["oversight"], summary="Ghi kết luận (một lần; sửa bằng PATCH)")
def inspection_conclude(request, inspection_id: Id, payload: ConclusionIn):
    user = request.auth
    inspection = selectors.inspection_get(user, inspection_id)
    services.inspection_conclude(actor=user, inspection=inspection, **payload.dict())
    return _inspection_out(user, inspection.pk)


# ------------------------------------------------------------------ recommendations


@router.post("/inspections/{inspection_id}/recommendations", response={201: RecommendationDetailOut, **WRITE_ERRORS},
             tags=["oversight"], summary="Thêm kiến nghị: đơn vị và/hoặc người thực hiện, thời hạn")
def recommendation_add(request, inspection_id: Id, payload: RecommendationIn):
    user = request.auth
    inspection = selectors.inspection_get(user, inspection_id)
    errors = _Errors()
    owner_unit = owner_person = None
    if payload.owner_unit is not None:
        owner_unit = _body_ref(lambda: unit_get_visible(user, payload.owner_unit), "owner_unit", errors)
    if payload.owner_person is not None:
        owner_person = _body_ref(lambda: get_or_404(selectors.subtree_people(user, inspection.unit),
                                                    payload.owner_person, ""), "owner_person", errors)
    errors.raise_if_any()
    recommendation = services.recommendation_add(actor=user, inspection=inspection, text=payload.text,
                                                 due_on=payload.due_on, owner_unit=owner_unit,
                                                 owner_person=owner_person)
    return Status(201, selectors.recommendation_get(user, recommendation.pk))


class RecommendationFilters(Schema):
    unit: Id | None = None
    state: str = ""


@router.get("/recommendations", response={200: list[RecommendationOut], **READ_ERRORS}, tags=["oversight"],
            summary="Kiến nghị trong phạm vi; quá hạn trước, rồi theo thời hạn",
            description="`unit`: do đơn vị và cấp dưới thực hiện hoặc từ các cuộc do đơn vị và cấp dưới tiến hành. "
                        "`state`: open (chưa kết thúc), overdue (quá hạn), done (chờ kết thúc theo dõi), closed.")
@paginate(Page)
def recommendations_list(request, filters: Query[RecommendationFilters]):
    user = request.auth
    unit = unit_get_visible(user, filters.unit) if filters.unit is not None else None
    state = filters.state if filters.state in selectors.State.ALL else ""
    return selectors.recommendations_list(user, unit=unit, on=_today(), state=state)


@router.get("/recommendations/{recommendation_id}", response={200: RecommendationDetailOut, **READ_ERRORS},
            tags=["oversight"], summary="Chi tiết kiến nghị và các lần cập nhật kết quả thực hiện")
def recommendation_detail(request, recommendation_id: Id):
    return selectors.recommendation_get(request.auth, recommendation_id)


@router.post("/recommendations/{recommendation_id}/updates", response={201: UpdateOut, **WRITE_ERRORS},
             tags=["oversight"], summary="Cập nhật kết quả thực hiện kiến nghị (người, đơn vị thực hiện)",
             description="`done=true`: báo cáo đã hoàn thành; đơn vị tiến hành kết thúc theo dõi.")
def recommendation_follow_up(request, recommendation_id: Id, payload: FollowUpIn):
    user = request.auth
    recommendation = selectors.recommendation_get(user, recommendation_id)
    return Status(201, services.recommendation_follow_up(actor=user, recommendation=recommendation, **payload.dict()))


@router.post("/recommendations/{recommendation_id}/close", response={200: RecommendationDetailOut, **WRITE_ERRORS},
             tags=["oversight"], summary="Kết thúc theo dõi kiến nghị đã hoàn thành (đơn vị tiến hành)")
def recommendation_close(request, recommendation_id: Id, payload: CloseIn):
    user = request.auth
    recommendation = selectors.recommendation_get(user, recommendation_id)
    services.recommendation_close(actor=user, recommendation=recommendation, **payload.dict())
    return selectors.recommendation_get(user, recommendation.pk)


@router.post("/recommendations/{recommendation_id}/extend", response={200: RecommendationDetailOut, **WRITE_ERRORS},
             tags=["oversight"], summary="Gia hạn kiến nghị (đơn vị tiến hành), có lý do")
def recommendation_extend(request, recommendation_id: Id, payload: ExtendIn):
    user = request.auth
    recommendation = selectors.recommendation_get(user, recommendation_id)
    services.recommendation_extend(actor=user, recommendation=recommendation, due_on=payload.due_on,
                                   note=payload.note)
    return selectors.recommendation_get(user, recommendation.pk)


@router.post("/recommendations/{recommendation_id}/reopen", response={200: RecommendationDetailOut, **WRITE_ERRORS},
             tags=["oversight"], summary="Chưa chấp nhận kết quả: trả lại kiến nghị (đơn vị tiến hành)")
def recommendation_reopen(request, recommendation_id: Id, payload: ReopenIn):
    user = request.auth
    recommendation = selectors.recommendation_get(user, recommendation_id)
    services.recommendation_reopen(actor=user, recommendation=recommendation, note=payload.note)
    return selectors.recommendation_get(user, recommendation.pk)


# ------------------------------------------------------------------ figures


class FigureFilters(Schema):
    unit: Id
    year: int | None = Field(None, ge=2000, le=2100)


@router.get("/oversight/figures", response={200: FiguresOut, **READ_ERRORS}, tags=["oversight"],
            summary="Số liệu kiểm tra, giám sát của đơn vị và cấp dưới trong năm",
            description="Theo chương trình: nội dung đã có kết luận / tổng số; kiến nghị chưa kết thúc, quá hạn, "
                        "đã kết thúc, hoàn thành đúng hạn.")
def figures(request, filters: Query[FigureFilters]):
    user = request.auth
    unit = unit_get_visible(user, filters.unit)
    result = selectors.figures(user=user, unit=unit, year=filters.year or _today().year, on=_today())
    return {**result.__dict__, "planned_percent": result.planned_percent}
