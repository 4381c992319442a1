"""Progress reporting (báo cáo tiến độ): periods, schedules, submissions, values, quality flags and rollups.

- A ``Period`` is a reporting period (month, quarter, 6 months, 9 months, year); rows are created on demand.
- A ``Schedule`` says which units (by kind, in the owner's subtree) report which targets at which period kind,
  with the deadline, the on-time cutoff and the lock date, all in days after the period ends.
- A ``Submission`` is one unit's report for one schedule and period; its ``Value`` rows carry the figures.
  Values are keyed by (target, unit, period) too, so one figure is never reported twice.
- ``RollupCell`` keeps, for each target, ancestor unit and period, the running sums the target's aggregation
  needs; services update them in the same transaction as the value (see ``rollups.py``).
- ``QualityFlag`` rows are the data-quality checks run at submission (see ``quality.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from nghiquyet.core.files import random_stored_name
from nghiquyet.org.models import Unit
from nghiquyet.resolutions.models import AMOUNT, Document, Target

SUMS = {"max_digits": 30, "decimal_places": 8}


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    HALF = "half", _("6 tháng")
    NINE_MONTHS = "nine_months", _("9 tháng")
    YEAR = "year", _("Năm")


class Period(models.Model):
    """A reporting period. ``number``: month 1-12, quarter 1-4, half 1-2 (first/last six months); 1 otherwise.
    Six and nine months run from 1 January (the way Vietnamese reports count them)."""

    kind = models.CharField(_("loại kỳ"), max_length=12, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveSmallIntegerField(_("kỳ số"), default=1)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))

    class Meta:
        ordering = ["end", "start"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "number"], name="unique_period"),
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="period_dates"),
        ]
        verbose_name = _("kỳ báo cáo")

    def __str__(self) -> str:
        from nghiquyet.reporting.periods import period_label

        return period_label(self.kind, self.year, self.number)


class Schedule(models.Model):
    """Which units report which targets, how often, by when."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị giao"), on_delete=models.PROTECT,
                             related_name="report_schedules")
    document = models.ForeignKey(Document, verbose_name=_("nghị quyết"), on_delete=models.PROTECT,
                                 related_name="report_schedules")
    name = models.CharField(_("tên"), max_length=200)
    targets = models.ManyToManyField(Target, verbose_name=_("chỉ tiêu"), related_name="report_schedules")
    period_kind = models.CharField(_("loại kỳ"), max_length=12, choices=PeriodKind.choices)
    reporting_kinds = models.JSONField(_("cấp báo cáo"), default=list,
                                       help_text="Unit kinds in the owner's subtree that report.")
    starts_on = models.DateField(_("áp dụng từ"))
    ends_on = models.DateField(_("áp dụng đến"))
    due_days = models.PositiveSmallIntegerField(_("hạn nộp (số ngày sau kỳ)"), default=10)
    due_days_by_kind = models.JSONField(_("hạn nộp theo cấp"), default=dict, blank=True,
                                        help_text="{unit kind: days after the period}, e.g. branches first.")
    grace_days = models.PositiveSmallIntegerField(_("số ngày vẫn tính đúng hạn sau hạn nộp"), default=0)
    lock_days = models.PositiveSmallIntegerField(_("khóa số liệu sau kỳ (ngày)"), default=45)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit_id", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="schedule_dates"),
        ]
        verbose_name = _("lịch báo cáo")

    def __str__(self) -> str:
        return self.name


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã duyệt")


class Submission(models.Model):
    """One unit's report for one schedule and period."""

    schedule = models.ForeignKey(Schedule, on_delete=models.PROTECT, related_name="submissions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="report_submissions")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(_("trạng thái"), max_length=12, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.DRAFT)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every save: detects concurrent edits.")
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    is_late = models.BooleanField(_("nộp muộn"), default=False)
    decided_at = models.DateTimeField(_("duyệt/trả lại lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    comment = models.TextField(_("ý kiến của cấp trên"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period__end", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "unit", "period"], name="unique_submission"),
        ]
        indexes = [models.Index(fields=["period", "status"])]
        verbose_name = _("báo cáo số liệu")

    def __str__(self) -> str:
        return f"{self.unit} — {self.period}"


