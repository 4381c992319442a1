"""The briefing page and its one-page PDF. Thin: ``selectors.briefing_for`` reads, these views choose the unit and
the window (``?ky=tuan|thang|quy&ngay=YYYY-MM-DD``, any day inside it) and lay the digest out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from nghiquyet.briefings import pdf
from nghiquyet.briefings.selectors import (
    Window,
    WindowKind,
    briefing_for,
    briefing_unit_get,
    committees_visible,
    conf,
    home_unit,
    window_of,
    window_parse,
)


def _window(request) -> Window:
    """The window asked in the query string (read by ``window_parse``, as the API does); the current one, with a
    message, when something malformed or out of range is asked."""
    today = timezone.localdate()
    kind = request.GET.get("ky", "").strip() or WindowKind.WEEK
    if kind not in WindowKind.ALL:
        messages.warning(request, _("Loại kỳ giao ban không hợp lệ; đang hiển thị tuần này."))
        kind = WindowKind.WEEK
    try:
        return window_parse(kind, request.GET.get("ngay", ""), today=today)
    except ValidationError as exc:
        for message in exc.message_dict.get("day", exc.messages):
            messages.error(request, _("%(error)s Đang hiển thị kỳ hiện tại.") % {"error": message})
        return window_of(kind, today)


@login_required
def briefing_home(request):
    """The committee chosen with ``?don-vi=`` (in scope, else 404), by default the user's own; the window asked
    is kept."""
    chosen = request.GET.get("don-vi", "").strip()
    unit = briefing_unit_get(request.user, chosen) if chosen else home_unit(request.user)
    if unit is None:
        raise Http404(_("Tài khoản chưa được giao vai trò ở đơn vị nào."))
    keep = {k: request.GET[k] for k in ("ky", "ngay") if request.GET.get(k)}
    url = reverse("briefing", args=[unit.pk])
    return redirect(f"{url}?{urlencode(keep)}" if keep else url)


@login_required
def briefing(request, unit_id: int):
    user = request.user
    unit = briefing_unit_get(user, unit_id)
    window = _window(request)
    today = timezone.localdate()
    digest = briefing_for(user=user, unit=unit, start=window.start, end=window.end)
    nxt = window.next()
    kinds = [(WindowKind.WEEK, _("Tuần")), (WindowKind.MONTH, _("Tháng")), (WindowKind.QUARTER, _("Quý"))]
    return render(request, "briefings/briefing.html", {
        "unit": unit, "window": window, "b": digest, "kinds": kinds, "rows": conf()["PAGE_ROWS"],
        "committees": committees_visible(user),
        "querystring": urlencode(window.query()),
        "previous_qs": urlencode(window.previous().query()),
        "next_qs": urlencode(nxt.query()) if nxt.start <= today else "",
        "current_qs": urlencode(window_of(window.kind, today).query()) if not window.start <= today <= window.end
        else "",
    })


@login_required
def briefing_pdf(request, unit_id: int):
    user = request.user
    unit = briefing_unit_get(user, unit_id)
    window = _window(request)
    digest = briefing_for(user=user, unit=unit, start=window.start, end=window.end)
    page_url = request.build_absolute_uri(reverse("briefing", args=[unit.pk]) + "?" + urlencode(window.query()))
    content = pdf.render_pdf(digest, label=window.label, url=page_url)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"giao-ban-{unit.pk}-{window.kind}-{window.start.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
