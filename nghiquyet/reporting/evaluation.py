"""How a target stands at a unit for a period: actual, plan, percentages, progress, projection, status.

Reads the rollup cells (``rollups.py``) and the plans. The plan of (target, unit) is the unit's own copy of the
target (``Target.copied_from == target`` at that unit) when it has one; otherwise the target's own milestones and
term target when the unit is the target's unit, or when the target is a rate (ratio, weighted mean: a rate can be
compared with the plan at any level); otherwise there is no plan for that unit. Approved target adjustments
(``resolutions.TargetAdjustment``) change that plan from their effective date: a period is evaluated against the
adjustments in force at its end (``resolutions.selectors.adjustments_in_force``), the original values stay
beside the adjusted ones (``Evaluation.milestone_original``, ``term_target_original``).

Sum targets are cumulative within the year (a quarter's figure is the year to date), so the plan for a period is
the year's milestone × the share of the year elapsed (``periods.year_fraction``) and trends are drawn through
annualised figures (actual ÷ that share).

Status: "achieved" once the year's full milestone is met (for a sum that must not exceed its milestone, only at
the end of the year); otherwise the ratio of actual to the period's plan (inverted when lower is better) against
the ``ON_TRACK`` and ``AT_RISK`` settings: on track, at risk, off track. No status without an actual or a plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from nghiquyet.org.models import Unit
from nghiquyet.reporting.models import Period
from nghiquyet.reporting.rollups import RATES, meets, rollup_cells
from nghiquyet.resolutions.models import (
    AdjustmentField,
    AdjustmentStatus,
    Aggregation,
    Direction,
    Document,
    Milestone,
    Target,
    TargetAdjustment,
)
from nghiquyet.resolutions.selectors import (
    AppliedAdjustment,
    adjustments_in_force,
    apply_adjustments,
    approved_adjustments,
)

HUNDRED = Decimal(100)
TWELVE = Decimal(12)


class TargetStatus(models.TextChoices):
    ACHIEVED = "achieved", _("Đạt")
    ON_TRACK = "on_track", _("Đúng tiến độ")
    AT_RISK = "at_risk", _("Có nguy cơ")
    OFF_TRACK = "off_track", _("Chậm tiến độ")


@dataclass(frozen=True)
class Plan:
    """The plan of a target at one unit: yearly milestones, term target and baseline (any may be missing).

    With approved adjustments (``adjustments``: those effective on or before the date the plans were read for),
    ``milestones`` and ``term_target`` are the values in force on that date (``in_force``) and
    ``original_milestones`` / ``original_term_target`` what the resolution set; ``on(day)`` gives the plan in
    force on an earlier day (charts over a term)."""

    milestones: dict[int, Decimal]
    term_target: Decimal | None
    baseline: Decimal | None
    copy_id: int | None = None
    adjustments: tuple[AppliedAdjustment, ...] = ()
    original_milestones: dict[int, Decimal] | None = None
    original_term_target: Decimal | None = None
    in_force: dict[tuple[str, int | None], AppliedAdjustment] = field(default_factory=dict)

    def on(self, day: dt.date | None) -> Plan:
        """The plan with the adjustments in force on ``day`` applied (itself when it has none)."""
        if not self.adjustments:
            return self
        in_force = adjustments_in_force(self.adjustments, day)
        milestones, term_target = apply_adjustments(self.original_milestones, self.original_term_target, in_force)
        return replace(self, milestones=milestones, term_target=term_target, in_force=in_force)

    def milestone_adjustment(self, year: int) -> AppliedAdjustment | None:
        """The adjustment that set the year's milestone in force (a term-target adjustment moves the last one)."""
        if not self.in_force:
            return None
        change = self.in_force.get((AdjustmentField.MILESTONE, year))
        if change is None and self.milestones.get(year) != self.original_milestones.get(year):
            change = self.in_force.get((AdjustmentField.TERM_TARGET, None))
        return change

    @property
    def term_adjustment(self) -> AppliedAdjustment | None:
        return self.in_force.get((AdjustmentField.TERM_TARGET, None))


NO_PLAN = Plan(milestones={}, term_target=None, baseline=None)


