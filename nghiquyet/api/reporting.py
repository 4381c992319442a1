"""``/api/v1/`` progress reporting: schedules, submissions (create, save values, submit, accept, return, reopen),
values, live rollups and completeness.

Reads go through ``reporting.selectors`` (scoped by ``accounts.scope``): schedules read like resolutions (the
user's subtree plus what ancestors issue); submissions and values only within the user's scope; a rollup needs a
readable target and a visible unit. Writes go through ``reporting.services``: a missing role is a 403, a refusal
a 422 naming the field in Vietnamese, and a save over someone else's newer save a 409 with the current version.
An id in the path that is unknown or out of scope is a 404; an id in the body that cannot be found is a 422.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from nghiquyet.accounts.scope import scope_filter, unit_get_visible
from nghiquyet.api.pagination import Page
from nghiquyet.api.plans import _body_ref, _body_refs, _Errors, _no_nulls, _number
from nghiquyet.api.plans_schemas import DateIn
from nghiquyet.api.reporting_schemas import (
    PERIOD_KEY_DESCRIPTION,
    CompletenessOut,
    ConflictOut,
    DecisionIn,
    ExplanationIn,
    FlagOut,
    RollupOut,
    ScheduleIn,
    ScheduleOut,
    SchedulePatch,
    SubmissionDetailOut,
    SubmissionIn,
    SubmissionOut,
    SubmissionStatusIn,
    SubmitIn,
    ValueOut,
    ValuesIn,
)
from nghiquyet.api.schemas import READ_ERRORS, WRITE_ERRORS, Id
from nghiquyet.core.ids import get_or_404
from nghiquyet.core.numbers import format_vn_decimal
from nghiquyet.reporting import rules
from nghiquyet.reporting import selectors as reporting_selectors
from nghiquyet.reporting import services as reporting_services
from nghiquyet.reporting.evaluation import evaluate
from nghiquyet.reporting.models import Period, Submission, Value
from nghiquyet.reporting.quality import flag_explain
from nghiquyet.reporting.rollups import rollup_as_of
from nghiquyet.reporting.services import Entry, SubmissionConflict
from nghiquyet.resolutions import selectors as resolution_selectors
from nghiquyet.resolutions.models import Target

router = Router(tags=["reporting"])

SAVE_ERRORS = {**WRITE_ERRORS, 409: ConflictOut}


# ------------------------------------------------------------------ helpers


def _period(key: str, field: str, errors: _Errors) -> Period | None:
    period = reporting_selectors.period_from_key(key.strip()) if key else None
    if period is None:
        errors.add(field, _("Kỳ báo cáo không hợp lệ. %(hint)s") % {"hint": _(
            "Ví dụ: quarter-2025-3 (quý III/2025), month-2025-11, half-2025-1, nine_months-2025-1, year-2025-1.")})
    return period


def _period_query(key: str) -> Period | None:
    """The period of a ``?period=`` filter (none when empty); a malformed key is a 422 naming ``period``."""
    if not key:
        return None
    errors = _Errors()
    period = _period(key, "period", errors)
    errors.raise_if_any()
    return period


def _conflict(exc: SubmissionConflict) -> Status:
    current = exc.current
    return Status(409, {"detail": exc.messages[0], "version": current.version, "status": current.status,
                        "updated_at": current.updated_at})


def _submission_out(user, pk) -> Submission:
    """The submission with its entries (one per target of the schedule) for ``SubmissionDetailOut``."""
    submission = get_or_404(reporting_selectors.submissions_visible(user).select_related("schedule__unit",
                                                                                         "unit__parent"),
                            pk, _("Không tìm thấy báo cáo."))
    rows = reporting_selectors.entry_rows(schedule=submission.schedule, unit=submission.unit,
                                          period=submission.period, submission=submission)
    submission.api_entries = [_entry(row) for row in rows]
    submission.api_can_decide = rules.may_decide(user, submission.unit)
    return submission


def _entry(row) -> dict:
    value = row.value
    return {
        "target": row.target,
        "value": value.value if value else None,
        "value_vn": _vn(value.value) if value else "",
        "numerator": value.numerator if value else None,
        "denominator": value.denominator if value else None,
        "weight": value.weight if value else None,
        "note": value.note if value else "",
        "is_total": value.is_total if value else False,
        "counted": value.counted if value else False,
        "previous": row.previous.value if row.previous else None,
        "milestone": row.milestone,
        "flags": row.flags,
        "evidence": row.evidence,
    }


_ENTRY_KEY = re.compile(r"^t(\d+)_(\w+)$")


def _rekey_entries(exc: ValidationError, index: dict[int, int]) -> ValidationError:
    """The service names fields ``t<target>_<part>``; the API names them after the body: ``values.<i>.<part>``
    for a target sent at position i, ``targets.<target>.<part>`` for one of the schedule's targets not sent."""
    if not hasattr(exc, "error_dict"):
        return exc
    errors: dict[str, list[str]] = {}
    for key, messages in exc.message_dict.items():
        match = _ENTRY_KEY.match(key)
        if match:
            target_id, part = int(match.group(1)), match.group(2)
            key = f"values.{index[target_id]}.{part}" if target_id in index else f"targets.{target_id}.{part}"
        errors.setdefault(key, []).extend(messages)
    return ValidationError(errors)


