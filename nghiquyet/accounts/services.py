"""Writes for people, role assignments and API tokens (all audited)."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nghiquyet.accounts.models import ApiToken, Person, RoleAssignment
from nghiquyet.accounts.roles import Perm, Role, role_permissions
from nghiquyet.accounts.scope import can, covers, forget_scope, scope_of
from nghiquyet.audit.models import AuditAction
from nghiquyet.audit.services import audit_create, audit_delete, audit_record, diff, snapshot
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


def _clean_person_fields(full_name: str, position: str, email: str, phone: str) -> tuple[dict, dict[str, str]]:
    """Trimmed values and the Vietnamese error per field (empty when all is well)."""
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
    return {"full_name": full_name, "position": position, "email": email, "phone": phone}, errors


@transaction.atomic
def person_create(
    *, actor, unit: Unit, full_name: str, position: str = "", user=None, email: str = "", phone: str = ""
) -> Person:
    """A person holding ``position`` at ``unit``. Names and positions are compared after trimming and
    collapsing white space, so "  Bí thư " and "Bí thư" are the same position."""
    _require(actor, Perm.PERSON_CHANGE, unit)
    _require_open(unit)
    values, errors = _clean_person_fields(full_name, position, email, phone)
    full_name, position, email, phone = values["full_name"], values["position"], values["email"], values["phone"]
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
def person_update(
    *, actor, person: Person, full_name: str, position: str = "", email: str = "", phone: str = ""
) -> Person:
    """Change a person's name, position and contacts (same rules as ``person_create``); audited as a diff."""
    person = Person.objects.select_for_update(of=("self",)).select_related("unit", "user").get(pk=person.pk)
    _require(actor, Perm.PERSON_CHANGE, person.unit)
    _require_open(person.unit)
    values, errors = _clean_person_fields(full_name, position, email, phone)
    if errors:
        raise ValidationError(errors)
    duplicate = _("“%(name)s” đã có với chức vụ này ở đơn vị.") % {"name": values["full_name"]}
    if (Person.objects.filter(unit=person.unit, full_name=values["full_name"], position=values["position"])
            .exclude(pk=person.pk).exists()):
        raise ValidationError({"full_name": duplicate})
    before = snapshot(person, PERSON_FIELDS)
    for key, value in values.items():
        setattr(person, key, value)
    try:
        with transaction.atomic():
            person.save(update_fields=list(values))
    except IntegrityError:
        raise ValidationError({"full_name": duplicate}) from None
    changes = diff(before, snapshot(person, PERSON_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=person, unit=person.unit, changes=changes)
    return person


def _password_message(error: ValidationError) -> str:
    """Django's password validator messages, in Vietnamese whatever Django's own catalogue holds."""
    params = error.params or {}
    known = {
        "password_too_short": _("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự."),
        "password_too_common": _("Mật khẩu này quá phổ biến, dễ bị đoán."),
        "password_entirely_numeric": _("Mật khẩu không được chỉ gồm chữ số."),
        "password_too_similar": _("Mật khẩu quá giống tên đăng nhập hoặc thông tin cá nhân."),
    }
    if error.code in known:
        try:
            return known[error.code] % params
        except (KeyError, TypeError, ValueError):
            return known[error.code]
    return " ".join(error.messages)


@transaction.atomic
def person_account_create(*, actor, person: Person, username: str, password: str):
    """A login account for ``person`` (who has none yet). The password goes through Django's password
    validators; usernames are unique regardless of letter case. Returns the new user."""
    User = get_user_model()
    person = Person.objects.select_for_update(of=("self",)).select_related("unit").get(pk=person.pk)
    _require(actor, Perm.PERSON_CHANGE, person.unit)
    _require_open(person.unit)
    if person.user_id is not None:
        raise ValidationError({"username": _("Cán bộ này đã có tài khoản đăng nhập.")})
    username = (username or "").strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = [_("Nhập tên đăng nhập.")]
    elif len(username) > 150:
        errors["username"] = [_("Tên đăng nhập tối đa 150 ký tự.")]
    elif not re.fullmatch(r"[A-Za-z0-9.@+_-]+", username):
        errors["username"] = [_("Tên đăng nhập chỉ gồm chữ không dấu, chữ số và các ký tự . @ + - _.")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("Tên đăng nhập “%(username)s” đã có người dùng.") % {"username": username}]
    user = User(username=username, first_name=person.full_name[:150], email=person.email)
    if not password:
        errors["password"] = [_("Nhập mật khẩu.")]
    else:
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            errors["password"] = [_password_message(error) for error in exc.error_list]
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # a concurrent request took the name
        raise ValidationError({"username": _("Tên đăng nhập “%(username)s” đã có người dùng.")
                               % {"username": username}}) from None
    person.user = user
    person.save(update_fields=["user"])
    audit_create(actor=actor, obj=user, fields=["username"], unit=person.unit)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=person, unit=person.unit,
                 changes={"user": [None, {"id": user.pk, "repr": str(user)}]})
    return user


def assignable_roles(actor, unit: Unit) -> list[str]:
    """Roles ``actor`` may grant at ``unit``: none without ``Perm.PERSON_CHANGE`` there, and never a role
    allowing more than the actor's own roles reaching the unit (``actor=None`` is the system)."""
    if actor is None or scope_of(actor).is_superuser:
        return list(Role.values)
    if not can(actor, Perm.PERSON_CHANGE, unit):
        return []
    own: set[str] = set()
    for grant in scope_of(actor).grants:
        if unit.path.startswith(grant.path):
            own |= grant.permissions
    perms = role_permissions()
    return [role for role in Role.values if perms.get(role, frozenset()) <= own]


@transaction.atomic
def role_assign(*, actor, user, unit: Unit, role: str) -> RoleAssignment:
    _require(actor, Perm.PERSON_CHANGE, unit)
    if role not in Role.values:
        raise ValidationError({"role": _("Vai trò không hợp lệ.")})
    if actor is not None and unit.valid_to is None and role not in assignable_roles(actor, unit):
        raise PermissionDenied(_("Bạn không thể giao vai trò có nhiều quyền hơn vai trò của mình."))
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
