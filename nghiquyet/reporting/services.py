"""Writes for progress reporting: schedules, the submission lifecycle, values and their evidence.

Lifecycle: draft → submitted → accepted, or → returned (with a comment) → submitted again; a superior may
reopen an accepted submission (it goes back to returned). Every save checks the version the user loaded, so a
second person saving the same form sees a conflict instead of overwriting the first. Values enter the rollups
in the same transaction as the status change that makes them visible above (see ``rules.visible_statuses``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can
from nghiquyet.audit.models import AuditAction
from nghiquyet.audit.services import audit_create, audit_record, diff, snapshot
from nghiquyet.core.files import display_name, upload_problem
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.reporting import rules
from nghiquyet.reporting.models import (
    Period,
    PeriodKind,
    Schedule,
    Submission,
    SubmissionStatus,
    Value,
    ValueEvidence,
)
from nghiquyet.reporting.rollups import rate, rollup_shift, value_contribution
from nghiquyet.resolutions.models import Aggregation, Document, Target

MAX_FILES_PER_VALUE = 10
SCHEDULE_FIELDS = ["unit", "document", "name", "period_kind", "reporting_kinds", "starts_on", "ends_on", "due_days",
                   "due_days_by_kind", "grace_days", "lock_days", "is_active"]


class SubmissionConflict(ValidationError):
    """Someone else saved the form since it was loaded; nothing of this save was written."""

    def __init__(self, submission: Submission):
        self.current = submission
        who = submission.submitted_by or submission.decided_by
        super().__init__({"__all__": _(
            "Biểu mẫu vừa được người khác lưu (phiên bản %(version)s, lúc %(at)s). Số liệu bạn nhập chưa được "
            "lưu và vẫn còn trên biểu mẫu: hãy xem số liệu mới nhất rồi lưu lại."
        ) % {"version": submission.version, "at": timezone.localtime(submission.updated_at).strftime("%H:%M %d/%m/%Y")}
        })
        self.who = who


@dataclass
class Entry:
    """What a user typed for one target (numbers already parsed)."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    weight: Decimal | None = None
    note: str = ""
    files: list[UploadedFile] = field(default_factory=list)

    def is_empty(self) -> bool:
        return all(x is None for x in (self.value, self.numerator, self.denominator, self.weight))


def _require(actor, perm: str, unit: Unit, message: str) -> None:
    if not can(actor, perm, unit):
        raise PermissionDenied(message % {"unit": unit.name})


# ---------------------------------------------------------------- schedules


