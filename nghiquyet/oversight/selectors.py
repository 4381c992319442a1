"""Reads of inspection and supervision, scoped with ``accounts.scope``.

Who reads what:

* an annual program: like everything a level issues downward, the unit's subtree and ancestors' programs;
* an inspection: users whose scope covers the conducting unit, the subject (the unit, or the person's unit), or
  the owner unit of one of its recommendations (the inspected see what concerns them);
* a recommendation: users who read its inspection, whose scope covers its owner unit, or its owner person.

Anything else is a 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from nghiquyet.accounts.models import Person
from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import issued_above_filter, scope_of, unit_scope_q, units_changeable
from nghiquyet.core.ids import get_or_404
from nghiquyet.core.text import search_terms
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.oversight.models import (
    Inspection,
    InspectionProgram,
    PlannedInspection,
    Recommendation,
    RecommendationStatus,
)
from nghiquyet.programs.models import Task
from nghiquyet.resolutions.models import Document, Target

INSPECTION_RELATED = ("unit", "subject_unit", "subject_person__unit", "planned__program", "resolution", "leader")
RECOMMENDATION_RELATED = ("inspection__unit", "owner_unit", "owner_person")


class State:
    """Filters of the recommendation lists (query parameter values)."""

    OPEN = "open"          # not closed (open, or done and waiting for closure)
    OVERDUE = "overdue"    # open and past the due date
    DONE = "done"          # reported done, waiting for the conducting unit
    CLOSED = "closed"

    ALL = (OPEN, OVERDUE, DONE, CLOSED)


# ------------------------------------------------------------------ scope


def _owned_q(user, prefix: str = "") -> Q:
    """Recommendations (through ``prefix``) the user answers for: owner unit in scope, or the owner person."""
    q = unit_scope_q(user, prefix=f"{prefix}owner_unit__")
    if getattr(user, "is_authenticated", False):
        q |= Q(**{f"{prefix}owner_person__user": user})
    return q


def _inspection_q(user, prefix: str = "") -> Q | None:
    """The inspections (through ``prefix``) the user may read; ``None`` means all (superuser)."""
    if scope_of(user).is_superuser:
        return None
    owned = Recommendation.objects.filter(_owned_q(user)).values("inspection_id")
    return (unit_scope_q(user, prefix=f"{prefix}unit__")
            | unit_scope_q(user, prefix=f"{prefix}subject_unit__")
            | unit_scope_q(user, prefix=f"{prefix}subject_person__unit__")
            | Q(**{f"{prefix}pk__in": owned}))


def inspections_visible(user) -> QuerySet[Inspection]:
    inspections = Inspection.objects.all()
    q = _inspection_q(user)
    if q is not None:
        inspections = inspections.filter(q)
    return inspections.select_related(*INSPECTION_RELATED)


def inspection_get(user, pk) -> Inspection:
    return get_or_404(inspections_visible(user), pk, _("Không tìm thấy cuộc kiểm tra, giám sát."))


def recommendations_visible(user) -> QuerySet[Recommendation]:
    recommendations = Recommendation.objects.all()
    if not scope_of(user).is_superuser:
        recommendations = recommendations.filter(_inspection_q(user, prefix="inspection__") | _owned_q(user))
    return recommendations.select_related(*RECOMMENDATION_RELATED)


def recommendation_get(user, pk) -> Recommendation:
    return get_or_404(recommendations_visible(user), pk, _("Không tìm thấy kiến nghị."))


def programs_visible(user, *, unit: Unit | None = None, year: int | None = None) -> QuerySet[InspectionProgram]:
    programs = issued_above_filter(InspectionProgram.objects.all(), user).select_related("unit")
    if unit is not None:
        programs = programs.filter(unit=unit)
    if year is not None:
        programs = programs.filter(year=year)
    return programs.annotate(item_count=Count("items"))


def program_get(user, pk) -> InspectionProgram:
    return get_or_404(programs_visible(user), pk, _("Không tìm thấy chương trình kiểm tra, giám sát."))


def planned_items(program: InspectionProgram) -> QuerySet[PlannedInspection]:
    """The items of a program (read through ``program_get``), each with its inspections (of any reader: the
    program is read by the subtree, the inspections it led to are its own) and a ``done`` flag."""
    concluded = Inspection.objects.filter(planned=OuterRef("pk"), concluded_on__isnull=False)
    return (program.items.annotate(done=Exists(concluded))
            .prefetch_related("inspections__subject_unit", "inspections__subject_person").order_by("id"))


# ------------------------------------------------------------------ lists


def _in_subtree_q(unit: Unit, prefix: str = "") -> Q:
    """Inspections (through ``prefix``) conducted in ``unit``'s subtree or about it."""
    return (Q(**{f"{prefix}unit__path__under": unit.path}) | Q(**{f"{prefix}subject_unit__path__under": unit.path})
            | Q(**{f"{prefix}subject_person__unit__path__under": unit.path}))


