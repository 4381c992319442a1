"""Writes for review campaigns and review reports.

A campaign is opened by a unit (``Perm.SCHEDULE_CHANGE`` there) for a resolution of its own or issued above it,
with a deadline per level (unit kind) below it and its own deadline for the consolidated report. Deadlines
cascade: a level's deadline may not fall after the deadline of the level its reports go to.

A report follows the lifecycle of progress reports: draft → submitted → accepted, or → returned (with a comment)
→ submitted again; the reviewer may reopen an accepted report (it goes back as returned). Every save checks the
version the user loaded (``ReviewConflict``). A report submitted after its deadline is marked late, never refused.
Submitting freezes the drafted figures into ``report.figures``; the first submission takes the report's number
("BC") from the document register (``documents.services.document_issue``), later ones keep it and bring the
register's row up to date (title = the subject, recipients, search text); every submission queues the register's
file (rendered on the worker for that version of the report). The opener's own report has no reviewer: its
submission is final. Every write is audited.

Rules that are settings (``NGHIQUYET["REVIEWS"]``): which unit kinds open a campaign (``opening_kinds``), which
document types a campaign reviews (``reviewable_types``). A decision's comment is at most ``COMMENT_MAX_CHARS``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can
from nghiquyet.audit.models import AuditAction
from nghiquyet.audit.services import audit_create, audit_record, diff, snapshot
from nghiquyet.core.numbers import format_vn_decimal
from nghiquyet.notifications.reminders import date_vn
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.reporting.models import SubmissionStatus
from nghiquyet.resolutions.models import Document
from nghiquyet.reviews import selectors
from nghiquyet.reviews.models import Campaign, ReviewKind, ReviewReport, ReviewSection, SectionKey
from nghiquyet.reviews.narrative import clean_text

CAMPAIGN_FIELDS = ["unit", "resolution", "kind", "title", "period_start", "period_end", "deadlines", "own_deadline",
                   "conference_date", "instructions", "is_closed"]
CAMPAIGN_EDITABLE = {"kind", "title", "period_start", "period_end", "deadlines", "own_deadline", "conference_date",
                     "instructions"}
REPORT_FIELDS = ["campaign", "unit", "status", "subject"]
#: The document type code of a review report in the register.
REPORT_TYPE_CODE = "BC"
SOURCE_KIND = "review_report"
EDITABLE = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
#: The longest comment a reviewer may write when accepting, returning or reopening a report (the decision form uses
#: it as its ``max_length``); a longer one is refused, never cut.
COMMENT_MAX_CHARS = 2000


def opening_kinds() -> list[str]:
    """Unit kinds that may open a campaign (``NGHIQUYET["REVIEWS"]["OPENING_KINDS"]``)."""
    return list(settings.NGHIQUYET["REVIEWS"]["OPENING_KINDS"])


def reviewable_types() -> list[str]:
    """Document type codes a campaign may review (``NGHIQUYET["REVIEWS"]["REVIEWABLE_TYPES"]``: NQ, CT, KL)."""
    return list(settings.NGHIQUYET["REVIEWS"]["REVIEWABLE_TYPES"])


class ReviewConflict(ValidationError):
    """Someone else saved the report since it was loaded; nothing of this save was written."""

    def __init__(self, report: ReviewReport):
        self.current = report
        super().__init__({"__all__": _(
            "Báo cáo vừa được người khác lưu (phiên bản %(version)s, lúc %(at)s). Nội dung bạn nhập chưa được "
            "lưu và vẫn còn trên biểu mẫu: hãy xem bản mới nhất rồi lưu lại."
        ) % {"version": report.version, "at": timezone.localtime(report.updated_at).strftime("%H:%M %d/%m/%Y")}})


def _require(actor, perm: str, unit: Unit, message: str) -> None:
    if not can(actor, perm, unit):
        raise PermissionDenied(message % {"unit": unit.name})


# ---------------------------------------------------------------- campaigns


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _check_deadlines(unit: Unit, raw: dict, own_deadline: dt.date | None, errors: dict) -> dict[str, str]:
    """``{kind: "YYYY-MM-DD"}`` for the JSON field; errors in Vietnamese on ``deadlines``."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        errors["deadlines"] = _("Hạn nộp theo cấp không hợp lệ.")
        return {}
    out: dict[str, dt.date] = {}
    for kind, value in raw.items():
        if kind not in UnitKind.values:
            errors["deadlines"] = _("Cấp “%(kind)s” không hợp lệ.") % {"kind": str(kind)[:40]}
            return {}
        day = _as_date(value)
        if day is None:
            errors["deadlines"] = _("Hạn nộp của cấp “%(kind)s” không phải là ngày hợp lệ.") % {
                "kind": UnitKind(kind).label}
            return {}
        out[kind] = day
    if not out:
        return {}
    present = set(Unit.objects.filter(path__under=unit.path, kind__in=list(out), valid_to__isnull=True)
                  .exclude(pk=unit.pk).values_list("kind", flat=True).distinct())
    absent = [k for k in out if k not in present]
    if absent:
        errors["deadlines"] = _("Không có %(kind)s nào đang hoạt động trực thuộc %(unit)s.") % {
            "kind": UnitKind(absent[0]).label.lower(), "unit": unit.name}
        return {}
    if own_deadline is not None:
        after = [k for k, day in out.items() if day > own_deadline]
        if after:
            errors["deadlines"] = _("Hạn nộp của %(kind)s (%(day)s) không được sau hạn hoàn thành báo cáo của cấp mở "
                                    "đợt (%(own)s).") % {"kind": UnitKind(after[0]).label.lower(),
                                                        "day": date_vn(out[after[0]]), "own": date_vn(own_deadline)}
            return {}
    # A level reports to the nearest level above it that also reports: it must be due no later than that one.
    rows = list(Unit.objects.filter(path__under=unit.path, kind__in=list(out), valid_to__isnull=True)
                .exclude(pk=unit.pk).values_list("pk", "path", "kind"))
    kinds = {pk: kind for pk, _path, kind in rows}
    probe = Campaign(unit=unit, deadlines={k: d.isoformat() for k, d in out.items()})
    reviewers = selectors.reviewer_map(probe, [(pk, path) for pk, path, _kind in rows])
    for pk, reviewer in reviewers.items():
        if reviewer is None or reviewer == unit.pk:
            continue
        lower, upper = kinds[pk], kinds[reviewer]
        if out[lower] > out[upper]:
            errors["deadlines"] = _("Cấp dưới phải nộp trước cấp trên: hạn của %(lower)s (%(a)s) đang sau hạn của "
                                    "%(upper)s (%(b)s) mà nó báo cáo lên.") % {
                "lower": UnitKind(lower).label.lower(), "a": date_vn(out[lower]),
                "upper": UnitKind(upper).label.lower(), "b": date_vn(out[upper])}
            return {}
    return {k: d.isoformat() for k, d in sorted(out.items())}


