"""Pages of inspection and supervision. Thin: selectors read (scoped), services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can, roles_of, scope_of, unit_get_visible
from nghiquyet.core.forms import apply_service_errors
from nghiquyet.core.ids import get_or_404, is_valid_id
from nghiquyet.core.pagination import paginate
from nghiquyet.oversight import selectors, services
from nghiquyet.oversight.forms import (
    CloseForm,
    ConclusionForm,
    ExtendForm,
    FindingForm,
    FollowUpForm,
    InspectionEditForm,
    InspectionForm,
    PlannedForm,
    ProgramForm,
    RecommendationForm,
    ReopenForm,
)
from nghiquyet.oversight.models import Finding, InspectionKind, PlannedInspection
from nghiquyet.oversight.selectors import State


def _today():
    return timezone.localdate()


def _year(request) -> int:
    value = request.GET.get("nam", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return _today().year


def _unit(request):
    """The unit of the figures and lists: ``?don-vi=`` (visible, else 404), else the user's first role's unit."""
    pk = request.GET.get("don-vi")
    if pk:
        return unit_get_visible(request.user, pk)
    first = roles_of(request.user).first()
    return first.unit if first is not None else None


# ------------------------------------------------------------------ home


CONCLUDED = {"dang-tien-hanh": False, "da-ket-luan": True}


@login_required
def home(request):
    """Figures for a unit's subtree in a year, its programs, and the inspections (filters, pages)."""
    user = request.user
    unit, year = _unit(request), _year(request)
    kind = request.GET.get("hinh-thuc", "")
    kind = kind if kind in InspectionKind.values else ""
    state = request.GET.get("trang-thai", "")
    state = state if state in CONCLUDED else ""
    query = request.GET.get("q", "")[:200]
    context = {"unit": unit, "year": year, "kind": kind, "state": state, "query": query,
               "kinds": InspectionKind.choices, "can_create": selectors.units_conducting(user).exists()}
    if unit is not None:
        inspections = selectors.inspections_list(user, unit=unit, year=year, kind=kind,
                                                 concluded=CONCLUDED.get(state), query=query)
        context.update(
            figures=selectors.figures(user=user, unit=unit, year=year, on=_today()),
            subunits=selectors.subunits(user, unit),
            parent_visible=bool(unit.parent_id) and scope_of(user).covers(unit.path.rsplit("/", 2)[0] + "/"),
            programs=list(selectors.programs_visible(user, year=year).filter(unit__path__under=unit.path)
                          .order_by("unit__path")),
            page_obj=paginate(request, inspections),
            querystring=urlencode({k: v for k, v in (("don-vi", unit.pk), ("nam", year), ("hinh-thuc", kind),
                                                     ("trang-thai", state), ("q", query)) if v}),
        )
    return render(request, "oversight/home.html", context)


# ------------------------------------------------------------------ programs


@login_required
def program_list(request):
    page = paginate(request, selectors.programs_visible(request.user).order_by("-year", "unit__path"))
    return render(request, "oversight/program_list.html", {"page_obj": page})


