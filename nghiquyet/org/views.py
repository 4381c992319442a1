"""Organization pages: the tree browser, unit pages, the reorganization form with preview, unit edit.

Views are thin: scope comes from ``accounts.scope``, reads from ``org.selectors``, every change
goes through ``org.services`` (which validate and audit)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nghiquyet.accounts.models import Person
from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can, scope_of, unit_get_visible, units_visible
from nghiquyet.core.forms import apply_service_errors
from nghiquyet.core.pagination import paginate
from nghiquyet.org import selectors
from nghiquyet.org.forms import (
    MAX_SPLIT_PARTS,
    OP_FORMS,
    CloseForm,
    MergeForm,
    MoveForm,
    RenameForm,
    SplitForm,
    SplitPartFormSet,
    UnitEditForm,
)
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.org.services import (
    NewUnit,
    ReorgResult,
    can_reorganize,
    unit_close,
    unit_merge,
    unit_move,
    unit_rename,
    unit_split,
    unit_update,
)

OPS = {
    "rename": gettext_lazy("Đổi tên"),
    "move": gettext_lazy("Điều chuyển trực thuộc"),
    "merge": gettext_lazy("Hợp nhất, sáp nhập"),
    "split": gettext_lazy("Chia tách"),
    "close": gettext_lazy("Giải thể, kết thúc hoạt động"),
}
TREE_AS_OF_LIMIT = 500


# --------------------------------------------------------------------------- helpers


def _flag(request, name: str) -> bool:
    return request.GET.get(name) in ("1", "on", "true")


def _ancestor_names(units) -> dict[int, str]:
    """Names of the ancestors of ``units`` (already visible to the user), one query."""
    ids = {i for unit in units for i in unit.ancestor_ids}
    if not ids:
        return {}
    return dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))


def _path_text(unit: Unit, names: dict[int, str]) -> str:
    return " › ".join(names[i] for i in unit.ancestor_ids if i in names)


def _visible_ids(user, ids) -> set[int]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return set()
    return set(units_visible(user).filter(pk__in=ids).values_list("pk", flat=True))


def _parse_day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _with_child_counts(queryset):
    return queryset.annotate(child_count=Count("children", filter=Q(children__valid_to__isnull=True)))


# --------------------------------------------------------------------------- tree browser


@login_required
def unit_list(request):
    user = request.user
    query = request.GET.get("q", "").strip()[:200]
    closed = _flag(request, "closed")
    if query:
        page = paginate(request, selectors.unit_search(user, query=query, include_closed=closed))
        names = _ancestor_names(page.object_list)
        rows = [{"unit": u, "path": _path_text(u, names)} for u in page.object_list]
    else:
        roots = _with_child_counts(selectors.unit_roots(user)).order_by("path")
        page = paginate(request, roots)
        names = _ancestor_names(page.object_list)
        rows = [{"unit": u, "path": _path_text(u, names)} for u in page.object_list]
    querystring = urlencode({k: v for k, v in {"q": query, "closed": "1" if closed else ""}.items() if v})
    return render(request, "org/unit_list.html", {
        "query": query, "closed": closed, "page_obj": page, "rows": rows, "querystring": querystring,
        "closed_qs": "?closed=1" if closed else "",
    })


@login_required
def unit_children(request, unit_id: int):
    unit = unit_get_visible(request.user, unit_id)
    closed = _flag(request, "closed")
    page = paginate(request, selectors.unit_children(request.user, unit, include_closed=closed))
    context = {
        "unit": unit, "page_obj": page, "closed": closed,
        "closed_qs": "?closed=1" if closed else "",
        "querystring": "closed=1" if closed else "",
    }
    if request.headers.get("HX-Request"):
        return render(request, "org/_children.html", context)
    names = _ancestor_names([unit])
    visible = _visible_ids(request.user, unit.ancestor_ids)
    context["crumbs"] = [{"pk": i, "name": names.get(i, ""), "visible": i in visible} for i in unit.ancestor_ids]
    return render(request, "org/unit_children.html", context)


# --------------------------------------------------------------------------- unit page


def _flatten(node, limit: int = TREE_AS_OF_LIMIT) -> tuple[list[dict], bool]:
    """The as-of tree as rows (depth-first), at most ``limit`` of them; ``True`` when cut short."""
    rows: list[dict] = []
    stack = [(node, 0)]
    while stack:
        if len(rows) >= limit:
            return rows, True
        current, level = stack.pop()
        rows.append({"unit_id": current.unit_id, "name": current.name, "depth": level, "indent": range(level)})
        stack.extend((child, level + 1) for child in reversed(current.children))
    return rows, False


def _prune(rows: list[dict], visible: set[int]) -> list[dict]:
    """Drop the rows outside the user's scope together with everything shown under them."""
    out, hidden_depth = [], None
    for row in rows:
        if hidden_depth is not None and row["depth"] > hidden_depth:
            continue
        hidden_depth = None
        if row["unit_id"] not in visible:
            hidden_depth = row["depth"]
            continue
        out.append(row)
    return out


