"""THE scope selector: which units a user can see and change.

Every view and API call asks this module; none re-implements the rule.

* A role at a unit reaches that unit's whole subtree (current tree, by path).
* Units that were merged or split into a unit in scope (predecessors, transitively)
  are visible too, read only, so history can be followed.
* Writes need a role whose permissions include the asked permission, at the unit
  or one of its ancestors.
* Anything outside is answered as "not found" (404), never as "forbidden".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from nghiquyet.accounts.models import RoleAssignment
from nghiquyet.accounts.roles import Perm, role_permissions
from nghiquyet.core.ids import get_or_404
from nghiquyet.org.models import Unit, UnitKind, UnitSuccession

_CACHE_ATTR = "_nghiquyet_scope"

#: Permissions that only read; every other permission is a write (never allowed on closed units).
READ_PERMS = frozenset({Perm.AUDIT_READ})


@dataclass(frozen=True)
class Grant:
    unit_id: int
    path: str
    role: str
    permissions: frozenset[str]


@dataclass(frozen=True)
class Scope:
    is_superuser: bool
    grants: tuple[Grant, ...]
    # Predecessor ids per set of paths, filled on first use: the scope lives as long as the user object
    # (one request), so a page asks the merge history once, not once per query it scopes.
    predecessors: dict[tuple[str, ...], list[int]] = field(default_factory=dict, compare=False, repr=False)

    def paths(self, perm: str | None = None) -> list[str]:
        paths = {g.path for g in self.grants if perm is None or perm in g.permissions}
        # Drop paths already covered by a shorter one.
        return sorted(p for p in paths if not any(p != q and p.startswith(q) for q in paths))

    def covers(self, path: str, perm: str | None = None) -> bool:
        if self.is_superuser:
            return True
        return any(path.startswith(p) for p in self.paths(perm))


def scope_of(user) -> Scope:
    """The user's grants, loaded once per user object (one query)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(is_superuser=False, grants=())
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    perms = role_permissions()
    grants = tuple(
        Grant(unit_id=a.unit_id, path=a.unit.path, role=a.role, permissions=perms.get(a.role, frozenset()))
        for a in RoleAssignment.objects.filter(user=user).select_related("unit").only("role", "unit__path")
    )
    scope = Scope(is_superuser=user.is_superuser, grants=grants)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Call after changing a user's role assignments within the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _path_q(paths: list[str], field: str) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__under": path})
    return q


def unit_scope_q(user, *, perm: str | None = None, prefix: str = "", with_history: bool = True) -> Q:
    """A Q over ``Unit`` (or over a model reaching Unit through ``prefix``, e.g. ``"unit__"``)."""
    scope = scope_of(user)
    if scope.is_superuser:
        return Q()
    paths = scope.paths(perm)
    q = _path_q(paths, f"{prefix}path")
    if with_history and perm is None and paths:
        key = tuple(paths)
        if key not in scope.predecessors:
            scope.predecessors[key] = _predecessor_ids(paths)
        predecessor_ids = scope.predecessors[key]
        if predecessor_ids:
            q |= Q(**{f"{prefix}pk__in": predecessor_ids})
    return q


def _predecessor_ids(paths: list[str]) -> list[int]:
    """Units that live on in a unit of these subtrees, following chains of merges/splits."""
    found: set[int] = set()
    frontier = list(
        UnitSuccession.objects.filter(_path_q(paths, "successor__path")).values_list("predecessor_id", flat=True)
    )
    while frontier:
        new = set(frontier) - found
        if not new:
            break
        found |= new
        frontier = list(
            UnitSuccession.objects.filter(successor_id__in=new).values_list("predecessor_id", flat=True)
        )
    return sorted(found)


def units_visible(user) -> QuerySet[Unit]:
    return Unit.objects.filter(unit_scope_q(user))


def units_changeable(user, perm: str) -> QuerySet[Unit]:
    """Units where ``can(user, perm, unit)`` holds: closed units only for read permissions."""
    units = Unit.objects.filter(unit_scope_q(user, perm=perm))
    if perm not in READ_PERMS:
        units = units.filter(valid_to__isnull=True)
    return units


def scope_filter(queryset: QuerySet, user, *, unit_field: str = "unit", perm: str | None = None) -> QuerySet:
    """Restrict any queryset whose rows belong to a unit (``unit_field``) to the user's scope."""
    return queryset.filter(unit_scope_q(user, perm=perm, prefix=f"{unit_field}__"))


def unit_get_visible(user, pk) -> Unit:
    """The unit if the user may see it; ``Http404`` otherwise (also for malformed ids)."""
    return get_or_404(units_visible(user), pk, _("Không tìm thấy đơn vị."))


def can_see_unit(user, unit: Unit) -> bool:
    return units_visible(user).filter(pk=unit.pk).exists()


def can(user, perm: str, unit: Unit) -> bool:
    """May ``user`` do ``perm`` at ``unit``? Closed units (``valid_to`` set) are history and never
    writable: only the read permissions (``READ_PERMS``) still hold there."""
    if perm not in READ_PERMS and unit.valid_to is not None:
        return False
    return covers(user, perm, unit)


def covers(user, perm: str, unit: Unit) -> bool:
    """Does one of ``user``'s roles with ``perm`` reach ``unit`` (open or closed)? Use ``can`` for writes."""
    return scope_of(user).covers(unit.path, perm)


def roles_of(user) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user).select_related("unit").order_by("unit__path", "role")


# ---------------------------------------------------------------- issued from above (read only)


def ancestor_ids_of_grants(user) -> list[int]:
    """Units above the units where the user holds roles."""
    from nghiquyet.core.fields import path_ids

    return sorted({i for g in scope_of(user).grants for i in path_ids(g.path)[:-1]})


def unit_read_q(user, *, prefix: str = "unit__") -> Q:
    """For what a level issues downward (resolutions, targets, items, action programs): the user's
    scope plus everything issued by the ancestors of their units and by the Central Committee, read only.
    Everything else of an ancestor (tasks, people, submissions, audit) stays behind ``unit_scope_q``."""
    scope = scope_of(user)
    if scope.is_superuser:
        return Q()
    q = unit_scope_q(user, prefix=prefix) | Q(**{f"{prefix}pk__in": ancestor_ids_of_grants(user)})
    if scope.grants:
        # The Central Committee is above every organization of the Party: what it issues is read by all.
        q |= Q(**{f"{prefix}kind": UnitKind.CENTRAL})
    return q


def issued_above_filter(queryset: QuerySet, user, *, unit_field: str = "unit") -> QuerySet:
    return queryset.filter(unit_read_q(user, prefix=f"{unit_field}__"))
