from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nghiquyet.accounts import selectors
from nghiquyet.accounts.forms import AccountForm, ApiTokenForm, LoginForm, PersonForm, RoleAssignForm
from nghiquyet.accounts.models import ApiToken
from nghiquyet.accounts.roles import Perm, Role
from nghiquyet.accounts.scope import can, covers, roles_of, unit_get_visible
from nghiquyet.accounts.services import (
    api_token_create,
    api_token_revoke,
    person_account_create,
    person_create,
    person_update,
    role_assign,
    role_revoke,
)
from nghiquyet.audit.selectors import audit_events_visible
from nghiquyet.core.forms import apply_service_errors
from nghiquyet.core.pagination import paginate
from nghiquyet.org.selectors import unit_members_total, unit_subtree_stats


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def lockout_response(request, original_response=None, credentials=None):
    """django-axes lockout: JSON for the API, a Vietnamese page otherwise (HTTP 429)."""
    message = _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


@login_required
def home(request):
    assignments = list(roles_of(request.user))
    cards = [
        {"assignment": a, "stats": unit_subtree_stats(a.unit), "members": unit_members_total(a.unit)}
        for a in assignments
    ]
    recent = audit_events_visible(request.user)[:10]
    return render(request, "accounts/home.html", {"cards": cards, "recent_events": recent})


@login_required
def tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = api_token_create(actor=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("Đã tạo mã truy cập. Hãy sao chép ngay: mã chỉ hiển thị một lần."))
    rows = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/tokens.html", {"form": form, "tokens": rows, "new_token": new_token})


@login_required
@require_POST
def token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Đã thu hồi mã truy cập %(prefix)s…") % {"prefix": token.prefix})
    return redirect("tokens")


# ---------------------------------------------------------------- people and roles (issue 2 §3)


def _require_person_change(user, unit) -> None:
    """403 when the unit is visible but closed or outside the user's ``Perm.PERSON_CHANGE`` roles."""
    if unit.valid_to is not None:
        raise PermissionDenied(_("Đơn vị “%(unit)s” đã kết thúc hoạt động, không thể thay đổi.") % {"unit": unit.name})
    if not can(user, Perm.PERSON_CHANGE, unit):
        raise PermissionDenied(_("Bạn không có quyền quản lý cán bộ của đơn vị “%(unit)s”.") % {"unit": unit.name})


@login_required
def unit_people(request, unit_id: int):
    unit = unit_get_visible(request.user, unit_id)
    query = (request.GET.get("q") or "").strip()[:200]
    page = paginate(request, selectors.unit_people_ids(request.user, unit, query=query))
    people = selectors.people_with_roles(request.user, list(page.object_list))
    querystring = urlencode({"q": query}) if query else ""
    return render(request, "accounts/people_list.html", {
        "unit": unit, "people": people, "page_obj": page, "query": query, "querystring": querystring,
        "can_change": unit.valid_to is None and can(request.user, Perm.PERSON_CHANGE, unit),
    })


@login_required
def unit_person_create(request, unit_id: int):
    unit = unit_get_visible(request.user, unit_id)
    _require_person_change(request.user, unit)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = person_create(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm cán bộ “%(name)s”.") % {"name": person.full_name})
            return redirect("person_detail", person_id=person.pk)
    return render(request, "accounts/person_form.html", {"unit": unit, "form": form, "person": None})


@login_required
def person_detail(request, person_id: int):
    person = selectors.person_get_visible(request.user, person_id)
    can_change = person.unit.valid_to is None and can(request.user, Perm.PERSON_CHANGE, person.unit)
    role_form = None
    if can_change and person.user_id is not None and person.user.is_active:
        role_form = RoleAssignForm(units=selectors.role_units(request.user), roles=Role.choices,
                                   initial={"unit": person.unit_id})
    return render(request, "accounts/person_detail.html", {
        "person": person, "unit": person.unit, "roles": selectors.person_roles(request.user, person),
        "can_change": can_change, "role_form": role_form,
    })


@login_required
def person_edit(request, person_id: int):
    person = selectors.person_get_visible(request.user, person_id)
    _require_person_change(request.user, person.unit)
    initial = {"full_name": person.full_name, "position": person.position, "email": person.email,
               "phone": person.phone}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person_update(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin cán bộ."))
            return redirect("person_detail", person_id=person.pk)
    return render(request, "accounts/person_form.html", {"unit": person.unit, "form": form, "person": person})


@login_required
def person_account(request, person_id: int):
    person = selectors.person_get_visible(request.user, person_id)
    _require_person_change(request.user, person.unit)
    if person.user_id is not None:
        messages.info(request, _("Cán bộ này đã có tài khoản đăng nhập."))
        return redirect("person_detail", person_id=person.pk)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = person_account_create(actor=request.user, person=person, username=form.cleaned_data["username"],
                                         password=form.cleaned_data["password1"])
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases={"password": "password1"})
        else:
            messages.success(request, _("Đã tạo tài khoản “%(username)s”.") % {"username": user.username})
            return redirect("person_detail", person_id=person.pk)
    return render(request, "accounts/person_account.html", {"person": person, "unit": person.unit, "form": form})


@login_required
@require_POST
def person_role_assign(request, person_id: int):
    person = selectors.person_get_visible(request.user, person_id)
    _require_person_change(request.user, person.unit)
    form = RoleAssignForm(request.POST, units=selectors.role_units(request.user), roles=Role.choices)
    if person.user_id is None or not person.user.is_active:
        form.add_error(None, _("Cán bộ chưa có tài khoản đăng nhập đang hoạt động."))
    elif form.is_valid():
        try:
            assignment = role_assign(actor=request.user, user=person.user, unit=form.cleaned_data["unit"],
                                     role=form.cleaned_data["role"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("role", str(exc))
        else:
            messages.success(request, _("Đã giao vai trò %(role)s tại %(unit)s.")
                             % {"role": assignment.get_role_display(), "unit": assignment.unit.name})
            return redirect("person_detail", person_id=person.pk)
    return render(request, "accounts/person_detail.html", {
        "person": person, "unit": person.unit, "roles": selectors.person_roles(request.user, person),
        "can_change": True, "role_form": form,
    }, status=400)


@login_required
def role_revoke_view(request, assignment_id: int):
    """GET asks for confirmation; POST revokes."""
    assignment = selectors.role_assignment_get_visible(request.user, assignment_id)
    if not covers(request.user, Perm.PERSON_CHANGE, assignment.unit):  # a role at a closed unit may be revoked
        raise PermissionDenied(_("Bạn không có quyền quản lý cán bộ của đơn vị “%(unit)s”.")
                               % {"unit": assignment.unit.name})
    person = selectors.people_visible(request.user).filter(user_id=assignment.user_id).first()
    if request.method == "POST":
        role_revoke(actor=request.user, assignment=assignment)
        messages.success(request, _("Đã thu hồi vai trò %(role)s tại %(unit)s.")
                         % {"role": assignment.get_role_display(), "unit": assignment.unit.name})
        if person is not None:
            return redirect("person_detail", person_id=person.pk)
        return redirect("unit_people", unit_id=assignment.unit_id)
    return render(request, "accounts/role_revoke.html", {"assignment": assignment, "person": person})
