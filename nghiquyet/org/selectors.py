"""Reads of the organization tree, always through the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from nghiquyet.accounts.scope import scope_of, units_visible
from nghiquyet.core.text import search_terms
from nghiquyet.org.models import Unit, UnitSuccession, UnitVersion


def unit_search(user, *, query: str = "", parent: Unit | None = None, include_closed: bool = True) -> QuerySet[Unit]:
    """Visible units matching every word of ``query`` (diacritics and đ/Đ ignored)."""
    units = units_visible(user)
    for term in search_terms(query):
        units = units.filter(search_text__contains=term)
    if parent is not None:
        units = units.filter(parent=parent)
    if not include_closed:
        units = units.filter(valid_to__isnull=True)
    return units.select_related("parent").order_by("path")


def unit_roots(user) -> QuerySet[Unit]:
    """The top visible units: the units the user holds roles at (or the tree roots for a superuser)."""
    scope = scope_of(user)
    if scope.is_superuser:
        return Unit.objects.filter(parent__isnull=True)
    return Unit.objects.filter(pk__in=[g.unit_id for g in scope.grants if g.path in scope.paths()])


def unit_children(user, unit: Unit, *, include_closed: bool = False) -> QuerySet[Unit]:
    children = units_visible(user).filter(parent=unit)
    if not include_closed:
        children = children.filter(valid_to__isnull=True)
    return children.annotate(
        child_count=Count("children", filter=Q(children__valid_to__isnull=True))
    ).order_by("kind", "name")


def unit_breadcrumbs(user, unit: Unit) -> list[Unit]:
    """Ancestors of ``unit`` the user can see, root first (one query)."""
    ids = unit.ancestor_ids
    if not ids:
        return []
    visible = {u.pk: u for u in units_visible(user).filter(pk__in=ids)}
    return [visible[i] for i in ids if i in visible]


def unit_subtree_stats(unit: Unit) -> dict[str, int]:
    """Active units and members under ``unit`` (itself included), by kind."""
    rows = (
        Unit.objects.active().filter(path__under=unit.path).values("kind")
        .annotate(n=Count("id")).order_by("kind")
    )
    return {row["kind"]: row["n"] for row in rows}


def unit_members_total(unit: Unit) -> int:
    """Members of the active units under ``unit`` (itself included): the rollup of the direct
    ``member_count`` of each unit (see the member-count rule in ``org.services``)."""
    return Unit.objects.active().filter(path__under=unit.path).aggregate(n=Sum("member_count"))["n"] or 0


def unit_history(unit: Unit) -> dict[str, QuerySet]:
    return {
        "versions": UnitVersion.objects.filter(unit=unit).select_related("parent", "reorganization")
        .order_by("valid_from"),
        "predecessors": UnitSuccession.objects.filter(successor=unit).select_related("predecessor", "reorganization"),
        "successors": UnitSuccession.objects.filter(predecessor=unit).select_related("successor", "reorganization"),
        "reorganizations": unit.reorganizations.select_related("actor").order_by("-effective_date", "-id"),
    }


@dataclass
class TreeNode:
    unit_id: int
    name: str
    parent_id: int | None
    children: list[TreeNode] = field(default_factory=list)


def tree_as_of(root: Unit, day: dt.date) -> TreeNode | None:
    """The subtree under ``root`` as it was on ``day``, with names and parents of that day.

    Built from ``UnitVersion`` rows valid on the day (one query over the versions valid
    then), so a unit that has since moved, been renamed or closed appears where it was.
    """
    versions = UnitVersion.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    ).values_list("unit_id", "parent_id", "name")
    by_parent: dict[int | None, list[tuple[int, str]]] = {}
    names: dict[int, tuple[int | None, str]] = {}
    for unit_id, parent_id, name in versions:
        names[unit_id] = (parent_id, name)
        by_parent.setdefault(parent_id, []).append((unit_id, name))
    if root.pk not in names:
        return None
    top = TreeNode(unit_id=root.pk, name=names[root.pk][1], parent_id=names[root.pk][0])
    stack, seen = [top], {root.pk}
    while stack:
        node = stack.pop()
        for unit_id, name in sorted(by_parent.get(node.unit_id, []), key=lambda item: item[1]):
            if unit_id in seen:  # the services refuse cycles; never loop on bad data
                continue
            seen.add(unit_id)
            child = TreeNode(unit_id=unit_id, name=name, parent_id=node.unit_id)
            node.children.append(child)
            stack.append(child)
    return top


def tree_ids(node: TreeNode | None) -> set[int]:
    if node is None:
        return set()
    ids, stack = set(), [node]
    while stack:
        current = stack.pop()
        ids.add(current.unit_id)
        stack.extend(current.children)
    return ids
