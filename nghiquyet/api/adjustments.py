"""``/api/v1/`` target adjustments (điều chỉnh chỉ tiêu): proposals, decisions and a target's plan as adjusted.

Reads go through ``resolutions.selectors`` (a unit's own proposals in every state within the user's scope; the
approved ones of what the levels above issued). Writes go through ``resolutions.services``: a proposal for a unit
that does not own the target is a 422 naming ``unit`` and the owner; a decision dated before the proposal is a 422
on ``decision_date``; a user without the permission gets 403. Each write runs in one transaction.
"""


import datetime as dt

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from nghiquyet.accounts.scope import unit_get_visible
from nghiquyet.api.adjustments_schemas import (
    AdjustmentIn,
    AdjustmentOut,
    AdjustmentStatusIn,
    DecisionIn,
    PlanLineOut,
    TargetPlanOut,
)
from nghiquyet.api.pagination import Page
from nghiquyet.api.plans import _body_ref, _Errors, _number
from nghiquyet.api.schemas import READ_ERRORS, WRITE_ERRORS, Id
from nghiquyet.resolutions import selectors, services

router = Router(tags=["adjustments"])


class AdjustmentFilters(Schema):
    target: Id | None = None
    unit: Id | None = None
    status: AdjustmentStatusIn | None = None
    to_decide: bool = False


@router.get("/adjustments", response={200: list[AdjustmentOut], **READ_ERRORS},
            summary="Đề xuất điều chỉnh chỉ tiêu (to_decide=true: những đề xuất chờ bạn quyết định)")
@paginate(Page)
def adjustment_list(request, filters: Query[AdjustmentFilters]):
    user = request.auth
    if filters.to_decide:
        rows = selectors.adjustments_to_decide(user)
    else:
        rows = selectors.adjustments_visible(user, status=filters.status or "").order_by("-proposed_on", "-id")
    if filters.target is not None:
        rows = rows.filter(target_id=filters.target)
    if filters.unit is not None:
        rows = rows.filter(unit_id=filters.unit)
    if filters.status and filters.to_decide:
        rows = rows.filter(status=filters.status)
    return rows.select_related("target__unit", "target__document", "unit")


@router.get("/adjustments/{adjustment_id}", response={200: AdjustmentOut, **READ_ERRORS},
            summary="Chi tiết đề xuất điều chỉnh chỉ tiêu")
def adjustment_detail(request, adjustment_id: Id):
    return selectors.adjustment_get(request.auth, adjustment_id)


@router.post("/adjustments", response={201: AdjustmentOut, **WRITE_ERRORS},
             summary="Đề xuất điều chỉnh mục tiêu cuối nhiệm kỳ hoặc mốc năm của chỉ tiêu")
def adjustment_create(request, payload: AdjustmentIn):
    user = request.auth
    errors = _Errors()
    target = _body_ref(lambda: selectors.target_get(user, payload.target), "target", errors)
    unit = _body_ref(lambda: unit_get_visible(user, payload.unit), "unit", errors)
    value = _number(payload.new_value, "new_value", errors)
    errors.raise_if_any()
    adjustment = services.adjustment_propose(actor=user, target=target, unit=unit, field=payload.field,
                                             year=payload.year, new_value=value, reason=payload.reason,
                                             proposed_on=payload.proposed_on)
    return Status(201, selectors.adjustment_get(user, adjustment.pk))


@router.post("/adjustments/{adjustment_id}/decision", response={200: AdjustmentOut, **WRITE_ERRORS},
             summary="Quyết định của cấp ủy sở hữu chỉ tiêu: phê duyệt (kèm ngày áp dụng) hoặc không phê duyệt")
def adjustment_decide(request, adjustment_id: Id, payload: DecisionIn):
    user = request.auth
    adjustment = selectors.adjustment_get(user, adjustment_id)
    if payload.decision == "approve":
        services.adjustment_approve(actor=user, adjustment=adjustment, decision_number=payload.decision_number,
                                    decision_date=payload.decision_date, effective_from=payload.effective_from,
                                    note=payload.note)
    else:
        services.adjustment_reject(actor=user, adjustment=adjustment, decision_number=payload.decision_number,
                                   decision_date=payload.decision_date, note=payload.note)
    return selectors.adjustment_get(user, adjustment_id)


@router.post("/adjustments/{adjustment_id}/withdraw", response={200: AdjustmentOut, **WRITE_ERRORS},
             summary="Đơn vị đề xuất rút đề xuất đang chờ quyết định")
def adjustment_withdraw(request, adjustment_id: Id):
    user = request.auth
    adjustment = selectors.adjustment_get(user, adjustment_id)
    services.adjustment_withdraw(actor=user, adjustment=adjustment)
    return selectors.adjustment_get(user, adjustment_id)


class PlanFilters(Schema):
    on: dt.date | None = None


def _line(line) -> PlanLineOut:
    from nghiquyet.core.numbers import format_vn_decimal

    change = line.adjustment if line.adjusted else None
    return PlanLineOut(
        field=line.field, year=line.year, original=line.original, value=line.value,
        original_vn=format_vn_decimal(line.original) if line.original is not None else "",
        value_vn=format_vn_decimal(line.value) if line.value is not None else "", adjusted=line.adjusted,
        adjustment_id=change.id if change else None, decision_label=change.label if change else "",
        effective_from=change.effective_from if change else None)


@router.get("/targets/{target_id}/plan", response={200: TargetPlanOut, **READ_ERRORS},
            summary="Kế hoạch của chỉ tiêu: giá trị theo nghị quyết và giá trị đang áp dụng sau điều chỉnh "
                    "(on: theo các điều chỉnh có hiệu lực đến ngày đó)")
def target_plan(request, target_id: Id, filters: Query[PlanFilters]):
    target = selectors.target_get(request.auth, target_id)
    plan = selectors.target_plan(target, on=filters.on)
    return TargetPlanOut(target_id=target.pk, on=filters.on, term_target=_line(plan["term"]),
                         milestones=[_line(line) for line in plan["milestones"]])

