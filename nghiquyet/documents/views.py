"""Pages of the document register (sổ văn bản, /van-ban/) and of render jobs (/van-ban/tao/<id>/)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from nghiquyet.accounts.scope import scope_of
from nghiquyet.core.files import stored_file_response
from nghiquyet.core.forms import apply_service_errors
from nghiquyet.core.ids import is_valid_id
from nghiquyet.core.pagination import paginate
from nghiquyet.documents import selectors
from nghiquyet.documents.forms import EditForm, RegisterForm, VoidForm
from nghiquyet.documents.letterhead import default_recipients, signature_for, user_display_name
from nghiquyet.documents.models import RenderStatus, SourceKind
from nghiquyet.documents.registry import describe, source_url
from nghiquyet.documents.services import (
    EDITABLE_FIELDS,
    can_issue,
    document_register,
    has_builder,
    issued_document_update,
    issued_document_void,
    issued_file_ensure,
    missing_file_message,
    render_job_is_stale,
    signature_title,
)
from nghiquyet.resolutions.symbols import document_types


def _int(value) -> int | None:
    return int(value) if is_valid_id(value) else None


@login_required
def register_list(request):
    user = request.user
    query = request.GET.get("q", "").strip()[:200]
    type_code = request.GET.get("loai", "")
    if type_code not in document_types():
        type_code = ""
    choices = selectors.issued_filter_choices(user)
    unit_id = _int(request.GET.get("don-vi"))
    unit = next((u for u in choices["units"] if u.pk == unit_id), None)
    year = _int(request.GET.get("nam"))
    year = year if year in choices["years"] else None
    page = paginate(request, selectors.issued_visible(user, query=query, unit=unit, type_code=type_code, year=year))
    querystring = urlencode({k: v for k, v in {"q": query, "loai": type_code, "don-vi": unit.pk if unit else "",
                                               "nam": year or ""}.items() if v})
    scope = scope_of(user)
    rows = [{"document": d, "above": not scope.covers(d.unit.path), "renderable": has_builder(d)} for d in page]
    return render(request, "documents/register_list.html", {
        "page_obj": page, "rows": rows, "query": query, "type_code": type_code, "types": document_types(), "unit": unit,
        "units": choices["units"], "year": year, "years": choices["years"], "querystring": querystring,
        "can_register": selectors.can_register_somewhere(user),
    })


@login_required
def register_detail(request, pk: int):
    document = selectors.issued_get(request.user, pk)
    return render(request, "documents/register_detail.html", {
        "document": document, "type_label": document_types().get(document.type_code, document.type_code),
        "recipients": [line for line in document.recipients.splitlines() if line.strip()],
        "is_new": request.GET.get("moi") == "1", "renderable": has_builder(document),
        "source_url": source_url(document.source_kind, document.source_id),
        "issued_by_name": user_display_name(document.issued_by),
        "voided_by_name": user_display_name(document.voided_by),
        "can_change": document.voided_at is None and can_issue(request.user, document.unit),
    })


@login_required
def register_download(request, pk: int):
    """The file of a document the user may read: always an attachment, never a MEDIA address. A document made in
    the app whose file is missing is rendered now (``issued_file_ensure``) and kept for the next download."""
    document = issued_file_ensure(document=selectors.issued_get(request.user, pk), user=request.user)
    if not document.file:
        raise Http404(missing_file_message(document))
    return stored_file_response(document.file, document.file_name or document.file.name.rsplit("/", 1)[-1],
                                not_found=_("Không tìm thấy tệp văn bản."))


def _preview_for(units, data) -> dict:
    """The number preview for the form's unit, type and date (``data``: the GET/POST or the initial values)."""
    unit = units.filter(pk=_int(data.get("unit"))).first() if data.get("unit") else None
    type_code = data.get("type_code") or ""
    on = data.get("issued_on")
    if isinstance(on, str):
        try:
            on = parse_date(on)
        except ValueError:
            on = None
    if unit is None or type_code not in document_types() or on is None or on > timezone.localdate():
        return {"symbol": ""}
    return {"symbol": selectors.number_preview(unit, type_code, on)}


