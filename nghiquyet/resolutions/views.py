"""Pages of resolutions, targets and coverage. Thin: selectors read (scoped), services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can, unit_get_visible
from nghiquyet.core.files import stored_file_response
from nghiquyet.core.forms import apply_service_errors
from nghiquyet.core.ids import is_valid_id
from nghiquyet.core.numbers import format_vn_decimal
from nghiquyet.core.pagination import paginate
from nghiquyet.programs.selectors import programs_visible
from nghiquyet.resolutions import selectors
from nghiquyet.resolutions.forms import (
    AdjustmentDecisionForm,
    AdjustmentProposeForm,
    AlignmentForm,
    AttachmentForm,
    CongressForm,
    CopyDownForm,
    DocumentEditForm,
    DocumentForm,
    ItemForm,
    ItemLinkForm,
    TargetForm,
    TermForm,
)
from nghiquyet.resolutions.models import AdjustmentStatus, Direction, Domain, ItemKind
from nghiquyet.resolutions.services import (
    adjustment_approve,
    adjustment_reject,
    adjustment_withdraw,
    alignment_create,
    alignment_delete,
    attachment_add,
    attachment_delete,
    congress_create,
    congress_update,
    document_create,
    document_update,
    item_create,
    target_create,
    target_update,
    targets_copy_down,
    term_create_with_congress,
)
from nghiquyet.resolutions.services import adjustment_propose as adjustment_propose_service
from nghiquyet.resolutions.symbols import document_types


def _require_plan_change(user, unit) -> None:
    if not can(user, Perm.PLAN_CHANGE, unit):
        raise PermissionDenied(_("Bạn không có quyền thay đổi dữ liệu của “%(unit)s”.") % {"unit": unit.name})


def _int(value) -> int | None:
    """A positive id or year from the query string; anything a database could not look up is ``None``."""
    return int(value) if is_valid_id(value) else None


@login_required
def document_list(request):
    user = request.user
    query = request.GET.get("q", "").strip()
    type_code = request.GET.get("loai", "")
    if type_code not in document_types():
        type_code = ""
    term_start = _int(request.GET.get("nhiem-ky"))
    base = selectors.documents_visible(user)
    choices = selectors.document_filter_choices(user, base=base)
    issuer_id = _int(request.GET.get("co-quan"))
    issuer = next((u for u in choices["issuers"] if u.pk == issuer_id), None)
    page = paginate(request, selectors.documents_list(user, query=query, type_code=type_code,
                                                      term_start=term_start, issuer=issuer, base=base))
    rows = [{"document": d, "above": selectors.is_issued_above(user, d.unit)} for d in page]
    querystring = urlencode({k: v for k, v in {"q": query, "loai": type_code, "nhiem-ky": term_start or "",
                                               "co-quan": issuer.pk if issuer else ""}.items() if v})
    return render(request, "resolutions/document_list.html", {
        "page_obj": page, "rows": rows, "query": query, "type_code": type_code, "term_start": term_start,
        "issuer": issuer, "types": document_types(), "issuers": choices["issuers"],
        "term_years": choices["term_years"], "querystring": querystring,
        "can_create": selectors.can_plan_somewhere(user),
    })


@login_required
def document_create_view(request):
    user = request.user
    units = selectors.plan_units_changeable(user)
    if not selectors.can_plan_somewhere(user):
        raise Http404(_("Bạn không có quyền thêm văn bản."))
    unit = None
    if request.method == "POST":
        unit = units.filter(pk=_int(request.POST.get("unit"))).first()
    else:
        unit = units.filter(pk=_int(request.GET.get("don-vi"))).first()
    unit = unit or units.first()
    if unit is None:
        raise Http404(_("Bạn không có quyền thêm văn bản."))
    above = selectors.documents_above(user, unit)
    form = DocumentForm(request.POST or None, units=units, terms=selectors.terms_changeable(user), above=above,
                        initial={"unit": unit})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = document_create(
                actor=user, unit=data["unit"], symbol=data["symbol"], issued_on=data["issued_on"],
                title=data["title"], term=data["term"], full_text=data["full_text"],
                is_congress_resolution=data["is_congress_resolution"], implements=list(data["implements"]),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm văn bản %(s)s.") % {"s": document.symbol})
            return redirect("document_detail", pk=document.pk)
    return render(request, "resolutions/document_form.html", {"form": form, "unit": unit})


@login_required
def document_edit(request, pk: int):
    user = request.user
    document = selectors.document_get(user, pk)
    _require_plan_change(user, document.unit)
    form = DocumentEditForm(request.POST or None, document=document, units=None,
                            terms=selectors.terms_visible(user, unit=document.unit),
                            above=selectors.documents_above(user, document.unit))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document_update(actor=user, document=document, implements=list(data["implements"]),
                            symbol=data["symbol"], issued_on=data["issued_on"], title=data["title"],
                            term=data["term"], full_text=data["full_text"],
                            is_congress_resolution=data["is_congress_resolution"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã cập nhật văn bản."))
            return redirect("document_detail", pk=document.pk)
    return render(request, "resolutions/document_form.html", {"form": form, "unit": document.unit,
                                                               "document": document})


def _document_context(request, document, *, item_form=None, link_form=None, attachment_form=None):
    user = request.user
    items = list(selectors.document_items(user, document).prefetch_related(
        "links_up__to_target__unit", "links_up__to_item__document__unit"))
    grouped = [(label, [i for i in items if i.kind == kind]) for kind, label in ItemKind.choices]
    editable = can(user, Perm.PLAN_CHANGE, document.unit)
    if link_form is None and editable and items:
        destinations = selectors.alignment_destinations(user, document.unit)
        link_form = ItemLinkForm(own_items=selectors.document_items(user, document),
                                 targets=destinations["targets"], items=destinations["items"])
    targets = list(selectors.targets_visible(user, document=document).order_by("id"))
    return {
        "document": document,
        "above": selectors.is_issued_above(user, document.unit),
        "editable": editable,
        "grouped_items": grouped,
        "targets": targets,
        "programs": programs_visible(user, resolution=document).order_by("unit__path", "-issued_on"),
        "implemented_by": selectors.documents_implementing(user, document),
        "item_form": item_form if item_form is not None else (ItemForm() if editable else None),
        "link_form": link_form,
        "can_copy_down": bool(targets) and selectors.copy_down_destinations(user, document).exists(),
        "can_see_coverage": not selectors.is_issued_above(user, document.unit) and bool(targets),
        "can_add_program": _can_add_program(user, document),
        "attachments": selectors.attachments_of(user, document),
        "attachment_form": attachment_form if attachment_form is not None else (AttachmentForm() if editable
                                                                                else None),
    }


@login_required
def document_detail(request, pk: int):
    document = selectors.document_get(request.user, pk)
    return render(request, "resolutions/document_detail.html", _document_context(request, document))


def _can_add_program(user, document) -> bool:
    """A program may implement a resolution of the unit itself or one it must implement ("from above")."""
    return selectors.plan_units_for_document(user, document).exists()


@login_required
@require_POST
def item_add(request, pk: int):
    document = selectors.document_get(request.user, pk)
    _require_plan_change(request.user, document.unit)
    form = ItemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item_create(actor=request.user, document=document, kind=data["kind"], number=data["number"],
                        title=data["title"], description=data["description"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm nội dung."))
            return redirect("document_detail", pk=document.pk)
    return render(request, "resolutions/document_detail.html", _document_context(request, document, item_form=form))


@login_required
@require_POST
def item_link(request, pk: int):
    """Link an objective, key program or breakthrough of the document up to a superior's target or item."""
    user = request.user
    document = selectors.document_get(user, pk)
    _require_plan_change(user, document.unit)
    destinations = selectors.alignment_destinations(user, document.unit)
    form = ItemLinkForm(request.POST, own_items=selectors.document_items(user, document),
                        targets=destinations["targets"], items=destinations["items"])
    if link_up_from_post(request, form, success_message=_("Đã liên kết nội dung với cấp trên.")):
        return redirect("document_detail", pk=document.pk)
    return render(request, "resolutions/document_detail.html", _document_context(request, document, link_form=form))


