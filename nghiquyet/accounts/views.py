from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nghiquyet.accounts.forms import ApiTokenForm, LoginForm
from nghiquyet.accounts.models import ApiToken
from nghiquyet.accounts.scope import roles_of
from nghiquyet.accounts.services import api_token_create, api_token_revoke
from nghiquyet.audit.selectors import audit_events_visible
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
