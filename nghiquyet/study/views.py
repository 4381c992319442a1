"""Pages of study and dissemination. Thin: selectors read (scoped), services write."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can, roles_of, unit_get_visible, units_changeable, units_visible
from nghiquyet.core.files import stored_file_response
from nghiquyet.core.forms import apply_service_errors
from nghiquyet.core.ids import get_or_404
from nghiquyet.core.pagination import paginate
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.resolutions.selectors import document_get, documents_visible
from nghiquyet.study import selectors, services
from nghiquyet.study.forms import MakeupForm, PlanForm, SessionEditForm, SessionForm, WriteUpForm
from nghiquyet.study.models import AttendanceStatus

MEMBER_PAGE_SIZE = 60


def _as_of(request) -> dt.date:
    raw = request.GET.get("ngay", "").strip()
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            messages.error(request, _("Ngày “%(d)s” không hợp lệ (định dạng NNNN-TT-NN); đang hiển thị số liệu hôm "
                                      "nay.") % {"d": raw[:20]})
    return timezone.localdate()


# ------------------------------------------------------------------ home and unit figures


@login_required
def study_home(request):
    user = request.user
    plans = selectors.plans_visible(user).order_by("-starts_on", "-id")
    units = [r.unit for r in roles_of(user)]
    may_create = units_changeable(user, Perm.STUDY_CHANGE).exists()
    resolutions = (documents_visible(user).filter(type_code="NQ").select_related("unit").order_by("-issued_on", "pk")
                   if may_create else [])
    return render(request, "study/home.html", {
        "page_obj": paginate(request, plans), "units": list(dict.fromkeys(units)), "may_create": may_create,
        "resolutions": resolutions})


@login_required
def study_unit(request, unit_id: int):
    """The study figures of a unit's subtree: per resolution, the subtree's total and one row per direct
    subordinate (drill-down); under the last level, the members and whether each studied."""
    user = request.user
    unit = unit_get_visible(user, unit_id)
    on = _as_of(request)
    figures = selectors.unit_figures(user=user, unit=unit, on=on)
    leaf = not any(row for block in figures.resolutions for row in block.rows if not row.is_self)
    members_page = None
    if leaf and figures.resolutions:
        ids = [block.resolution.pk for block in figures.resolutions]
        members = selectors.members_study_status(user, unit, ids, on)
        members_page = paginate(request, members, per_page=MEMBER_PAGE_SIZE)
        for member in members_page:
            member.studied_list = [getattr(member, f"studied_{rid}") for rid in ids]
    ancestors = list(units_visible(user).filter(pk__in=unit.ancestor_ids).order_by("depth"))
    return render(request, "study/unit.html", {
        "unit": unit, "figures": figures, "on": on, "today": timezone.localdate(), "members_page": members_page,
        "ancestors": ancestors, "querystring": urlencode({"ngay": on.isoformat()}) if "ngay" in request.GET else "",
    })


# ------------------------------------------------------------------ plans


def _plan_values(data: dict) -> dict:
    values = dict(data)
    values.pop("unit", None)
    values["holder_kinds"] = list(values.get("holder_kinds") or [])
    return values


@login_required
def plan_create_view(request):
    user = request.user
    resolution = document_get(user, request.GET.get("nghi-quyet") or request.POST.get("nghi-quyet"))
    units = units_changeable(user, Perm.STUDY_CHANGE).filter(kind__in=UnitKind.party_kinds()).order_by("path")
    if not units.exists():
        raise Http404(_("Bạn không có quyền lập kế hoạch học tập."))
    form = PlanForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(actor=user, unit=data["unit"], resolution=resolution,
                                        **_plan_values(data))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lập kế hoạch học tập, quán triệt."))
            return redirect("study_plan", pk=plan.pk)
    return render(request, "study/plan_form.html", {"form": form, "resolution": resolution})


@login_required
def plan_edit(request, pk: int):
    user = request.user
    plan = selectors.plan_get(user, pk)
    if not can(user, Perm.STUDY_CHANGE, plan.unit):
        raise PermissionDenied(_("Bạn không có quyền sửa kế hoạch này."))
    initial = {name: getattr(plan, name) for name in services.PLAN_FIELDS if name not in ("unit", "resolution")}
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=user, plan=plan, **_plan_values(form.cleaned_data))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã cập nhật kế hoạch."))
            return redirect("study_plan", pk=plan.pk)
    return render(request, "study/plan_form.html", {"form": form, "resolution": plan.resolution, "plan": plan})


def _session_form(user, plan, data=None):
    units = selectors.study_units_changeable(user, plan)
    points = units_changeable(user, Perm.STUDY_CHANGE).filter(
        path__under=plan.unit.path, kind__in=UnitKind.party_kinds()).exclude(kind=UnitKind.BRANCH).order_by("path")
    return SessionForm(data, units=units, points=points)


def _plan_page(request, plan, *, form=None):
    user = request.user
    on = timezone.localdate()
    state = request.GET.get("bai", "")
    state = state if state in ("received", "waiting", "overdue") else ""
    if form is None:
        form = _session_form(user, plan)
    return render(request, "study/plan_detail.html", {
        "plan": plan, "sessions_page": paginate(request, selectors.plan_sessions(user, plan), param="trang-buoi"),
        "form": form,
        "may_hold": form.fields["unit"].queryset.exists(),
        "can_edit": can(user, Perm.STUDY_CHANGE, plan.unit),
        "writeups_page": paginate(request, selectors.plan_writeups(user, plan, state=state, on=on), param="trang-bai"),
        "state": state, "today": on, "querystring": urlencode({"bai": state}) if state else "",
    })


@login_required
def plan_detail(request, pk: int):
    """A plan, its sessions and the write-ups in the user's scope; POST records a session held."""
    user = request.user
    plan = selectors.plan_get(user, pk)
    if request.method != "POST":
        return _plan_page(request, plan)
    form = _session_form(user, plan, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_create(actor=user, plan=plan, unit=data["unit"], held_on=data["held_on"],
                                              place=data["place"], speakers=data["speakers"], note=data["note"],
                                              points=list(data["points"]))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi buổi học ngày %(d)s. Hãy điểm danh đảng viên.") % {
                "d": session.held_on.strftime("%d/%m/%Y")})
            return redirect("study_session", pk=session.pk)
    return _plan_page(request, plan, form=form)