@dataclass(frozen=True)
class Evaluation:
    target_id: int
    unit_id: int
    period_id: int
    actual: Decimal | None
    contributors: int
    milestone: Decimal | None           # the year's milestone (full year)
    plan: Decimal | None                # what the period should reach (sum: milestone × share of the year)
    pct_of_milestone: Decimal | None    # actual / milestone × 100 (milestone / actual for a target to lower)
    same_period_last_year: Decimal | None
    pct_same_period: Decimal | None     # actual / same period last year × 100
    term_target: Decimal | None
    pct_of_term: Decimal | None         # actual / term target × 100 (term target / actual for a target to lower)
    baseline: Decimal | None
    progress: Decimal | None            # share of the way from baseline to term target (0 … 1, more if beyond)
    projection: Decimal | None          # the trend's value at the end of the term
    status: str | None
    # set only when an approved adjustment is in force at the period's end: what the resolution set, and the
    # decision that changed it (``label``: "điều chỉnh theo Quyết định số … ngày …")
    milestone_original: Decimal | None = None
    milestone_adjustment: AppliedAdjustment | None = None
    term_target_original: Decimal | None = None
    term_adjustment: AppliedAdjustment | None = None

    @property
    def status_label(self) -> str:
        return TargetStatus(self.status).label if self.status else ""


# --------------------------------------------------------------------------- pure rules

def share_of_year(period: Period) -> Decimal:
    return Decimal(period.end.month) / TWELVE


def period_x(period: Period) -> Decimal:
    """The period's end as a fractional year (Q1 2025 → 2025.25), the x axis of trends."""
    return Decimal(period.year) + share_of_year(period)


def percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or whole is None or whole == 0:
        return None
    return part / whole * HUNDRED


def percent_toward(direction: str, actual: Decimal | None, plan: Decimal | None) -> Decimal | None:
    """The percent of a plan reached, read the way the target points: for a target to lower (poverty rate,
    accidents) reaching less than the plan is more than 100 %, so 2.88 against 1.07 is 37 %, not 269 %."""
    if direction == Direction.LOWER:
        return percent(plan, actual) if actual is not None and actual > 0 else None
    return percent(actual, plan)


def annualised(aggregation: str, actual: Decimal | None, period: Period) -> Decimal | None:
    """A sum is the year to date: scale it to a whole year; other figures are levels already."""
    if actual is None or aggregation != Aggregation.SUM:
        return actual
    return actual / share_of_year(period)


def plan_for_period(aggregation: str, milestone: Decimal | None, period: Period) -> Decimal | None:
    if milestone is None:
        return None
    return milestone * share_of_year(period) if aggregation == Aggregation.SUM else milestone


def progress_of(actual: Decimal | None, baseline: Decimal | None, term_target: Decimal | None) -> Decimal | None:
    """(actual − baseline) / (target − baseline): 0 at the baseline, 1 at the target whichever way it points."""
    if actual is None or baseline is None or term_target is None or term_target == baseline:
        return None
    return (actual - baseline) / (term_target - baseline)


def projection_of(points: list[tuple[Decimal, Decimal]], end_x: Decimal) -> Decimal | None:
    """Least-squares line through ``points`` (x, y), read at ``end_x``; needs two distinct x."""
    if len(points) < 2:
        return None
    n = Decimal(len(points))
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    return mean_y + slope * (end_x - mean_x)


def _ratio(direction: str, actual: Decimal, plan: Decimal) -> Decimal:
    """How far the actual is towards the plan (1 = on the plan), direction-aware."""
    if direction == Direction.EXACT:
        if plan == 0:
            return Decimal(1) if actual == 0 else Decimal(0)
        return max(Decimal(0), 1 - abs(actual - plan) / abs(plan))
    if direction == Direction.LOWER:
        if actual <= plan:
            return Decimal(1)
        return plan / actual if actual > 0 and plan > 0 else Decimal(0)
    if actual >= plan:
        return Decimal(1) if plan <= 0 else actual / plan
    return actual / plan if plan > 0 else Decimal(0)


def status_of(*, aggregation: str, direction: str, actual: Decimal | None, milestone: Decimal | None,
              period: Period) -> str | None:
    if actual is None or milestone is None:
        return None
    year_end = period.end.month == 12
    if meets(direction, actual, milestone) and (aggregation != Aggregation.SUM or direction == Direction.HIGHER
                                                 or year_end):
        return TargetStatus.ACHIEVED
    plan = plan_for_period(aggregation, milestone, period)
    ratio = _ratio(direction, actual, plan)
    reporting = settings.NGHIQUYET["REPORTING"]
    if ratio >= Decimal(str(reporting["ON_TRACK"])):
        return TargetStatus.ON_TRACK
    if ratio >= Decimal(str(reporting["AT_RISK"])):
        return TargetStatus.AT_RISK
    return TargetStatus.OFF_TRACK