@login_required
def register_create(request):
    user = request.user
    units = selectors.issue_units(user)
    if not units.exists():
        raise Http404(_("Bạn không có quyền đăng ký văn bản."))
    unit = units.filter(pk=_int(request.GET.get("don-vi"))).first() or units.first()
    signature = signature_for(unit)
    initial = {"unit": unit, "signer_name": signature.name, "signer_title": signature_title(signature.title),
               "recipients": "\n".join(default_recipients(unit))}
    form = RegisterForm(request.POST or None, request.FILES or None, units=units, initial=initial,
                        preview_url=reverse("register_preview"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = document_register(
                actor=user, unit=data["unit"], type_code=data["type_code"], title=data["title"],
                issued_on=data["issued_on"], file=data["file"], signer_name=data["signer_name"],
                signer_title=data["signer_title"], recipients=data["recipients"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("unit", str(exc))
        else:
            expected = data.get("expected") or ""
            if expected and expected != document.symbol:
                messages.warning(request, _(
                    "Số đã cấp là %(given)s, không phải %(shown)s như hiện trên mẫu: trong lúc bạn nhập, sổ đã cấp "
                    "số %(shown)s cho văn bản khác.") % {"given": document.symbol, "shown": expected})
            else:
                messages.success(request, _("Đã vào sổ văn bản số %(s)s.") % {"s": document.symbol})
            return redirect(f"{document_url(document)}?moi=1")
    if form.is_bound:
        preview = _preview_for(units, request.POST)
    else:
        preview = _preview_for(units, {"unit": unit.pk, "type_code": form.fields["type_code"].choices[0][0]
                                       if form.fields["type_code"].choices else "",
                                       "issued_on": form.fields["issued_on"].initial})
    return render(request, "documents/register_form.html", {"form": form, "preview": preview})


@login_required
def register_preview(request):
    """The "Số sẽ cấp" fragment of the register form (htmx, on a change of unit, type or date). Reads only."""
    units = selectors.issue_units(request.user)
    return render(request, "documents/_number_preview.html", {"preview": _preview_for(units, request.GET)})


def _changeable(request, pk: int):
    document = selectors.issued_get(request.user, pk)
    if not can_issue(request.user, document.unit):
        raise PermissionDenied(_("Bạn không có quyền sửa văn bản của “%(unit)s”.") % {"unit": document.unit.name})
    return document


@login_required
def register_edit(request, pk: int):
    document = _changeable(request, pk)
    if document.voided_at is not None:
        messages.error(request, _("Văn bản đã thu hồi, không sửa được."))
        return redirect(document_url(document))
    replace_file = document.source_kind == SourceKind.UPLOAD
    form = EditForm(request.POST or None, request.FILES or None, replace_file=replace_file,
                    initial={name: getattr(document, name) for name in EDITABLE_FIELDS})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued_document_update(actor=request.user, document=document, file=data.get("file") or None,
                                   **{name: data[name] for name in EDITABLE_FIELDS})
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu thông tin văn bản %(s)s.") % {"s": document.symbol})
            return redirect(document_url(document))
    return render(request, "documents/register_edit.html", {"form": form, "document": document})


@login_required
def register_void(request, pk: int):
    document = _changeable(request, pk)
    if document.voided_at is not None:
        return redirect(document_url(document))
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued_document_void(actor=request.user, document=document, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã thu hồi văn bản %(s)s. Số này vẫn giữ trong sổ.") % {
                "s": document.symbol})
            return redirect(document_url(document))
    return render(request, "documents/register_void.html", {"form": form, "document": document})


def document_url(document) -> str:
    return reverse("register_detail", args=[document.pk])


# ------------------------------------------------------------------ render jobs


def _job_context(job) -> dict:
    stale = render_job_is_stale(job)
    return {"job": job, "picked_up": job.status != RenderStatus.QUEUED,
            "done": job.status == RenderStatus.DONE, "failed": job.status == RenderStatus.FAILED,
            "stale": stale, "waiting": job.status in (RenderStatus.QUEUED, RenderStatus.RUNNING) and not stale}


@login_required
def render_job_detail(request, pk: int):
    job = selectors.render_job_get(request.user, pk)
    if request.headers.get("HX-Request"):
        return render(request, "documents/_render_progress.html", _job_context(job))
    return render(request, "documents/render_job_detail.html", {
        **_job_context(job), "source_title": describe(job.source_kind, job.source_id, user=request.user),
        "source_url": source_url(job.source_kind, job.source_id),
        "source_kind_label": SourceKind(job.source_kind).label if job.source_kind in SourceKind.values else "",
    })


@login_required
def render_job_download(request, pk: int):
    job = selectors.render_job_get(request.user, pk)
    if job.status != RenderStatus.DONE or not job.file:
        raise Http404(_("Tệp chưa được tạo xong."))
    return stored_file_response(job.file, job.file_name or f"van-ban.{job.fmt}",
                                not_found=_("Không tìm thấy tệp đã tạo."))