# ------------------------------------------------------------------ sessions and attendance


def _recording_unit(request, user, session) -> tuple[Unit | None, list[Unit]]:
    units = selectors.session_units(user, session)
    writable = [u for u in units if can(user, Perm.STUDY_CHANGE, u)]
    chosen = request.POST.get("don-vi") or request.GET.get("don-vi")
    if chosen:
        unit = next((u for u in units if str(u.pk) == str(chosen)), None)
        if unit is None:
            raise Http404(_("Không tìm thấy đơn vị."))
        return unit, units
    # default: the session's own unit when the user records for it, else the point they record for (a commune
    # user lands on their own point of a provincial session)
    if writable and writable[0].pk == session.unit_id:
        return writable[0], units
    pool = writable or units
    return (pool[0] if pool else None), units


def _branches(user, unit: Unit):
    return units_visible(user).filter(parent=unit, valid_to__isnull=True, kind=UnitKind.BRANCH).order_by("name")


def _session_page(request, session, *, errors=None, status=200):
    user = request.user
    unit, units = _recording_unit(request, user, session)
    branch = None
    branches = _branches(user, unit) if unit is not None else Unit.objects.none()
    raw_branch = request.POST.get("chi-bo") or request.GET.get("chi-bo")
    if raw_branch:
        branch = get_or_404(branches, raw_branch, _("Không tìm thấy chi bộ."))
    members_page = None
    editable = unit is not None and can(user, Perm.STUDY_CHANGE, unit)
    if unit is not None:
        members = selectors.session_members(user, session, unit, branch=branch)
        members_page = paginate(request, members, per_page=MEMBER_PAGE_SIZE)
        marks = selectors.attendance_of(session, [m.pk for m in members_page])
        for member in members_page:
            mark = marks.get(member.pk)
            member.mark = mark.status if mark else ""
            member.mark_elsewhere = bool(mark and mark.unit_id != unit.pk)
    query = {k: v for k, v in (("don-vi", unit.pk if unit else ""), ("chi-bo", branch.pk if branch else "")) if v}
    makeup_units = [u for u in units if can(user, Perm.STUDY_CHANGE, u) and services.makeup_may_hold(session, u)]
    return render(request, "study/session_detail.html", {
        "session": session, "plan": session.plan, "unit": unit, "units": units, "branch": branch,
        "branches": branches, "members_page": members_page, "editable": editable, "errors": errors or [],
        "statuses": AttendanceStatus.choices, "counts": selectors.attendance_counts(user, session),
        "points": session.points.select_related("unit").order_by("unit__path"),
        "makeups": session.makeups.order_by("held_on") if not session.is_makeup else [],
        "can_delete": can(user, Perm.STUDY_CHANGE, session.unit),
        "querystring": urlencode(query), "makeup_form": MakeupForm(units=Unit.objects.filter(
            pk__in=[u.pk for u in makeup_units])) if makeup_units else None,
    }, status=status)


