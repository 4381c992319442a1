from __future__ import annotations

from django.db.models import QuerySet

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import scope_filter
from nghiquyet.audit.models import AuditEvent


def audit_events_visible(user, *, unit=None, action: str = "") -> QuerySet[AuditEvent]:
    """Audit events of units in the subtrees where the user may read the audit trail."""
    events = scope_filter(AuditEvent.objects.all(), user, perm=Perm.AUDIT_READ)
    if unit is not None:
        events = events.filter(unit__path__under=unit.path)
    if action:
        events = events.filter(action=action)
    return events.select_related("unit", "content_type", "reorganization")