# ------------------------------------------------------------------ schedules


class ScheduleFilters(Schema):
    unit: Id | None = None
    document: Id | None = None
    active: bool | None = None


def _schedules(user):
    return reporting_selectors.schedules_readable(user).prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("document_id", "id")))


@router.get("/schedules", response={200: list[ScheduleOut], **READ_ERRORS}, tags=["schedules"],
            summary="Lịch báo cáo của đơn vị trong phạm vi và của cấp trên (chỉ đọc)",
            description="Lịch do đơn vị trong phạm vi hoặc cấp trên giao. Lọc theo `unit` (đơn vị giao), `document` "
                        "(nghị quyết), `active`.")
@paginate(Page)
def schedules_list(request, filters: Query[ScheduleFilters]):
    schedules = _schedules(request.auth)
    if filters.unit is not None:
        schedules = schedules.filter(unit_id=filters.unit)
    if filters.document is not None:
        schedules = schedules.filter(document_id=filters.document)
    if filters.active is not None:
        schedules = schedules.filter(is_active=filters.active)
    return schedules.order_by("unit__path", "id")


@router.get("/schedules/{schedule_id}", response={200: ScheduleOut, **READ_ERRORS}, tags=["schedules"],
            summary="Chi tiết lịch báo cáo",
            description="Lịch ngoài phạm vi đọc của người dùng: 404.")
def schedule_detail(request, schedule_id: Id):
    return reporting_selectors.schedule_get(request.auth, schedule_id)


def _schedule_targets(user, ids: list[int], errors: _Errors) -> list[Target]:
    return _body_refs(resolution_selectors.targets_visible(user), ids, "targets", errors)


@router.post("/schedules", response={201: ScheduleOut, **WRITE_ERRORS}, tags=["schedules"],
             summary="Giao lịch báo cáo: cấp nào báo cáo chỉ tiêu nào, theo kỳ nào, hạn nộp và ngày khóa số liệu",
            description="Cần quyền giao lịch báo cáo tại `unit`. `reporting_kinds`: các cấp trong phạm vi `unit` phải "
                        "báo cáo; hạn nộp, ngày khóa tính bằng số ngày sau khi kết thúc kỳ; ngày khóa phải sau mọi hạn "
                        "nộp. Ngày nhận dạng 2026-01-31 hoặc 31/01/2026.")
def schedule_create(request, payload: ScheduleIn):
    user = request.auth
    errors = _Errors()
    unit = _body_ref(lambda: unit_get_visible(user, payload.unit), "unit", errors)
    document = _body_ref(lambda: resolution_selectors.document_get(user, payload.document), "document", errors)
    targets = _schedule_targets(user, payload.targets, errors)
    errors.raise_if_any()
    schedule = reporting_services.schedule_create(
        actor=user, unit=unit, document=document, name=payload.name, targets=targets,
        period_kind=payload.period_kind, reporting_kinds=list(payload.reporting_kinds), starts_on=payload.starts_on,
        ends_on=payload.ends_on, due_days=payload.due_days, due_days_by_kind=dict(payload.due_days_by_kind),
        grace_days=payload.grace_days, lock_days=payload.lock_days)
    return Status(201, reporting_selectors.schedule_get(user, schedule.pk))