@login_required
def unit_detail(request, unit_id: int):
    user = request.user
    unit = unit_get_visible(user, unit_id)
    closed = _flag(request, "closed")
    history = selectors.unit_history(unit)
    versions = list(history["versions"])
    predecessors = list(history["predecessors"])
    successors = list(history["successors"])
    reorganizations = paginate(request, history["reorganizations"], 10, param="trang_su_kien")
    children = paginate(request, selectors.unit_children(user, unit, include_closed=closed))

    linked = set(unit.ancestor_ids) | {v.parent_id for v in versions} | {s.successor_id for s in successors}
    visible = _visible_ids(user, linked) | {s.predecessor_id for s in predecessors}
    names = _ancestor_names([unit])
    crumbs = [{"pk": i, "name": names.get(i, ""), "visible": i in visible} for i in unit.ancestor_ids]
    nameable = visible | set(unit.ancestor_ids)

    in_scope = scope_of(user).covers(unit.path)
    people = None
    if in_scope:
        people = paginate(request, Person.objects.filter(unit=unit).order_by("full_name"), param="trang_can_bo")

    active = unit.valid_to is None
    as_of_raw = request.GET.get("as_of", "")
    as_of, as_of_rows, as_of_error, as_of_cut = _parse_day(as_of_raw) if as_of_raw else None, None, "", False
    if as_of_raw and as_of is None:
        as_of_error = _("Ngày không hợp lệ: nhập theo dạng năm-tháng-ngày.")
    if as_of is not None:
        tree = selectors.tree_as_of(unit, as_of)
        if tree is not None:
            rows, as_of_cut = _flatten(tree)
            as_of_rows = _prune(rows, _visible_ids(user, [row["unit_id"] for row in rows]))
        else:
            as_of_rows = []

    stats = selectors.unit_subtree_stats(unit)
    members_total = selectors.unit_members_total(unit) if active else None
    kind_labels = dict(UnitKind.choices)
    stats_rows = [{"label": kind_labels.get(kind, kind), "count": n} for kind, n in stats.items()]
    querystring = urlencode({k: v for k, v in {"closed": "1" if closed else "",
                                               "as_of": as_of_raw if as_of else ""}.items() if v})
    return render(request, "org/unit_detail.html", {
        "unit": unit, "crumbs": crumbs, "children": children, "page_obj": children, "closed": closed,
        "querystring": querystring, "stats_rows": stats_rows, "members_total": members_total,
        "people": people, "in_scope": in_scope,
        "versions": [{"v": v, "parent_name": _name_or_hidden(v.parent, nameable), "parent_link": v.parent_id in visible}
                     for v in versions],
        "predecessors": predecessors,
        "successors": [s for s in successors if s.successor_id in visible],
        "hidden_successors": sum(1 for s in successors if s.successor_id not in visible),
        "reorganizations": reorganizations,
        "as_of": as_of, "as_of_raw": as_of_raw, "as_of_rows": as_of_rows, "as_of_error": as_of_error,
        "as_of_cut": as_of_cut, "as_of_limit": TREE_AS_OF_LIMIT,
        "can_edit": active and can(user, Perm.UNIT_CHANGE, unit),
        "can_reorganize": active and can_reorganize(user, unit),
        "ops": OPS.items(),
    })


def _name_or_hidden(unit: Unit | None, nameable: set[int]) -> str:
    if unit is None:
        return ""
    return unit.name if unit.pk in nameable else _("(đơn vị ngoài phạm vi của bạn)")


# --------------------------------------------------------------------------- reorganization


def _writable_unit(request, unit_id: int, perm: str) -> Unit:
    """404 when not visible; 403 when visible but the user may not change it or it is closed."""
    unit = unit_get_visible(request.user, unit_id)
    if unit.valid_to is not None:
        raise PermissionDenied(_("Đơn vị “%(unit)s” đã kết thúc hoạt động, không thể thay đổi.") % {"unit": unit.name})
    if not can(request.user, perm, unit):
        raise PermissionDenied(_("Bạn không có quyền thay đổi đơn vị “%(unit)s”.") % {"unit": unit.name})
    return unit


def _split_parts_count(request) -> int:
    raw = request.POST.get("parts-TOTAL_FORMS") if request.method == "POST" else request.GET.get("n")
    try:
        n = int(raw)
    except (TypeError, ValueError):
        n = 2
    return max(2, min(MAX_SPLIT_PARTS, n))


