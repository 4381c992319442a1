"""Pages of the member register (danh sách đảng viên): thin views over ``members.selectors`` and
``members.services``. Outside the user's scope everything is 404; a visible member whose register the user may
not keep answers 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can, covers, unit_get_visible
from nghiquyet.core.forms import apply_service_errors
from nghiquyet.core.pagination import paginate
from nghiquyet.members import selectors, services
from nghiquyet.members.forms import LeaveForm, MemberForm, TransferForm, TransferManyForm
from nghiquyet.members.models import MEMBER_UNIT_KINDS, Member
from nghiquyet.org.models import Unit, UnitKind


def _flag(request, name: str) -> bool:
    return request.GET.get(name) in ("1", "on", "true")


def can_register_at(user, unit: Unit) -> bool:
    """May ``user`` add members to ``unit`` (no query once the scope is loaded)."""
    return unit.kind in MEMBER_UNIT_KINDS and can(user, Perm.PERSON_CHANGE, unit)


def can_change_member(user, member: Member) -> bool:
    """Corrections, leave and transfer: ``Perm.PERSON_CHANGE`` reaching the member's unit. A unit closed by a
    split still lets its members be transferred out (``covers``, not ``can``)."""
    return covers(user, Perm.PERSON_CHANGE, member.unit)


def _require_change(user, member: Member) -> None:
    if not can_change_member(user, member):
        raise PermissionDenied(_("Bạn không có quyền thay đổi danh sách đảng viên của “%(unit)s”.")
                               % {"unit": member.unit.name})


def _require_current(request, member: Member):
    """A member who has left the unit cannot leave or move again: back to the detail page with a message."""
    if member.is_current:
        return None
    messages.error(request, _("Đảng viên này đã thôi sinh hoạt tại “%(unit)s” từ %(date)s.")
                   % {"unit": member.unit.name, "date": member.left_unit_on.strftime("%d/%m/%Y")})
    return redirect("member_detail", member_id=member.pk)


@login_required
def member_list(request, unit_id: int):
    unit = unit_get_visible(request.user, unit_id)
    query = (request.GET.get("q") or "").strip()[:200]
    # A committee without members of its own (a province, a district, most communes) lists its whole subtree.
    whole_only = unit.valid_to is None and unit.member_count == 0 and unit.kind != UnitKind.BRANCH
    subtree = whole_only or _flag(request, "subtree")
    former = _flag(request, "former")
    members = selectors.members_of(user=request.user, unit=unit, subtree=subtree, query=query,
                                   include_former=former)
    page = paginate(request, members)
    params = {k: v for k, v in (("q", query), ("subtree", "1" if subtree else ""),
                                ("former", "1" if former else "")) if v}
    context = {"unit": unit, "members": page.object_list, "page_obj": page, "query": query, "subtree": subtree,
               "whole_only": whole_only, "former": former, "querystring": urlencode(params)}
    if request.headers.get("HX-Request"):  # the live search asks for the results only
        return render(request, "members/_member_results.html", context)
    can_transfer = unit.kind in MEMBER_UNIT_KINDS and covers(request.user, Perm.PERSON_CHANGE, unit)
    unit_current = unit.member_count
    if unit.valid_to is not None and can_transfer:  # a closed unit's count is history: ask the register
        unit_current = selectors.member_counts_by_unit([unit.pk], timezone.localdate()).get(unit.pk, 0)
    return render(request, "members/member_list.html", {
        **context, "can_add": can_register_at(request.user, unit), "can_transfer": can_transfer,
        "unit_current": unit_current,
    })


@login_required
def member_detail(request, member_id: int):
    member = selectors.member_get(user=request.user, member_id=member_id)
    history = selectors.member_history(user=request.user, member=member)
    return render(request, "members/member_detail.html", {
        "member": member, "unit": member.unit, "history": history if len(history) > 1 else [],
        "can_change": can_change_member(request.user, member),
    })


def _form_values(data: dict) -> dict:
    return {"full_name": data["full_name"], "gender": data.get("gender") or "", "birth_date": data.get("birth_date"),
            "card_number": data.get("card_number") or "", "joined_party_on": data.get("joined_party_on"),
            "joined_unit_on": data.get("joined_unit_on"), "email": data.get("email") or ""}


@login_required
def member_create(request, unit_id: int):
    unit = unit_get_visible(request.user, unit_id)
    if unit.valid_to is not None:
        raise PermissionDenied(_("Đơn vị “%(unit)s” đã kết thúc hoạt động, không thể thay đổi.") % {"unit": unit.name})
    if not can(request.user, Perm.PERSON_CHANGE, unit):
        raise PermissionDenied(_("Bạn không có quyền thay đổi danh sách đảng viên của “%(unit)s”.")
                               % {"unit": unit.name})
    if unit.kind not in MEMBER_UNIT_KINDS:
        messages.error(request, _("“%(unit)s” không phải là tổ chức đảng có đảng viên sinh hoạt.")
                       % {"unit": unit.name})
        return redirect("member_list", unit_id=unit.pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_create(actor=request.user, unit=unit, **_form_values(form.cleaned_data))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm đảng viên “%(name)s”.") % {"name": member.full_name})
            if "another" in request.POST:
                return redirect("member_create", unit_id=unit.pk)
            return redirect("member_detail", member_id=member.pk)
    return render(request, "members/member_form.html", {"unit": unit, "form": form, "member": None},
                  status=400 if form.errors else 200)


@login_required
def member_edit(request, member_id: int):
    member = selectors.member_get(user=request.user, member_id=member_id)
    _require_change(request.user, member)
    initial = {name: getattr(member, name) for name in
               ("full_name", "gender", "birth_date", "card_number", "joined_party_on", "joined_unit_on", "email")}
    form = MemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(actor=request.user, member=member, **_form_values(form.cleaned_data))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin đảng viên."))
            return redirect("member_detail", member_id=member.pk)
    return render(request, "members/member_form.html", {"unit": member.unit, "form": form, "member": member},
                  status=400 if form.errors else 200)


@login_required
def member_leave(request, member_id: int):
    """GET shows the form and what it means; POST (after the browser's confirmation) records the leave."""
    member = selectors.member_get(user=request.user, member_id=member_id)
    _require_change(request.user, member)
    done = _require_current(request, member)
    if done:
        return done
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_leave(actor=request.user, member=member, on=form.cleaned_data["on"],
                                  reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận “%(name)s” thôi sinh hoạt tại “%(unit)s”.")
                             % {"name": member.full_name, "unit": member.unit.name})
            return redirect("member_detail", member_id=member.pk)
    return render(request, "members/member_leave.html", {"member": member, "unit": member.unit, "form": form},
                  status=400 if form.errors else 200)


@login_required
def member_transfer(request, member_id: int):
    member = selectors.member_get(user=request.user, member_id=member_id)
    _require_change(request.user, member)
    done = _require_current(request, member)
    if done:
        return done
    form = TransferForm(request.POST or None,
                        units=selectors.member_units_changeable(request.user, exclude=member.unit))
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.member_transfer(actor=request.user, member=member, to_unit=form.cleaned_data["to_unit"],
                                             on=form.cleaned_data["on"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã chuyển sinh hoạt “%(name)s” đến “%(unit)s”.")
                             % {"name": moved.full_name, "unit": moved.unit.name})
            return redirect("member_detail", member_id=moved.pk)
    return render(request, "members/member_transfer.html", {"member": member, "unit": member.unit, "form": form},
                  status=400 if form.errors else 200)


#: At most this many members on the page that transfers several at once (a branch has tens).
TRANSFER_MANY_MAX = 500


@login_required
def member_transfer_many(request, unit_id: int):
    """Transfer several of a unit's members at once: after a split (members stay on the closed unit until
    transferred), or when a village branch is reorganized."""
    unit = unit_get_visible(request.user, unit_id)
    if not covers(request.user, Perm.PERSON_CHANGE, unit):
        raise PermissionDenied(_("Bạn không có quyền thay đổi danh sách đảng viên của “%(unit)s”.")
                               % {"unit": unit.name})
    members = selectors.members_of(user=request.user, unit=unit)
    initial = {"members": list(members.values_list("pk", flat=True)[:TRANSFER_MANY_MAX])} if _flag(
        request, "all") else None
    form = TransferManyForm(request.POST or None, initial=initial,
                            members=members.filter(pk__in=members.values("pk")[:TRANSFER_MANY_MAX]),
                            units=selectors.member_units_changeable(request.user, exclude=unit))
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["members"].select_related("unit").order_by("full_name", "pk"))
        try:
            moved = services.member_transfer_many(actor=request.user, members=chosen,
                                                  to_unit=form.cleaned_data["to_unit"], on=form.cleaned_data["on"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã chuyển sinh hoạt %(n)d đảng viên đến “%(unit)s”.")
                             % {"n": len(moved), "unit": form.cleaned_data["to_unit"].name})
            return redirect("member_list", unit_id=form.cleaned_data["to_unit"].pk)
    return render(request, "members/member_transfer_many.html", {"unit": unit, "form": form},
                  status=400 if form.errors else 200)