@router.patch("/schedules/{schedule_id}", response={200: ScheduleOut, **WRITE_ERRORS}, tags=["schedules"],
              summary="Sửa lịch báo cáo (chỉ các trường gửi lên; targets thay cả danh sách)",
            description="Không đổi được đơn vị giao và nghị quyết. Cần quyền giao lịch báo cáo tại đơn vị giao (403).")
def schedule_update(request, schedule_id: Id, payload: SchedulePatch):
    user = request.auth
    schedule = reporting_selectors.schedule_get(user, schedule_id)
    errors = _Errors()
    values = payload.dict(exclude_unset=True)
    _no_nulls(values, ("name", "period_kind", "reporting_kinds", "starts_on", "ends_on", "due_days",
                       "due_days_by_kind", "grace_days", "lock_days", "is_active"), errors)
    targets = values.pop("targets", None)
    if targets is not None:
        targets = _schedule_targets(user, targets, errors)
    errors.raise_if_any()
    reporting_services.schedule_update(actor=user, schedule=schedule, targets=targets, **values)
    return reporting_selectors.schedule_get(user, schedule.pk)


# ------------------------------------------------------------------ submissions


class SubmissionFilters(Schema):
    unit: Id | None = None
    subtree: bool = False
    schedule: Id | None = None
    period: str = ""
    status: SubmissionStatusIn | None = None


@router.get("/submissions", response={200: list[SubmissionOut], **READ_ERRORS}, tags=["submissions"],
            summary="Báo cáo số liệu trong phạm vi (lọc theo đơn vị, lịch, kỳ, trạng thái)",
            description=f"`unit` với `subtree=true`: cả các đơn vị cấp dưới. `period`: {PERIOD_KEY_DESCRIPTION}")
@paginate(Page)
def submissions_list(request, filters: Query[SubmissionFilters]):
    user = request.auth
    period = _period_query(filters.period[:30])
    submissions = reporting_selectors.submissions_visible(user).select_related("schedule__unit")
    if filters.unit is not None:
        unit = unit_get_visible(user, filters.unit)
        submissions = (submissions.filter(unit__path__under=unit.path) if filters.subtree
                       else submissions.filter(unit=unit))
    if filters.schedule is not None:
        submissions = submissions.filter(schedule_id=filters.schedule)
    if period is not None:
        submissions = submissions.filter(period=period)
    if filters.status is not None:
        submissions = submissions.filter(status=filters.status)
    return submissions.order_by("-period__end", "unit__path", "schedule_id", "id")


@router.get("/submissions/{submission_id}", response={200: SubmissionDetailOut, **READ_ERRORS},
            tags=["submissions"],
            summary="Chi tiết báo cáo: số liệu từng chỉ tiêu, kỳ trước, mốc kế hoạch, cảnh báo, minh chứng",
            description="`values`: mỗi chỉ tiêu của lịch một dòng (chưa nhập thì các số là null). `lock_reason`: vì "
                        "sao người dùng chưa sửa được (đã gửi, đã duyệt, quá ngày khóa, không có quyền).")
def submission_detail(request, submission_id: Id):
    return _submission_out(request.auth, submission_id)


@router.post("/submissions", response={200: SubmissionDetailOut, 201: SubmissionDetailOut, **WRITE_ERRORS},
             tags=["submissions"],
             summary="Mở báo cáo của đơn vị cho một lịch và kỳ (tạo bản nháp; đã có thì trả về báo cáo đó)",
            description="Kỳ ngoài lịch: 422 tại `period`; đơn vị không thuộc cấp phải báo cáo: 422 tại `unit`; đã quá "
                        "ngày khóa số liệu hoặc đơn vị đã giải thể: 422 (`__all__`); không có quyền nhập số liệu: 403. "
                        "Trả 201 khi tạo mới, 200 khi báo cáo đã có.")
