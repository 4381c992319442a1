"""Dashboards and completeness pages of progress reporting (issue 4, items 4 and 7). Thin: the selectors read
(scoped), the engine (rollups, evaluation) computes; these views only choose the period and lay the figures out.

- ``dashboard``: a unit's targets for a period (actual, % of the milestone, same period last year, term target,
  projection, status, a sparkline over the term), the completeness of its subordinates and the data-quality flags.
- ``target_detail``: one target at one unit: actual against milestones over the term (a chart *and* the same
  numbers in a table), the ranking of the direct subordinates, and the figure "as the tree was" on a date.
- ``completeness_view``: expected, submitted, on time, late, missing and not yet due reports of the subtree,
  one row per direct subordinate, and the reporting units filtered by state.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can, scope_filter, unit_get_visible, units_visible
from nghiquyet.core.fields import path_ids
from nghiquyet.core.pagination import paginate
from nghiquyet.core.text import fold
from nghiquyet.org.models import Unit
from nghiquyet.org.selectors import tree_as_of, tree_ids
from nghiquyet.reporting import evaluation, rules, selectors
from nghiquyet.reporting.evaluation import TargetStatus
from nghiquyet.reporting.models import Period, QualityFlag, RollupCell, Schedule, SubmissionStatus, Value
from nghiquyet.reporting.periods import period_keys
from nghiquyet.reporting.rollups import contribution_of, rollup_actual, rollup_as_of, rollup_cells
from nghiquyet.reporting.templatetags.reporting_charts import rounded
from nghiquyet.resolutions.models import Aggregation, Direction, Target
from nghiquyet.resolutions.selectors import target_get

SPARK_DEFAULT_YEARS = 2  # periods shown in a sparkline when a target's resolution has no term


# ---------------------------------------------------------------- period chooser


def _choose_period(request, schedules: list[Schedule]) -> tuple[Period | None, list[Period]]:
    """The period asked by ``?ky=quarter-2025-3`` when it is one of the schedules' periods, else the default
    (with a message when something else was asked)."""
    periods = selectors.period_choices(schedules)
    key = request.GET.get("ky", "").strip()
    if key:
        chosen = next((p for p in periods if selectors.period_key(p) == key), None)
        if chosen is not None:
            return chosen, periods
        messages.warning(request, _("Kỳ báo cáo được chọn không có trong lịch báo cáo của đơn vị; "
                                    "đang hiển thị kỳ gần nhất."))
    return selectors.default_period(periods), periods


def _term_periods(targets: list[Target], period: Period) -> dict[int, list[Period]]:
    """For each target, the periods of ``period``'s kind from the start of its resolution's term to ``period``
    (existing rows only: a period nobody reported has no figures; one query)."""
    starts: dict[int, dt.date] = {}
    for t in targets:
        term = t.document.term
        first_year = term.start_year if term is not None else period.year - SPARK_DEFAULT_YEARS + 1
        starts[t.pk] = dt.date(min(first_year, period.year), 1, 1)
    if not starts:
        return {}
    earliest = min(starts.values())
    rows = {(p.year, p.number): p for p in Period.objects.filter(
        kind=period.kind, end__gte=earliest, end__lte=period.end)}
    out: dict[int, list[Period]] = {}
    for t in targets:
        keys = period_keys(period.kind, starts[t.pk], period.end)
        out[t.pk] = [rows[k] for k in keys if k in rows]
    return out


def _date_param(request, name: str) -> dt.date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        messages.error(request, _("Ngày “%(d)s” không hợp lệ (định dạng NNNN-TT-NN); đang hiển thị cây tổ chức "
                                  "hiện tại.") % {"d": raw[:20]})
        return None


# ---------------------------------------------------------------- dashboard


@dataclass
class TargetRow:
    target: Target
    evaluation: object  # evaluation.Evaluation
    spark: list[Decimal | None]


def _dashboard_targets(unit: Unit, schedules: list[Schedule]) -> list[Target]:
    """Targets of these schedules that can be rolled up at ``unit`` (issued by the unit or above: a target of a
    unit below has no figure here)."""
    if not schedules:
        return []
    return list(Target.objects.filter(report_schedules__in=schedules, unit_id__in=path_ids(unit.path))
                .select_related("unit", "document__term").distinct().order_by("document_id", "id"))


def _flags(user, unit: Unit, period: Period):
    """Quality flags of the values reported in ``unit``'s subtree for the period: those of submissions visible
    above (the VISIBLE_ABOVE setting), and any not in draft of the unit itself and of its direct subordinates
    (whose reports it approves)."""
    flags = QualityFlag.objects.filter(value__unit__path__under=unit.path, value__period=period).filter(
        Q(value__submission__status__in=rules.visible_statuses()) | Q(value__unit=unit) | Q(value__unit__parent=unit)
    ).exclude(value__submission__status=SubmissionStatus.DRAFT)
    return scope_filter(flags, user, unit_field="value__unit").select_related(
        "value__unit", "value__target", "value__submission").order_by("value__unit__path", "value__target_id",
                                                                      "kind", "pk")


def _status_counts(rows: list[TargetRow]) -> list[tuple[str, str, int]]:
    """(status, label, number of targets) for the summary above the table, in the order of the statuses."""
    counts = Counter(row.evaluation.status for row in rows if row.evaluation is not None)
    out = [(status, str(label), counts[status]) for status, label in TargetStatus.choices if counts[status]]
    if counts[None]:
        out.append(("", _("Chưa đánh giá"), counts[None]))
    return out


@login_required
def dashboard(request, unit_id: int):
    user = request.user
    unit = unit_get_visible(user, unit_id)
    all_schedules = selectors.schedules_for_subtree(user, unit)
    period, periods = _choose_period(request, all_schedules)
    context = {"unit": unit, "period": period, "periods": periods, "rows": [], "completeness": None,
               "flags_page": None}
    if period is not None:
        schedules = [s for s in all_schedules if rules.schedule_covers_period(s, period)]
        targets = _dashboard_targets(unit, schedules)
        evaluations = evaluation.evaluate_many(targets=targets, unit=unit, period=period)
        term_periods = _term_periods(targets, period)
        spark_periods = {p.pk: p for ps in term_periods.values() for p in ps}.values()
        cells = rollup_cells(targets=targets, unit=unit, periods=spark_periods)
        rows = []
        for t in targets:
            spark = [(cells[(t.pk, p.pk)].actual if (t.pk, p.pk) in cells else None) for p in term_periods[t.pk]]
            rows.append(TargetRow(target=t, evaluation=evaluations.get(t.pk), spark=spark))
        key = selectors.period_key(period)
        context.update({
            "rows": rows, "period_key": key, "status_counts": _status_counts(rows),
            "completeness": selectors.completeness(unit, period),
            "flags_page": paginate(request, _flags(user, unit, period), param="canh-bao"),
            "querystring": urlencode({"ky": key}),
        })
    return render(request, "reporting/dashboard.html", context)


# ---------------------------------------------------------------- one target


@dataclass
class SeriesRow:
    period: Period
    actual: Decimal | None
    milestone: Decimal | None


@dataclass
class RankRow:
    rank: int | None
    unit_id: int
    name: str
    unit: Unit | None
    actual: Decimal | None
    contributors: int
    status: str = ""
    milestone: Decimal | None = None

    @property
    def status_label(self) -> str:
        return TargetStatus(self.status).label if self.status else ""


def _number(value: Decimal | None) -> float | None:
    """A figure for the chart's JSON, rounded as the table under the chart shows it (``|figure``)."""
    number = rounded(value)
    return None if number is None else float(number)