@login_required
def session_detail(request, pk: int):
    """A session: its points, the attendance counts and, for a recording unit (its own or a point) and a branch,
    the members with present / excused / absent. POST saves the marks of the members shown."""
    user = request.user
    session = selectors.session_get(user, pk)
    if request.method != "POST":
        return _session_page(request, session)
    unit, _units = _recording_unit(request, user, session)
    if unit is None or not can(user, Perm.STUDY_CHANGE, unit):
        raise PermissionDenied(_("Bạn không có quyền điểm danh cho đơn vị này."))
    entries = {key[2:]: value for key, value in request.POST.items() if key.startswith("m-") and value}
    if request.POST.get("con-lai") == AttendanceStatus.PRESENT:
        # "the others were present": every member listed on the page and not marked yet
        for raw in request.POST.get("ds", "").split(","):
            if raw.strip().isdigit():
                entries.setdefault(raw.strip(), AttendanceStatus.PRESENT)
    notes = {key[2:]: value for key, value in request.POST.items() if key.startswith("n-") and value}
    try:
        saved = services.attendance_record(actor=user, session=session, unit=unit, entries=entries, notes=notes)
    except ValidationError as exc:
        return _session_page(request, session, errors=exc.messages, status=422)
    messages.success(request, _("Đã lưu điểm danh của %(n)d đảng viên.") % {"n": len(saved)})
    url = request.path + (f"?{urlencode({k: v for k, v in request.POST.items() if k in ('don-vi', 'chi-bo', 'page')})}")
    return redirect(url)


@login_required
def session_makeup(request, pk: int):
    """Record a make-up session (học bù) for those absent or excused at a session."""
    user = request.user
    session = selectors.session_get(user, pk)
    if session.is_makeup:
        raise Http404(_("Buổi học bù không có học bù."))
    units = [u for u in selectors.session_units(user, session)
             if can(user, Perm.STUDY_CHANGE, u) and services.makeup_may_hold(session, u)]
    if not units:
        raise PermissionDenied(_("Bạn không có quyền tổ chức học bù cho buổi học này."))
    form = MakeupForm(request.POST or None, units=Unit.objects.filter(pk__in=[u.pk for u in units]))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            makeup = services.session_create(actor=user, plan=session.plan, unit=data["unit"],
                                             held_on=data["held_on"], place=data["place"],
                                             speakers=data["speakers"], makeup_of=session)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi buổi học bù. Hãy điểm danh những đảng viên đã học bù."))
            return redirect("study_session", pk=makeup.pk)
    return render(request, "study/makeup_form.html", {"form": form, "session": session})


