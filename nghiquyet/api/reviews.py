"""``/api/v1/`` review campaigns and review reports (sơ kết, tổng kết), and a report's documents.

- ``/review-campaigns``: list (opened in the user's subtree or above it), create, detail, progress by unit;
- ``/reports``: review reports in the user's scope (a report belongs to its unit: a sibling never sees it), open a
  unit's report, detail with its sections and drafted figures, ``PUT /reports/{id}/sections`` with the loaded
  version (409 with the current version after someone else's save), ``submit``, ``accept``, ``return``;
- ``GET /reports/{id}/document.docx``, ``.pdf``, ``.xlsx``: the report in the Party's format, rendered now; a
  consolidation of more than ``RENDER_INLINE_MAX_UNITS`` subordinate units is rendered on the worker instead (202
  with the render job's id and its ``/render-jobs/{id}`` address).

Reads go through ``reviews.selectors`` (scoped by ``accounts.scope``), writes through ``reviews.services``: a
missing role is a 403, a refusal a 422 naming the field in Vietnamese. An id in the path that is unknown or out of
scope is a 404; an id in the body that cannot be found is a 422. (``/submissions`` are the progress reports of
``api/reporting.py``; ``/reports`` are the review reports.)
"""


import io

from django.conf import settings
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from nghiquyet.accounts.scope import unit_get_visible
from nghiquyet.api.pagination import Page
from nghiquyet.api.plans import _body_ref, _Errors, _no_nulls
from nghiquyet.api.reviews_schemas import (
    CampaignIn,
    CampaignOut,
    CampaignPatch,
    ProgressOut,
    RenderJobStartedOut,
    ReportDetailOut,
    ReportOpenIn,
    ReportOut,
    ReportStatusIn,
    ReviewConflictOut,
    ReviewDecisionIn,
    SectionsIn,
    VersionIn,
)
from nghiquyet.api.schemas import READ_ERRORS, WRITE_ERRORS, Id
from nghiquyet.resolutions import selectors as resolution_selectors
from nghiquyet.reviews import selectors, services
from nghiquyet.reviews.figures import has_subordinates
from nghiquyet.reviews.models import SectionKey
from nghiquyet.reviews.services import ReviewConflict

router = Router(tags=["reviews"])

SAVE_ERRORS = {**WRITE_ERRORS, 409: ReviewConflictOut}



# ------------------------------------------------------------------ campaigns


class CampaignFilters(Schema):
    unit: Id | None = None
    resolution: Id | None = None
    open: bool | None = None


@router.get("/review-campaigns", response={200: list[CampaignOut], **READ_ERRORS}, tags=["reviews"],
            summary="Các đợt sơ kết, tổng kết do đơn vị trong phạm vi hoặc cấp trên mở",
            description="Lọc theo `unit` (cấp mở đợt), `resolution`, `open` (chưa kết thúc).")
@paginate(Page)
def campaigns_list(request, filters: Query[CampaignFilters]):
    campaigns = selectors.campaigns_visible(request.auth)
    if filters.unit is not None:
        campaigns = campaigns.filter(unit_id=filters.unit)
    if filters.resolution is not None:
        campaigns = campaigns.filter(resolution_id=filters.resolution)
    if filters.open is not None:
        campaigns = campaigns.filter(is_closed=not filters.open)
    return campaigns.order_by("-period_end", "-id")


@router.post("/review-campaigns", response={201: CampaignOut, **WRITE_ERRORS}, tags=["reviews"],
             summary="Mở đợt sơ kết, tổng kết: nghị quyết, kỳ số liệu, hạn nộp theo cấp, ngày hội nghị",
             description="Cần quyền giao lịch báo cáo tại `unit` (403). `deadlines`: {loại đơn vị cấp dưới: ngày}; cấp "
                         "dưới phải nộp không muộn hơn cấp trên mà nó báo cáo lên và không muộn hơn `own_deadline` "
                         "(422 tại `deadlines`).")
def campaign_create(request, payload: CampaignIn):
    user = request.auth
    errors = _Errors()
    unit = _body_ref(lambda: unit_get_visible(user, payload.unit), "unit", errors)
    resolution = _body_ref(lambda: resolution_selectors.document_get(user, payload.resolution), "resolution",
                           errors)
    errors.raise_if_any()
    campaign = services.campaign_create(
        actor=user, unit=unit, resolution=resolution, kind=payload.kind, title=payload.title,
        period_start=payload.period_start, period_end=payload.period_end, deadlines=dict(payload.deadlines),
        own_deadline=payload.own_deadline, conference_date=payload.conference_date,
        instructions=payload.instructions)
    return Status(201, selectors.campaign_get(user, campaign.pk))