def _rank(target: Target, rows: list[RankRow]) -> list[RankRow]:
    """Best first by the target's direction (higher: largest first; lower: smallest first; exact: closest to
    the term target first); units without a figure last, by name. Equal figures share a rank."""
    def badness(row: RankRow) -> Decimal:
        if target.direction == Direction.LOWER:
            return row.actual
        if target.direction == Direction.EXACT:
            return abs(row.actual - target.target_value)
        return -row.actual

    with_figure = sorted((r for r in rows if r.actual is not None), key=lambda r: (badness(r), fold(r.name)))
    without = sorted((r for r in rows if r.actual is None), key=lambda r: fold(r.name))
    previous, rank = None, 0
    for position, row in enumerate(with_figure, start=1):
        score = badness(row)
        if score != previous:
            rank, previous = position, score
        row.rank = rank
    return with_figure + without


def _with_status(target: Target, period: Period, rows: list[RankRow]) -> list[RankRow]:
    ids = [r.unit_id for r in rows]
    plans = evaluation.plans_at(target, ids, period.end)
    for row in rows:
        row.milestone = plans[row.unit_id].milestones.get(period.year) if row.unit_id in plans else None
        row.status = evaluation.status_of(aggregation=target.aggregation, direction=target.direction,
                                          actual=row.actual, milestone=row.milestone, period=period) or ""
    return rows