def _run(op: str, form, parts_formset, user, unit: Unit, *, dry_run: bool) -> ReorgResult:
    """Call the service for ``op`` with the cleaned form. Raises the service's errors."""
    args = {"actor": user, **form.base_args(), "dry_run": dry_run}
    data = form.cleaned_data
    if op == "rename":
        return unit_rename(unit=unit, name=data["name"], short_name=data.get("short_name", ""), **args)
    if op == "move":
        return unit_move(unit=unit, new_parent=data["new_parent"], **args)
    if op == "merge":
        sources = form.selected_sources()
        if data["mode"] == MergeForm.INTO_THIS:
            return unit_merge(sources=sources, target=unit, **args)
        new_unit = NewUnit(code=data["new_code"].strip(), name=data["new_name"].strip(),
                           kind=data["new_kind"] or unit.kind, short_name=data.get("new_short_name", ""),
                           member_count=data.get("new_member_count") or 0)
        parent = data.get("new_parent") or unit.parent
        return unit_merge(sources=[unit, *sources], new_unit=new_unit, new_parent=parent, **args)
    if op == "split":
        assignment = form.assignment()
        parts = [
            NewUnit(code=p["code"].strip(), name=p["name"].strip(), kind=p["kind"], short_name=p.get("short_name", ""),
                    member_count=p["member_count"], children=assignment.get(index, []))
            for index, p in enumerate(parts_formset.cleaned_data, start=1)
        ]
        return unit_split(unit=unit, parts=parts, new_parent=data.get("new_parent") or None, **args)
    return unit_close(unit=unit, **args)


def _service_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"__all__": exc.messages}


def _result_rows(result: ReorgResult) -> dict:
    return {
        "created": result.created, "moved": result.moved, "renamed": result.renamed, "closed": result.closed,
        "successions": result.successions, "descendants_moved": result.descendants_moved,
    }


@login_required
def unit_reorganize(request, unit_id: int):
    user = request.user
    unit = _writable_unit(request, unit_id, Perm.UNIT_REORGANIZE)
    if not can_reorganize(user, unit):
        raise PermissionDenied(_("Việc sắp xếp “%(unit)s” do cấp trên của đơn vị quyết định.") % {"unit": unit.name})
    op = request.POST.get("op") if request.method == "POST" else request.GET.get("op")
    if op not in OP_FORMS:
        return render(request, "org/unit_reorganize.html", {"unit": unit, "op": None, "ops": OPS.items()})

    form_class = OP_FORMS[op]
    data = request.POST if request.method == "POST" else None
    kwargs = {"user": user, "unit": unit}
    parts_formset = None
    children = []
    if op == "split":
        children = list(selectors.unit_children(user, unit).order_by("path"))
        parts = _split_parts_count(request)
        kwargs.update(children=children, parts=parts)
        initial = None if data else [{"kind": unit.kind, "member_count": 0} for _i in range(parts)]
        parts_formset = SplitPartFormSet(data, prefix="parts", initial=initial)
        if data is None:
            parts_formset.extra = 0
    elif op == "rename":
        kwargs["initial"] = {"name": unit.name, "short_name": unit.short_name}
    form = form_class(data, **kwargs)

    preview = None
    if data is not None and "edit" not in data:
        valid = form.is_valid() and (parts_formset is None or parts_formset.is_valid())
        if valid:
            confirm = data.get("confirm") == "1"
            try:
                result = _run(op, form, parts_formset, user, unit, dry_run=not confirm)
            except ValidationError as exc:
                errors = _service_errors(exc)
                if parts_formset is not None and "parts" in errors:
                    form.add_error(None, errors.pop("parts"))
                form.add_service_errors(errors)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("Bạn không có quyền thực hiện thao tác này."))
            else:
                if confirm:
                    messages.success(request, _("Đã thực hiện: %(op)s (%(ref)s).")
                                     % {"op": OPS[op], "ref": form.cleaned_data["decision_ref"]})
                    target = unit
                    if op == "merge" and form.cleaned_data["mode"] == MergeForm.INTO_NEW and result.created:
                        target_id = result.created[0]["id"]
                        return redirect("unit_detail", unit_id=target_id)
                    return redirect("unit_detail", unit_id=target.pk)
                preview = _result_rows(result)

    return render(request, "org/unit_reorganize.html", {
        "unit": unit, "op": op, "op_label": OPS[op], "ops": OPS.items(), "form": form, "preview": preview,
        "parts_formset": parts_formset, "split_parts": _split_parts_count(request) if op == "split" else 0,
        "is_merge": isinstance(form, MergeForm), "is_split": isinstance(form, SplitForm),
        "is_move": isinstance(form, MoveForm), "is_rename": isinstance(form, RenameForm),
        "is_close": isinstance(form, CloseForm),
    })


# --------------------------------------------------------------------------- edit


@login_required
def unit_edit(request, unit_id: int):
    unit = _writable_unit(request, unit_id, Perm.UNIT_CHANGE)
    initial = {"short_name": unit.short_name, "code": unit.code, "member_count": unit.member_count}
    form = UnitEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu thông tin đơn vị."))
            return redirect("unit_detail", unit_id=unit.pk)
    return render(request, "org/unit_edit.html", {
        "unit": unit, "form": form, "can_reorganize": can_reorganize(request.user, unit),
    })
