"""Review campaigns (sơ kết giữa nhiệm kỳ, tổng kết, sơ kết năm) and each unit's review report.

A superior opens a campaign for a resolution and a period, with a deadline per level (unit kind). Every unit of
those kinds in the superior's subtree (and the superior itself, whose report is the consolidation) owes one
report. A report is drafted from the unit's data (figures, refreshed while it is a draft and frozen into
``figures`` when submitted), people write the narrative sections, and it follows the submission lifecycle of
progress reports: draft → submitted → accepted, or → returned (with a comment) → submitted again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nghiquyet.documents.models import IssuedDocument
from nghiquyet.org.models import Unit
from nghiquyet.reporting.models import SubmissionStatus
from nghiquyet.resolutions.models import Document


class ReviewKind(models.TextChoices):
    MIDTERM = "midterm", _("Sơ kết giữa nhiệm kỳ")
    FINAL = "final", _("Tổng kết")
    YEARLY = "yearly", _("Sơ kết năm")


class Campaign(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("cấp mở đợt"), on_delete=models.PROTECT,
                             related_name="review_campaigns")
    resolution = models.ForeignKey(Document, verbose_name=_("nghị quyết"), on_delete=models.PROTECT,
                                   related_name="review_campaigns")
    kind = models.CharField(_("loại"), max_length=10, choices=ReviewKind.choices)
    title = models.CharField(_("tên đợt"), max_length=300)
    period_start = models.DateField(_("số liệu từ ngày"))
    period_end = models.DateField(_("số liệu đến ngày"))
    # {unit kind: "YYYY-MM-DD"}: the levels that report and each level's deadline.
    deadlines = models.JSONField(_("hạn nộp theo cấp"), default=dict)
    own_deadline = models.DateField(_("hạn hoàn thành báo cáo của cấp mở đợt"))
    conference_date = models.DateField(_("ngày hội nghị"), null=True, blank=True)
    instructions = models.TextField(_("hướng dẫn"), blank=True)
    is_closed = models.BooleanField(_("đã kết thúc"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt sơ kết, tổng kết")
        verbose_name_plural = _("đợt sơ kết, tổng kết")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="campaign_period_order"),
        ]

    def __str__(self) -> str:
        return self.title


class SectionKey(models.TextChoices):
    """The narrative sections people write, in the order of the report."""

    RESULTS = "results", _("Kết quả đạt được trên các lĩnh vực")
    LIMITATIONS = "limitations", _("Hạn chế, yếu kém")
    CAUSES_SUBJECTIVE = "causes_subjective", _("Nguyên nhân chủ quan")
    CAUSES_OBJECTIVE = "causes_objective", _("Nguyên nhân khách quan")
    LESSONS = "lessons", _("Bài học kinh nghiệm")
    SOLUTIONS = "solutions", _("Nhiệm vụ, giải pháp thời gian tới")
    PROPOSALS = "proposals", _("Đề xuất, kiến nghị với cấp trên")


class ReviewReport(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="review_reports")
    status = models.CharField(_("trạng thái"), max_length=12, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.DRAFT)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every save: detects concurrent edits.")
    subject = models.CharField(_("trích yếu"), max_length=500, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    # The drafted figures as they were when the report was submitted (empty while a draft: drafts show live data).
    figures = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    is_late = models.BooleanField(_("nộp muộn"), default=False)
    decided_at = models.DateTimeField(_("duyệt/trả lại lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    comment = models.TextField(_("ý kiến của cấp trên"), blank=True)
    issued = models.OneToOneField(IssuedDocument, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="review_report")
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo sơ kết, tổng kết")
        verbose_name_plural = _("báo cáo sơ kết, tổng kết")
        ordering = ["campaign_id", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="one_review_report_per_unit"),
        ]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit}"


class ReviewSection(models.Model):
    """One narrative section, stored as plain text (paragraphs separated by blank lines; pasted HTML removed)."""

    report = models.ForeignKey(ReviewReport, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=20, choices=SectionKey.choices)
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="one_section_per_key")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.key}"
