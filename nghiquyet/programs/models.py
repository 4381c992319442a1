"""Action programs (chương trình hành động, kế hoạch) and their tasks with the "clears"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nghiquyet.accounts.models import Person
from nghiquyet.core.files import random_stored_name
from nghiquyet.org.models import Unit
from nghiquyet.resolutions.models import Document


class ActionProgram(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị ban hành"), on_delete=models.PROTECT,
                             related_name="action_programs")
    resolution = models.ForeignKey(Document, verbose_name=_("thực hiện nghị quyết"), on_delete=models.PROTECT,
                                   related_name="action_programs")
    symbol = models.CharField(_("số, ký hiệu"), max_length=40, blank=True)
    title = models.CharField(_("tên chương trình"), max_length=500)
    issued_on = models.DateField(_("ngày ban hành"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("chương trình hành động")

    def __str__(self) -> str:
        return f"{self.symbol} {self.title}".strip()


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    OVERDUE = "overdue", _("Quá hạn")
    CANCELLED = "cancelled", _("Đã hủy")


class Task(models.Model):
    program = models.ForeignKey(ActionProgram, on_delete=models.CASCADE, related_name="tasks")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="tasks", editable=False)
    number = models.CharField(_("số thứ tự"), max_length=10, blank=True)
    title = models.CharField(_("nhiệm vụ"), max_length=500)
    directing = models.ForeignKey(Person, verbose_name=_("Ủy viên Ban Thường vụ chỉ đạo"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="tasks_directed")
    responsible = models.ForeignKey(Person, verbose_name=_("cấp ủy viên phụ trách"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="tasks_responsible")
    advisor = models.ForeignKey(Person, verbose_name=_("cán bộ, công chức tham mưu"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="tasks_advised")
    coordinating = models.ManyToManyField(Unit, verbose_name=_("cơ quan phối hợp"), blank=True,
                                          related_name="tasks_coordinated")
    start_date = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    due_date = models.DateField(_("thời hạn hoàn thành"), null=True, blank=True)
    deliverable = models.CharField(_("sản phẩm"), max_length=300, blank=True)
    authority = models.CharField(_("thẩm quyền phê duyệt"), max_length=200, blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=TaskStatus.choices,
                              default=TaskStatus.NOT_STARTED)
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program_id", "id"]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="task_percent_max_100"),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True) | models.Q(due_date__isnull=True)
                | models.Q(due_date__gte=models.F("start_date")),
                name="task_due_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_status(self) -> str:
        """Overdue is derived: past the due date and neither done nor cancelled."""
        if self.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
            return self.status
        if self.due_date and self.due_date < timezone.localdate():
            return TaskStatus.OVERDUE
        return self.status

    def get_effective_status_display(self) -> str:
        return str(TaskStatus(self.effective_status).label)


class TaskUpdate(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(_("ngày"))
    note = models.TextField(_("nội dung"))
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="task_update_percent_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.on}: {self.percent}%"


def evidence_path(instance: TaskEvidence, filename: str) -> str:
    """A random stored name: the uploader's name (kept in ``TaskEvidence.name``) never reaches the disk.
    Only the extension stays, lower case, and only when it is a plain one (the service allows a short list)."""
    return random_stored_name("tasks", filename)


class TaskEvidence(models.Model):
    """A file attached to a progress report. Served only through the scoped download view, as an attachment."""

    update = models.ForeignKey(TaskUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    name = models.CharField(_("tên tệp gốc"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)

    def __str__(self) -> str:
        return self.name