@router.get("/review-campaigns/{campaign_id}", response={200: CampaignOut, **READ_ERRORS}, tags=["reviews"],
            summary="Chi tiết đợt sơ kết, tổng kết")
def campaign_detail(request, campaign_id: Id):
    return selectors.campaign_get(request.auth, campaign_id)


@router.patch("/review-campaigns/{campaign_id}", response={200: CampaignOut, **WRITE_ERRORS}, tags=["reviews"],
              summary="Sửa đợt sơ kết, tổng kết (chỉ các trường gửi lên)",
              description="Không đổi được cấp mở đợt và nghị quyết. Cần quyền giao lịch báo cáo tại cấp mở đợt (403); "
                          "đợt đã kết thúc: 422.")
def campaign_update(request, campaign_id: Id, payload: CampaignPatch):
    user = request.auth
    campaign = selectors.campaign_get(user, campaign_id)
    values = payload.dict(exclude_unset=True)
    errors = _Errors()
    _no_nulls(values, ("kind", "title", "period_start", "period_end", "deadlines", "own_deadline", "instructions"),
              errors)
    errors.raise_if_any()
    if "deadlines" in values:
        values["deadlines"] = dict(values["deadlines"])
    services.campaign_update(actor=user, campaign=campaign, **values)
    return selectors.campaign_get(user, campaign.pk)


@router.post("/review-campaigns/{campaign_id}/close", response={200: CampaignOut, **WRITE_ERRORS}, tags=["reviews"],
             summary="Kết thúc đợt: không mở, sửa, gửi báo cáo được nữa (vẫn duyệt, trả lại được)")
def campaign_close(request, campaign_id: Id):
    user = request.auth
    campaign = selectors.campaign_get(user, campaign_id)
    services.campaign_close(actor=user, campaign=campaign)
    return selectors.campaign_get(user, campaign.pk)


class ProgressFilters(Schema):
    unit: Id | None = None


@router.get("/review-campaigns/{campaign_id}/progress", response={200: ProgressOut, **READ_ERRORS},
            tags=["reviews"], summary="Tiến độ gửi báo cáo: số phải gửi, đã gửi, đúng hạn, muộn, bị trả lại, đã duyệt, "
                                      "chưa gửi; một dòng mỗi đơn vị",
            description="`unit`: chỉ các đơn vị thuộc đơn vị này (mặc định: cấp mở đợt). Chỉ gồm các đơn vị trong phạm "
                        "vi của người dùng.")
def campaign_progress(request, campaign_id: Id, filters: Query[ProgressFilters]):
    user = request.auth
    campaign = selectors.campaign_get(user, campaign_id)
    unit = unit_get_visible(user, filters.unit) if filters.unit is not None else None
    progress = selectors.campaign_progress(user, campaign, unit=unit)
    rows = [{"unit": row.unit, "due": row.due, "state": row.state, "state_label": row.state_label,
             "report_id": row.report.pk if row.report else None, "status": row.report.status if row.report else None,
             "is_late": row.is_late, "submitted_at": row.report.submitted_at if row.report else None,
             "symbol": row.report.issued.symbol if row.report and row.report.issued_id else "",
             "reviewer_id": row.reviewer_id} for row in progress.rows]
    return {"campaign_id": campaign.pk, "unit": progress.unit, "today": progress.today, "rows": rows,
            **progress.counts()}


# ------------------------------------------------------------------ reports


class ReportFilters(Schema):
    campaign: Id | None = None
    unit: Id | None = None
    subtree: bool = False
    status: ReportStatusIn | None = None


@router.get("/reports", response={200: list[ReportOut], **READ_ERRORS}, tags=["reviews"],
            summary="Báo cáo sơ kết, tổng kết trong phạm vi (lọc theo đợt, đơn vị, trạng thái)",
            description="`unit` với `subtree=true`: cả các đơn vị cấp dưới.")
@paginate(Page)
def reports_list(request, filters: Query[ReportFilters]):
    user = request.auth
    reports = selectors.reports_visible(user)
    if filters.campaign is not None:
        reports = reports.filter(campaign_id=filters.campaign)
    if filters.unit is not None:
        unit = unit_get_visible(user, filters.unit)
        reports = reports.filter(unit__path__under=unit.path) if filters.subtree else reports.filter(unit=unit)
    if filters.status is not None:
        reports = reports.filter(status=filters.status)
    return reports.order_by("-campaign__period_end", "campaign_id", "unit__path", "id")