@login_required
def target_add(request, pk: int):
    document = selectors.document_get(request.user, pk)
    if not can(request.user, Perm.PLAN_CHANGE, document.unit):
        raise Http404(_("Không tìm thấy văn bản."))
    years = list(document.term.years) if document.term else []
    form = TargetForm(request.POST or None, years=years)
    if request.method == "POST" and form.is_valid():
        try:
            target = target_create(actor=request.user, document=document, milestones=form.milestones(),
                                   **form.values())
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases={"milestones": None})
        else:
            messages.success(request, _("Đã thêm chỉ tiêu %(n)s.") % {"n": target.number})
            return redirect("document_detail", pk=document.pk)
    return render(request, "resolutions/target_form.html", {"form": form, "document": document, "target": None})


@login_required
def copy_down(request, pk: int):
    """Copy a superior's targets into a document of the user's own unit, links kept; asks for confirmation."""
    user = request.user
    document = selectors.document_get(user, pk)
    destinations = selectors.copy_down_destinations(user, document).select_related("unit")
    if not destinations.exists():
        raise Http404(_("Không có văn bản nào của đơn vị cấp dưới để sao chép vào."))
    sources = selectors.targets_visible(user, document=document).order_by("id")
    form = CopyDownForm(request.POST or None, destinations=destinations, sources=sources,
                        initial={"sources": list(sources)})
    if request.method == "POST" and form.is_valid():
        destination = form.cleaned_data["destination"]
        try:
            copies = targets_copy_down(actor=user, document=destination, sources=list(form.cleaned_data["sources"]))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã sao chép %(n)d chỉ tiêu vào %(s)s, giữ liên kết với cấp trên.")
                             % {"n": len(copies), "s": destination.symbol})
            return redirect("document_detail", pk=destination.pk)
    return render(request, "resolutions/copy_down.html", {"form": form, "document": document})