class Value(models.Model):
    """A reported figure. Ratio targets carry numerator and denominator (the rate is computed, never averaged),
    weighted means carry the weight. ``counted`` says whether the value is in the rollups now (it depends on the
    submission's status and the visibility setting); ``is_total`` marks a unit's own total of figures its
    subordinates also report: it is checked against their sum, never added to it."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="values")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="report_values")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(_("giá trị"), null=True, blank=True, **AMOUNT)
    numerator = models.DecimalField(_("tử số"), null=True, blank=True, **AMOUNT)
    denominator = models.DecimalField(_("mẫu số"), null=True, blank=True, **AMOUNT)
    weight = models.DecimalField(_("trọng số"), null=True, blank=True, **AMOUNT)
    note = models.TextField(_("ghi chú"), blank=True)
    is_total = models.BooleanField(default=False)
    counted = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target_id"]
        constraints = [
            models.UniqueConstraint(fields=["target", "unit", "period"], name="unique_value"),
        ]
        indexes = [models.Index(fields=["target", "period"])]
        verbose_name = _("số liệu")

    def __str__(self) -> str:
        return f"{self.target_id}@{self.unit_id}/{self.period_id}={self.value}"


def value_evidence_path(instance: ValueEvidence, filename: str) -> str:
    return random_stored_name("values", filename)


class ValueEvidence(models.Model):
    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=value_evidence_path, max_length=200)
    name = models.CharField(_("tên tệp gốc"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class FlagKind(models.TextChoices):
    OUT_OF_RANGE = "out_of_range", _("Ngoài khoảng hợp lý theo lịch sử")
    IMPOSSIBLE = "impossible", _("Giá trị không thể có")
    JUMP = "jump", _("Thay đổi đột ngột so với kỳ trước")
    TOTAL_MISMATCH = "total_mismatch", _("Tổng tự báo cáo khác tổng của cấp dưới")
    COPIED = "copied", _("Giá trị giống hệt ở nhiều đơn vị")


class QualityFlag(models.Model):
    """A data-quality warning on a value, shown to the submitter (who may explain) and to the approver."""

    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("loại cảnh báo"), max_length=16, choices=FlagKind.choices)
    message = models.CharField(_("nội dung"), max_length=500)
    detail = models.JSONField(default=dict)
    explanation = models.TextField(_("giải trình"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["value_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["value", "kind"], name="unique_flag_kind")]
        verbose_name = _("cảnh báo chất lượng số liệu")

    def __str__(self) -> str:
        return self.message

    @property
    def text(self) -> str:
        """The message in the reader's language (``message`` is the text at the time of the check)."""
        spec = (self.detail or {}).get("text")
        if isinstance(spec, dict) and isinstance(spec.get("template"), str):
            try:
                template = gettext(spec["template"])
                return template % spec["args"] if spec.get("args") is not None else template
            except (KeyError, TypeError, ValueError):
                pass
        return self.message


class RollupCell(models.Model):
    """Running sums of one target at one unit for one period, over the counted values of its subtree.

    ``total``/``total2`` by aggregation: sum → (Σ value, –); weighted mean → (Σ value×weight, Σ weight);
    ratio → (Σ numerator, Σ denominator); count meeting → (number meeting the threshold, –);
    none → (own value, –). ``contributors`` is the number of values inside."""

    # A derived cache rebuilt from values: no database foreign-key checks (they cost most of a full rebuild
    # on PostgreSQL) and no single-column indexes (the unique constraint and the (unit, period) index cover
    # the look-ups). Django still cascades deletes.
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="rollups", db_constraint=False,
                               db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="rollups", db_constraint=False,
                             db_index=False)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="rollups", db_constraint=False)
    total = models.DecimalField(default=0, **SUMS)
    total2 = models.DecimalField(default=0, **SUMS)
    contributors = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "unit", "period"], name="unique_rollup_cell"),
        ]
        indexes = [models.Index(fields=["unit", "period"])]

    def __str__(self) -> str:
        return f"{self.target_id}@{self.unit_id}/{self.period_id}"
