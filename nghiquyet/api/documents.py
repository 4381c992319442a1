"""``/api/v1/documents``: the document register (sổ văn bản) read through ``documents.selectors`` (the user's
subtree, plus what levels above issue downward), with the file downloaded through a scoped view (never a MEDIA
address); ``/api/v1/render-jobs/{id}``: a render job's progress and file, for the user who asked for it only.
Unknown or out-of-scope ids are a 404."""

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from nghiquyet.accounts.scope import unit_read_q
from nghiquyet.api.documents_schemas import (
    DocumentFilters,
    DocumentPatch,
    IssuedDocumentDetailOut,
    IssuedDocumentOut,
    NumberPreviewOut,
    NumberPreviewQuery,
    RenderJobOut,
    VoidIn,
)
from nghiquyet.api.pagination import Page
from nghiquyet.api.plans import _Errors, _no_nulls
from nghiquyet.api.schemas import READ_ERRORS, WRITE_ERRORS, Id
from nghiquyet.core.files import stored_file_response
from nghiquyet.documents import selectors
from nghiquyet.documents.models import RenderStatus
from nghiquyet.documents.services import (
    issued_document_update,
    issued_document_void,
    issued_file_ensure,
    missing_file_message,
)
from nghiquyet.org.models import Unit

router = Router(tags=["documents"])


@router.get("/documents", response={200: list[IssuedDocumentOut], **READ_ERRORS},
            summary="Sổ văn bản: văn bản đã ban hành trong phạm vi (tìm không dấu, lọc loại, cơ quan, năm)")
@paginate(Page)
def documents_list(request, filters: Query[DocumentFilters]):
    user = request.auth
    errors = _Errors()
    if filters.type and filters.type not in settings.NGHIQUYET["DOCUMENT_TYPES"]:
        errors.add("type", _("Loại văn bản không hợp lệ. Chọn một trong: %(codes)s.") % {
            "codes": ", ".join(settings.NGHIQUYET["DOCUMENT_TYPES"])})
    unit = None
    if filters.unit is not None:
        unit = Unit.objects.filter(unit_read_q(user, prefix=""), pk=filters.unit).first()
        if unit is None:   # out of scope answers like an id that does not exist: 404
            raise Http404
    errors.raise_if_any()
    return selectors.issued_visible(user, query=filters.q, unit=unit, type_code=filters.type, year=filters.year)


@router.get("/documents/number-preview", response={200: NumberPreviewOut, **READ_ERRORS},
            summary="Số sẽ cấp cho loại văn bản tại cơ quan (chỉ để xem, không lấy số)")
def document_number_preview(request, query: Query[NumberPreviewQuery]):
    user = request.auth
    unit = selectors.issue_units(user).filter(pk=query.unit).first()
    if unit is None:   # a unit where the user may not issue answers like one that does not exist
        raise Http404
    errors = _Errors()
    if query.type not in settings.NGHIQUYET["DOCUMENT_TYPES"]:
        errors.add("type", _("Loại văn bản không hợp lệ. Chọn một trong: %(codes)s.") % {
            "codes": ", ".join(settings.NGHIQUYET["DOCUMENT_TYPES"])})
    on = query.on or timezone.localdate()
    if on > timezone.localdate():
        errors.add("on", _("Ngày ban hành không được sau hôm nay."))
    errors.raise_if_any()
    return {"symbol": selectors.number_preview(unit, query.type, on)}


@router.get("/documents/{document_id}", response={200: IssuedDocumentDetailOut, **READ_ERRORS},
            summary="Chi tiết một văn bản trong sổ")
def document_detail(request, document_id: Id):
    return selectors.issued_get(request.auth, document_id)


@router.patch("/documents/{document_id}", response={200: IssuedDocumentDetailOut, **WRITE_ERRORS},
              summary="Sửa thông tin văn bản trong sổ (trích yếu, người ký, nơi nhận, ngày trong nhiệm kỳ); "
                      "không đổi số, loại, cơ quan")
def document_update(request, document_id: Id, payload: DocumentPatch):
    user = request.auth
    document = selectors.issued_get(user, document_id)
    values = payload.dict(exclude_unset=True)
    errors = _Errors()
    _no_nulls(values, ("title", "issued_on"), errors)
    errors.raise_if_any()
    values = {k: ("" if v is None else v) for k, v in values.items()}
    issued_document_update(actor=user, document=document, **values)
    return selectors.issued_get(user, document_id)


@router.post("/documents/{document_id}/void", response={200: IssuedDocumentDetailOut, **WRITE_ERRORS},
             summary="Thu hồi văn bản (kèm lý do; số vẫn giữ trong sổ, không cấp lại)")
def document_void(request, document_id: Id, payload: VoidIn):
    user = request.auth
    document = selectors.issued_get(user, document_id)
    issued_document_void(actor=user, document=document, reason=payload.reason)
    return selectors.issued_get(user, document_id)


@router.get("/documents/{document_id}/file", response=READ_ERRORS, url_name="document_file",
            summary="Tải tệp của văn bản (luôn là tệp đính kèm; văn bản lập trong ứng dụng chưa có tệp được tạo ngay)")
def document_file(request, document_id: Id):
    document = issued_file_ensure(document=selectors.issued_get(request.auth, document_id), user=request.auth)
    if not document.file:
        raise Http404(missing_file_message(document))
    return stored_file_response(document.file, document.file_name or f"{document.symbol}",
                                not_found=_("Không tìm thấy tệp văn bản."))


@router.get("/render-jobs/{job_id}", response={200: RenderJobOut, **READ_ERRORS},
            summary="Tiến độ tạo tệp văn bản (chỉ người yêu cầu)")
def render_job_detail(request, job_id: Id):
    return selectors.render_job_get(request.auth, job_id)


@router.get("/render-jobs/{job_id}/file", response=READ_ERRORS, url_name="render_job_file",
            summary="Tải tệp đã tạo (khi xong)")
def render_job_file(request, job_id: Id):
    job = selectors.render_job_get(request.auth, job_id)
    if job.status != RenderStatus.DONE or not job.file:
        raise Http404
    return stored_file_response(job.file, job.file_name or f"van-ban.{job.fmt}",
                                not_found=_("Không tìm thấy tệp đã tạo."))
