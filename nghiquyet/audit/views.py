from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.http import urlencode

from nghiquyet.accounts.scope import unit_get_visible
from nghiquyet.audit.models import AuditAction
from nghiquyet.audit.selectors import audit_events_visible
from nghiquyet.core.pagination import paginate


@login_required
def audit_list(request):
    unit = unit_get_visible(request.user, request.GET["unit"]) if request.GET.get("unit") else None
    action = request.GET.get("action", "")
    if action not in AuditAction.values:
        action = ""
    page = paginate(request, audit_events_visible(request.user, unit=unit, action=action))
    querystring = urlencode({k: v for k, v in {"unit": unit.pk if unit else "", "action": action}.items() if v})
    return render(request, "audit/audit_list.html", {
        "page_obj": page, "unit": unit, "action": action, "actions": AuditAction.choices, "querystring": querystring,
    })