def _ranking_now(user, unit: Unit, target: Target, period: Period) -> list[RankRow]:
    """The direct subordinates as the tree is now, with their rollup of ``target`` for ``period``."""
    children = list(units_visible(user).filter(parent=unit, valid_to__isnull=True).order_by("name"))
    cells = {u: (total, total2, n) for u, total, total2, n in RollupCell.objects.filter(
        target=target, period=period, unit__in=children, contributors__gt=0).values_list(
        "unit_id", "total", "total2", "contributors")}
    rows = []
    for child in children:
        total, total2, n = cells.get(child.pk, (0, 0, 0))
        actual = rollup_actual(target, total, total2, n)
        rows.append(RankRow(rank=None, unit_id=child.pk, name=child.name, unit=child, actual=actual,
                            contributors=n if actual is not None else 0))
    return rows


def _ranking_as_of(unit: Unit, target: Target, period: Period, on: dt.date) -> list[RankRow]:
    """The direct subordinates as the tree was on ``on`` (names of that day), each with the counted values of
    the units that were in its subtree then (``rollups.rollup_as_of`` for every child in one pass)."""
    tree = tree_as_of(unit, on)
    if tree is None:
        return []
    members = {child.unit_id: tree_ids(child) for child in tree.children}
    inside = None  # a unit outside the target's subtree that day contributes nothing (as in rollup_as_of)
    if target.aggregation != Aggregation.NONE and target.unit_id != unit.pk:
        anchor = Unit.objects.filter(pk=target.unit_id).first()
        inside = tree_ids(tree_as_of(anchor, on)) if anchor is not None else set()
    owner = {uid: child for child, ids in members.items() for uid in ids if inside is None or uid in inside}
    sums: dict[int, list] = {child: [Decimal(0), Decimal(0), 0] for child in members}
    values = Value.objects.filter(target=target, period=period, unit_id__in=list(owner), counted=True,
                                  is_total=False).values_list("unit_id", "value", "numerator", "denominator",
                                                              "weight")
    for unit_id, value, numerator, denominator, weight in values:
        if target.aggregation == Aggregation.NONE and unit_id not in members:
            continue
        part = contribution_of(target, value=value, numerator=numerator, denominator=denominator, weight=weight)
        if part is not None:
            acc = sums[owner[unit_id]]
            acc[0] += part.total
            acc[1] += part.total2
            acc[2] += part.contributors
    current = {u.pk: u for u in Unit.objects.filter(pk__in=list(members))}
    rows = []
    for child in tree.children:
        total, total2, n = sums[child.unit_id]
        actual = rollup_actual(target, total, total2, n)
        rows.append(RankRow(rank=None, unit_id=child.unit_id, name=child.name, unit=current.get(child.unit_id),
                            actual=actual, contributors=n if actual is not None else 0))
    return rows


@login_required
def target_detail(request, unit_id: int, target_id: int):
    user = request.user
    unit = unit_get_visible(user, unit_id)
    target = target_get(user, target_id)
    period, periods = _choose_period(request, selectors.schedules_for_subtree(user, unit, target=target))
    on = _date_param(request, "ngay")
    context = {"unit": unit, "target": target, "period": period, "periods": periods, "on": on}
    if period is not None:
        result = evaluation.evaluate_many(targets=[target], unit=unit, period=period).get(target.pk)
        term_periods = _term_periods([target], period)[target.pk]
        series = [SeriesRow(period=p, actual=actual, milestone=milestone)
                  for p, actual, milestone in evaluation.series(target=target, unit=unit, periods=term_periods)]
        chart = {
            "labels": [str(r.period) for r in series],
            "measure": target.measure,
            "series": [
                {"name": _("Thực hiện"), "kind": "actual", "values": [_number(r.actual) for r in series]},
                {"name": _("Mốc kế hoạch"), "kind": "milestone", "values": [_number(r.milestone) for r in series]},
            ],
        }
        ranking = _with_status(target, period, _ranking_as_of(unit, target, period, on) if on
                               else _ranking_now(user, unit, target, period))
        key = selectors.period_key(period)
        context.update({
            "evaluation": result, "series": series, "chart": chart, "period_key": key,
            "as_of": rollup_as_of(target=target, unit=unit, period=period, on=on) if on else None,
            "ranking_page": paginate(request, _rank(target, ranking)),
            "querystring": urlencode({"ky": key, **({"ngay": on.isoformat()} if on else {})}),
        })
    return render(request, "reporting/target_detail.html", context)


