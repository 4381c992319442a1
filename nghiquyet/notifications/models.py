"""Reminders delivered to people: the in-app inbox and the e-mail queue.

- ``Delivery`` is one reminder for one person: UNIQUE on ``(kind, key, user)``, so however many scans or
  workers run, a reminder exists once. It carries the e-mail state machine (pending → sending → sent, back to
  pending with a later ``next_attempt_at`` on a temporary SMTP error, failed on a permanent one; not needed when
  the person has no address or muted the kind).
- ``Notification`` is the inbox item of a delivery (one per delivery).
- ``Mute`` says that a person does not want a kind of reminder: no e-mail, and the inbox item arrives read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nghiquyet.notifications.reminders import ReminderKind
from nghiquyet.org.models import Unit

KIND_LABELS = {
    ReminderKind.REPORT_DUE: _("Hạn nộp báo cáo số liệu"),
    ReminderKind.TASK_DUE: _("Hạn hoàn thành nhiệm vụ"),
    ReminderKind.WRITEUP_DUE: _("Hạn nộp bài thu hoạch, kế hoạch cá nhân"),
    ReminderKind.RECOMMENDATION_DUE: _("Hạn thực hiện kiến nghị sau kiểm tra, giám sát"),
    ReminderKind.ADJUSTMENT_PENDING: _("Đề nghị điều chỉnh chỉ tiêu chờ quyết định"),
    ReminderKind.BRIEFING: _("Bản tin giao ban hằng tuần"),
}


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi thư")
    FAILED = "failed", _("Gửi không được (lỗi vĩnh viễn)")
    NOT_NEEDED = "not_needed", _("Không gửi thư")


class Delivery(models.Model):
    kind = models.CharField(_("loại nhắc việc"), max_length=32)
    key = models.CharField(_("khóa"), max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_deliveries")
    email = models.EmailField(_("gửi tới"), blank=True)
    email_status = models.CharField(_("thư điện tử"), max_length=12, choices=EmailStatus.choices,
                                    default=EmailStatus.PENDING)
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(_("gửi thư lúc"), null=True, blank=True)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "kind", "user"], name="unique_reminder_delivery"),
        ]
        indexes = [models.Index(fields=["email_status", "next_attempt_at"], name="delivery_queue_idx")]
        verbose_name = _("lượt nhắc việc")

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}→{self.user_id}"


class Notification(models.Model):
    delivery = models.OneToOneField(Delivery, on_delete=models.CASCADE, related_name="notification")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("loại"), max_length=32)
    subject = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    due_on = models.DateField(_("hạn"), null=True, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx"),
                   models.Index(fields=["user", "-created_at"], name="notification_inbox_idx")]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self) -> str:
        return self.subject

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


class Mute(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_mutes")
    kind = models.CharField(_("loại nhắc việc"), max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="unique_reminder_mute")]
        verbose_name = _("loại nhắc việc đã tắt")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}"
