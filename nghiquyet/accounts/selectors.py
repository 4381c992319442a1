"""Reads of people and role assignments, always through the user's scope (accounts/scope.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from nghiquyet.accounts.models import Person, RoleAssignment
from nghiquyet.accounts.roles import Perm, role_permissions
from nghiquyet.accounts.scope import scope_filter, units_changeable
from nghiquyet.core.ids import get_or_404
from nghiquyet.core.text import fold, search_terms
from nghiquyet.org.models import Unit


def people_visible(user) -> QuerySet[Person]:
    return scope_filter(Person.objects.all(), user)


def roles_visible(user) -> QuerySet[RoleAssignment]:
    """Role assignments at units ``user`` can see."""
    return scope_filter(RoleAssignment.objects.all(), user).select_related("unit").order_by("unit__path", "role")


def person_get_visible(user, pk) -> Person:
    """The person if their unit is in ``user``'s scope; ``Http404`` otherwise."""
    return get_or_404(people_visible(user).select_related("unit", "user"), pk, _("Không tìm thấy cán bộ."))


def role_assignment_get_visible(user, pk) -> RoleAssignment:
    return get_or_404(roles_visible(user).select_related("user"), pk, _("Không tìm thấy vai trò."))


def unit_people_ids(user, unit: Unit, *, query: str = "") -> list[int]:
    """Ids of the people of ``unit`` and its subtree that ``user`` can see, ordered by unit and name,
    keeping those matching every word of ``query`` in name, position, account, e-mail or phone
    (diacritics and đ/Đ ignored). Folding happens in Python: people carry no folded column."""
    people = people_visible(user).filter(unit__path__under=unit.path).order_by("unit__path", "full_name", "pk")
    terms = search_terms(query)
    if not terms:
        return list(people.values_list("pk", flat=True))
    rows = people.values_list("pk", "full_name", "position", "user__username", "email", "phone", "unit__name")
    found = []
    for pk, *texts in rows:
        haystack = fold(" ".join(t or "" for t in texts))
        if all(term in haystack for term in terms):
            found.append(pk)
    return found


def people_with_roles(user, ids: list[int]) -> list[Person]:
    """The people ``ids`` (in that order) with their account and the role assignments ``user`` can see
    (``person.user.visible_roles``), in a fixed number of queries."""
    roles = Prefetch("user__role_assignments", queryset=roles_visible(user), to_attr="visible_roles")
    by_pk = {p.pk: p for p in Person.objects.filter(pk__in=ids).select_related("unit", "user")
             .prefetch_related(roles)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def person_roles(user, person: Person) -> list[RoleAssignment]:
    if person.user_id is None:
        return []
    return list(roles_visible(user).filter(user_id=person.user_id))


def role_units(user) -> QuerySet[Unit]:
    """Open units where ``user`` may assign roles (``Perm.PERSON_CHANGE``)."""
    return units_changeable(user, Perm.PERSON_CHANGE).order_by("path")



def permission_holders(perms: Iterable[str], unit_ids: Iterable[int] | None = None) -> dict[int, list[int]]:
    """``{unit_id: [user ids]}``: the active users holding, at exactly that unit, a role whose permissions include
    any of ``perms`` — who is reminded or asked at a unit. ``unit_ids=None``: every open unit. One query."""
    wanted = set(perms)
    roles = [role for role, granted in role_permissions().items() if wanted & granted]
    rows = RoleAssignment.objects.filter(role__in=roles, user__is_active=True)
    rows = rows.filter(unit__valid_to__isnull=True) if unit_ids is None else rows.filter(unit_id__in=set(unit_ids))
    out: dict[int, list[int]] = defaultdict(list)
    for unit_id, user_id in rows.values_list("unit_id", "user_id").order_by("unit_id", "user_id").distinct():
        out[unit_id].append(user_id)
    return out