@login_required
def program_create_view(request):
    user = request.user
    units = selectors.units_conducting(user)
    if not units.exists():
        raise PermissionDenied(_("Bạn không có quyền lập chương trình kiểm tra, giám sát."))
    form = ProgramForm(request.POST or None, units=units, initial={"year": _today().year + 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            program = services.inspection_program_create(
                actor=user, unit=data["unit"], year=data["year"], title=data["title"], issued_on=data["issued_on"],
                symbol=data["symbol"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo chương trình kiểm tra, giám sát."))
            return redirect("oversight_program", pk=program.pk)
    return render(request, "oversight/program_form.html", {"form": form})


@login_required
def program_detail(request, pk: int):
    """A program's items with what was done; POST adds an item."""
    user = request.user
    program = selectors.program_get(user, pk)
    editable = can(user, Perm.INSPECTION_CHANGE, program.unit)
    form = None
    if editable:
        form = PlannedForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.planned_add(actor=user, program=program, **data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Đã thêm nội dung vào chương trình."))
                return redirect("oversight_program", pk=program.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("Bạn không có quyền sửa chương trình này."))
    items = list(selectors.planned_items(program))
    visible = set(selectors.inspections_visible(user).filter(planned__program=program).values_list("pk", flat=True))
    for item in items:
        item.readable = [i for i in item.inspections.all() if i.pk in visible]
    return render(request, "oversight/program_detail.html", {
        "program": program, "items": items, "form": form, "editable": editable,
        "done": sum(1 for i in items if i.done)})


@login_required
@require_POST
def planned_remove_view(request, pk: int):
    user = request.user
    item = get_or_404(PlannedInspection.objects.filter(program__in=selectors.programs_visible(user)), pk,
                      _("Không tìm thấy."))
    try:
        services.planned_remove(actor=user, item=item)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã xóa nội dung khỏi chương trình."))
    return redirect("oversight_program", pk=item.program_id)


# ------------------------------------------------------------------ inspections


def _inspection_form(unit, data=None, *, form_class=InspectionForm, inspection=None, user=None, **kwargs):
    keep = []
    extra = {}
    if inspection is not None:
        keep = [p.pk for p in inspection.team.all()] + [inspection.leader_id]
        extra = {"targets": selectors.content_targets(user, inspection),
                 "tasks": selectors.content_tasks(user, inspection) | inspection.tasks.all(),
                 "concluded": inspection.is_concluded}
    planned = PlannedInspection.objects.filter(program__unit=unit).select_related("program").order_by(
        "-program__year", "id")
    return form_class(data, planned=planned, subject_units=selectors.subject_units(unit),
                      people=selectors.subtree_people(user, unit),
                      resolutions=selectors.content_resolutions(user, unit),
                      team=selectors.team_people(user, unit, keep=keep), **extra, **kwargs)


@login_required
def inspection_create_view(request):
    """The inspection form for a conducting unit: ``?don-vi=`` (one where the user may), else the user's own."""
    user = request.user
    units = selectors.units_conducting(user)
    pk = request.GET.get("don-vi") or request.POST.get("don-vi")
    if pk:
        unit = get_or_404(units, pk, _("Không tìm thấy đơn vị."))
    else:
        unit = units.order_by("depth", "path").first()   # the user's own committee, the highest one
        if unit is None:
            raise PermissionDenied(_("Bạn không có quyền tiến hành kiểm tra, giám sát."))
    initial = {"starts_on": _today()}
    item_pk = request.GET.get("muc")
    if item_pk and is_valid_id(item_pk):
        item = PlannedInspection.objects.filter(pk=item_pk, program__unit=unit).first()
        if item is not None:
            initial.update(planned=item.pk, kind=item.kind, mode=item.mode, content=item.content,
                           title=f"{InspectionKind(item.kind).label} {item.subject}")
    form = _inspection_form(unit, request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_create(actor=user, unit=unit, **form.values())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo cuộc kiểm tra, giám sát."))
            return redirect("oversight_inspection", pk=inspection.pk)
    return render(request, "oversight/inspection_form.html", {"form": form, "unit": unit,
                                                               "units": units.order_by("path")[:1000]})


@login_required
def inspection_edit(request, pk: int):
    user = request.user
    inspection = selectors.inspection_get(user, pk)
    if not can(user, Perm.INSPECTION_CHANGE, inspection.unit):
        raise PermissionDenied(_("Bạn không có quyền sửa cuộc kiểm tra, giám sát này."))
    initial = {name: getattr(inspection, f"{name}_id", None) or getattr(inspection, name, None)
               for name in ("planned", "kind", "mode", "title", "decision_ref", "subject_unit", "subject_person",
                            "content", "resolution", "leader", "starts_on", "ends_on", "concluded_on",
                            "conclusion_ref", "conclusion")}
    initial.update(team=[p.pk for p in inspection.team.all()], targets=[t.pk for t in inspection.targets.all()],
                   tasks=[t.pk for t in inspection.tasks.all()])
    form = _inspection_form(inspection.unit, request.POST or None, form_class=InspectionEditForm,
                            inspection=inspection, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            services.inspection_update(actor=user, inspection=inspection, targets=values.pop("targets"),
                                       tasks=values.pop("tasks"), team=values.pop("team"), **values)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã cập nhật cuộc kiểm tra, giám sát."))
            return redirect("oversight_inspection", pk=inspection.pk)
    return render(request, "oversight/inspection_form.html", {"form": form, "unit": inspection.unit,
                                                               "inspection": inspection})


def _owner_choices(user, inspection):
    """Owners offered by the page: the subject's subtree (the subject person's unit) and the conducting unit;
    the service accepts anyone of the conducting unit's subtree (the API offers that)."""
    subject = inspection.subject_unit or inspection.subject_person.unit
    units = selectors.owner_units(subject) | selectors.owner_units(inspection.unit).filter(pk=inspection.unit_id)
    return {"units": units.order_by("path"), "people": selectors.subtree_people(user, subject)}


def _inspection_page(request, inspection, *, finding_form=None, conclusion_form=None, recommendation_form=None,
                     bound=None, status=200):
    """The inspection page; ``bound`` = (recommendation id, form name, bound form) after a refused follow-up."""
    user = request.user
    may_change = can(user, Perm.INSPECTION_CHANGE, inspection.unit)
    recommendations = list(selectors.inspection_recommendations(inspection, on=_today()))
    for rec in recommendations:
        rec.may_follow_up = rec.status != "closed" and services.may_follow_up(user, rec)
        rec.may_decide = may_change and rec.status == "done"
        may_extend = may_change and rec.status != "closed"
        forms = {"follow": FollowUpForm(prefix=f"r{rec.pk}") if rec.may_follow_up else None,
                 "close": CloseForm(prefix=f"c{rec.pk}") if rec.may_decide else None,
                 "reopen": ReopenForm(prefix=f"o{rec.pk}") if rec.may_decide else None,
                 "extend": ExtendForm(prefix=f"e{rec.pk}") if may_extend else None}
        if bound is not None and bound[0] == rec.pk:
            forms[bound[1]] = bound[2]
        rec.follow_form, rec.close_form, rec.reopen_form = forms["follow"], forms["close"], forms["reopen"]
        rec.extend_form = forms["extend"]
    if may_change:
        finding_form = finding_form or FindingForm()
        if not inspection.is_concluded:
            conclusion_form = conclusion_form or ConclusionForm()
        recommendation_form = recommendation_form or RecommendationForm(**_owner_choices(user, inspection))
    return render(request, "oversight/inspection_detail.html", {
        "inspection": inspection, "findings": inspection.findings.all(), "recommendations": recommendations,
        "targets": inspection.targets.select_related("unit"), "tasks": inspection.tasks.select_related("unit"),
        "team": inspection.team.all(), "may_change": may_change, "finding_form": finding_form,
        "conclusion_form": conclusion_form, "recommendation_form": recommendation_form,
        "may_delete": may_change and not inspection.is_concluded and not recommendations,
    }, status=status)


@login_required
def inspection_detail(request, pk: int):
    return _inspection_page(request, selectors.inspection_get(request.user, pk))


@login_required
@require_POST
def inspection_delete_view(request, pk: int):
    user = request.user
    inspection = selectors.inspection_get(user, pk)
    try:
        services.inspection_delete(actor=user, inspection=inspection)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("oversight_inspection", pk=inspection.pk)
    messages.success(request, _("Đã xóa cuộc kiểm tra, giám sát."))
    return redirect("oversight_home")


@login_required
@require_POST
def finding_add_view(request, pk: int):
    user = request.user
    inspection = selectors.inspection_get(user, pk)
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            services.finding_add(actor=user, inspection=inspection, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi kết quả kiểm tra, giám sát."))
            return redirect(reverse("oversight_inspection", args=[inspection.pk]) + "#ket-qua")
    return _inspection_page(request, inspection, finding_form=form, status=422)


@login_required
@require_POST
def finding_remove_view(request, pk: int):
    user = request.user
    finding = get_or_404(Finding.objects.filter(inspection__in=selectors.inspections_visible(user)), pk,
                         _("Không tìm thấy."))
    services.finding_remove(actor=user, finding=finding)
    messages.success(request, _("Đã xóa một kết quả kiểm tra, giám sát."))
    return redirect(reverse("oversight_inspection", args=[finding.inspection_id]) + "#ket-qua")


@login_required
@require_POST
def conclude_view(request, pk: int):
    user = request.user
    inspection = selectors.inspection_get(user, pk)
    form = ConclusionForm(request.POST)
    if form.is_valid():
        try:
            services.inspection_conclude(actor=user, inspection=inspection, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi kết luận."))
            return redirect("oversight_inspection", pk=inspection.pk)
    return _inspection_page(request, inspection, conclusion_form=form, status=422)


@login_required
@require_POST
def recommendation_add_view(request, pk: int):
    user = request.user
    inspection = selectors.inspection_get(user, pk)
    form = RecommendationForm(request.POST, **_owner_choices(user, inspection))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.recommendation_add(actor=user, inspection=inspection, text=data["text"], due_on=data["due_on"],
                                        owner_unit=data["owner_unit"], owner_person=data["owner_person"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm kiến nghị."))
            return redirect(reverse("oversight_inspection", args=[inspection.pk]) + "#kien-nghi")
    return _inspection_page(request, inspection, recommendation_form=form, status=422)


def _recommendation_post(request, pk: int, *, name: str, form_class, prefix: str, action, success: str):
    user = request.user
    recommendation = selectors.recommendation_get(user, pk)
    inspection = selectors.inspection_get(user, recommendation.inspection_id)
    form = form_class(request.POST, prefix=f"{prefix}{recommendation.pk}")
    if form.is_valid():
        try:
            action(user, recommendation, form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(reverse("oversight_inspection", args=[inspection.pk]) + f"#kien-nghi-{recommendation.pk}")
    if not form.errors:
        raise Http404
    return _inspection_page(request, inspection, bound=(recommendation.pk, name, form), status=422)


@login_required
@require_POST
def follow_up_view(request, pk: int):
    return _recommendation_post(
        request, pk, name="follow", form_class=FollowUpForm, prefix="r", success=_("Đã cập nhật kết quả thực hiện."),
        action=lambda user, rec, data: services.recommendation_follow_up(actor=user, recommendation=rec, **data))


@login_required
@require_POST
def close_view(request, pk: int):
    return _recommendation_post(
        request, pk, name="close", form_class=CloseForm, prefix="c", success=_("Đã kết thúc theo dõi kiến nghị."),
        action=lambda user, rec, data: services.recommendation_close(actor=user, recommendation=rec, **data))


@login_required
@require_POST
def reopen_view(request, pk: int):
    return _recommendation_post(
        request, pk, name="reopen", form_class=ReopenForm, prefix="o", success=_("Đã trả lại kiến nghị."),
        action=lambda user, rec, data: services.recommendation_reopen(actor=user, recommendation=rec, **data))


@login_required
@require_POST
def extend_view(request, pk: int):
    return _recommendation_post(
        request, pk, name="extend", form_class=ExtendForm, prefix="e", success=_("Đã gia hạn kiến nghị."),
        action=lambda user, rec, data: services.recommendation_extend(actor=user, recommendation=rec, **data))


# ------------------------------------------------------------------ recommendations


@login_required
def recommendation_list(request):
    user = request.user
    unit = _unit(request)
    state = request.GET.get("trang-thai", State.OPEN)
    state = state if state in State.ALL or state == "tat-ca" else State.OPEN
    recommendations = selectors.recommendations_list(user, unit=unit, on=_today(),
                                                     state="" if state == "tat-ca" else state)
    query = request.GET.get("q", "")[:200].strip()
    if query:
        recommendations = recommendations.filter(Q(text__icontains=query) | Q(inspection__title__icontains=query))
    return render(request, "oversight/recommendation_list.html", {
        "unit": unit, "state": state, "query": query, "page_obj": paginate(request, recommendations),
        "states": [(State.OPEN, _("Chưa kết thúc")), (State.OVERDUE, _("Quá hạn")),
                   (State.DONE, _("Chờ kết thúc theo dõi")), (State.CLOSED, _("Đã kết thúc")), ("tat-ca", _("Tất cả"))],
        "querystring": urlencode({k: v for k, v in (("don-vi", unit.pk if unit else ""), ("trang-thai", state),
                                                    ("q", query)) if v}),
    })