def _check_schedule(values: dict, errors: dict) -> None:
    kinds = values.get("reporting_kinds") or []
    if not kinds:
        errors["reporting_kinds"] = _("Chọn ít nhất một cấp báo cáo.")
    elif any(k not in UnitKind.values for k in kinds):
        errors["reporting_kinds"] = _("Cấp báo cáo không hợp lệ.")
    if values.get("period_kind") not in PeriodKind.values:
        errors["period_kind"] = _("Chọn loại kỳ báo cáo.")
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if starts and ends and ends < starts:
        errors["ends_on"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
    by_kind = values.get("due_days_by_kind") or {}
    if not isinstance(by_kind, dict) or any(
        k not in UnitKind.values or not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 366
        for k, v in by_kind.items()
    ):
        errors["due_days_by_kind"] = _("Hạn nộp theo cấp phải là số ngày (0–366) cho từng cấp hợp lệ.")
    for name in ("due_days", "grace_days", "lock_days"):
        v = values.get(name)
        if v is not None and not 0 <= v <= 366:
            errors[name] = _("Số ngày phải từ 0 đến 366.")
    lock, due = values.get("lock_days"), values.get("due_days")
    deadlines = [due, *by_kind.values()] if "due_days_by_kind" not in errors and due is not None else []
    if lock is not None and deadlines and lock < max(deadlines):
        errors["lock_days"] = _("Ngày khóa số liệu phải sau mọi hạn nộp.")


def _check_targets(unit: Unit, document: Document, targets: list[Target], errors: dict) -> None:
    if not targets:
        errors["targets"] = _("Chọn ít nhất một chỉ tiêu.")
        return
    if not unit.path.startswith(document.unit.path) and document.unit.kind != UnitKind.CENTRAL:
        errors["document"] = _("Chỉ giao báo cáo nghị quyết của đơn vị mình hoặc của cấp trên.")
    if any(t.document_id != document.pk for t in targets):
        errors["targets"] = _("Các chỉ tiêu phải thuộc nghị quyết đã chọn.")


@transaction.atomic
def schedule_create(*, actor, unit: Unit, document: Document, name: str, targets: list[Target], period_kind: str,
                    reporting_kinds: list[str], starts_on: dt.date, ends_on: dt.date, due_days: int = 10,
                    due_days_by_kind: dict | None = None, grace_days: int = 0, lock_days: int = 45) -> Schedule:
    _require(actor, Perm.SCHEDULE_CHANGE, unit, _("Bạn không có quyền giao lịch báo cáo cho “%(unit)s”."))
    values = {"name": (name or "").strip(), "period_kind": period_kind, "reporting_kinds": list(reporting_kinds),
              "starts_on": starts_on, "ends_on": ends_on, "due_days": due_days,
              "due_days_by_kind": due_days_by_kind or {}, "grace_days": grace_days, "lock_days": lock_days}
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = _("Nhập tên lịch báo cáo.")
    _check_schedule(values, errors)
    _check_targets(unit, document, targets, errors)
    if errors:
        raise ValidationError(errors)
    schedule = Schedule.objects.create(unit=unit, document=document, **values)
    schedule.targets.set(targets)
    audit_create(actor=actor, obj=schedule, fields=SCHEDULE_FIELDS, unit=unit)
    return schedule


@transaction.atomic
def schedule_update(*, actor, schedule: Schedule, targets: list[Target] | None = None, **values) -> Schedule:
    _require(actor, Perm.SCHEDULE_CHANGE, schedule.unit, _("Bạn không có quyền sửa lịch báo cáo của “%(unit)s”."))
    unknown = set(values) - set(SCHEDULE_FIELDS) - {"unit", "document"}
    if unknown or "unit" in values or "document" in values:
        raise ValidationError({"__all__": _("Không thể đổi đơn vị hoặc nghị quyết của lịch báo cáo.")})
    before = snapshot(schedule, SCHEDULE_FIELDS)
    merged = {k: getattr(schedule, k) for k in SCHEDULE_FIELDS} | values
    errors: dict[str, str] = {}
    if "name" in values:
        merged["name"] = (values["name"] or "").strip()
        if not merged["name"]:
            errors["name"] = _("Nhập tên lịch báo cáo.")
    _check_schedule(merged, errors)
    if targets is not None:
        _check_targets(schedule.unit, schedule.document, targets, errors)
    if errors:
        raise ValidationError(errors)
    for k, v in merged.items():
        setattr(schedule, k, v)
    schedule.save()
    changes = diff(before, snapshot(schedule, SCHEDULE_FIELDS))
    if targets is not None:
        old = sorted(schedule.targets.values_list("pk", flat=True))
        schedule.targets.set(targets)
        new = sorted(t.pk for t in targets)
        if old != new:
            changes["targets"] = [old, new]
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=schedule, unit=schedule.unit, changes=changes)
    return schedule


# ---------------------------------------------------------------- submissions


def submission_lock_reason(user, *, schedule: Schedule, unit: Unit, period: Period,
                           submission: Submission | None, today: dt.date | None = None) -> str | None:
    """Why the form cannot be edited now, in Vietnamese; None when it can."""
    today = today or timezone.localdate()
    if not rules.schedule_expects(schedule, unit, period):
        return _("Kỳ báo cáo này không nằm trong lịch báo cáo của đơn vị.")
    if unit.valid_to is not None and unit.valid_to <= today:
        return _("Đơn vị đã giải thể hoặc sáp nhập: số liệu chỉ còn để xem.")
    if not can(user, Perm.REPORT_SUBMIT, unit):
        return _("Bạn không có quyền nhập số liệu cho “%(unit)s”.") % {"unit": unit.name}
    if submission is not None and submission.status == SubmissionStatus.ACCEPTED:
        return _("Báo cáo đã được cấp trên duyệt nên đã khóa. Cần sửa, hãy đề nghị cấp trên mở lại.")
    if submission is not None and submission.status == SubmissionStatus.SUBMITTED:
        return _("Báo cáo đã gửi, đang chờ cấp trên duyệt.")
    if today < period.start:
        return _("Kỳ báo cáo chưa bắt đầu.")
    lock = rules.locks_on(schedule, period)
    if today >= lock:
        return _("Đã quá ngày khóa số liệu (%(date)s).") % {"date": lock.strftime("%d/%m/%Y")}
    return None