def _target_context(request, target, *, form=None, link_form=None):
    user = request.user
    editable = can(user, Perm.PLAN_CHANGE, target.unit)
    years = list(target.document.term.years) if target.document.term else []
    destinations = selectors.alignment_destinations(user, target.unit) if editable else None
    links = selectors.target_links(user, target)
    return {
        "target": target,
        "milestones": list(target.milestones.all()),
        "plan": selectors.target_plan(target),
        "adjustments": list(selectors.adjustments_visible(user, target=target).order_by("-proposed_on", "-id")[:50]),
        "may_propose": editable and target.unit.valid_to is None,
        "links_up": links["up"],
        "links_down": links["down"],
        "history": selectors.target_history(user, target)[:50],
        "editable": editable,
        "above": selectors.is_issued_above(user, target.unit),
        "form": form if form is not None else (TargetForm(years=years, target=target) if editable else None),
        "link_form": link_form if link_form is not None else (
            AlignmentForm(targets=destinations["targets"], items=destinations["items"]) if editable else None),
        "directions": Direction, "domains": Domain,
    }


@login_required
def target_detail(request, pk: int):
    target = selectors.target_get(request.user, pk)
    return render(request, "resolutions/target_detail.html", _target_context(request, target))


@login_required
@require_POST
def target_edit(request, pk: int):
    user = request.user
    target = selectors.target_get(user, pk)
    _require_plan_change(user, target.unit)
    years = list(target.document.term.years) if target.document.term else []
    form = TargetForm(request.POST, years=years)
    if form.is_valid():
        try:
            target_update(actor=user, target=target, milestones=form.milestones(), **form.values())
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases={"milestones": None})
        else:
            messages.success(request, _("Đã cập nhật chỉ tiêu."))
            return redirect("target_detail", pk=target.pk)
    target = selectors.target_get(user, pk)
    return render(request, "resolutions/target_detail.html", _target_context(request, target, form=form))