def _report_out(user, pk) -> dict:
    report = selectors.report_get(user, pk)
    figures = selectors.report_figures(report, user=user)
    sections = selectors.report_sections(report)
    consolidation = None
    if has_subordinates(report):
        cons = selectors.consolidation(report, user=user, figures=figures)
        consolidation = {"expected": cons.expected, "counts": cons.counts}
    base = f"/api/v1/reports/{report.pk}/document"
    return {
        **{name: getattr(report, name) for name in ("id", "campaign_id", "status", "version", "subject", "is_late",
                                                    "submitted_at", "decided_at", "comment", "updated_at",
                                                    "recipients")},
        "campaign_title": report.campaign.title, "unit": report.unit,
        "status_label": str(report.get_status_display()),
        "due": selectors.deadline_for(report.campaign, report.unit),
        "symbol": report.issued.symbol if report.issued_id else "",
        "sections": [{"key": key, "label": str(SectionKey(key).label), "text": text}
                     for key, text in sections.items()],
        "figures": figures.to_json(), "figures_frozen": figures.frozen, "consolidation": consolidation,
        "can_edit": selectors.may_edit(user, report), "can_decide": selectors.may_decide(user, report),
        "documents": {fmt: f"{base}.{fmt}" for fmt in ("docx", "pdf", "xlsx")},
    }


@router.post("/reports", response={200: ReportDetailOut, 201: ReportDetailOut, **WRITE_ERRORS}, tags=["reviews"],
             summary="Mở báo cáo của đơn vị trong đợt (tạo bản nháp; đã có thì trả về báo cáo đó)",
             description="Đơn vị không phải báo cáo trong đợt: 422 tại `unit`; không có quyền soạn báo cáo: 403; "
                         "đợt đã kết thúc: 422. Trả 201 khi tạo mới, 200 khi đã có.")
def report_open(request, payload: ReportOpenIn):
    user = request.auth
    errors = _Errors()
    campaign = _body_ref(lambda: selectors.campaign_get(user, payload.campaign), "campaign", errors)
    unit = _body_ref(lambda: unit_get_visible(user, payload.unit), "unit", errors)
    errors.raise_if_any()
    existing = selectors.report_find(campaign, unit)
    report = services.review_report_open(actor=user, campaign=campaign, unit=unit)
    return Status(200 if existing else 201, _report_out(user, report.pk))


@router.get("/reports/{report_id}", response={200: ReportDetailOut, **READ_ERRORS}, tags=["reviews"],
            summary="Chi tiết báo cáo: các phần, số liệu dự thảo (đã chốt khi gửi), tình hình cấp dưới")
def report_detail(request, report_id: Id):
    return _report_out(request.auth, report_id)


def _conflict(exc: ReviewConflict) -> Status:
    current = exc.current
    return Status(409, {"detail": exc.messages[0], "version": current.version, "status": current.status,
                        "updated_at": current.updated_at})


@router.put("/reports/{report_id}/sections", response={200: ReportDetailOut, **SAVE_ERRORS}, tags=["reviews"],
            summary="Lưu các phần của báo cáo (bản nháp), trích yếu, nơi nhận",
            description="Chỉ các phần gửi lên thay đổi. HTML và mã script dán vào được làm sạch thành văn bản thuần. "
                        "`version` là phiên bản đã tải: người khác đã lưu sau đó thì trả 409, không ghi gì.")
def report_sections_save(request, report_id: Id, payload: SectionsIn):
    user = request.auth
    report = selectors.report_get(user, report_id)
    try:
        services.review_report_save(actor=user, report=report, version=payload.version,
                                    texts={str(k): v for k, v in payload.sections.items()},
                                    subject=payload.subject, recipients=payload.recipients)
    except ReviewConflict as exc:
        return _conflict(exc)
    return _report_out(user, report.pk)


@router.post("/reports/{report_id}/submit", response={200: ReportDetailOut, **SAVE_ERRORS}, tags=["reviews"],
             summary="Gửi báo cáo lên cấp trên (báo cáo của cấp mở đợt: ban hành)",
             description="Gửi sau hạn thì đánh dấu muộn, không bị từ chối. Lần gửi đầu được cấp số trong sổ văn bản "
                         "(“01-BC/ĐU”); gửi lại giữ số cũ, sổ văn bản cập nhật trích yếu và nơi nhận. Chưa viết phần "
                         "kết quả: 422 tại `results`.")
def report_submit(request, report_id: Id, payload: VersionIn):
    user = request.auth
    report = selectors.report_get(user, report_id)
    try:
        services.review_report_submit(actor=user, report=report, version=payload.version)
    except ReviewConflict as exc:
        return _conflict(exc)
    return _report_out(user, report.pk)


