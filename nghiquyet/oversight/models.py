"""Inspection and supervision (kiểm tra, giám sát) as an inspection committee works.

A committee adopts its annual program (``InspectionProgram``, chương trình kiểm tra, giám sát năm) with its
planned items (``PlannedInspection``). Each inspection or supervision (``Inspection``) is conducted by a unit,
names exactly one subject (a unit of the conducting unit's subtree or a person in it), its content (free text and
optional links to a resolution, its targets and tasks of action programs), its team and dates; it records
findings (``Finding``), a conclusion (date, text, optional document number) and recommendations
(``Recommendation``) with an owner and a due date, followed up (``RecommendationUpdate``) until the conducting
unit closes them.

Recommendation states: open → done (the owner reports it done) → closed (the conducting unit accepts it, with a
note). "Overdue" is derived: open and past its due date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nghiquyet.accounts.models import Person
from nghiquyet.org.models import Unit
from nghiquyet.programs.models import Task
from nghiquyet.resolutions.models import Document, Target


class InspectionKind(models.TextChoices):
    INSPECTION = "inspection", _("Kiểm tra")
    SUPERVISION = "supervision", _("Giám sát")


class InspectionMode(models.TextChoices):
    REGULAR = "regular", _("Thường xuyên")
    THEMATIC = "thematic", _("Chuyên đề")


class InspectionProgram(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("cấp ủy, ủy ban kiểm tra"), on_delete=models.PROTECT,
                             related_name="inspection_programs")
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên chương trình"), max_length=300)
    symbol = models.CharField(_("số, ký hiệu"), max_length=40, blank=True)
    issued_on = models.DateField(_("ngày ban hành"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "unit__path", "id"]
        verbose_name = _("chương trình kiểm tra, giám sát")
        verbose_name_plural = _("chương trình kiểm tra, giám sát")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_inspection_program_per_year")]

    def __str__(self) -> str:
        return self.title


class PlannedInspection(models.Model):
    """An item of the annual program: what is to be inspected or supervised, about whom, in which quarter."""

    program = models.ForeignKey(InspectionProgram, on_delete=models.CASCADE, related_name="items")
    number = models.CharField(_("số thứ tự"), max_length=10)
    kind = models.CharField(_("hình thức"), max_length=16, choices=InspectionKind.choices)
    mode = models.CharField(_("loại"), max_length=16, choices=InspectionMode.choices, default=InspectionMode.THEMATIC)
    subject = models.CharField(_("đối tượng"), max_length=300)
    content = models.TextField(_("nội dung"))
    quarter = models.PositiveSmallIntegerField(_("thời gian dự kiến (quý)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program_id", "id"]
        verbose_name = _("nội dung chương trình")
        verbose_name_plural = _("nội dung chương trình")
        constraints = [
            models.CheckConstraint(condition=models.Q(quarter__isnull=True) | models.Q(quarter__gte=1, quarter__lte=4),
                                   name="planned_inspection_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.subject}"

    @property
    def quarter_label(self) -> str:
        if not self.quarter:
            return ""
        return _("Quý %(q)s") % {"q": ("I", "II", "III", "IV")[self.quarter - 1]}


class Inspection(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị tiến hành"), on_delete=models.PROTECT,
                             related_name="inspections")
    planned = models.ForeignKey(PlannedInspection, verbose_name=_("theo chương trình"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="inspections")
    kind = models.CharField(_("hình thức"), max_length=16, choices=InspectionKind.choices)
    mode = models.CharField(_("loại"), max_length=16, choices=InspectionMode.choices, default=InspectionMode.THEMATIC)
    title = models.CharField(_("tên cuộc kiểm tra, giám sát"), max_length=300)
    decision_ref = models.CharField(_("quyết định, kế hoạch số"), max_length=60, blank=True)
    subject_unit = models.ForeignKey(Unit, verbose_name=_("tổ chức đảng được kiểm tra, giám sát"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="inspections_received")
    subject_person = models.ForeignKey(Person, verbose_name=_("đảng viên được kiểm tra, giám sát"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="inspections_received")
    content = models.TextField(_("nội dung"), blank=True)
    resolution = models.ForeignKey(Document, verbose_name=_("việc thực hiện nghị quyết"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="inspections")
    targets = models.ManyToManyField(Target, verbose_name=_("chỉ tiêu"), blank=True, related_name="inspections")
    tasks = models.ManyToManyField(Task, verbose_name=_("nhiệm vụ"), blank=True, related_name="inspections")
    leader = models.ForeignKey(Person, verbose_name=_("trưởng đoàn"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="inspections_led")
    team = models.ManyToManyField(Person, verbose_name=_("thành viên đoàn"), blank=True,
                                  related_name="inspection_teams")
    starts_on = models.DateField(_("ngày bắt đầu"))
    ends_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    concluded_on = models.DateField(_("ngày kết luận"), null=True, blank=True)
    conclusion = models.TextField(_("kết luận"), blank=True)
    conclusion_ref = models.CharField(_("số văn bản kết luận"), max_length=60, blank=True)
    search_text = models.CharField(max_length=600, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("cuộc kiểm tra, giám sát")
        verbose_name_plural = _("cuộc kiểm tra, giám sát")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(subject_unit__isnull=False, subject_person__isnull=True)
                           | models.Q(subject_unit__isnull=True, subject_person__isnull=False)),
                name="inspection_one_subject"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="inspection_ends_after_start"),
            models.CheckConstraint(
                condition=models.Q(concluded_on__isnull=True) | models.Q(concluded_on__gte=models.F("starts_on")),
                name="inspection_concluded_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def subject_name(self) -> str:
        if self.subject_unit_id:
            return self.subject_unit.name
        person = self.subject_person
        return f"{person.full_name} — {person.position}" if person.position else person.full_name

    @property
    def is_concluded(self) -> bool:
        return self.concluded_on is not None


class FindingKind(models.TextChoices):
    STRENGTH = "strength", _("Ưu điểm")
    SHORTCOMING = "shortcoming", _("Hạn chế, khuyết điểm")
    VIOLATION = "violation", _("Vi phạm")


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("loại"), max_length=16, choices=FindingKind.choices)
    text = models.TextField(_("nội dung"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["inspection_id", "id"]
        verbose_name = _("kết quả kiểm tra")
        verbose_name_plural = _("kết quả kiểm tra")

    def __str__(self) -> str:
        return self.text[:80]


class RecommendationStatus(models.TextChoices):
    OPEN = "open", _("Đang thực hiện")
    DONE = "done", _("Đã báo cáo hoàn thành")
    CLOSED = "closed", _("Đã kết thúc theo dõi")


class Recommendation(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField(_("nội dung kiến nghị"))
    # Always set: given, or the owner person's unit (the unit that answers for the recommendation).
    owner_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị thực hiện"), on_delete=models.PROTECT,
                                   related_name="recommendations")
    owner_person = models.ForeignKey(Person, verbose_name=_("người thực hiện"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="recommendations")
    due_on = models.DateField(_("thời hạn"))
    status = models.CharField(_("trạng thái"), max_length=8, choices=RecommendationStatus.choices,
                              default=RecommendationStatus.OPEN)
    done_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    closed_on = models.DateField(_("ngày kết thúc theo dõi"), null=True, blank=True)
    close_note = models.TextField(_("ý kiến khi kết thúc"), blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("kiến nghị")
        verbose_name_plural = _("kiến nghị")
        indexes = [models.Index(fields=["status", "due_on"], name="recommendation_status_due")]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def owner_name(self) -> str:
        parts = [self.owner_unit.name] if self.owner_unit_id else []
        if self.owner_person_id:
            parts.append(self.owner_person.full_name)
        return " — ".join(parts)


class RecommendationUpdate(models.Model):
    """A follow-up by the owner (or the conducting unit): what was done; ``done`` reports it complete."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(_("ngày"))
    note = models.TextField(_("nội dung"))
    done = models.BooleanField(_("đã hoàn thành"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.on}: {self.note[:60]}"