def submission_create(request, payload: SubmissionIn):
    user = request.auth
    errors = _Errors()
    schedule = _body_ref(lambda: reporting_selectors.schedule_get(user, payload.schedule), "schedule", errors)
    unit = _body_ref(lambda: unit_get_visible(user, payload.unit), "unit", errors)
    period = _period(payload.period, "period", errors)
    if schedule is not None and period is not None and not rules.schedule_covers_period(schedule, period):
        errors.add("period", _("Kỳ báo cáo này không nằm trong lịch báo cáo (%(kind)s, từ %(start)s đến %(end)s).")
                   % {"kind": schedule.get_period_kind_display().lower(),
                      "start": schedule.starts_on.strftime("%d/%m/%Y"), "end": schedule.ends_on.strftime("%d/%m/%Y")})
    elif schedule is not None and unit is not None and period is not None \
            and not rules.schedule_expects(schedule, unit, period):
        errors.add("unit", _("Đơn vị này không phải báo cáo theo lịch này trong kỳ đã chọn."))
    errors.raise_if_any()
    existing = reporting_selectors.submission_find(schedule=schedule, unit=unit, period=period)
    submission = reporting_services.submission_open(actor=user, schedule=schedule, unit=unit, period=period)
    return Status(200 if existing else 201, _submission_out(user, submission.pk))


@router.put("/submissions/{submission_id}/values", response={200: SubmissionDetailOut, **SAVE_ERRORS},
            tags=["submissions"], summary="Lưu số liệu (bản nháp) của báo cáo",
            description="Chỉ các chỉ tiêu gửi lên thay đổi; một chỉ tiêu gửi lên không có số nào thì số liệu của "
                        "nó bị xóa. Số: số JSON hoặc chuỗi định dạng Việt Nam (“104,33”, “1.234,5”). "
                        "`version` là phiên bản đã tải: người khác đã lưu sau đó thì trả 409 kèm phiên bản hiện "
                        "tại, không ghi gì. Lỗi của từng chỉ tiêu mang tên `values.<thứ tự>.<trường>`.")
def submission_values(request, submission_id: Id, payload: ValuesIn):
    user = request.auth
    submission = reporting_selectors.submission_get(user, submission_id)
    errors = _Errors()
    schedule_targets = set(submission.schedule.targets.values_list("pk", flat=True))
    entries: dict[int, Entry] = {}
    index: dict[int, int] = {}
    for i, item in enumerate(payload.values):
        prefix = f"values.{i}"
        if item.target in index:
            errors.add(f"{prefix}.target", _("Chỉ tiêu này đã được gửi ở values.%(n)d.") % {"n": index[item.target]})
            continue
        if item.target not in schedule_targets:
            errors.add(f"{prefix}.target", _("Chỉ tiêu không thuộc lịch báo cáo này."))
            continue
        index[item.target] = i
        entries[item.target] = Entry(
            value=_number(item.value, f"{prefix}.value", errors),
            numerator=_number(item.numerator, f"{prefix}.numerator", errors),
            denominator=_number(item.denominator, f"{prefix}.denominator", errors),
            weight=_number(item.weight, f"{prefix}.weight", errors),
            note=item.note,
        )
    errors.raise_if_any()
    try:
        reporting_services.submission_save(actor=user, submission=submission, version=payload.version,
                                           entries=entries)
    except SubmissionConflict as exc:
        return _conflict(exc)
    except ValidationError as exc:
        raise _rekey_entries(exc, index) from None
    return _submission_out(user, submission.pk)


@router.post("/submissions/{submission_id}/submit", response={200: SubmissionDetailOut, **SAVE_ERRORS},
             tags=["submissions"], summary="Gửi báo cáo lên cấp trên (kiểm tra chất lượng số liệu khi gửi)",
            description="Mọi chỉ tiêu phải có số liệu (thiếu: 422 tại `targets.<id>.value`). Gửi sau hạn thì đánh dấu "
                        "muộn. `version` cũ: 409.")
def submission_submit(request, submission_id: Id, payload: SubmitIn):
    user = request.auth
    submission = reporting_selectors.submission_get(user, submission_id)
    try:
        reporting_services.submission_save(actor=user, submission=submission, version=payload.version, entries={},
                                           submit=True)
    except SubmissionConflict as exc:
        return _conflict(exc)
    except ValidationError as exc:
        raise _rekey_entries(exc, {}) from None
    return _submission_out(user, submission.pk)