@login_required
def session_edit(request, pk: int):
    """Correct a session (place, speakers, note; the day while nothing is recorded) and add points."""
    user = request.user
    session = selectors.session_get(user, pk)
    if not can(user, Perm.STUDY_CHANGE, session.unit):
        raise PermissionDenied(_("Bạn không có quyền sửa buổi học này."))
    have = session.points.values("unit_id")
    points = (units_changeable(user, Perm.STUDY_CHANGE).filter(path__under=session.unit.path,
                                                               kind__in=UnitKind.party_kinds())
              .exclude(pk=session.unit_id).exclude(pk__in=have).order_by("path")
              if not session.is_makeup else Unit.objects.none())
    form = SessionEditForm(request.POST or None, points=points, initial={
        "held_on": session.held_on, "place": session.place, "speakers": session.speakers, "note": session.note})
    if session.is_makeup:
        del form.fields["add_points"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.session_update(actor=user, session=session, held_on=data["held_on"], place=data["place"],
                                    speakers=data["speakers"], note=data["note"],
                                    add_points=list(data.get("add_points") or []))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã cập nhật buổi học."))
            return redirect("study_session", pk=session.pk)
    return render(request, "study/session_edit.html", {"form": form, "session": session})


@login_required
def session_delete(request, pk: int):
    """Delete a session recorded by mistake, after a confirmation page (GET) and a POST."""
    user = request.user
    session = selectors.session_get(user, pk)
    if not can(user, Perm.STUDY_CHANGE, session.unit):
        raise PermissionDenied(_("Bạn không có quyền xóa buổi học này."))
    error = ""
    if request.method == "POST":
        plan_id = session.plan_id
        try:
            services.session_delete(actor=user, session=session)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Đã xóa buổi học."))
            return redirect("study_plan", pk=plan_id)
    return render(request, "study/session_delete.html", {
        "session": session, "error": error, "counts": selectors.attendance_counts(user, session)},
        status=422 if error else 200)


# ------------------------------------------------------------------ write-ups


@login_required
def writeup_detail(request, pk: int):
    user = request.user
    writeup = selectors.writeup_get(user, pk)
    own = services.writeup_is_own(user, writeup)
    editable = can(user, Perm.STUDY_CHANGE, writeup.unit) or (own and writeup.received_on is None)
    form = WriteUpForm(request.POST or None, request.FILES or None,
                       initial={"received_on": writeup.received_on or timezone.localdate(), "text": writeup.text})
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("Bạn không có quyền cập nhật bài thu hoạch này."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.writeup_receive(actor=user, writeup=writeup,
                                         received_on=data.get("received_on") or timezone.localdate(),
                                         text=data["text"], upload=data.get("file"))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Đã ghi nhận bài thu hoạch của %(n)s.") % {"n": writeup.member.full_name})
                if own and not can(user, Perm.STUDY_CHANGE, writeup.unit):
                    return redirect("study_my_writeups")
                return redirect("study_plan", pk=writeup.plan_id)
    if editable and own and not can(user, Perm.STUDY_CHANGE, writeup.unit):
        del form.fields["received_on"]
    return render(request, "study/writeup_detail.html", {"writeup": writeup, "form": form if editable else None,
                                                         "today": timezone.localdate(), "own": own})


@login_required
def my_writeups(request):
    """The signed-in person's own write-ups and personal plans, to hand in."""
    page = paginate(request, selectors.my_writeups(request.user))
    return render(request, "study/my_writeups.html", {"page_obj": page, "today": timezone.localdate()})


@login_required
def writeup_file(request, pk: int):
    writeup = selectors.writeup_get(request.user, pk)
    if not writeup.file:
        raise Http404(_("Không có tệp."))
    return stored_file_response(writeup.file, writeup.file_name or "bai-thu-hoach", not_found=_("Không có tệp."))
