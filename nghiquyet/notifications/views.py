"""The inbox pages: list, open (marks read and goes to the object), mark read/unread, mark all read, the header
badge (htmx) and the per-kind mute settings. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nghiquyet.core.pagination import paginate
from nghiquyet.notifications import selectors, services
from nghiquyet.notifications.models import KIND_LABELS
from nghiquyet.notifications.reminders import ReminderKind


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(request):
    """Back to the inbox page the action came from (only a local path)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) \
            and target.startswith("/"):
        return redirect(target)
    return redirect("inbox")


@login_required
def inbox(request):
    unread = request.GET.get("chua-doc") == "1"
    kind = request.GET.get("loai", "")
    kind = kind if kind in ReminderKind.ALL else ""
    page = paginate(request, selectors.notifications_of(request.user, unread=unread, kind=kind))
    query = {k: v for k, v in (("chua-doc", "1" if unread else ""), ("loai", kind)) if v}
    return render(request, "notifications/inbox.html", {
        "page_obj": page, "unread": unread, "kind": kind, "kinds": selectors.kind_choices(),
        "querystring": urlencode(query), "muted": selectors.muted_kinds(request.user),
    })


@login_required
def badge(request):
    return render(request, "notifications/_badge.html", {"count": selectors.unread_count(request.user)})


@login_required
@require_POST
def open_notification(request, pk):
    notification = selectors.notification_get(request.user, pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    if notification.url.startswith("/") and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("inbox")


def _row_or_back(request, notification):
    if _is_htmx(request):
        return render(request, "notifications/_item.html", {"item": notification, "next": request.POST.get("next")})
    return _back(request)


@login_required
@require_POST
def mark_read(request, pk):
    notification = selectors.notification_get(request.user, pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    return _row_or_back(request, notification)


@login_required
@require_POST
def mark_unread(request, pk):
    notification = selectors.notification_get(request.user, pk)
    services.notification_mark_unread(actor=request.user, notification=notification)
    return _row_or_back(request, notification)


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(actor=request.user)
    messages.success(request, _("Đã đánh dấu %(count)s thông báo là đã đọc.") % {"count": count})
    return _back(request)


@login_required
def settings_view(request):
    if request.method == "POST":
        wanted = set(request.POST.getlist("muted"))
        for kind in ReminderKind.ALL:
            services.mute_set(actor=request.user, kind=kind, muted=kind in wanted)
        messages.success(request, _("Đã lưu cài đặt nhắc việc."))
        return redirect("notification_settings")
    muted = selectors.muted_kinds(request.user)
    rows = [(kind, str(KIND_LABELS[kind]), kind in muted) for kind in ReminderKind.ALL]
    address = services.email_address_of(request.user)  # the address reminders are actually mailed to
    return render(request, "notifications/settings.html", {"rows": rows, "address": address})
