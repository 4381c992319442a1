"""Pages of action programs and tasks. Thin: selectors read (scoped), services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can
from nghiquyet.core.files import stored_file_response
from nghiquyet.core.forms import apply_service_errors
from nghiquyet.core.pagination import paginate
from nghiquyet.programs import selectors
from nghiquyet.programs.forms import ProgramEditForm, ProgramForm, ProgressForm, TaskEditForm, TaskForm
from nghiquyet.programs.models import TaskStatus
from nghiquyet.programs.services import (
    program_create,
    program_update,
    task_create,
    task_is_own,
    task_progress_add,
    task_update,
)
from nghiquyet.resolutions.forms import AlignmentForm
from nghiquyet.resolutions.selectors import (
    alignment_destinations,
    document_get,
    is_issued_above,
    plan_units_for_document,
)
from nghiquyet.resolutions.views import link_up_from_post

TASK_PAGE_SIZE = 50


def _status(request) -> str:
    status = request.GET.get("trang-thai", "")
    return status if status in TaskStatus.values else ""


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _task_form(user, program, data=None, *, form_class=TaskForm, task=None, **kwargs):
    return form_class(data, people=selectors.program_people(user, program, task=task),
                      bodies=selectors.program_bodies(user, program, task=task), **kwargs)


@login_required
def program_list(request):
    page = paginate(request, selectors.programs_visible(request.user))
    return render(request, "programs/program_list.html", {"page_obj": page})


@login_required
def program_create_view(request):
    user = request.user
    resolution = document_get(user, request.GET.get("nghi-quyet") or request.POST.get("nghi-quyet"))
    units = plan_units_for_document(user, resolution)
    if not units.exists():
        raise Http404(_("Bạn không có quyền tạo chương trình thực hiện văn bản này."))
    form = ProgramForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            program = program_create(actor=user, unit=data["unit"], resolution=resolution, title=data["title"],
                                     issued_on=data["issued_on"], symbol=data["symbol"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo chương trình hành động."))
            return redirect("program_detail", pk=program.pk)
    return render(request, "programs/program_form.html", {"form": form, "resolution": resolution})


@login_required
def program_edit(request, pk: int):
    user = request.user
    program = selectors.program_get(user, pk)
    if not can(user, Perm.PLAN_CHANGE, program.unit):
        raise PermissionDenied(_("Bạn không có quyền sửa chương trình này."))
    form = ProgramEditForm(request.POST or None, initial={
        "symbol": program.symbol, "title": program.title, "issued_on": program.issued_on})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            program_update(actor=user, program=program, title=data["title"], issued_on=data["issued_on"],
                           symbol=data["symbol"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã cập nhật chương trình."))
            return redirect("program_detail", pk=program.pk)
    return render(request, "programs/program_form.html", {"form": form, "resolution": program.resolution,
                                                           "program": program})


def _program_page(request, program, *, form=None):
    user = request.user
    status = _status(request)
    editable = can(user, Perm.TASK_CHANGE, program.unit)
    tasks = selectors.program_tasks(user, program)
    page = paginate(request, selectors.filter_status(tasks, status), per_page=TASK_PAGE_SIZE)
    if form is None and editable:
        form = _task_form(user, program, prefix_id="new")
    return render(request, "programs/program_detail.html", {
        "program": program, "page_obj": page, "status": status, "statuses": TaskStatus.choices,
        "counts": selectors.task_counts(tasks),
        "can_edit_program": can(user, Perm.PLAN_CHANGE, program.unit),
        "editable": editable, "form": form, "querystring": urlencode({"trang-thai": status} if status else {}),
        "issued_above": is_issued_above(user, program.unit),
    })


@login_required
def program_detail(request, pk: int):
    """The task table of an action program; POST adds a task (every required clear, or refused naming it)."""
    user = request.user
    program = selectors.program_get(user, pk)
    if request.method != "POST":
        return _program_page(request, program)
    form = _task_form(user, program, request.POST, prefix_id="new")
    if form.is_valid():
        values = form.values()
        try:
            task = task_create(actor=user, program=program, **values)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm nhiệm vụ “%(t)s”.") % {"t": task.title})
            return redirect("program_detail", pk=program.pk)
    return _program_page(request, program, form=form)


def _edit_initial(task) -> dict:
    return {
        "number": task.number, "title": task.title, "directing": task.directing_id,
        "responsible": task.responsible_id, "advisor": task.advisor_id,
        "coordinating": [u.pk for u in task.coordinating.all()], "start_date": task.start_date,
        "due_date": task.due_date, "deliverable": task.deliverable, "authority": task.authority,
        "status": task.status,
    }


@login_required
def task_edit(request, pk: int):
    """Edit a task; with htmx the table row swaps to a form and back."""
    user = request.user
    task = selectors.task_get(user, pk)
    if not can(user, Perm.TASK_CHANGE, task.unit):
        raise PermissionDenied(_("Bạn không có quyền sửa nhiệm vụ này."))
    program = task.program
    if request.method == "POST":
        form = _task_form(user, program, request.POST, form_class=TaskEditForm, task=task, prefix_id=f"t{task.pk}")
        if form.is_valid():
            values = form.values()
            coordinating = values.pop("coordinating")
            try:
                task = task_update(actor=user, task=task, coordinating=coordinating, **values)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                if _is_htmx(request):
                    task = selectors.task_get(user, task.pk)
                    return render(request, "programs/_task_row.html", {"task": task, "editable": True})
                messages.success(request, _("Đã cập nhật nhiệm vụ."))
                return redirect("program_detail", pk=program.pk)
    else:
        form = _task_form(user, program, form_class=TaskEditForm, task=task, prefix_id=f"t{task.pk}",
                          initial=_edit_initial(task))
    if _is_htmx(request):
        return render(request, "programs/_task_edit_row.html", {"task": task, "form": form})
    return _task_page(request, task, edit_form=form)


@login_required
def task_row(request, pk: int):
    """The plain table row of a task (htmx "cancel" of a row edit)."""
    task = selectors.task_get(request.user, pk)
    return render(request, "programs/_task_row.html",
                  {"task": task, "editable": can(request.user, Perm.TASK_CHANGE, task.unit)})


def _task_page(request, task, *, edit_form=None, progress_form=None, link_form=None):
    user = request.user
    editable = can(user, Perm.TASK_CHANGE, task.unit)
    may_report = task_is_own(user, task) or can(user, Perm.TASK_PROGRESS, task.unit)
    may_link = can(user, Perm.PLAN_CHANGE, task.unit) or editable
    if edit_form is None and editable:
        edit_form = _task_form(user, task.program, form_class=TaskEditForm, task=task, prefix_id=f"t{task.pk}",
                               initial=_edit_initial(task))
    if progress_form is None and may_report:
        progress_form = ProgressForm()
    if link_form is None and may_link:
        destinations = alignment_destinations(user, task.unit)
        link_form = AlignmentForm(targets=destinations["targets"], items=destinations["items"])
    return render(request, "programs/task_detail.html", {
        "task": task, "program": task.program, "updates": selectors.task_updates(task),
        "links_up": selectors.task_links_up(user, task),
        "edit_form": edit_form, "progress_form": progress_form, "link_form": link_form,
        "in_scope": selectors.tasks_visible(user).filter(pk=task.pk).exists(),
    })


@login_required
def task_detail(request, pk: int):
    return _task_page(request, selectors.task_get(request.user, pk))


@login_required
@require_POST
def task_progress(request, pk: int):
    user = request.user
    task = selectors.task_get(user, pk)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        files = [data["evidence"]] if data.get("evidence") else []
        try:
            task_progress_add(actor=user, task=task, on=data["on"], note=data["note"], percent=data["percent"],
                              files=files)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã cập nhật tiến độ."))
            return redirect("task_detail", pk=task.pk)
    return _task_page(request, task, progress_form=form)


@login_required
def evidence_download(request, pk: int):
    """An evidence file of a task the user may read: always an attachment, never rendered by the browser."""
    evidence = selectors.evidence_get(request.user, pk)
    return stored_file_response(evidence.file, evidence.name, not_found=_("Không tìm thấy tệp minh chứng."))


@login_required
@require_POST
def task_link(request, pk: int):
    user = request.user
    task = selectors.task_get(user, pk)
    destinations = alignment_destinations(user, task.unit)
    form = AlignmentForm(request.POST, targets=destinations["targets"], items=destinations["items"])
    if link_up_from_post(request, form, source=task, success_message=_("Đã liên kết nhiệm vụ với cấp trên.")):
        return redirect("task_detail", pk=task.pk)
    return _task_page(request, task, link_form=form)


@login_required
def my_tasks(request):
    status = _status(request)
    page = paginate(request, selectors.my_tasks(request.user, status=status))
    return render(request, "programs/my_tasks.html", {
        "page_obj": page, "status": status, "statuses": TaskStatus.choices,
        "querystring": urlencode({"trang-thai": status} if status else {}),
    })
