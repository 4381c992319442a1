from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Tạo mới")
    UPDATE = "update", _("Cập nhật")
    DELETE = "delete", _("Xóa")
    REORGANIZE = "reorganize", _("Sắp xếp tổ chức")


class AuditEvent(models.Model):
    """Who changed what, when, from which values to which. Written by services, never edited."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=150)
    action = models.CharField(_("thao tác"), max_length=16, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("đối tượng"), max_length=255)
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events",
        help_text="The unit whose subtree this event belongs to (for scoping).",
    )
    changes = models.JSONField(_("thay đổi"), default=dict)
    reorganization = models.ForeignKey(
        "org.Reorganization", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("nhật ký thay đổi")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_display} {self.action} {self.object_repr}"

    @property
    def actor_display(self) -> str:
        """Who did it, for people: the user name, or "the system" in the reader's language."""
        return self.actor_name or str(_("hệ thống"))
