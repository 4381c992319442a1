"""Reads of the inbox. A notification belongs to one person: everyone reads only their own (another person's id is
a 404, like anything outside the scope)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from nghiquyet.core.ids import get_or_404
from nghiquyet.notifications.models import KIND_LABELS, Mute, Notification
from nghiquyet.notifications.reminders import ReminderKind


def notifications_of(user, *, unread: bool = False, kind: str = "") -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    items = Notification.objects.filter(user=user).select_related("unit").order_by("-created_at", "-id")
    if unread:
        items = items.filter(read_at__isnull=True)
    if kind in ReminderKind.ALL:
        items = items.filter(kind=kind)
    return items


def notification_get(user, pk) -> Notification:
    return get_or_404(notifications_of(user), pk, _("Không tìm thấy thông báo."))


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def muted_kinds(user) -> set[str]:
    return set(Mute.objects.filter(user=user).values_list("kind", flat=True))


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, str(KIND_LABELS[kind])) for kind in ReminderKind.ALL]
