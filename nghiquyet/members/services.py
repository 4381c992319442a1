"""Writes for the member register (all audited). ``Unit.member_count`` follows the register."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import covers
from nghiquyet.audit.models import AuditAction
from nghiquyet.audit.services import audit_create, audit_record, diff, snapshot
from nghiquyet.core.text import fold
from nghiquyet.members.models import MEMBER_UNIT_KINDS, Gender, LeaveReason, Member
from nghiquyet.org.models import Unit

MEMBER_FIELDS = ["full_name", "unit", "gender", "birth_date", "card_number", "joined_party_on", "joined_unit_on",
                 "left_unit_on", "leave_reason", "email"]


def _require(actor, unit: Unit) -> None:
    if actor is not None and not covers(actor, Perm.PERSON_CHANGE, unit):
        raise PermissionDenied(_("Bạn không có quyền thay đổi danh sách đảng viên của “%(unit)s”.")
                               % {"unit": unit.name})


def _require_member_unit(unit: Unit, field: str = "unit") -> None:
    if unit.valid_to is not None:
        raise ValidationError({field: _("Đơn vị “%(unit)s” đã kết thúc hoạt động.") % {"unit": unit.name}})
    if unit.kind not in MEMBER_UNIT_KINDS:
        raise ValidationError({field: _("“%(unit)s” không phải là tổ chức đảng có đảng viên sinh hoạt.")
                               % {"unit": unit.name}})


def _search_text(full_name: str, card_number: str) -> str:
    return fold(f"{full_name} {card_number}")[:300]


def _recount(*units: Unit) -> None:
    """Keep ``Unit.member_count`` equal to the current members (today) of each unit."""
    today = timezone.localdate()
    for unit in units:
        n = Member.objects.filter(unit=unit, joined_unit_on__lte=today, left_unit_on__isnull=True).count()
        Unit.objects.filter(pk=unit.pk).update(member_count=n)


def _clean(*, full_name: str, gender: str, card_number: str, email: str, birth_date, joined_party_on,
           joined_unit_on) -> tuple[dict, dict[str, str]]:
    full_name = " ".join((full_name or "").split())
    card_number = "".join((card_number or "").split())
    email = (email or "").strip()
    errors: dict[str, str] = {}
    if not full_name:
        errors["full_name"] = _("Nhập họ và tên.")
    elif len(full_name) > 120:
        errors["full_name"] = _("Họ và tên tối đa 120 ký tự.")
    if gender and gender not in Gender.values:
        errors["gender"] = _("Giới tính không hợp lệ.")
    if len(card_number) > 20:
        errors["card_number"] = _("Số thẻ đảng viên tối đa 20 ký tự.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Địa chỉ thư điện tử không hợp lệ.")
    today = timezone.localdate()
    if joined_unit_on is None:
        errors["joined_unit_on"] = _("Nhập ngày bắt đầu sinh hoạt tại đơn vị.")
    elif joined_unit_on > today:
        errors["joined_unit_on"] = _("Ngày bắt đầu sinh hoạt không được sau hôm nay.")
    if birth_date and birth_date > today:
        errors["birth_date"] = _("Ngày sinh không được sau hôm nay.")
    if joined_party_on and joined_party_on > today:
        errors["joined_party_on"] = _("Ngày vào Đảng không được sau hôm nay.")
    if birth_date and joined_party_on and joined_party_on < birth_date:
        errors["joined_party_on"] = _("Ngày vào Đảng phải sau ngày sinh.")
    if joined_party_on and joined_unit_on and "joined_unit_on" not in errors and joined_unit_on < joined_party_on:
        errors["joined_unit_on"] = _("Ngày bắt đầu sinh hoạt tại đơn vị không được trước ngày vào Đảng.")
    values = {"full_name": full_name, "gender": gender or "", "card_number": card_number, "email": email,
              "birth_date": birth_date, "joined_party_on": joined_party_on, "joined_unit_on": joined_unit_on}
    return values, errors


def _card_taken(card_number: str, exclude_pk=None) -> bool:
    if not card_number:
        return False
    qs = Member.objects.filter(card_number=card_number, left_unit_on__isnull=True)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


@transaction.atomic
def member_create(*, actor, unit: Unit, full_name: str, joined_unit_on: dt.date, gender: str = "",
                  birth_date: dt.date | None = None, card_number: str = "", joined_party_on: dt.date | None = None,
                  email: str = "") -> Member:
    """A member of ``unit`` from ``joined_unit_on``."""
    _require(actor, unit)
    _require_member_unit(unit)
    values, errors = _clean(full_name=full_name, gender=gender, card_number=card_number, email=email,
                            birth_date=birth_date, joined_party_on=joined_party_on, joined_unit_on=joined_unit_on)
    if not errors and _card_taken(values["card_number"]):
        errors["card_number"] = _("Số thẻ đảng viên %(card)s đã có trong danh sách.") % {"card": values["card_number"]}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            member = Member.objects.create(
                unit=unit, search_text=_search_text(values["full_name"], values["card_number"]), **values)
    except IntegrityError:  # a concurrent request registered the same card
        raise ValidationError({"card_number": _("Số thẻ đảng viên đã có trong danh sách.")}) from None
    audit_create(actor=actor, obj=member, fields=MEMBER_FIELDS, unit=unit)
    _recount(unit)
    return member


@transaction.atomic
def member_update(*, actor, member: Member, full_name: str, gender: str = "", birth_date: dt.date | None = None,
                  card_number: str = "", joined_party_on: dt.date | None = None, email: str = "",
                  joined_unit_on: dt.date | None = None) -> Member:
    """Correct a member's details (the unit changes only by ``member_transfer``)."""
    member = Member.objects.select_for_update(of=("self",)).select_related("unit").get(pk=member.pk)
    _require(actor, member.unit)
    values, errors = _clean(full_name=full_name, gender=gender, card_number=card_number, email=email,
                            birth_date=birth_date, joined_party_on=joined_party_on,
                            joined_unit_on=joined_unit_on or member.joined_unit_on)
    if member.left_unit_on and values["joined_unit_on"] and values["joined_unit_on"] > member.left_unit_on:
        errors["joined_unit_on"] = _("Ngày bắt đầu sinh hoạt phải trước ngày thôi sinh hoạt.")
    if not errors and member.is_current and _card_taken(values["card_number"], exclude_pk=member.pk):
        errors["card_number"] = _("Số thẻ đảng viên %(card)s đã có trong danh sách.") % {"card": values["card_number"]}
    if errors:
        raise ValidationError(errors)
    before = snapshot(member, MEMBER_FIELDS)
    for key, value in values.items():
        setattr(member, key, value)
    member.search_text = _search_text(member.full_name, member.card_number)
    member.save()
    changes = diff(before, snapshot(member, MEMBER_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=member, unit=member.unit, changes=changes)
    _recount(member.unit)
    return member


def _close(member: Member, *, on: dt.date, reason: str) -> None:
    if not member.is_current:
        raise ValidationError({"on": _("Đảng viên này đã thôi sinh hoạt tại đơn vị từ %(date)s.")
                               % {"date": member.left_unit_on.strftime("%d/%m/%Y")}})
    if on is None:
        raise ValidationError({"on": _("Nhập ngày.")})
    if on < member.joined_unit_on:
        raise ValidationError({"on": _("Ngày thôi sinh hoạt phải từ ngày bắt đầu sinh hoạt (%(date)s).")
                               % {"date": member.joined_unit_on.strftime("%d/%m/%Y")}})
    if on > timezone.localdate():
        raise ValidationError({"on": _("Ngày thôi sinh hoạt không được sau hôm nay.")})
    if reason not in LeaveReason.values:
        raise ValidationError({"reason": _("Chọn lý do.")})
    member.left_unit_on = on
    member.leave_reason = reason
    member.save(update_fields=["left_unit_on", "leave_reason"])


@transaction.atomic
def member_leave(*, actor, member: Member, on: dt.date, reason: str) -> Member:
    """The member stops belonging to the unit from ``on`` (kept in the register for history)."""
    member = Member.objects.select_for_update(of=("self",)).select_related("unit").get(pk=member.pk)
    _require(actor, member.unit)
    before = snapshot(member, MEMBER_FIELDS)
    _close(member, on=on, reason=reason)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=member, unit=member.unit,
                 changes=diff(before, snapshot(member, MEMBER_FIELDS)))
    _recount(member.unit)
    return member


