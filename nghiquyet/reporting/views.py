"""Pages of data entry, submission and approval (issue 4, items 1-3). Thin: selectors read (scoped), services
write; the dashboards and the completeness page live in ``dashboards.py``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can, roles_of, unit_get_visible
from nghiquyet.audit.selectors import audit_events_visible
from nghiquyet.core.files import stored_file_response
from nghiquyet.core.forms import apply_service_errors
from nghiquyet.core.pagination import paginate
from nghiquyet.org.models import UnitKind
from nghiquyet.reporting import rules, selectors
from nghiquyet.reporting.forms import DecisionForm, EntryForm, ExplainForm, ScheduleForm
from nghiquyet.reporting.models import Submission, SubmissionStatus
from nghiquyet.reporting.quality import flag_explain
from nghiquyet.reporting.services import (
    SubmissionConflict,
    schedule_create,
    schedule_update,
    submission_accept,
    submission_lock_reason,
    submission_open,
    submission_reopen,
    submission_return,
    submission_save,
    value_evidence_delete,
)
from nghiquyet.resolutions.selectors import documents_visible, targets_visible

TODO_PAGE_SIZE = 20


def _entry_url(submission: Submission) -> str:
    return reverse("report_entry", args=[submission.unit_id, submission.schedule_id,
                                         selectors.period_key(submission.period)])


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return default


def _posted_version(request) -> int:
    """The version the form was loaded with; a form loaded before any submission existed saw version 1 (the
    version a new submission starts with), so a second person's first save still detects the first's."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else 1


# ---------------------------------------------------------------- home and a unit's reports


@login_required
def reporting_home(request):
    """Straight to the reports of the user's unit; a short list when they hold roles in several."""
    units = []
    for assignment in roles_of(request.user):
        if assignment.unit not in units:
            units.append(assignment.unit)
    if len(units) == 1:
        return redirect("unit_reports", unit_id=units[0].pk)
    return render(request, "reporting/home.html", {"units": units})


@login_required
def unit_reports(request, unit_id: int):
    user = request.user
    unit = unit_get_visible(user, unit_id)
    today = timezone.localdate()
    todos = []
    for todo in selectors.unit_report_todos(unit, today=today):
        state = selectors.row_state(todo.submission, todo.due, today)
        todos.append({"todo": todo, "state": state, "state_label": selectors.State.LABELS[state],
                      "locked": today >= todo.locks, "key": selectors.period_key(todo.period)})
    page = paginate(request, todos, per_page=TODO_PAGE_SIZE)
    review = paginate(request, selectors.submissions_to_review(user, unit).select_related("submitted_by"),
                      param="cho-duyet")
    return render(request, "reporting/unit_reports.html", {
        "unit": unit, "page_obj": page, "review": review,
        "can_schedule": can(user, Perm.SCHEDULE_CHANGE, unit),
    })


# ---------------------------------------------------------------- data entry


def _entry_context(request, *, unit, schedule, period):
    user = request.user
    submission = selectors.submission_find(schedule=schedule, unit=unit, period=period)
    lock = submission_lock_reason(user, schedule=schedule, unit=unit, period=period, submission=submission)
    rows = selectors.entry_rows(schedule=schedule, unit=unit, period=period, submission=submission)
    return submission, lock, rows