def _check_campaign(unit: Unit, values: dict, errors: dict) -> None:
    values["title"] = (values.get("title") or "").strip()[:300]
    if not values["title"]:
        errors["title"] = _("Nhập tên đợt sơ kết, tổng kết.")
    if values.get("kind") not in ReviewKind.values:
        errors["kind"] = _("Chọn loại: sơ kết giữa nhiệm kỳ, tổng kết hoặc sơ kết năm.")
    start, end = _as_date(values.get("period_start")), _as_date(values.get("period_end"))
    values["period_start"], values["period_end"] = start, end
    if start is None:
        errors["period_start"] = _("Nhập ngày bắt đầu của kỳ số liệu.")
    if end is None:
        errors["period_end"] = _("Nhập ngày kết thúc của kỳ số liệu.")
    elif start is not None and end < start:
        errors["period_end"] = _("Ngày kết thúc kỳ số liệu phải từ ngày bắt đầu trở đi.")
    own = _as_date(values.get("own_deadline"))
    values["own_deadline"] = own
    if own is None:
        errors["own_deadline"] = _("Nhập hạn hoàn thành báo cáo của cấp mở đợt.")
    elif start is not None and own < start:
        errors["own_deadline"] = _("Hạn hoàn thành báo cáo không được trước ngày bắt đầu kỳ số liệu.")
    conference = values.get("conference_date")
    if conference not in (None, ""):
        conference = _as_date(conference)
        if conference is None:
            errors["conference_date"] = _("Ngày hội nghị không hợp lệ.")
        elif own is not None and conference < own:
            errors["conference_date"] = _("Ngày hội nghị không được trước hạn hoàn thành báo cáo (%(own)s).") % {
                "own": date_vn(own)}
    values["conference_date"] = conference or None
    values["instructions"] = (values.get("instructions") or "").strip()[:20000]
    values["deadlines"] = _check_deadlines(unit, values.get("deadlines") or {}, own, errors)
    if start is not None and "deadlines" not in errors:
        early = [k for k, day in values["deadlines"].items() if dt.date.fromisoformat(day) < start]
        if early:
            errors["deadlines"] = _("Hạn nộp của %(kind)s không được trước ngày bắt đầu kỳ số liệu.") % {
                "kind": UnitKind(early[0]).label.lower()}