# --------------------------------------------------------------------------- plans (two queries for many)

def _plan(milestones: dict[int, Decimal], term_target: Decimal | None, baseline: Decimal | None,
          copy_id: int | None, adjustments: list[AppliedAdjustment] | None, on: dt.date | None) -> Plan:
    if not adjustments:
        return Plan(milestones, term_target, baseline, copy_id)
    return Plan(milestones, term_target, baseline, copy_id, adjustments=tuple(adjustments),
                original_milestones=milestones, original_term_target=term_target).on(on)


def _plans(targets: list[Target], unit_ids: list[int], on: dt.date | None = None) -> dict[tuple[int, int], Plan]:
    """{(target id, unit id): plan} — THE rule for "the plan of a target at a unit": the unit's own copy of the
    target (the oldest) when it has one; else the target's own plan at the target's own unit, and at any level
    for rates (ratios and weighted means compare anywhere); else none (a sum of one commune is not comparable
    with the province's). With ``on`` (the end of the evaluated period), the approved adjustments of the target
    (or of the copy) effective on or before that day apply. Two queries whatever the numbers of targets and
    units, a third only when some of them has an adjustment in force (the first query flags them)."""
    if not targets or not unit_ids:
        return {}
    ids = [t.pk for t in targets]
    id_set, unit_set = set(ids), set(unit_ids)
    rows = Target.objects.filter(copied_from_id__in=ids, unit_id__in=unit_ids)
    fields = ["id", "copied_from_id", "unit_id", "target_value", "baseline_value"]
    if on is not None:
        rows = Target.objects.filter(Q(copied_from_id__in=ids, unit_id__in=unit_ids) | Q(pk__in=ids)).annotate(
            adjusted=Exists(TargetAdjustment.objects.filter(target=OuterRef("pk"), status=AdjustmentStatus.APPROVED,
                                                            effective_from__lte=on)))
        fields.append("adjusted")
    copies: dict[tuple[int, int], tuple[int, Decimal | None, Decimal | None]] = {}
    adjusted_ids: list[int] = []
    for pk, original, unit_id, term_target, baseline, *flag in rows.order_by("-id").values_list(*fields):
        if flag and flag[0]:
            adjusted_ids.append(pk)
        if original in id_set and unit_id in unit_set:
            copies[(original, unit_id)] = (pk, term_target, baseline)  # the oldest copy wins (newest first)
    milestones: dict[int, dict[int, Decimal]] = {}
    for target_id, year, value in Milestone.objects.filter(
        target_id__in=ids + [c[0] for c in copies.values()]
    ).values_list("target_id", "year", "value"):
        milestones.setdefault(target_id, {})[year] = value
    approved = approved_adjustments(adjusted_ids, on=on) if adjusted_ids else {}
    plans = {}
    for target in targets:
        for unit_id in unit_ids:
            copy = copies.get((target.pk, unit_id))
            if copy is not None:
                plans[(target.pk, unit_id)] = _plan(milestones.get(copy[0], {}), copy[1], copy[2], copy[0],
                                                    approved.get(copy[0]), on)
            elif target.unit_id == unit_id or target.aggregation in RATES:
                plans[(target.pk, unit_id)] = _plan(milestones.get(target.pk, {}), target.target_value,
                                                    target.baseline_value, None, approved.get(target.pk), on)
            else:
                plans[(target.pk, unit_id)] = NO_PLAN
    return plans


def plans_for(targets: list[Target], unit: Unit, on: dt.date | None = None) -> dict[int, Plan]:
    """{target id: plan at ``unit``} (see ``_plans``; ``on``: with the adjustments in force that day)."""
    return {target_id: plan for (target_id, _unit), plan in _plans(list(targets), [unit.pk], on).items()}


def plans_at(target: Target, unit_ids: list[int], on: dt.date | None = None) -> dict[int, Plan]:
    """{unit id: plan of ``target`` at that unit} for many units (see ``_plans``)."""
    return {unit_id: plan for (_target, unit_id), plan in _plans([target], list(unit_ids), on).items()}