def _entry_page(request, *, unit, schedule, period, submission, lock, rows, form=None, conflict=None,
                explain_forms=None, status=200):
    user = request.user
    if form is None:
        form = EntryForm(rows=rows)
    current_rows = None
    version = submission.version if submission is not None else ""
    if conflict is not None:
        current_rows = selectors.entry_rows(schedule=schedule, unit=unit, period=period, submission=conflict)
        version = conflict.version
    elif form.is_bound:
        version = request.POST.get("version", version)
    may_explain = submission is not None and submission.status != SubmissionStatus.ACCEPTED \
        and can(user, Perm.REPORT_SUBMIT, unit)
    explain_forms = explain_forms or {}
    blocks = form.blocks(current_rows)
    for block in blocks:
        block.flag_forms = [(flag, explain_forms.get(flag.pk) or ExplainForm(
            initial={"explanation": flag.explanation}, auto_id=f"id_flag{flag.pk}_%s")) for flag in block.row.flags]
    return render(request, "reporting/entry.html", {
        "unit": unit, "schedule": schedule, "period": period, "submission": submission, "lock": lock,
        "form": form, "blocks": blocks, "conflict": conflict, "version": version,
        "editable": lock is None, "show_inputs": lock is None or form.is_bound, "may_explain": may_explain,
        "due": rules.due_on(schedule, unit.kind, period), "locks": rules.locks_on(schedule, period),
        "may_decide": submission is not None and rules.may_decide(user, unit),
    }, status=status)


def _entry_scope(user, unit_id, schedule_id, period_key):
    unit = unit_get_visible(user, unit_id)
    schedule = selectors.schedule_get(user, schedule_id)
    period = selectors.period_from_key(period_key)
    if period is None or not rules.schedule_expects(schedule, unit, period):
        raise Http404(_("Kỳ báo cáo này không nằm trong lịch báo cáo của đơn vị."))
    return unit, schedule, period


@login_required
def entry(request, unit_id: int, schedule_id: int, period: str):
    """The form of one unit's report for one period. GET never creates a submission; the first save does."""
    user = request.user
    unit, schedule, period_obj = _entry_scope(user, unit_id, schedule_id, period)
    submission, lock, rows = _entry_context(request, unit=unit, schedule=schedule, period=period_obj)
    page = {"unit": unit, "schedule": schedule, "period": period_obj, "submission": submission, "lock": lock,
            "rows": rows}
    if request.method != "POST":
        return _entry_page(request, **page)
    form = EntryForm(request.POST, request.FILES, rows=rows)
    if lock is not None:
        form.is_valid()
        form.add_error(None, lock)
        return _entry_page(request, form=form, **page)
    submit = request.POST.get("action") == "submit"
    conflict = None
    if form.is_valid():
        try:
            with transaction.atomic():
                submission = submission_open(actor=user, schedule=schedule, unit=unit, period=period_obj)
                submission = submission_save(actor=user, submission=submission, version=_posted_version(request),
                                             entries=form.entries(), submit=submit)
        except SubmissionConflict as exc:
            conflict = exc.current
            apply_service_errors(form, exc)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("Bạn không có quyền nhập số liệu cho đơn vị này."))
        except IntegrityError:  # two saves racing past the service's check: the unique constraint decides
            form.add_error(None, _("Một chỉ tiêu của biểu mẫu đã có số liệu của đơn vị cho kỳ này trong một lịch báo "
                                   "cáo khác; mỗi chỉ tiêu chỉ báo cáo một lần mỗi kỳ. Không có gì được lưu."))
        else:
            if submit:
                messages.success(request, _("Đã gửi báo cáo %(period)s lên cấp trên.") % {"period": period_obj})
                return redirect("submission_detail", pk=submission.pk)
            messages.success(request, _("Đã lưu nháp."))
            return redirect(request.path)
    if request.FILES:
        form.add_error(None, _("Tệp minh chứng đã chọn chưa được lưu: hãy chọn lại tệp trước khi lưu."))
    return _entry_page(request, form=form, conflict=conflict, **page)