def _ensure_open(actor, *, schedule, unit, period, submission) -> None:
    reason = submission_lock_reason(actor, schedule=schedule, unit=unit, period=period, submission=submission)
    if reason is None:
        return
    if unit.valid_to is None and not can(actor, Perm.REPORT_SUBMIT, unit) \
            and rules.schedule_expects(schedule, unit, period):
        raise PermissionDenied(reason)  # a closed unit's form is refused as closed (422), not as forbidden
    raise ValidationError({"__all__": reason})


def _parts_problem(target: Target, entry: Entry) -> dict[str, str]:
    """Which parts a target's aggregation needs, as field errors keyed by part."""
    errors: dict[str, str] = {}
    if target.aggregation == Aggregation.RATIO:
        if entry.numerator is None:
            errors["numerator"] = _("Nhập %(name)s.") % {"name": target.numerator_name or _("tử số")}
        if entry.denominator is None:
            errors["denominator"] = _("Nhập %(name)s.") % {"name": target.denominator_name or _("mẫu số")}
        elif entry.denominator <= 0:
            errors["denominator"] = _("Mẫu số phải lớn hơn 0.")
    else:
        if entry.value is None:
            errors["value"] = _("Nhập giá trị.")
        if target.aggregation == Aggregation.WEIGHTED_MEAN:
            if entry.weight is None:
                errors["weight"] = _("Nhập %(name)s.") % {"name": target.weight_name or _("trọng số")}
            elif entry.weight < 0:
                errors["weight"] = _("Trọng số không được âm.")
    return errors


def ratio_value(target: Target, numerator: Decimal, denominator: Decimal) -> Decimal:
    """The stored figure of a ratio value (the rollups recompute the rate from the parts, never from this)."""
    return rate(target, numerator, denominator).quantize(Decimal("0.000001"))


def _value_is_total(schedule: Schedule, unit: Unit) -> bool:
    """A unit whose own subordinates also report this schedule gives its total: checked, never added."""
    return Unit.objects.filter(path__under=unit.path, kind__in=schedule.reporting_kinds).exclude(pk=unit.pk).exists()


def _bump(submission: Submission, version: int | None) -> None:
    """Take the submission at ``version`` (or any, when None) and bump it; a conflict when it moved on."""
    query = Submission.objects.filter(pk=submission.pk)
    if version is not None:
        query = query.filter(version=version)
    if not query.update(version=F("version") + 1, updated_at=timezone.now()):
        raise SubmissionConflict(Submission.objects.get(pk=submission.pk))
    submission.refresh_from_db(fields=["version", "updated_at", "status"])


def _recount(submission: Submission) -> None:
    """Put the submission's values in or out of the rollups to match its status."""
    flipped: dict[bool, list[int]] = {True: [], False: []}
    for value in submission.values.select_related("target", "target__unit"):
        counted = rules.is_counted(submission.status, is_total=value.is_total)
        if counted == value.counted:
            continue
        before = value_contribution(value)
        value.counted = counted
        flipped[counted].append(value.pk)
        rollup_shift(value=value, before=before, after=value_contribution(value))
    for counted, pks in flipped.items():
        if pks:
            Value.objects.filter(pk__in=pks).update(counted=counted)


@transaction.atomic
def submission_open(*, actor, schedule: Schedule, unit: Unit, period: Period) -> Submission:
    """The unit's submission for this schedule and period, created as a draft on first use."""
    existing = Submission.objects.filter(schedule=schedule, unit=unit, period=period).first()
    if existing is not None:
        return existing
    _ensure_open(actor, schedule=schedule, unit=unit, period=period, submission=None)
    try:
        with transaction.atomic():
            submission = Submission.objects.create(schedule=schedule, unit=unit, period=period)
    except IntegrityError:  # two people opened the form at the same instant
        return Submission.objects.get(schedule=schedule, unit=unit, period=period)
    audit_create(actor=actor, obj=submission, fields=["schedule", "unit", "period", "status"], unit=unit)
    return submission