def _decide(request, report_id: int, payload: ReviewDecisionIn, decide):
    """Accept, return or reopen: the same load, version check and answer."""
    user = request.auth
    report = selectors.report_get(user, report_id)
    try:
        decide(actor=user, report=report, version=payload.version, comment=payload.comment)
    except ReviewConflict as exc:
        return _conflict(exc)
    return _report_out(user, report.pk)


@router.post("/reports/{report_id}/accept", response={200: ReportDetailOut, **SAVE_ERRORS}, tags=["reviews"],
             summary="Duyệt (chấp nhận) báo cáo",
             description="Chỉ đơn vị nhận báo cáo (cấp gần nhất phía trên phải báo cáo trong đợt, hoặc cấp mở đợt) có "
                         "quyền duyệt (ngoài ra: 403).")
def report_accept(request, report_id: Id, payload: ReviewDecisionIn):
    return _decide(request, report_id, payload, services.review_report_accept)


@router.post("/reports/{report_id}/return", response={200: ReportDetailOut, **SAVE_ERRORS}, tags=["reviews"],
             summary="Trả lại báo cáo (bắt buộc ghi ý kiến)", description="Thiếu ý kiến: 422 tại `comment`.")
def report_return(request, report_id: Id, payload: ReviewDecisionIn):
    return _decide(request, report_id, payload, services.review_report_return)


@router.post("/reports/{report_id}/reopen", response={200: ReportDetailOut, **SAVE_ERRORS}, tags=["reviews"],
             summary="Mở lại báo cáo đã duyệt để đơn vị sửa (bắt buộc ghi ý kiến)",
             description="Báo cáo trở về trạng thái bị trả lại, giữ số đã cấp. Thiếu ý kiến: 422 tại `comment`.")
def report_reopen(request, report_id: Id, payload: ReviewDecisionIn):
    return _decide(request, report_id, payload, services.review_report_reopen)


# ------------------------------------------------------------------ documents


def _document(request, report_id: int, fmt: str):
    from nghiquyet.documents.render import download_response, party_language, render_file
    from nghiquyet.reviews.documents import report_document, report_tables

    user = request.auth
    report = selectors.report_get(user, report_id)
    subordinates = selectors.subordinate_count(report)
    if subordinates > settings.NGHIQUYET["REVIEWS"]["RENDER_INLINE_MAX_UNITS"]:
        from nghiquyet.documents.services import render_job_start

        job = render_job_start(actor=user, source_kind=services.SOURCE_KIND, source_id=report.pk, fmt=fmt)
        return Status(202, {"job_id": job.pk, "status": job.status, "url": f"/api/v1/render-jobs/{job.pk}",
                            "subordinates": subordinates})
    out = io.BytesIO()
    with party_language():
        figures = selectors.report_figures(report, user=user)
        document = report_document(report, user=user, figures=figures)
        tables = report_tables(report, user=user, figures=figures) if fmt == "xlsx" else []
        render_file(document, tables, fmt, out)
    return download_response(out.getvalue(), document, fmt)


DOCUMENT_RESPONSES = {202: RenderJobStartedOut, **READ_ERRORS}
LARGE = ("Báo cáo tổng hợp có nhiều hơn `RENDER_INLINE_MAX_UNITS` đơn vị cấp dưới phải báo cáo lên: tệp được tạo ở "
         "máy chủ xử lý nền, trả 202 với `job_id` và `url` (`/api/v1/render-jobs/{id}`: tiến độ, rồi tải tệp). "
         "Báo cáo nhỏ: trả tệp ngay (200).")


@router.get("/reports/{report_id}/document.docx", response=DOCUMENT_RESPONSES, tags=["reviews"],
            summary="Tải báo cáo định dạng Word (DOCX) theo thể thức văn bản của Đảng", description=LARGE)
def report_docx(request, report_id: Id):
    return _document(request, report_id, "docx")


@router.get("/reports/{report_id}/document.pdf", response=DOCUMENT_RESPONSES, tags=["reviews"],
            summary="Tải báo cáo định dạng PDF", description=LARGE)
def report_pdf(request, report_id: Id):
    return _document(request, report_id, "pdf")


@router.get("/reports/{report_id}/document.xlsx", response=DOCUMENT_RESPONSES, tags=["reviews"],
            summary="Tải các bảng số liệu của báo cáo (XLSX)", description=LARGE)
def report_xlsx(request, report_id: Id):
    return _document(request, report_id, "xlsx")