@login_required
@require_POST
def flag_explain_view(request, pk: int):
    """The submitter explains a data-quality flag; bad input re-shows the form page with the message."""
    user = request.user
    flag = selectors.flag_get(user, pk)
    submission = flag.value.submission
    form = ExplainForm(request.POST, auto_id=f"id_flag{flag.pk}_%s")
    if form.is_valid():
        try:
            flag_explain(actor=user, flag=flag, explanation=form.cleaned_data["explanation"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu giải trình."))
            return redirect(_next_url(request, _entry_url(submission)))
    unit, schedule, period = _entry_scope(user, submission.unit_id, submission.schedule_id,
                                          selectors.period_key(submission.period))
    submission, lock, rows = _entry_context(request, unit=unit, schedule=schedule, period=period)
    return _entry_page(request, unit=unit, schedule=schedule, period=period, submission=submission, lock=lock,
                       rows=rows, explain_forms={flag.pk: form})


@login_required
def evidence_download(request, pk: int):
    """An evidence file of a value the user may read: always an attachment, never rendered by the browser."""
    evidence = selectors.evidence_get(request.user, pk)
    return stored_file_response(evidence.file, evidence.name, not_found=_("Không tìm thấy tệp minh chứng."))


@login_required
@require_POST
def evidence_delete(request, pk: int):
    evidence = selectors.evidence_get(request.user, pk)
    submission = evidence.value.submission
    name = evidence.name
    try:
        value_evidence_delete(actor=request.user, evidence=evidence)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Bạn không có quyền xóa tệp này."))
    else:
        messages.success(request, _("Đã xóa tệp “%(name)s”.") % {"name": name})
    return redirect(_entry_url(submission))


# ---------------------------------------------------------------- a submission and its decision


def _history(user, submission: Submission):
    content_type = ContentType.objects.get_for_model(Submission)
    events = list(audit_events_visible(user).filter(content_type=content_type, object_id=str(submission.pk))
                  .order_by("at", "id"))
    labels = dict(SubmissionStatus.choices)
    for event in events:
        change = (event.changes or {}).get("status")
        event.status_change = ""
        if isinstance(change, list) and len(change) == 2:
            event.status_change = " → ".join(str(labels.get(s, s or "—")) for s in change)
    return events


def _detail_page(request, submission: Submission, *, decision_form=None, decision_action="", status=200):
    user = request.user
    rows = selectors.entry_rows(schedule=submission.schedule, unit=submission.unit, period=submission.period,
                                submission=submission)
    may_decide = rules.may_decide(user, submission.unit)
    return render(request, "reporting/submission_detail.html", {
        "submission": submission, "unit": submission.unit, "schedule": submission.schedule,
        "period": submission.period, "rows": rows, "history": _history(user, submission),
        "may_decide": may_decide, "decision_form": decision_form or DecisionForm(auto_id="id_decision_%s"),
        "decision_action": decision_action,
        "can_accept": may_decide and submission.status == SubmissionStatus.SUBMITTED,
        "can_reopen": may_decide and submission.status == SubmissionStatus.ACCEPTED,
        "may_enter": can(user, Perm.REPORT_SUBMIT, submission.unit), "entry_url": _entry_url(submission),
    }, status=status)


def _submission_get(user, pk) -> Submission:
    submission = selectors.submission_get(user, pk)
    return Submission.objects.select_related("schedule__unit", "schedule__document", "unit__parent", "period",
                                             "submitted_by", "decided_by").get(pk=submission.pk)


@login_required
def submission_detail(request, pk: int):
    return _detail_page(request, _submission_get(request.user, pk))


DECISIONS = {
    "accept": (submission_accept, gettext_lazy("Đã duyệt báo cáo.")),
    "return": (submission_return, gettext_lazy("Đã trả lại báo cáo cho đơn vị.")),
    "reopen": (submission_reopen, gettext_lazy("Đã mở lại báo cáo để đơn vị sửa.")),
}


@login_required
@require_POST
def submission_decide(request, pk: int):
    """Accept, return (comment required) or reopen (comment required) a submission of a unit below."""
    user = request.user
    submission = _submission_get(user, pk)
    action = request.POST.get("action", "")
    form = DecisionForm(request.POST, auto_id="id_decision_%s")
    if action not in DECISIONS:
        form.add_error(None, _("Thao tác không hợp lệ."))
        return _detail_page(request, submission, decision_form=form, status=400)
    service, done = DECISIONS[action]
    status = 200
    if form.is_valid():
        try:
            service(actor=user, submission=submission, version=_posted_version(request),
                    comment=form.cleaned_data["comment"])
        except SubmissionConflict as exc:
            apply_service_errors(form, exc)
            form.add_error(None, _("Báo cáo vừa thay đổi; hãy xem lại trước khi quyết định."))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            status = 403
        else:
            messages.success(request, str(done))
            return redirect("submission_detail", pk=submission.pk)
    submission = _submission_get(user, pk)
    return _detail_page(request, submission, decision_form=form, decision_action=action, status=status)


# ---------------------------------------------------------------- schedules


@login_required
def schedule_list(request, unit_id: int):
    """Schedules the unit owns and those from above that expect it to report."""
    user = request.user
    unit = unit_get_visible(user, unit_id)
    expecting = [s.pk for s in selectors.schedules_expecting(unit)]
    schedules = selectors.schedules_readable(user).filter(Q(unit=unit) | Q(pk__in=expecting)) \
        .prefetch_related("targets").order_by("-is_active", "-starts_on", "pk")
    page = paginate(request, schedules)
    kinds = dict(UnitKind.choices)
    for schedule in page:
        schedule.kind_labels = [kinds.get(k, k) for k in schedule.reporting_kinds or []]
        schedule.may_change = schedule.unit_id == unit.pk and can(user, Perm.SCHEDULE_CHANGE, unit)
    return render(request, "reporting/schedule_list.html", {
        "unit": unit, "page_obj": page, "can_schedule": can(user, Perm.SCHEDULE_CHANGE, unit)})


def _schedule_documents(user, unit):
    """Resolutions the unit may ask reports on: its own, its ancestors' and the Central Committee's."""
    return documents_visible(user).filter(
        Q(unit=unit) | Q(unit_id__in=unit.ancestor_ids) | Q(unit__kind=UnitKind.CENTRAL)).order_by("-issued_on")


@login_required
def schedule_create_view(request, unit_id: int):
    user = request.user
    unit = unit_get_visible(user, unit_id)
    if not can(user, Perm.SCHEDULE_CHANGE, unit):
        raise PermissionDenied(_("Bạn không có quyền giao lịch báo cáo cho “%(unit)s”.") % {"unit": unit.name})
    documents = _schedule_documents(user, unit)
    chosen = request.POST.get("document") or request.GET.get("nghi-quyet")
    document = documents.filter(pk=chosen).first() if chosen and str(chosen).isdigit() else None
    if document is None:
        document = documents.first()
    targets = targets_visible(user, document=document).order_by("id") if document else targets_visible(user).none()
    form = ScheduleForm(request.POST or None, targets=targets, documents=documents,
                        initial={"document": document.pk if document else None})
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            schedule = schedule_create(actor=user, unit=unit, document=form.cleaned_data["document"], **values)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo lịch báo cáo “%(name)s”.") % {"name": schedule.name})
            return redirect("schedule_list", unit_id=unit.pk)
    return render(request, "reporting/schedule_form.html", {
        "unit": unit, "form": form, "document": document, "documents": documents, "creating": True})


@login_required
def schedule_edit(request, pk: int):
    user = request.user
    schedule = selectors.schedule_get(user, pk)
    unit = schedule.unit
    if not can(user, Perm.SCHEDULE_CHANGE, unit):
        raise PermissionDenied(_("Bạn không có quyền sửa lịch báo cáo của “%(unit)s”.") % {"unit": unit.name})
    targets = targets_visible(user, document=schedule.document).order_by("id")
    form = ScheduleForm(request.POST or None, targets=targets, initial=ScheduleForm.initial_for(schedule))
    if request.method == "POST" and form.is_valid():
        try:
            schedule_update(actor=user, schedule=schedule, **form.values())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã cập nhật lịch báo cáo."))
            return redirect("schedule_list", unit_id=unit.pk)
    return render(request, "reporting/schedule_form.html", {
        "unit": unit, "form": form, "document": schedule.document, "schedule": schedule, "creating": False})