@transaction.atomic
def submission_save(*, actor, submission: Submission, version: int | None, entries: dict[int, Entry],
                    submit: bool = False) -> Submission:
    """Save the typed values (a draft), then submit when asked. ``entries`` maps target ids of the schedule to
    what was typed; an empty entry removes the value. ``version`` is the one the form was loaded with."""
    submission = Submission.objects.select_related("schedule", "schedule__unit", "unit", "period").get(
        pk=submission.pk)
    schedule, unit, period = submission.schedule, submission.unit, submission.period
    _ensure_open(actor, schedule=schedule, unit=unit, period=period, submission=submission)
    targets = {t.pk: t for t in schedule.targets.select_related("unit")}
    errors: dict[str, str] = {}
    unknown = set(entries) - set(targets)
    if unknown:
        errors["__all__"] = _("Có chỉ tiêu không thuộc lịch báo cáo này.")
    existing = {v.target_id: v for v in submission.values.all()}
    cleaned: dict[int, Entry] = {}
    for target_id, entry in entries.items():
        if target_id in unknown:
            continue
        target = targets[target_id]
        entry.note = (entry.note or "").strip()[:2000]
        if not entry.is_empty():
            for part, message in _parts_problem(target, entry).items():
                errors[f"t{target_id}_{part}"] = message
        for upload in entry.files:
            problem = upload_problem(upload)
            if problem:
                errors[f"t{target_id}_files"] = problem
        if len(entry.files) + (existing[target_id].evidence.count() if target_id in existing else 0) \
                > MAX_FILES_PER_VALUE:
            errors[f"t{target_id}_files"] = _("Tối đa %(n)s tệp minh chứng cho mỗi chỉ tiêu.") % {
                "n": MAX_FILES_PER_VALUE}
        if entry.files and entry.is_empty():
            errors[f"t{target_id}_files"] = _("Nhập giá trị trước khi đính kèm minh chứng.")
        cleaned[target_id] = entry
    # one figure per (target, unit, period): another schedule may already carry it
    elsewhere = (Value.objects.filter(unit=unit, period=period, target_id__in=[
        pk for pk, e in cleaned.items() if not e.is_empty() and pk not in existing]).exclude(submission=submission)
        .select_related("submission__schedule"))
    for other in elsewhere:
        errors[f"t{other.target_id}_value"] = _("Chỉ tiêu này đã được báo cáo cho kỳ này trong “%(schedule)s”.") % {
            "schedule": other.submission.schedule.name}
    if submit:  # refuse before writing anything (evidence files included)
        after = {pk for pk in existing if not (pk in cleaned and cleaned[pk].is_empty())}
        after |= {pk for pk, e in cleaned.items() if not e.is_empty()}
        missing = [pk for pk in targets if pk not in after]
        if missing:
            errors.update({f"t{pk}_value": _("Chưa nhập số liệu cho chỉ tiêu này; nhập số liệu trước khi gửi.")
                           for pk in missing if f"t{pk}_value" not in errors})
            errors.setdefault("__all__", _("Còn %(n)s chỉ tiêu chưa có số liệu.") % {"n": len(missing)})
    if errors:
        raise ValidationError(errors)
    _bump(submission, version)
    is_total = _value_is_total(schedule, unit)
    changed: dict[str, list] = {}
    for target_id, entry in cleaned.items():
        target = targets[target_id]
        value = existing.get(target_id)
        if entry.is_empty():
            if value is not None:
                changed[str(target_id)] = [str(value.value), None]
                value.delete()
                existing.pop(target_id)
            continue
        if target.aggregation == Aggregation.RATIO:
            entry.value = ratio_value(target, entry.numerator, entry.denominator)
        else:
            entry.numerator = entry.denominator = None
            if target.aggregation != Aggregation.WEIGHTED_MEAN:
                entry.weight = None
        fields = {"value": entry.value, "numerator": entry.numerator, "denominator": entry.denominator,
                  "weight": entry.weight, "note": entry.note}
        if value is None:
            value = Value.objects.create(submission=submission, target=target, unit=unit, period=period,
                                         is_total=is_total, **fields)
            existing[target_id] = value
            changed[str(target_id)] = [None, str(entry.value)]
        elif any(getattr(value, k) != v for k, v in fields.items()):
            if value.value != entry.value:
                changed[str(target_id)] = [str(value.value), str(entry.value)]
            for k, v in fields.items():
                setattr(value, k, v)
            value.save()
        for upload in entry.files:
            ValueEvidence.objects.create(value=value, file=upload, name=display_name(upload), size=upload.size,
                                         uploaded_by=actor)
            changed.setdefault(f"{target_id}_evidence", [None, []])[1].append(display_name(upload))
    if changed:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=submission, unit=unit, changes=changed,
                     note=_("Cập nhật số liệu"))
    if submit:
        _submit(actor, submission, targets, existing)
    return submission