def _check_opener(unit: Unit, errors: dict) -> None:
    if unit.kind not in opening_kinds():
        errors["unit"] = _("%(kind)s “%(unit)s” không mở được đợt sơ kết, tổng kết: chỉ cấp ủy có tổ chức đảng trực "
                           "thuộc mới mở đợt.") % {"kind": UnitKind(unit.kind).label, "unit": unit.name}


def _check_resolution(unit: Unit, resolution: Document, errors: dict) -> None:
    if resolution is None:
        errors["resolution"] = _("Chọn nghị quyết.")
    elif resolution.type_code not in reviewable_types():
        from nghiquyet.resolutions.symbols import document_types

        allowed = ", ".join(str(document_types().get(code, code)).lower() for code in reviewable_types())
        errors["resolution"] = _("Văn bản %(symbol)s là %(type)s: chỉ sơ kết, tổng kết %(allowed)s (không sơ kết "
                                 "chương trình, kế hoạch thực hiện).") % {
            "symbol": resolution.symbol, "type": str(document_types().get(resolution.type_code,
                                                                          resolution.type_code)).lower(),
            "allowed": allowed}
    elif not unit.path.startswith(resolution.unit.path) and resolution.unit.kind != UnitKind.CENTRAL:
        errors["resolution"] = _("Chỉ sơ kết, tổng kết nghị quyết của đơn vị mình hoặc của cấp trên.")


