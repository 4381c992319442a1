"""Template context for every page: the inbox link. The unread count is lazy (counted only when a template uses it);
``base.html`` loads the header badge through htmx (``notification_badge``), so pages pay no extra query."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def inbox(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from nghiquyet.notifications.selectors import unread_count

    return {"inbox_unread": SimpleLazyObject(lambda: unread_count(user))}
