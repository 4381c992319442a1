"""Schemas of ``/api/v1/documents`` (the document register) and ``/api/v1/render-jobs``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from ninja import Field, Schema

from nghiquyet.api.plans_schemas import DateIn
from nghiquyet.api.schemas import UnitRefOut


class DocumentFilters(Schema):
    q: str = Field("", max_length=200, description="Tìm không dấu trong số, ký hiệu, trích yếu, cơ quan, người ký")
    type: str = Field("", max_length=8, description="Mã loại văn bản (BC, NQ, KH, ...)")
    unit: int | None = Field(None, ge=1, description="Cơ quan ban hành (id)")
    year: int | None = Field(None, ge=1900, le=2200, description="Năm ban hành")


class IssuedDocumentOut(Schema):
    id: int
    symbol: str = Field(description="Số, ký hiệu như trong sổ: 01-BC/ĐU")
    number: int
    type_code: str
    type_label: str
    issuer_code: str
    term_start: int
    term_end: int
    issued_on: dt.date
    title: str
    unit: UnitRefOut
    signer_name: str
    signer_title: str
    source_kind: str
    source_id: int | None
    has_file: bool
    file_name: str
    size: int
    voided: bool = Field(description="Đã thu hồi (số vẫn giữ trong sổ, không cấp lại)")
    voided_at: dt.datetime | None
    void_reason: str
    file_url: str | None = Field(description="Tải tệp qua API (kiểm tra phạm vi), không phải địa chỉ MEDIA; cả khi "
                                             "has_file là false với văn bản lập trong ứng dụng (tệp .docx được tạo "
                                             "khi tải lần đầu)")

    @staticmethod
    def resolve_type_label(obj) -> str:
        return str(settings.NGHIQUYET["DOCUMENT_TYPES"].get(obj.type_code, obj.type_code))

    @staticmethod
    def resolve_voided(obj) -> bool:
        return obj.voided_at is not None

    @staticmethod
    def resolve_has_file(obj) -> bool:
        return bool(obj.file)

    @staticmethod
    def resolve_file_url(obj) -> str | None:
        from nghiquyet.documents.services import has_builder

        return reverse("api-v1:document_file", args=[obj.pk]) if obj.file or has_builder(obj) else None


class IssuedDocumentDetailOut(IssuedDocumentOut):
    recipients: str
    created_at: dt.datetime


class DocumentPatch(Schema):
    """Only the fields sent change. The number, type and issuing unit never change; the date stays in the term."""

    title: str | None = Field(None, max_length=500)
    signer_name: str | None = Field(None, max_length=200)
    signer_title: str | None = Field(None, max_length=200)
    recipients: str | None = Field(None, max_length=5000)
    issued_on: DateIn | None = None


class VoidIn(Schema):
    reason: str = Field(..., max_length=2000, description="Lý do thu hồi")


class NumberPreviewQuery(Schema):
    unit: int = Field(..., ge=1, description="Cơ quan ban hành (id)")
    type: str = Field(..., max_length=8, description="Mã loại văn bản (BC, KH, ...)")
    on: dt.date | None = Field(None, description="Ngày ban hành (mặc định hôm nay)")


class NumberPreviewOut(Schema):
    symbol: str = Field(description="Số sẽ cấp nếu vào sổ lúc này (chỉ để xem: số được lấy khi vào sổ)")


class RenderJobOut(Schema):
    id: int
    source_kind: str
    source_id: int
    fmt: str
    status: str
    status_label: str
    done_steps: int
    total_steps: int
    percent: int
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    download_url: str | None = Field(description="Khi status = done: tải tệp (chỉ người yêu cầu)")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_download_url(obj) -> str | None:
        return reverse("api-v1:render_job_file", args=[obj.pk]) if obj.status == "done" and obj.file else None