@transaction.atomic
def member_transfer(*, actor, member: Member, to_unit: Unit, on: dt.date) -> Member:
    """Move a member to ``to_unit`` from ``on``: the old row closes (reason: transfer), a new row opens, so
    every figure about the old unit keeps its history. The actor needs the right at both units."""
    member = Member.objects.select_for_update(of=("self",)).select_related("unit").get(pk=member.pk)
    _require(actor, member.unit)
    _require(actor, to_unit)
    _require_member_unit(to_unit, "to_unit")
    if to_unit.pk == member.unit_id:
        raise ValidationError({"to_unit": _("Đảng viên đang sinh hoạt tại đơn vị này.")})
    if to_unit.valid_from and on is not None and on < to_unit.valid_from:
        raise ValidationError({"on": _("Ngày chuyển sinh hoạt trước ngày thành lập “%(unit)s” (%(date)s).")
                               % {"unit": to_unit.name, "date": to_unit.valid_from.strftime("%d/%m/%Y")}})
    before = snapshot(member, MEMBER_FIELDS)
    _close(member, on=on, reason=LeaveReason.TRANSFER)
    person = member.person
    if person is not None:  # the official's link follows the member to the new row (one row per person)
        member.person = None
        member.save(update_fields=["person"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=member, unit=member.unit,
                 changes=diff(before, snapshot(member, MEMBER_FIELDS)), note=_("Chuyển sinh hoạt"))
    moved = Member.objects.create(
        unit=to_unit, full_name=member.full_name, gender=member.gender, birth_date=member.birth_date,
        card_number=member.card_number, joined_party_on=member.joined_party_on, joined_unit_on=on,
        person=person, email=member.email, search_text=member.search_text, origin_id=member.origin_key,
    )
    audit_create(actor=actor, obj=moved, fields=MEMBER_FIELDS, unit=to_unit)
    _writeups_follow(actor, {member.pk: moved})
    _recount(member.unit, to_unit)
    return moved


def _writeups_follow(actor, moves: dict) -> int:
    """Open study write-ups go with the member to the new register row (study imports members: import here)."""
    from nghiquyet.study.services import writeups_follow

    return writeups_follow(actor=actor, moves=moves)


@transaction.atomic
def member_transfer_many(*, actor, members: list[Member], to_unit: Unit, on: dt.date) -> list[Member]:
    """Transfer several members to ``to_unit`` from ``on`` (e.g. after a split, or when a village branch is
    reorganized): all or none; a refusal names the member it concerns."""
    if not members:
        raise ValidationError({"members": _("Chọn ít nhất một đảng viên.")})
    moved = []
    for member in members:
        try:
            moved.append(member_transfer(actor=actor, member=member, to_unit=to_unit, on=on))
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            raise ValidationError({field: [f"{member.full_name}: {m}" for m in messages]
                                   for field, messages in exc.message_dict.items()}) from None
    return moved