def _submit(actor, submission: Submission, targets: dict[int, Target], values: dict[int, Value]) -> None:
    from nghiquyet.reporting.quality import quality_check_submission

    if any(pk not in values for pk in targets):  # checked before any write; kept as a guard
        raise ValidationError({"__all__": _("Còn chỉ tiêu chưa có số liệu.")})
    now = timezone.now()
    before = submission.status
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = now
    submission.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    cutoff = rules.on_time_until(submission.schedule, submission.unit.kind, submission.period)
    submission.is_late = timezone.localdate(now) > cutoff
    submission.comment = submission.comment if before == SubmissionStatus.RETURNED else ""
    submission.save(update_fields=["status", "submitted_at", "submitted_by", "is_late", "comment", "updated_at"])
    _recount(submission)
    quality_check_submission(submission)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=submission, unit=submission.unit,
                 changes={"status": [before, submission.status], "is_late": [None, submission.is_late]},
                 note=_("Gửi báo cáo"))


def _ensure_superior(actor, submission: Submission) -> None:
    if not rules.may_decide(actor, submission.unit):
        raise PermissionDenied(_("Chỉ cấp trên của “%(unit)s” mới được duyệt, trả lại hoặc mở lại báo cáo này.")
                               % {"unit": submission.unit.name})


def _decide(actor, submission: Submission, version: int | None, *, allowed_from: tuple[str, ...], to: str,
            comment: str, note: str) -> Submission:
    submission = Submission.objects.select_related("unit", "unit__parent", "schedule", "period").get(
        pk=submission.pk)
    _ensure_superior(actor, submission)
    if submission.status not in allowed_from:
        raise ValidationError({"__all__": _("Báo cáo đang ở trạng thái “%(status)s”, không thể thực hiện thao tác này.")
                               % {"status": submission.get_status_display()}})
    _bump(submission, version)
    before = submission.status
    submission.status = to
    submission.decided_at = timezone.now()
    submission.decided_by = actor
    submission.comment = comment
    submission.save(update_fields=["status", "decided_at", "decided_by", "comment", "updated_at"])
    _recount(submission)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=submission, unit=submission.unit,
                 changes={"status": [before, to], **({"comment": [None, comment]} if comment else {})}, note=note)
    return submission


@transaction.atomic
def submission_accept(*, actor, submission: Submission, version: int | None = None, comment: str = "") -> Submission:
    return _decide(actor, submission, version, allowed_from=(SubmissionStatus.SUBMITTED,),
                   to=SubmissionStatus.ACCEPTED, comment=(comment or "").strip()[:2000], note=_("Duyệt báo cáo"))


def _required_comment(comment: str, message: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": message})
    return comment[:2000]


@transaction.atomic
def submission_return(*, actor, submission: Submission, comment: str, version: int | None = None) -> Submission:
    comment = _required_comment(comment, _("Ghi rõ lý do trả lại để đơn vị biết cần sửa gì."))
    return _decide(actor, submission, version, allowed_from=(SubmissionStatus.SUBMITTED,),
                   to=SubmissionStatus.RETURNED, comment=comment, note=_("Trả lại báo cáo"))


@transaction.atomic
def submission_reopen(*, actor, submission: Submission, comment: str, version: int | None = None) -> Submission:
    """A superior unlocks an accepted submission so the unit can correct it (it goes back as returned)."""
    comment = _required_comment(comment, _("Ghi rõ lý do mở lại báo cáo đã duyệt."))
    return _decide(actor, submission, version, allowed_from=(SubmissionStatus.ACCEPTED,),
                   to=SubmissionStatus.RETURNED, comment=comment, note=_("Mở lại báo cáo đã duyệt"))


@transaction.atomic
def value_evidence_delete(*, actor, evidence: ValueEvidence) -> None:
    submission = evidence.value.submission
    _ensure_open(actor, schedule=submission.schedule, unit=submission.unit, period=submission.period,
                 submission=submission)
    audit_record(actor=actor, action=AuditAction.DELETE, obj=submission, unit=submission.unit,
                 changes={f"{evidence.value.target_id}_evidence": [evidence.name, None]},
                 note=_("Xóa minh chứng"))
    evidence.file.delete(save=False)
    evidence.delete()