def _decide(request, submission_id: int, payload: DecisionIn, service):
    user = request.auth
    submission = reporting_selectors.submission_get(user, submission_id)
    try:
        service(actor=user, submission=submission, version=payload.version, comment=payload.comment)
    except SubmissionConflict as exc:
        return _conflict(exc)
    return _submission_out(user, submission.pk)


@router.post("/submissions/{submission_id}/accept", response={200: SubmissionDetailOut, **SAVE_ERRORS},
             tags=["submissions"], summary="Cấp trên duyệt báo cáo (báo cáo đã duyệt bị khóa)",
            description="Chỉ cấp trên trực tiếp hoặc cao hơn có quyền duyệt (ngoài ra: 403). Báo cáo phải đang ở trạng "
                        "thái đã gửi. `version` cũ: 409.")
def submission_accept(request, submission_id: Id, payload: DecisionIn):
    return _decide(request, submission_id, payload, reporting_services.submission_accept)


@router.post("/submissions/{submission_id}/return", response={200: SubmissionDetailOut, **SAVE_ERRORS},
             tags=["submissions"], summary="Cấp trên trả lại báo cáo (bắt buộc ghi ý kiến)",
            description="Thiếu ý kiến: 422 tại `comment`. Đơn vị sửa rồi gửi lại. `version` cũ: 409.")
def submission_return(request, submission_id: Id, payload: DecisionIn):
    return _decide(request, submission_id, payload, reporting_services.submission_return)


@router.post("/submissions/{submission_id}/reopen", response={200: SubmissionDetailOut, **SAVE_ERRORS},
             tags=["submissions"], summary="Cấp trên mở lại báo cáo đã duyệt để đơn vị sửa (bắt buộc ghi ý kiến)",
            description="Báo cáo đã duyệt trở về trạng thái bị trả lại (ghi nhật ký); số liệu ra khỏi số tổng hợp cho "
                        "đến khi gửi lại. Thiếu ý kiến: 422 tại `comment`.")
def submission_reopen(request, submission_id: Id, payload: DecisionIn):
    return _decide(request, submission_id, payload, reporting_services.submission_reopen)


@router.post("/flags/{flag_id}/explain", response={200: FlagOut, **WRITE_ERRORS}, tags=["submissions"],
             summary="Đơn vị giải trình một cảnh báo chất lượng số liệu (cấp trên đọc khi duyệt)",
            description="Cần quyền nhập số liệu của đơn vị; báo cáo đã duyệt thì không giải trình thêm (422).")
def flag_explain_view(request, flag_id: Id, payload: ExplanationIn):
    user = request.auth
    flag = reporting_selectors.flag_get(user, flag_id)
    return flag_explain(actor=user, flag=flag, explanation=payload.explanation)


# ------------------------------------------------------------------ values


class ValueFilters(Schema):
    target: Id | None = None
    unit: Id | None = None
    period: str = ""
    counted: bool | None = None


@router.get("/values", response={200: list[ValueOut], **READ_ERRORS}, tags=["values"],
            summary="Số liệu đã nhập trong phạm vi (lọc theo chỉ tiêu, đơn vị và cấp dưới, kỳ)",
            description=f"`unit`: đơn vị và mọi đơn vị cấp dưới. `counted=true`: chỉ số liệu đang được tính vào "
                        f"tổng hợp. `period`: {PERIOD_KEY_DESCRIPTION}")
@paginate(Page)
def values_list(request, filters: Query[ValueFilters]):
    user = request.auth
    period = _period_query(filters.period[:30])
    values = scope_filter(Value.objects.select_related("submission", "target", "unit", "period"), user)
    if filters.unit is not None:
        unit = unit_get_visible(user, filters.unit)
        values = values.filter(unit__path__under=unit.path)
    if filters.target is not None:
        values = values.filter(target_id=filters.target)
    if period is not None:
        values = values.filter(period=period)
    if filters.counted is not None:
        values = values.filter(counted=filters.counted)
    return values.order_by("-period__end", "target_id", "unit__path", "id")


# ------------------------------------------------------------------ rollups and completeness


