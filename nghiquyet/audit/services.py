"""Recording the audit trail. Services call these inside their own transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from nghiquyet.audit.models import AuditAction, AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return {"id": value.pk, "repr": str(value)}
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """Current values of ``fields`` (foreign keys as id + text), to diff against later."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.is_relation and field.many_to_one:
            values[name] = _plain(getattr(obj, name))
        else:
            values[name] = _plain(getattr(obj, field.attname))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields that changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model,
    unit=None,
    changes: dict[str, list[Any]] | None = None,
    reorganization=None,
    note: str = "",
) -> AuditEvent:
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_name=(user.get_username() if user else ""),  # "" = the system (see actor_display)
        action=action,
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        unit=unit,
        changes=changes or {},
        reorganization=reorganization,
        note=note[:255],
    )


def audit_create(*, actor, obj: models.Model, fields: list[str], unit=None, reorganization=None) -> AuditEvent:
    return audit_record(
        actor=actor, action=AuditAction.CREATE, obj=obj, unit=unit, reorganization=reorganization,
        changes={k: [None, v] for k, v in snapshot(obj, fields).items()},
    )


def audit_delete(*, actor, obj: models.Model, fields: list[str], unit=None) -> AuditEvent:
    return audit_record(
        actor=actor, action=AuditAction.DELETE, obj=obj, unit=unit,
        changes={k: [v, None] for k, v in snapshot(obj, fields).items()},
    )