# ---------------------------------------------------------------- completeness


STATE_FILTERS = {
    "submitted": (gettext_lazy("Đã nộp"), selectors.State.SUBMITTED),
    "on_time": (gettext_lazy("Đúng hạn"), (selectors.State.ON_TIME,)),
    "late": (gettext_lazy("Muộn"), (selectors.State.LATE,)),
    "missing": (gettext_lazy("Chưa nộp (quá hạn)"), (selectors.State.MISSING,)),
    "pending": (gettext_lazy("Chưa đến hạn"), selectors.State.PENDING),
}


@dataclass
class SubordinateRow:
    unit: Unit
    tally: selectors.Completeness
    is_self: bool = False


def _by_subordinate(unit: Unit, result: selectors.Completeness) -> list[SubordinateRow]:
    """One tally per direct subordinate of ``unit`` (its whole subtree), and one for the unit's own reports."""
    depth = len(path_ids(unit.path))
    groups: dict[int, list[selectors.CompletenessRow]] = {}
    for row in result.rows:
        ids = path_ids(row.unit.path)
        key = ids[depth] if len(ids) > depth else unit.pk
        groups.setdefault(key, []).append(row)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[k for k in groups if k != unit.pk])}
    out = [SubordinateRow(unit=unit, tally=selectors.Completeness(period=result.period, rows=groups[unit.pk]),
                          is_self=True)] if unit.pk in groups else []
    out += sorted((SubordinateRow(unit=units[k], tally=selectors.Completeness(period=result.period, rows=rows))
                   for k, rows in groups.items() if k != unit.pk), key=lambda r: fold(r.unit.name))
    return out


@dataclass
class UnitLine:
    row: selectors.CompletenessRow
    link: str


def _row_link(user, row: selectors.CompletenessRow, key: str) -> str:
    """The submission when there is one (the unit is in the user's subtree), else the entry form when the user
    may report for the unit; empty otherwise."""
    if row.submission is not None:
        return reverse("submission_detail", args=[row.submission.pk])
    if can(user, Perm.REPORT_SUBMIT, row.unit):
        return reverse("report_entry", args=[row.unit.pk, row.schedule.pk, key])
    return ""


@login_required
def completeness_view(request, unit_id: int):
    user = request.user
    unit = unit_get_visible(user, unit_id)
    period, periods = _choose_period(request, selectors.schedules_for_subtree(user, unit))
    state = request.GET.get("tinh-trang", "")
    if state and state not in STATE_FILTERS:
        messages.warning(request, _("Tình trạng được chọn không hợp lệ; đang hiển thị tất cả."))
        state = ""
    context = {"unit": unit, "period": period, "periods": periods, "state": state, "filters": STATE_FILTERS,
               "keep": [("tinh-trang", state)] if state else []}
    if period is not None:
        key = selectors.period_key(period)
        result = selectors.completeness(unit, period)
        rows = [r for r in result.rows if not state or r.state in STATE_FILTERS[state][1]]
        page = paginate(request, rows)
        context.update({
            "completeness": result, "period_key": key,
            "subordinates_page": paginate(request, _by_subordinate(unit, result), param="cap-duoi"),
            "page_obj": page,
            "lines": [UnitLine(row=r, link=_row_link(user, r, key)) for r in page],
            "querystring": urlencode({"ky": key, **({"tinh-trang": state} if state else {})}),
            "period_querystring": urlencode({"ky": key}),
        })
    return render(request, "reporting/completeness.html", context)