def resolve_destination(user, kind: str, pk: int):
    """A visible target ("t") or item ("i") chosen as an alignment destination, else 404."""
    if kind == "t":
        return selectors.target_get(user, pk)
    item = selectors.items_visible(user).select_related("document__unit").filter(pk=pk).first()
    if item is None:
        raise Http404(_("Không tìm thấy nội dung."))
    return item


def link_up_from_post(request, form, *, source=None, success_message: str) -> bool:
    """Handle a posted "link up" form (target, task or resolution item → a superior's target or item): the
    service decides; its refusal lands on the form. ``source`` defaults to the form's chosen ``item``."""
    if not form.is_valid():
        return False
    kind, destination_pk = form.cleaned_data["destination"]
    try:
        alignment_create(actor=request.user, source=source if source is not None else form.cleaned_data["item"],
                         destination=resolve_destination(request.user, kind, destination_pk))
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return False
    messages.success(request, success_message)
    return True


@login_required
@require_POST
def target_link(request, pk: int):
    user = request.user
    target = selectors.target_get(user, pk)
    _require_plan_change(user, target.unit)
    destinations = selectors.alignment_destinations(user, target.unit)
    form = AlignmentForm(request.POST, targets=destinations["targets"], items=destinations["items"])
    if link_up_from_post(request, form, source=target, success_message=_("Đã liên kết chỉ tiêu với cấp trên.")):
        return redirect("target_detail", pk=target.pk)
    return render(request, "resolutions/target_detail.html", _target_context(request, target, link_form=form))


@login_required
@require_POST
def alignment_remove(request, pk: int):
    """Remove a link up (asked for confirmation by the button); back to the page it was removed from."""
    link = selectors.alignment_get(request.user, pk)
    alignment_delete(actor=request.user, alignment=link)
    messages.success(request, _("Đã bỏ liên kết."))
    if link.from_target_id:
        return redirect("target_detail", pk=link.from_target_id)
    if link.from_task_id:
        return redirect("task_detail", pk=link.from_task_id)
    return redirect("document_detail", pk=link.from_item.document_id)


@login_required
def coverage_view(request, unit_id: int):
    user = request.user
    unit = unit_get_visible(user, unit_id)
    document = None
    if request.GET.get("van-ban"):
        document = selectors.document_get(user, request.GET["van-ban"])
    subordinates, rows = selectors.coverage(user, unit, document=document)
    gaps = sum(len(r.uncovered) for r in rows)
    return render(request, "resolutions/coverage.html", {
        "unit": unit, "document": document, "subordinates": subordinates, "rows": rows, "gaps": gaps,
    })


# ------------------------------------------------------------------ terms and congresses

@login_required
def terms_index(request):
    """Where "Nhiệm kỳ, đại hội" leads: the units whose terms the user may manage (straight to the only one)."""
    units = selectors.plan_units_changeable(request.user)
    if len(units[:2]) == 1:
        return redirect("terms", unit_id=units[0].pk)
    return render(request, "resolutions/terms_index.html", {"page_obj": paginate(request, units)})


@login_required
def terms_view(request, unit_id: int):
    """A unit's terms with their congress; those allowed add a term (and its congress, both or nothing).
    Like every page keyed by a unit id, only units of the user's own subtrees exist here (404 otherwise, also
    for ancestors: their terms show, read only, in the document pages and on their congress pages)."""
    user = request.user
    unit = unit_get_visible(user, unit_id)
    can_change = can(user, Perm.PLAN_CHANGE, unit)
    form = None
    if request.method == "POST":
        _require_plan_change(user, unit)
        form = TermForm(request.POST)
        if form.is_valid():
            try:
                term = term_create_with_congress(
                    actor=user, unit=unit, start_year=form.cleaned_data["start_year"],
                    end_year=form.cleaned_data["end_year"],
                    congress=form.congress_values() if form.has_congress() else None)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Đã thêm nhiệm kỳ %(t)s.") % {"t": term.label})
                return redirect("terms", unit_id=unit.pk)
    elif can_change:
        form = TermForm()
    page = paginate(request, selectors.terms_of_unit(user, unit))
    return render(request, "resolutions/terms.html", {"unit": unit, "page_obj": page, "form": form,
                                                      "can_change": can_change})


