"""The document register (sổ văn bản đi): every document a unit issues in the app gets its number here.

Numbers run from 01 per issuing unit, per document type and per committee term (Quy định 399-QĐ/TW). A number is
taken inside the transaction that stores the document (``services.document_issue``), so a rolled-back issue gives
its number back (no gaps) and the unique constraint on the register makes a duplicate impossible even if two
issues race (none can: the counter row is locked by its UPDATE until commit).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nghiquyet.org.models import Unit


class NumberCounter(models.Model):
    """The last number given for (unit, type, term)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="number_counters")
    type_code = models.CharField(_("loại văn bản"), max_length=8)
    term_start = models.PositiveSmallIntegerField(_("nhiệm kỳ từ năm"))
    term_end = models.PositiveSmallIntegerField(_("nhiệm kỳ đến năm"))
    last_number = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("bộ đếm số văn bản")
        constraints = [
            models.UniqueConstraint(fields=["unit", "type_code", "term_start"], name="one_counter_per_unit_type_term"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.type_code} {self.term_start}-{self.term_end}: {self.last_number}"


def issued_file_path(instance: IssuedDocument, filename: str) -> str:
    return f"documents/{instance.unit_id}/{instance.term_start}/{filename}"


class SourceKind(models.TextChoices):
    REVIEW_REPORT = "review_report", _("Báo cáo sơ kết, tổng kết")
    UPLOAD = "upload", _("Văn bản đăng ký vào sổ")


class IssuedDocument(models.Model):
    """One issued document: its number, metadata and file(s)."""

    unit = models.ForeignKey(Unit, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT,
                             related_name="issued_documents")
    type_code = models.CharField(_("loại văn bản"), max_length=8)
    term_start = models.PositiveSmallIntegerField(_("nhiệm kỳ từ năm"))
    term_end = models.PositiveSmallIntegerField(_("nhiệm kỳ đến năm"))
    number = models.PositiveIntegerField(_("số"))
    issuer_code = models.CharField(_("ký hiệu cơ quan"), max_length=20)
    symbol = models.CharField(_("số, ký hiệu"), max_length=40, db_index=True)  # "12-BC/ĐU"
    issued_on = models.DateField(_("ngày ban hành"))
    title = models.CharField(_("trích yếu"), max_length=500)
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    file = models.FileField(_("tệp văn bản"), upload_to=issued_file_path, max_length=200, blank=True)
    file_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    source_kind = models.CharField(_("nguồn"), max_length=20, choices=SourceKind.choices, default=SourceKind.UPLOAD)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    search_text = models.CharField(max_length=900, editable=False, default="")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Void mark (thu hồi): the entry stays in the register and its number stays used (no gap, no reuse).
    voided_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    void_reason = models.TextField(_("lý do thu hồi"), blank=True)

    class Meta:
        verbose_name = _("văn bản đã ban hành")
        verbose_name_plural = _("văn bản đã ban hành")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "type_code", "term_start", "number"],
                                    name="one_number_per_unit_type_term"),
        ]
        indexes = [models.Index(fields=["source_kind", "source_id"])]

    def __str__(self) -> str:
        return f"{self.symbol} {self.title}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class RenderStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi")


def render_file_path(instance: RenderJob, filename: str) -> str:
    return f"renders/{instance.requested_by_id or 0}/{filename}"


class RenderJob(models.Model):
    """A document being rendered on the worker (large consolidations), with its progress for the page to poll."""

    source_kind = models.CharField(max_length=20, choices=SourceKind.choices)
    source_id = models.PositiveBigIntegerField()
    fmt = models.CharField(_("định dạng"), max_length=8)  # docx, pdf, xlsx
    status = models.CharField(_("trạng thái"), max_length=8, choices=RenderStatus.choices,
                              default=RenderStatus.QUEUED)
    done_steps = models.PositiveIntegerField(default=0)
    total_steps = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=render_file_path, max_length=200, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["source_kind", "source_id", "fmt"])]

    def __str__(self) -> str:
        return f"{self.source_kind} {self.source_id} .{self.fmt} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == RenderStatus.DONE:
            return 100
        return int(100 * self.done_steps / self.total_steps) if self.total_steps else 0