def inspections_list(user, *, unit: Unit | None = None, year: int | None = None, kind: str = "",
                     concluded: bool | None = None, query: str = "") -> QuerySet[Inspection]:
    inspections = inspections_visible(user)
    if unit is not None:
        inspections = inspections.filter(_in_subtree_q(unit))
    if year is not None:
        inspections = inspections.filter(starts_on__year=year)
    if kind:
        inspections = inspections.filter(kind=kind)
    if concluded is not None:
        inspections = inspections.filter(concluded_on__isnull=not concluded)
    for term in search_terms(query):
        inspections = inspections.filter(search_text__contains=term)
    return inspections.annotate(
        recommendation_count=Count("recommendations", distinct=True),
        open_count=Count("recommendations", filter=~Q(recommendations__status=RecommendationStatus.CLOSED),
                         distinct=True),
    ).order_by("-starts_on", "-id")


def _overdue_case(on: dt.date) -> Case:
    return Case(When(Q(status=RecommendationStatus.OPEN, due_on__lt=on), then=Value(True)), default=Value(False),
                output_field=BooleanField())


def _owned_or_conducted_q(unit: Unit) -> Q:
    return Q(owner_unit__path__under=unit.path) | Q(inspection__unit__path__under=unit.path)


def recommendations_open(*, user, unit: Unit, on: dt.date) -> QuerySet[Recommendation]:
    """Open (not closed) recommendations whose owner unit is in ``unit``'s subtree or whose inspection was
    conducted there, visible to ``user``; ``overdue`` (bool) = still open (not reported done) and due before ``on``;
    overdue first, then by due date. Used by the briefings."""
    return (recommendations_visible(user).filter(_owned_or_conducted_q(unit))
            .exclude(status=RecommendationStatus.CLOSED)
            .annotate(overdue=_overdue_case(on))
            .order_by("-overdue", "due_on", "id"))


def recommendations_list(user, *, unit: Unit | None, on: dt.date, state: str = "") -> QuerySet[Recommendation]:
    """The recommendations page: by state (``State``), overdue first within open ones."""
    recommendations = recommendations_visible(user)
    if unit is not None:
        recommendations = recommendations.filter(_owned_or_conducted_q(unit))
    if state == State.OPEN:
        recommendations = recommendations.exclude(status=RecommendationStatus.CLOSED)
    elif state == State.OVERDUE:
        recommendations = recommendations.filter(status=RecommendationStatus.OPEN, due_on__lt=on)
    elif state == State.DONE:
        recommendations = recommendations.filter(status=RecommendationStatus.DONE)
    elif state == State.CLOSED:
        recommendations = recommendations.filter(status=RecommendationStatus.CLOSED)
    return recommendations.annotate(overdue=_overdue_case(on)).order_by("-overdue", "due_on", "id")


def inspection_recommendations(inspection: Inspection, *, on: dt.date) -> QuerySet[Recommendation]:
    """An inspection's recommendations (the inspection read through ``inspection_get``) with their updates."""
    return (inspection.recommendations.select_related("owner_unit", "owner_person", "closed_by")
            .prefetch_related("updates__author").annotate(overdue=_overdue_case(on)).order_by("id"))


# ------------------------------------------------------------------ figures


@dataclass(frozen=True)
class Figures:
    unit: Unit
    year: int
    planned: int                  # items of the year's programs in the subtree
    planned_done: int             # ... with a concluded inspection
    planned_started: int          # ... with an inspection under way (not yet concluded)
    inspections: int              # inspections and supervisions started in the year, conducted in the subtree
    supervisions: int
    concluded: int
    unplanned: int                # conducted outside the program (đột xuất)
    recommendations: int          # of the subtree (owned there or from its inspections), any year
    open: int                     # not closed
    overdue: int                  # open, not reported done, past due
    done_waiting: int             # reported done, waiting for the conducting unit
    closed: int
    closed_on_time: int           # closed and carried out by the due date

    @property
    def planned_percent(self) -> int | None:
        return round(100 * self.planned_done / self.planned) if self.planned else None

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.closed_on_time / self.closed) if self.closed else None