class RollupQuery(Schema):
    target: Id
    unit: Id
    period: str = Field(..., max_length=30, description=PERIOD_KEY_DESCRIPTION)
    as_of: DateIn | None = Field(None, description="Tổng hợp theo cây đơn vị tại ngày này")


def _rollup(target: Target, unit, period: Period, as_of: dt.date | None) -> dict:
    ev = evaluate(target=target, unit=unit, period=period)
    out = {name: getattr(ev, name) for name in _EVALUATION_FIELDS}
    out.update(target=target, unit=unit, period=period, contributors=ev.contributors or 0,
               actual_vn=_vn(ev.actual), status_label=str(ev.status_label), as_of=None,
               milestone_original=ev.milestone_original, term_target_original=ev.term_target_original,
               milestone_adjusted_by=ev.milestone_adjustment.label if ev.milestone_adjustment else "",
               term_adjusted_by=ev.term_adjustment.label if ev.term_adjustment else "")
    if as_of is not None:
        result = rollup_as_of(target=target, unit=unit, period=period, on=as_of)
        actual = result.actual if result is not None else None
        out["as_of"] = {"on": as_of, "actual": actual, "actual_vn": _vn(actual),
                        "contributors": result.contributors if result is not None else 0}
    return out


_EVALUATION_FIELDS = ("actual", "milestone", "plan", "pct_of_milestone", "same_period_last_year", "pct_same_period",
                      "term_target", "pct_of_term", "baseline", "progress", "projection", "status")


def _vn(number) -> str:
    return format_vn_decimal(number) if number is not None else ""


@router.get("/rollups", response={200: RollupOut, **READ_ERRORS}, tags=["rollups"],
            summary="Số liệu tổng hợp trực tiếp của một chỉ tiêu tại một đơn vị trong một kỳ, với đánh giá",
            description="Số liệu tổng hợp (cả cấp dưới, theo cách tổng hợp của chỉ tiêu), % so với mốc kế hoạch "
                        "năm, cùng kỳ năm trước và chỉ tiêu nhiệm kỳ, tiến độ, dự báo, trạng thái và số đơn vị có "
                        "số liệu. `as_of` (ngày): thêm số liệu tổng hợp theo cây đơn vị tại ngày đó. Chỉ tiêu phải "
                        f"đọc được và đơn vị phải trong phạm vi, nếu không: 404. `period`: {PERIOD_KEY_DESCRIPTION}")
def rollup_detail(request, query: Query[RollupQuery]):
    user = request.auth
    target = resolution_selectors.target_get(user, query.target)
    unit = unit_get_visible(user, query.unit)
    errors = _Errors()
    period = _period(query.period, "period", errors)
    errors.raise_if_any()
    return _rollup(target, unit, period, query.as_of)


class CompletenessQuery(Schema):
    unit: Id
    period: str = Field(..., max_length=30, description=PERIOD_KEY_DESCRIPTION)


@router.get("/completeness", response={200: CompletenessOut, **READ_ERRORS}, tags=["completeness"],
            summary="Tiến độ nộp báo cáo của đơn vị và cấp dưới trong một kỳ",
            description="Số báo cáo phải nộp (theo lịch, không theo số đã nhận), đã nộp, đúng hạn, muộn, quá hạn "
                        f"chưa nộp, đang chờ, và danh sách đơn vị chưa nộp. `period`: {PERIOD_KEY_DESCRIPTION}")
def completeness_detail(request, query: Query[CompletenessQuery]):
    user = request.auth
    unit = unit_get_visible(user, query.unit)
    errors = _Errors()
    period = _period(query.period, "period", errors)
    errors.raise_if_any()
    result = reporting_selectors.completeness(unit, period)
    missing: dict[int, object] = {}
    for row in result.rows:
        if row.state == reporting_selectors.State.MISSING:
            missing.setdefault(row.unit.pk, row.unit)
    return {
        "unit": unit, "period": period, "expected": result.expected, "submitted": result.submitted,
        "on_time": result.on_time, "late": result.late, "missing": result.missing, "pending": result.pending,
        "percent_submitted": result.percent_submitted, "percent_on_time": result.percent_on_time,
        "missing_units": list(missing.values()),
    }
