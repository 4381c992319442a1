"""Pages of the document register (sổ văn bản, /van-ban/) and of render jobs (/van-ban/tao/<id>/)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nghiquyet.accounts.scope import scope_of
from nghiquyet.core.files import stored_file_response
from nghiquyet.core.forms import apply_service_errors
from nghiquyet.core.ids import is_valid_id
from nghiquyet.core.pagination import paginate
from nghiquyet.documents import selectors
from nghiquyet.documents.forms import RegisterForm
from nghiquyet.documents.letterhead import default_recipients, signature_for
from nghiquyet.documents.models import RenderStatus
from nghiquyet.documents.services import (
    document_register,
    has_builder,
    issued_file_ensure,
    missing_file_message,
    render_job_is_stale,
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


@login_required
def register_create(request):
    user = request.user
    units = selectors.issue_units(user)
    if not units.exists():
        raise Http404(_("Bạn không có quyền đăng ký văn bản."))
    unit = units.filter(pk=_int(request.GET.get("don-vi"))).first() or units.first()
    signature = signature_for(unit)
    initial = {"unit": unit, "signer_name": signature.name, "recipients": "\n".join(default_recipients(unit))}
    form = RegisterForm(request.POST or None, request.FILES or None, units=units, initial=initial)
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
            messages.success(request, _("Đã vào sổ văn bản số %(s)s.") % {"s": document.symbol})
            return redirect(f"{document_url(document)}?moi=1")
    return render(request, "documents/register_form.html", {"form": form})


def document_url(document) -> str:
    from django.urls import reverse

    return reverse("register_detail", args=[document.pk])


# ------------------------------------------------------------------ render jobs


def _job_context(job) -> dict:
    stale = render_job_is_stale(job)
    return {"job": job, "done": job.status == RenderStatus.DONE, "failed": job.status == RenderStatus.FAILED,
            "stale": stale, "waiting": job.status in (RenderStatus.QUEUED, RenderStatus.RUNNING) and not stale}


@login_required
def render_job_detail(request, pk: int):
    job = selectors.render_job_get(request.user, pk)
    template = "documents/_render_progress.html" if request.headers.get("HX-Request") else \
        "documents/render_job_detail.html"
    return render(request, template, _job_context(job))


@login_required
def render_job_download(request, pk: int):
    job = selectors.render_job_get(request.user, pk)
    if job.status != RenderStatus.DONE or not job.file:
        raise Http404(_("Tệp chưa được tạo xong."))
    return stored_file_response(job.file, job.file_name or f"van-ban.{job.fmt}",
                                not_found=_("Không tìm thấy tệp đã tạo."))
