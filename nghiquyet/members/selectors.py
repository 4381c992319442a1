"""Reads of the member register, always through the user's scope (accounts/scope.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import scope_filter, units_changeable
from nghiquyet.core.ids import get_or_404
from nghiquyet.core.text import search_terms
from nghiquyet.members.models import MEMBER_UNIT_KINDS, Member
from nghiquyet.org.models import Unit


def current_on_q(on: dt.date, prefix: str = "") -> Q:
    """Members who belonged to their unit on ``on``."""
    return Q(**{f"{prefix}joined_unit_on__lte": on}) & (
        Q(**{f"{prefix}left_unit_on__isnull": True}) | Q(**{f"{prefix}left_unit_on__gt": on})
    )


def members_visible(user) -> QuerySet[Member]:
    return scope_filter(Member.objects.all(), user)


def member_get(*, user, member_id) -> Member:
    """The member if their unit is in ``user``'s scope; ``Http404`` otherwise."""
    return get_or_404(members_visible(user).select_related("unit", "person"), member_id,
                      _("Không tìm thấy đảng viên."))


def members_of(*, user, unit: Unit | None, subtree: bool = False, on: dt.date | None = None,
               query: str = "", include_former: bool = False) -> QuerySet[Member]:
    """Members of ``unit`` (or of its whole subtree; every unit in scope when ``unit`` is None) that ``user``
    can see: current ones on ``on`` (today by default) unless ``include_former``; ``query`` matches every word
    of the name or card number, diacritics ignored."""
    qs = members_visible(user)
    if unit is not None:
        qs = qs.filter(unit__path__under=unit.path) if subtree else qs.filter(unit=unit)
    if not include_former:
        qs = qs.filter(current_on_q(on or timezone.localdate()))
    for term in search_terms(query):
        qs = qs.filter(search_text__contains=term)
    return qs.select_related("unit").order_by("unit__path", "full_name", "pk")


def member_history(*, user, member: Member) -> list[Member]:
    """Every row of the same person that ``user`` can see (the card number, or the official, links the rows a
    transfer or a reorganization leaves behind), most recent first."""
    q = Q(pk=member.origin_key) | Q(origin_id=member.origin_key)
    if member.card_number:
        q |= Q(card_number=member.card_number)
    if member.person_id:
        q |= Q(person_id=member.person_id)
    return list(members_visible(user).filter(q).select_related("unit")
                .order_by("-joined_unit_on", "-pk"))


def member_count_in_subtree(unit: Unit, on: dt.date) -> int:
    """Members of ``unit``'s subtree on ``on`` (no scope: callers pass a unit they already checked)."""
    return Member.objects.filter(current_on_q(on), unit__path__under=unit.path).count()


def member_counts_by_unit(unit_ids: list[int], on: dt.date) -> dict[int, int]:
    """``{unit_id: members on ``on``}`` for the given units (own members only, not the subtree)."""
    rows = (Member.objects.filter(current_on_q(on), unit_id__in=unit_ids)
            .values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"))
    return dict(rows)


def member_units_changeable(user, *, exclude: Unit | None = None) -> QuerySet[Unit]:
    """Active party organizations where ``user`` may keep the register (``Perm.PERSON_CHANGE``): where a member
    can be registered or transferred to."""
    units = units_changeable(user, Perm.PERSON_CHANGE).filter(kind__in=MEMBER_UNIT_KINDS)
    if exclude is not None:
        units = units.exclude(pk=exclude.pk)
    return units.order_by("path")