# --------------------------------------------------------------------------- selectors

def evaluate_many(*, targets: Iterable[Target], unit: Unit, period: Period) -> dict[int, Evaluation]:
    """{target id: evaluation} for ``targets`` at ``unit`` for ``period`` in five queries whatever the number of
    targets: copies, milestones, terms, periods of the kind (the trend and the same period last year), cells; a
    sixth when an approved adjustment is in force at the period's end (see ``_plans``)."""
    targets = list(targets)
    if not targets:
        return {}
    plans = plans_for(targets, unit, period.end)
    terms = {
        doc_id: (start, end) for doc_id, start, end in Document.objects.filter(
            pk__in={t.document_id for t in targets}).values_list("id", "term__start_year", "term__end_year")
    }
    starts = [start for start, _end in terms.values() if start is not None]
    first_year = min([*starts, period.year - 1])
    periods = list(Period.objects.filter(kind=period.kind, year__gte=first_year, end__lte=period.end))
    last_year = next((p for p in periods if p.year == period.year - 1 and p.number == period.number), None)
    cells = rollup_cells(targets=targets, unit=unit, periods=periods)
    out = {}
    for target in targets:
        plan = plans[target.pk]
        current = cells.get((target.pk, period.pk))
        actual = current.actual if current else None
        before = cells.get((target.pk, last_year.pk)) if last_year else None
        before_actual = before.actual if before else None
        milestone = plan.milestones.get(period.year)
        start, end = terms.get(target.document_id, (None, None))
        if end is None and plan.milestones:
            end = max(plan.milestones)
        projection = None
        if end is not None:
            points = []
            for p in periods:
                if (start is None or p.year >= start) and p.end <= period.end and p.year <= end:
                    cell = cells.get((target.pk, p.pk))
                    if cell is not None and cell.actual is not None:
                        points.append((period_x(p), annualised(target.aggregation, cell.actual, p)))
            projection = projection_of(points, Decimal(end + 1))
        out[target.pk] = Evaluation(
            target_id=target.pk, unit_id=unit.pk, period_id=period.pk, actual=actual,
            contributors=current.contributors if current else 0, milestone=milestone,
            plan=plan_for_period(target.aggregation, milestone, period),
            pct_of_milestone=percent_toward(target.direction, actual, milestone),
            same_period_last_year=before_actual, pct_same_period=percent(actual, before_actual),
            term_target=plan.term_target, pct_of_term=percent_toward(target.direction, actual, plan.term_target),
            baseline=plan.baseline,
            progress=progress_of(annualised(target.aggregation, actual, period), plan.baseline, plan.term_target),
            projection=projection,
            status=status_of(aggregation=target.aggregation, direction=target.direction, actual=actual,
                             milestone=milestone, period=period),
            **_adjusted(plan, period.year),
        )
    return out


def _adjusted(plan: Plan, year: int) -> dict:
    """The original values and the decisions beside the adjusted ones (nothing without an adjustment)."""
    if not plan.in_force:
        return {}
    out = {}
    change = plan.milestone_adjustment(year)
    if change is not None:
        out.update(milestone_original=plan.original_milestones.get(year), milestone_adjustment=change)
    if plan.term_adjustment is not None:
        out.update(term_target_original=plan.original_term_target, term_adjustment=plan.term_adjustment)
    return out


def evaluate(*, target: Target, unit: Unit, period: Period) -> Evaluation:
    return evaluate_many(targets=[target], unit=unit, period=period)[target.pk]


def series(*, target: Target, unit: Unit, periods: Iterable[Period]) -> list[tuple[Period, Decimal | None,
                                                                                   Decimal | None]]:
    """[(period, actual, the year's milestone in force at the period's end)] for charts, in the order given (three
    queries, four with an adjustment in force)."""
    periods = list(periods)
    last = max((p.end for p in periods), default=None)
    plan = plans_for([target], unit, last)[target.pk]
    cells = rollup_cells(targets=[target], unit=unit, periods=periods)
    out = []
    for period in periods:
        cell = cells.get((target.pk, period.pk))
        out.append((period, cell.actual if cell else None, plan.on(period.end).milestones.get(period.year)))
    return out