@transaction.atomic
def campaign_create(*, actor, unit: Unit, resolution: Document, kind: str, title: str, period_start: dt.date,
                    period_end: dt.date, deadlines: dict[str, dt.date], own_deadline: dt.date,
                    conference_date: dt.date | None = None, instructions: str = "") -> Campaign:
    _require(actor, Perm.SCHEDULE_CHANGE, unit, _("Bạn không có quyền mở đợt sơ kết, tổng kết cho “%(unit)s”."))
    values = {"kind": kind, "title": title, "period_start": period_start, "period_end": period_end,
              "deadlines": deadlines, "own_deadline": own_deadline, "conference_date": conference_date,
              "instructions": instructions}
    errors: dict[str, str] = {}
    _check_opener(unit, errors)
    _check_resolution(unit, resolution, errors)
    _check_campaign(unit, values, errors)
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(unit=unit, resolution=resolution,
                                       created_by=actor if getattr(actor, "is_authenticated", False) else None,
                                       **values)
    audit_create(actor=actor, obj=campaign, fields=CAMPAIGN_FIELDS, unit=unit)
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, **fields) -> Campaign:
    campaign = Campaign.objects.select_related("unit", "resolution").select_for_update().get(pk=campaign.pk)
    _require(actor, Perm.SCHEDULE_CHANGE, campaign.unit,
             _("Bạn không có quyền sửa đợt sơ kết, tổng kết của “%(unit)s”."))
    unknown = set(fields) - CAMPAIGN_EDITABLE
    if unknown:
        raise ValidationError({"__all__": _("Không thể đổi đơn vị mở đợt hoặc nghị quyết của đợt sơ kết, tổng kết.")})
    if campaign.is_closed:
        raise ValidationError({"__all__": _("Đợt sơ kết, tổng kết đã kết thúc, không sửa được nữa.")})
    before = snapshot(campaign, CAMPAIGN_FIELDS)
    values = {k: getattr(campaign, k) for k in CAMPAIGN_EDITABLE} | fields
    errors: dict[str, str] = {}
    _check_campaign(campaign.unit, values, errors)
    if errors:
        raise ValidationError(errors)
    for k, v in values.items():
        setattr(campaign, k, v)
    campaign.save()
    changes = diff(before, snapshot(campaign, CAMPAIGN_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=campaign, unit=campaign.unit, changes=changes)
    return campaign


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    """End the campaign: reports can no longer be opened, edited or submitted (decisions still can)."""
    campaign = Campaign.objects.select_related("unit").select_for_update().get(pk=campaign.pk)
    _require(actor, Perm.SCHEDULE_CHANGE, campaign.unit,
             _("Bạn không có quyền kết thúc đợt sơ kết, tổng kết của “%(unit)s”."))
    if not campaign.is_closed:
        campaign.is_closed = True
        campaign.save(update_fields=["is_closed"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=campaign, unit=campaign.unit,
                     changes={"is_closed": [False, True]}, note=_("Kết thúc đợt sơ kết, tổng kết"))
    return campaign


# ---------------------------------------------------------------- reports


def _ensure_open_campaign(campaign: Campaign) -> None:
    if campaign.is_closed:
        raise ValidationError({"__all__": _("Đợt sơ kết, tổng kết đã kết thúc: không soạn, sửa hoặc gửi báo cáo "
                                            "được nữa.")})


def _ensure_writer(actor, report: ReviewReport) -> None:
    _require(actor, Perm.REPORT_SUBMIT, report.unit, _("Bạn không có quyền soạn báo cáo của “%(unit)s”."))
    _ensure_open_campaign(report.campaign)
    if report.status == SubmissionStatus.ACCEPTED:
        raise ValidationError({"__all__": _("Báo cáo đã được cấp trên duyệt nên đã khóa.")})
    if report.status == SubmissionStatus.SUBMITTED:
        raise ValidationError({"__all__": _("Báo cáo đã gửi, không sửa được nữa.") if report.unit_id
                               == report.campaign.unit_id else _("Báo cáo đã gửi, đang chờ cấp trên duyệt.")})


def _bump(report: ReviewReport, version: int | None) -> None:
    query = ReviewReport.objects.filter(pk=report.pk)
    if version is not None:
        query = query.filter(version=version)
    if not query.update(version=F("version") + 1, updated_at=timezone.now()):
        raise ReviewConflict(ReviewReport.objects.get(pk=report.pk))
    report.refresh_from_db(fields=["version", "updated_at", "status"])


def _load(report: ReviewReport) -> ReviewReport:
    """The report, locked until the transaction ends: two submissions at the same instant run one after the other
    (the second sees the first's status), so a report never takes two numbers."""
    return (ReviewReport.objects.select_related("campaign", "campaign__unit", "campaign__resolution", "unit",
                                                "unit__parent", "issued")
            .select_for_update(of=("self",)).get(pk=report.pk))


@transaction.atomic
def review_report_open(*, actor, campaign: Campaign, unit: Unit) -> ReviewReport:
    """The unit's report in the campaign, created as a draft on first use (with the default subject)."""
    campaign = Campaign.objects.select_related("unit", "resolution").get(pk=campaign.pk)
    existing = ReviewReport.objects.filter(campaign=campaign, unit=unit).first()
    if existing is not None:
        return existing
    _require(actor, Perm.REPORT_SUBMIT, unit, _("Bạn không có quyền soạn báo cáo của “%(unit)s”."))
    if not selectors.owes_report(campaign, unit):
        raise ValidationError({"unit": _("“%(unit)s” không thuộc các đơn vị phải báo cáo trong đợt này.")
                               % {"unit": unit.name}})
    _ensure_open_campaign(campaign)
    try:
        with transaction.atomic():
            report = ReviewReport.objects.create(campaign=campaign, unit=unit,
                                                 subject=selectors.default_subject(campaign))
    except IntegrityError:  # two people opened it at the same instant
        return ReviewReport.objects.get(campaign=campaign, unit=unit)
    audit_create(actor=actor, obj=report, fields=REPORT_FIELDS, unit=unit)
    return report


@transaction.atomic
def review_report_save(*, actor, report: ReviewReport, version: int | None, texts: dict[str, str],
                       subject: str | None = None, recipients: str | None = None) -> ReviewReport:
    """Save narrative sections (pasted HTML and scripts cleaned to plain text), the subject and the recipients.
    Only the sections in ``texts`` change; ``version`` is the one the form was loaded with (``ReviewConflict``
    when someone saved since)."""
    report = _load(report)
    _ensure_writer(actor, report)
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for key, raw in (texts or {}).items():
        if key not in SectionKey.values:
            errors["__all__"] = _("Phần “%(key)s” không có trong báo cáo.") % {"key": str(key)[:40]}
            continue
        try:
            cleaned[key] = clean_text(raw)
        except ValidationError as exc:
            errors[key] = exc.messages[0]
    if subject is not None:
        try:
            subject = " ".join(clean_text(subject).split())[:500] if subject else ""
        except ValidationError as exc:
            errors["subject"], subject = exc.messages[0], ""
        if not subject:
            errors.setdefault("subject", _("Nhập trích yếu của báo cáo."))
    if recipients is not None:
        try:
            recipients = clean_text(recipients)[:2000]
        except ValidationError as exc:
            errors["recipients"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    _bump(report, version)
    changes: dict[str, list] = {}
    stored = {s.key: s for s in ReviewSection.objects.filter(report=report)}
    user = actor if getattr(actor, "is_authenticated", False) else None
    for key, text in cleaned.items():
        section = stored.get(key)
        if section is None:
            if text:
                ReviewSection.objects.create(report=report, key=key, text=text, updated_by=user)
                changes[key] = [0, len(text)]
        elif section.text != text:
            changes[key] = [len(section.text), len(text)]
            section.text, section.updated_by = text, user
            section.save(update_fields=["text", "updated_by", "updated_at"])
    fields = []
    if subject is not None and subject != report.subject:
        changes["subject"] = [report.subject, subject]
        report.subject = subject
        fields.append("subject")
    if recipients is not None and recipients != report.recipients:
        changes["recipients"] = [report.recipients, recipients]
        report.recipients = recipients
        fields.append("recipients")
    if fields:
        report.save(update_fields=[*fields, "updated_at"])
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=report, unit=report.unit, changes=changes,
                     note=_("Cập nhật báo cáo (số ký tự từng phần)"))
    return report


def _issue_number(actor, report: ReviewReport, day: dt.date) -> None:
    from nghiquyet.documents.services import document_issue

    document = document_issue(actor=actor, unit=report.unit, type_code=REPORT_TYPE_CODE,
                              title=report.subject or selectors.default_subject(report.campaign), issued_on=day,
                              recipients=report.recipients, source_kind=SOURCE_KIND, source_id=report.pk)
    report.issued = document


@transaction.atomic
def review_report_submit(*, actor, report: ReviewReport, version: int | None = None) -> ReviewReport:
    """Send the report up (or, for the opener's own report, issue it). Late is marked, never refused; the figures
    are frozen; the first submission takes the report's number from the register."""
    from nghiquyet.reviews.figures import freeze

    report = _load(report)
    _ensure_writer(actor, report)
    if not ReviewSection.objects.filter(report=report, key=SectionKey.RESULTS).exclude(text="").exists():
        raise ValidationError({SectionKey.RESULTS.value: _("Chưa viết phần “%(section)s”: viết trước khi gửi báo cáo.")
                               % {"section": SectionKey.RESULTS.label}})
    _bump(report, version)
    now = timezone.now()
    today = timezone.localdate(now)
    before = report.status
    report.status = SubmissionStatus.SUBMITTED
    report.submitted_at = now
    report.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    report.is_late = today > selectors.deadline_for(report.campaign, report.unit)
    report.figures = freeze(report, user=actor)
    first = report.issued_id is None
    if first:
        _issue_number(actor, report, today)
    report.save(update_fields=["status", "submitted_at", "submitted_by", "is_late", "figures", "issued",
                               "updated_at"])
    changes = {"status": [before, report.status], "is_late": [None, report.is_late]}
    if first:
        changes["issued"] = [None, report.issued.symbol]
    else:
        _register_update(actor, report)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=report, unit=report.unit, changes=changes,
                 note=_("Gửi báo cáo sơ kết, tổng kết") if report.unit_id != report.campaign.unit_id
                 else _("Ban hành báo cáo sơ kết, tổng kết"))
    # The register keeps the file as submitted (rendered on the worker once this has committed; again after a
    # later submission, replacing the file of the earlier one).
    _queue_file(actor, report)
    return report


def _register_update(actor, report: ReviewReport) -> None:
    """A later submission (after a return or a reopening) keeps the report's number; the register's row follows
    what was submitted: its title (the subject) and its recipients (``documents.services.issued_document_update``:
    validated, folded for search, audited). A voided entry is left as it is."""
    from nghiquyet.documents.models import IssuedDocument
    from nghiquyet.documents.services import issued_document_update

    document = IssuedDocument.objects.get(pk=report.issued_id)
    if document.voided_at is not None:
        return
    title = (report.subject or selectors.default_subject(report.campaign)).strip()
    recipients = (report.recipients or "").strip()
    if (document.title, document.recipients) != (title, recipients):
        report.issued = issued_document_update(actor=actor, document=document, title=title, recipients=recipients)


def _queue_file(actor, report: ReviewReport) -> None:
    """Queue the rendering of the issued file once committed, for the report at its current version (the worker
    skips it if the report has changed since)."""
    user_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    report_id, version = report.pk, report.version
    transaction.on_commit(lambda: _store_file(report_id, user_id, version))


def _store_file(report_id: int, user_id: int | None, version: int | None = None) -> None:
    from nghiquyet.reviews.tasks import issued_file_enqueue

    issued_file_enqueue(report_id, user_id, version)


def _decide(actor, report: ReviewReport, version: int | None, *, to: str, comment: str, note: str,
            allowed_from: tuple[str, ...] = (SubmissionStatus.SUBMITTED,)) -> ReviewReport:
    report = _load(report)
    reviewer = selectors.reviewer_unit(report.campaign, report.unit)
    if reviewer is None:
        raise ValidationError({"__all__": _("Báo cáo của cấp mở đợt không có cấp duyệt: gửi là ban hành.")})
    _require(actor, Perm.REPORT_APPROVE, reviewer,
             _("Chỉ “%(unit)s” mới được duyệt hoặc trả lại báo cáo này."))
    if report.status not in allowed_from:
        raise ValidationError({"__all__": _("Báo cáo đang ở trạng thái “%(status)s”, không thể thực hiện thao tác "
                                            "này.") % {"status": report.get_status_display()}})
    _bump(report, version)
    before = report.status
    report.status = to
    report.decided_at = timezone.now()
    report.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    report.comment = comment
    report.save(update_fields=["status", "decided_at", "decided_by", "comment", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=report, unit=report.unit,
                 changes={"status": [before, to], **({"comment": [None, comment]} if comment else {})}, note=note)
    return report


def _comment(comment: str | None, *, required: str = "") -> str:
    """The comment, trimmed; refused (never cut) when longer than ``COMMENT_MAX_CHARS``; ``required``: the message
    when it is empty and must not be."""
    comment = (comment or "").strip()
    if required and not comment:
        raise ValidationError({"comment": required})
    if len(comment) > COMMENT_MAX_CHARS:
        raise ValidationError({"comment": _("Ý kiến dài %(n)s ký tự, vượt quá %(max)s ký tự cho phép: hãy rút gọn "
                                            "(có thể ghi chi tiết trong văn bản gửi kèm).") % {
            "n": format_vn_decimal(len(comment)), "max": format_vn_decimal(COMMENT_MAX_CHARS)}})
    return comment


@transaction.atomic
def review_report_accept(*, actor, report: ReviewReport, version: int | None = None,
                         comment: str = "") -> ReviewReport:
    report = _decide(actor, report, version, to=SubmissionStatus.ACCEPTED, comment=_comment(comment),
                     note=_("Duyệt báo cáo sơ kết, tổng kết"))
    if report.issued_id and not report.issued.file:
        # The file queued at submission is skipped by the worker once the version has moved on: queue it again.
        _queue_file(actor, report)
    return report


@transaction.atomic
def review_report_return(*, actor, report: ReviewReport, comment: str, version: int | None = None) -> ReviewReport:
    comment = _comment(comment, required=_("Ghi rõ lý do trả lại để đơn vị biết cần sửa gì."))
    return _decide(actor, report, version, to=SubmissionStatus.RETURNED, comment=comment,
                   note=_("Trả lại báo cáo sơ kết, tổng kết"))


@transaction.atomic
def review_report_reopen(*, actor, report: ReviewReport, comment: str, version: int | None = None) -> ReviewReport:
    """The reviewer unlocks an accepted report so the unit can correct it (it goes back as returned; its number
    stays)."""
    comment = _comment(comment, required=_("Ghi rõ lý do mở lại báo cáo đã duyệt."))
    return _decide(actor, report, version, to=SubmissionStatus.RETURNED, comment=comment,
                   note=_("Mở lại báo cáo sơ kết, tổng kết đã duyệt"), allowed_from=(SubmissionStatus.ACCEPTED,))
