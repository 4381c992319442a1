from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from nghiquyet.core.ids import MAX_ID as ID_MAX

#: Every id the API reads (path, query, body): out of range is a 422 naming the field, never a database error.
Id = Annotated[int, Field(ge=1, le=ID_MAX)]


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut]


class TokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=256)


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


class UnitRefOut(Schema):
    id: int
    code: str
    name: str


class RoleOut(Schema):
    unit: UnitRefOut
    role: str
    role_label: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    roles: list[RoleOut]


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    member_count: int
    parent_id: int | None
    depth: int
    valid_from: dt.date
    valid_to: dt.date | None
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class UnitDetailOut(UnitOut):
    ancestors: list[UnitRefOut]
    children_count: int
    predecessors: list[UnitRefOut]
    successors: list[UnitRefOut]


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    unit_id: int | None
    changes: dict
    decision_ref: str | None

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_display

    @staticmethod
    def resolve_object_type(obj) -> str:
        return obj.content_type.model

    @staticmethod
    def resolve_decision_ref(obj) -> str | None:
        return obj.reorganization.decision_ref if obj.reorganization_id else None


#: The error responses every read and write endpoint may answer (for the OpenAPI ``response=`` maps).
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