def figures(*, user, unit: Unit, year: int, on: dt.date) -> Figures:
    """Figures for ``unit``'s subtree (the unit read through ``unit_get_visible``): three queries."""
    concluded = Inspection.objects.filter(planned=OuterRef("pk"), concluded_on__isnull=False)
    started = Inspection.objects.filter(planned=OuterRef("pk"))
    planned = (PlannedInspection.objects.filter(program__unit__path__under=unit.path, program__year=year)
               .aggregate(total=Count("id"), done=Count("id", filter=Q(Exists(concluded))),
                          started=Count("id", filter=Q(Exists(started)) & ~Q(Exists(concluded)))))
    inspections = (inspections_visible(user).filter(unit__path__under=unit.path, starts_on__year=year).order_by()
                   .aggregate(total=Count("id"), supervisions=Count("id", filter=Q(kind="supervision")),
                              concluded=Count("id", filter=Q(concluded_on__isnull=False)),
                              unplanned=Count("id", filter=Q(planned__isnull=True))))
    open_ = ~Q(status=RecommendationStatus.CLOSED)
    closed = Q(status=RecommendationStatus.CLOSED)
    recommendations = (recommendations_visible(user).filter(_owned_or_conducted_q(unit)).order_by()
                       .aggregate(total=Count("id"), open=Count("id", filter=open_),
                                  overdue=Count("id", filter=Q(status=RecommendationStatus.OPEN, due_on__lt=on)),
                                  done=Count("id", filter=Q(status=RecommendationStatus.DONE)),
                                  closed=Count("id", filter=closed),
                                  on_time=Count("id", filter=closed & Q(done_on__lte=F("due_on")))))
    return Figures(
        unit=unit, year=year, planned=planned["total"], planned_done=planned["done"],
        planned_started=planned["started"], inspections=inspections["total"],
        supervisions=inspections["supervisions"], concluded=inspections["concluded"],
        unplanned=inspections["unplanned"], recommendations=recommendations["total"], open=recommendations["open"],
        overdue=recommendations["overdue"], done_waiting=recommendations["done"], closed=recommendations["closed"],
        closed_on_time=recommendations["on_time"],
    )


# ------------------------------------------------------------------ choices for the forms and the API


def subunits(user, unit: Unit) -> list[Unit]:
    """The open party organizations directly under ``unit`` that the user sees (to drill down the figures)."""
    from nghiquyet.accounts.scope import units_visible

    return list(units_visible(user).filter(parent=unit, valid_to__isnull=True, kind__in=UnitKind.party_kinds())
                .only("id", "name", "path").order_by("name"))


def units_conducting(user) -> QuerySet[Unit]:
    """Party organizations where the user may conduct inspections (``Perm.INSPECTION_CHANGE``), open ones."""
    return units_changeable(user, Perm.INSPECTION_CHANGE).filter(
        kind__in=UnitKind.party_kinds()).order_by("path")


def subject_units(unit: Unit) -> QuerySet[Unit]:
    """Party organizations an inspection by ``unit`` may name as subject: its subtree, open ones."""
    return Unit.objects.filter(path__under=unit.path, valid_to__isnull=True,
                               kind__in=UnitKind.party_kinds()).order_by("path")


def owner_units(unit: Unit) -> QuerySet[Unit]:
    """Units a recommendation of ``unit``'s inspections may go to: its subtree (any kind), open ones."""
    return Unit.objects.filter(path__under=unit.path, valid_to__isnull=True).order_by("path")


def subtree_people(user, unit: Unit) -> QuerySet[Person]:
    """People of ``unit``'s subtree that ``user`` can see (``people_visible``): subjects and owners of
    recommendations."""
    from nghiquyet.accounts.selectors import people_visible

    return (people_visible(user).filter(unit__path__under=unit.path).select_related("unit")
            .order_by("unit__path", "id"))


def team_people(user, unit: Unit, *, keep=()) -> QuerySet[Person]:
    """People who may sit on ``unit``'s inspection teams, offered to ``user``: the officials of the unit and of its
    direct subordinates that the user can see (plus ``keep``, those already named, so a correction keeps them).
    The ancestors' people are not offered: they are not readable below (README, "Who sees what")."""
    from nghiquyet.accounts.selectors import people_visible

    visible = people_visible(user).filter(Q(unit_id=unit.pk) | Q(unit__parent_id=unit.pk)).values("pk")
    rule = Q(pk__in=visible)
    keep = [pk for pk in keep if pk]
    if keep:
        rule |= Q(pk__in=keep)
    return Person.objects.filter(rule).select_related("unit").order_by("unit__path", "id")


def content_resolutions(user, unit: Unit) -> QuerySet[Document]:
    """Resolutions an inspection by ``unit`` may be about: its own, its ancestors', its subtree's (readable)."""
    from nghiquyet.resolutions.selectors import documents_visible

    rule = Q(unit__path__under=unit.path) | Q(unit_id__in=unit.ancestor_ids) | Q(unit__kind=UnitKind.CENTRAL)
    return documents_visible(user).filter(rule, type_code="NQ").order_by("-issued_on", "id")


def content_targets(user, inspection: Inspection) -> QuerySet[Target]:
    """Targets an inspection may be about: those of its resolution (none without one)."""
    from nghiquyet.resolutions.selectors import targets_visible

    if inspection.resolution_id is None:
        return Target.objects.none()
    return targets_visible(user, document=inspection.resolution).order_by("id")


def content_tasks(user, inspection: Inspection) -> QuerySet[Task]:
    """Tasks an inspection may be about: of programs implementing its resolution (any, without one), in the
    subject's subtree (the subject person's unit), readable by the user."""
    from nghiquyet.programs.selectors import tasks_visible

    subject = inspection.subject_unit or inspection.subject_person.unit
    tasks = tasks_visible(user).filter(unit__path__under=subject.path)
    if inspection.resolution_id:
        tasks = tasks.filter(program__resolution_id=inspection.resolution_id)
    return tasks.order_by("program_id", "id")
