"""Writes for people, role assignments and API tokens (all audited)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nghiquyet.accounts.models import ApiToken, Person, RoleAssignment
from nghiquyet.accounts.roles import Perm, Role
from nghiquyet.accounts.scope import covers, forget_scope
from nghiquyet.audit.models import AuditAction
from nghiquyet.audit.services import audit_create, audit_delete, audit_record
from nghiquyet.org.models import Unit

PERSON_FIELDS = ["full_name", "unit", "position", "user", "email", "phone"]


def _require(actor, perm: str, unit: Unit) -> None:
    """``actor=None`` is the system; a user needs a role with ``perm`` reaching ``unit``."""
    if actor is not None and not covers(actor, perm, unit):
        raise PermissionDenied(_("Bạn không có quyền thay đổi đơn vị “%(unit)s”.") % {"unit": unit.name})


def _require_open(unit: Unit) -> None:
    if unit.valid_to is not None:
        raise ValidationError({"unit": _("Đơn vị “%(unit)s” đã kết thúc hoạt động từ %(date)s.")
                               % {"unit": unit.name, "date": unit.valid_to.strftime("%d/%m/%Y")}})


@transaction.atomic
def person_create(
    *, actor, unit: Unit, full_name: str, position: str = "", user=None, email: str = "", phone: str = ""
) -> Person:
    """A person holding ``position`` at ``unit``. Names and positions are compared after trimming and
    collapsing white space, so "  Bí thư " and "Bí thư" are the same position."""
    _require(actor, Perm.PERSON_CHANGE, unit)
    _require_open(unit)
    full_name = " ".join((full_name or "").split())
    position = " ".join((position or "").split())
    email = (email or "").strip()
    phone = (phone or "").strip()
    errors: dict[str, str] = {}
    if not full_name:
        errors["full_name"] = _("Nhập họ và tên.")
    elif len(full_name) > 120:
        errors["full_name"] = _("Họ và tên tối đa 120 ký tự.")
    if len(position) > 160:
        errors["position"] = _("Chức vụ tối đa 160 ký tự.")
    if len(phone) > 20:
        errors["phone"] = _("Số điện thoại tối đa 20 ký tự.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Địa chỉ thư điện tử không hợp lệ.")
    if user is not None and Person.objects.filter(user=user).exists():
        errors["user"] = _("Tài khoản này đã gắn với một cán bộ khác.")
    if errors:
        raise ValidationError(errors)
    duplicate = _("“%(name)s” đã có với chức vụ này ở đơn vị.") % {"name": full_name}
    if Person.objects.filter(unit=unit, full_name=full_name, position=position).exists():
        raise ValidationError({"full_name": duplicate})
    try:
        with transaction.atomic():
            person = Person.objects.create(unit=unit, full_name=full_name, position=position, user=user,
                                           email=email, phone=phone)
    except IntegrityError:  # a concurrent request created the same person
        raise ValidationError({"full_name": duplicate}) from None
    audit_create(actor=actor, obj=person, fields=PERSON_FIELDS, unit=unit)
    return person


@transaction.atomic
def role_assign(*, actor, user, unit: Unit, role: str) -> RoleAssignment:
    _require(actor, Perm.PERSON_CHANGE, unit)
    if role not in Role.values:
        raise ValidationError({"role": _("Vai trò không hợp lệ.")})
    if unit.valid_to is not None:
        raise ValidationError({"unit": _("Không giao vai trò tại đơn vị đã kết thúc hoạt động.")})
    if user is None or not user.is_active:
        raise ValidationError({"user": _("Tài khoản không tồn tại hoặc đã bị khóa.")})
    assignment, created = RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        audit_create(actor=actor, obj=assignment, fields=["user", "unit", "role"], unit=unit)
    forget_scope(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    _require(actor, Perm.PERSON_CHANGE, assignment.unit)
    audit_delete(actor=actor, obj=assignment, fields=["user", "unit", "role"], unit=assignment.unit)
    user = assignment.user
    assignment.delete()
    forget_scope(user)


@transaction.atomic
def api_token_create(*, actor, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``actor``; returns the row and the raw token, which is never stored."""
    raw = "nq_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=(name or "").strip()[:80], prefix=raw[:10], digest=ApiToken.digest_of(raw),
        expires_at=timezone.now() + dt.timedelta(days=days or settings.NGHIQUYET["API_TOKEN_DAYS"]),
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=token, changes={"prefix": [None, token.prefix]})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise PermissionDenied(_("Không thể thu hồi mã truy cập của người khác."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=token,
                     changes={"revoked_at": [None, token.revoked_at.isoformat()]})
    return token


def api_token_user(raw: str):
    """The active user behind a raw bearer token, or None. Touches ``last_used_at`` at most once a minute."""
    if not raw or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(raw)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