@login_required
def congress_edit(request, term_id: int):
    """Add or correct the congress that opened a term."""
    user = request.user
    term = selectors.term_get(user, term_id)
    _require_plan_change(user, term.unit)
    congress = getattr(term, "congress", None)
    initial = {"ordinal": congress.ordinal, "held_from": congress.held_from, "held_to": congress.held_to} \
        if congress else {}
    form = CongressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if congress is None:
                congress_create(actor=user, term=term, **form.congress_values())
            else:
                congress_update(actor=user, congress=congress, **form.congress_values())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu đại hội của nhiệm kỳ %(t)s.") % {"t": term.label})
            return redirect("terms", unit_id=term.unit_id)
    return render(request, "resolutions/congress_form.html", {"term": term, "congress": congress, "form": form})


# ------------------------------------------------------------------ attachments

@login_required
@require_POST
def attachment_upload(request, pk: int):
    user = request.user
    document = selectors.document_get(user, pk)
    _require_plan_change(user, document.unit)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = attachment_add(actor=user, document=document, file=form.cleaned_data["file"],
                                        title=form.cleaned_data["title"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã đính kèm tệp “%(name)s”.") % {"name": attachment.name})
            return redirect("document_detail", pk=document.pk)
    return render(request, "resolutions/document_detail.html",
                  _document_context(request, document, attachment_form=form))


@login_required
def attachment_download(request, pk: int):
    """An attachment of a document the user may read: always an attachment, never rendered by the browser."""
    attachment = selectors.attachment_get(request.user, pk)
    return stored_file_response(attachment.file, attachment.name, not_found=_("Không tìm thấy tệp đính kèm."))


@login_required
def attachment_remove(request, pk: int):
    """Confirm (GET) then delete (POST) an attachment."""
    user = request.user
    attachment = selectors.attachment_get(user, pk)
    document = attachment.document
    _require_plan_change(user, document.unit)
    if request.method == "POST":
        attachment_delete(actor=user, attachment=attachment)
        messages.success(request, _("Đã xóa tệp “%(name)s”.") % {"name": attachment.name})
        return redirect("document_detail", pk=document.pk)
    return render(request, "resolutions/attachment_delete.html", {"attachment": attachment, "document": document})


# ------------------------------------------------------------------ target adjustments (điều chỉnh chỉ tiêu)

ADJUSTMENT_FILTERS = ("cho-quyet-dinh", *AdjustmentStatus.values)


def _adjustment_choices(target) -> list[tuple[str, str]]:
    """What can be proposed: the term target, and the milestones of this year and later ones (not the term's last,
    which is the term target), each with the value in force."""
    plan = selectors.target_plan(target)
    this_year = timezone.localdate().year
    term = target.document.term
    choices = [("term_target", _("Mục tiêu cuối nhiệm kỳ (đang áp dụng: %(v)s)") % {
        "v": format_vn_decimal(plan["term"].value)})]
    for line in plan["milestones"]:
        if line.year >= this_year and (term is None or line.year != term.end_year):
            choices.append((f"milestone-{line.year}", _("Mốc năm %(y)s (đang áp dụng: %(v)s)") % {
                "y": line.year, "v": format_vn_decimal(line.value)}))
    return choices


def _propose_form(user, target, data=None) -> AdjustmentProposeForm:
    units = selectors.plan_units_changeable(user)
    initial = {"proposed_on": timezone.localdate()}
    if units.filter(pk=target.unit_id).exists():
        initial["unit"] = target.unit_id
    return AdjustmentProposeForm(data, units=units, choices=_adjustment_choices(target), initial=initial)


@login_required
def adjustment_propose(request, pk: int):
    """Propose an adjustment of a target (the unit that owns it; the service refuses any other, saying whose
    target it is)."""
    user = request.user
    target = selectors.target_get(user, pk)
    if not selectors.can_plan_somewhere(user):
        raise PermissionDenied(_("Bạn không có quyền đề xuất điều chỉnh chỉ tiêu."))
    form = _propose_form(user, target, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = adjustment_propose_service(actor=user, target=target, **form.values())
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases={"field": "what", "year": "what"})
        else:
            messages.success(request, _("Đã gửi đề xuất điều chỉnh chỉ tiêu; chờ cấp ủy quyết định."))
            return redirect("adjustment_detail", pk=adjustment.pk)
    return render(request, "resolutions/adjustment_form.html", {
        "target": target, "form": form, "plan": selectors.target_plan(target)})


@login_required
def adjustment_list(request):
    user = request.user
    state = request.GET.get("trang-thai", "")
    if state not in ADJUSTMENT_FILTERS:
        state = ""
    if state == "cho-quyet-dinh":
        rows = selectors.adjustments_to_decide(user)
    else:
        rows = selectors.adjustments_visible(user, status=state).order_by("-proposed_on", "-id")
    page = paginate(request, rows)
    return render(request, "resolutions/adjustment_list.html", {
        "page_obj": page, "state": state, "statuses": AdjustmentStatus.choices,
        "to_decide": selectors.adjustments_to_decide(user).count(),
        "querystring": urlencode({"trang-thai": state}) if state else "",
    })


def _adjustment_context(request, adjustment, *, form=None):
    user = request.user
    may_decide = selectors.adjustment_may_decide(user, adjustment)
    return {
        "adjustment": adjustment, "target": adjustment.target,
        "plan": selectors.target_plan(adjustment.target),
        "may_decide": may_decide,
        "may_withdraw": selectors.adjustment_may_withdraw(user, adjustment),
        "form": form if form is not None else (AdjustmentDecisionForm(initial={
            "decision_date": timezone.localdate()}) if may_decide else None),
        "label": selectors.adjustment_label(adjustment.decision_type, adjustment.decision_number,
                                            adjustment.decision_date) if adjustment.decision_number else "",
    }


def _adjustment(user, pk: int):
    adjustment = selectors.adjustment_get(user, pk)
    # the target page's lines read its milestones
    adjustment.target = selectors.target_get(user, adjustment.target_id)
    return adjustment


@login_required
def adjustment_detail(request, pk: int):
    adjustment = _adjustment(request.user, pk)
    return render(request, "resolutions/adjustment_detail.html", _adjustment_context(request, adjustment))


@login_required
@require_POST
def adjustment_decide(request, pk: int):
    user = request.user
    adjustment = _adjustment(user, pk)
    form = AdjustmentDecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["outcome"] == "approve":
                adjustment_approve(actor=user, adjustment=adjustment, decision_number=data["decision_number"],
                                   decision_date=data["decision_date"], effective_from=data["effective_from"],
                                   note=data["note"])
                messages.success(request, _("Đã phê duyệt điều chỉnh chỉ tiêu."))
            else:
                adjustment_reject(actor=user, adjustment=adjustment, decision_number=data["decision_number"],
                                  decision_date=data["decision_date"], note=data["note"])
                messages.success(request, _("Đã ghi quyết định không phê duyệt đề xuất."))
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases={"decision_note": "note"})
        else:
            return redirect("adjustment_detail", pk=adjustment.pk)
    adjustment = _adjustment(user, pk)
    return render(request, "resolutions/adjustment_detail.html", _adjustment_context(request, adjustment, form=form))


@login_required
@require_POST
def adjustment_withdraw_view(request, pk: int):
    user = request.user
    adjustment = _adjustment(user, pk)
    try:
        adjustment_withdraw(actor=user, adjustment=adjustment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã rút đề xuất điều chỉnh."))
    return redirect("adjustment_detail", pk=adjustment.pk)
