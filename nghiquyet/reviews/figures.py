"""The figures a review report is drafted from, read from the other apps for one unit and one campaign.

``report_figures`` (live while the report is a draft or returned; from ``report.figures`` once submitted):

1. targets: the campaign resolution's targets that concern the unit (issued by it, copied down to it, or with
   figures in its rollups during the campaign's period), plus the targets of the documents related to the
   resolution (documents of the unit or of its ancestors up to the opener that implement the resolution or carry
   copies of its targets, and so on down) that are the unit's own or have figures in its rollups, copies of the
   rows above left out. Each is evaluated (``reporting.evaluation.evaluate_many``,
   i.e. the unit's rollups) at the latest reporting period ending on or before ``campaign.period_end`` that has
   figures for one of them: baseline, the year's milestone, actual, % of the milestone, % of the term target,
   status, and the approved adjustment in force (its decision), if any;
2. tasks of the unit's action programs for the related documents, as of ``on`` (the period's end, or today
   while it runs): total (cancelled left out), done, done by their due date, overdue (open and past due on
   ``on``), in progress and not started (open and not past due);
3. study: the ``study.selectors.unit_figures`` total row of the unit for the campaign resolution (else the first
   related document with a study plan);
4. inspections: ``oversight.selectors.figures`` for each year of the period;
5. data-quality flags left open: flags without an explanation on values reported in the unit's subtree for
   periods ending within the campaign's period, of submissions no longer in draft, in the user's scope (the first
   ``FLAGS_SHOWN`` listed, all counted).

``consolidation`` (a unit whose report receives other reports): the aggregated targets table is the unit's own
figures (its rollups: the sums over the subtree), the units whose reports come to it by state, and the annex of
their proposals. Statuses and proposals are read in chunks (``.iterator``), so 1,000 subordinates never sit in
memory as model objects; the annex is a generator. Frozen with the report when it is submitted: the targets
table, the statuses and the proposals annex (each proposal's unit id and name, section id and text, as submitted
then), so a subordinate report returned, reopened or corrected later does not change the issued report. A draft
reads the proposals of the reports submitted or accepted at the time it is rendered (a report returned and not
yet resubmitted drops out of its annex).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils import timezone

from nghiquyet.accounts.scope import scope_filter
from nghiquyet.core.fields import path_ids
from nghiquyet.org.models import Unit
from nghiquyet.reporting.evaluation import TargetStatus, evaluate_many, plans_for
from nghiquyet.reporting.models import Period, QualityFlag, RollupCell, SubmissionStatus
from nghiquyet.resolutions.models import Document, Target
from nghiquyet.reviews import selectors
from nghiquyet.reviews.models import ReviewReport, ReviewSection, SectionKey

FLAGS_SHOWN = 50
CHUNK = 200
AMOUNT_PLACES = 6      # the precision of reported values (resolutions.models.AMOUNT)
PERCENT_PLACES = 2


def rounded(value: Decimal | None, places: int = AMOUNT_PLACES) -> Decimal | None:
    """``value`` to ``places`` decimals, trailing zeros dropped (a sum of reported values is exact at 6)."""
    if value is None:
        return None
    text = format(Decimal(value).quantize(Decimal(1).scaleb(-places)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Decimal(text if text not in ("", "-0") else "0")


# ---------------------------------------------------------------- the figures (JSON round trip)


@dataclass
class TargetFigure:
    target_id: int
    number: str
    name: str
    measure: str
    baseline: Decimal | None = None
    milestone: Decimal | None = None          # the year's milestone in force (the year's plan)
    actual: Decimal | None = None
    pct_of_plan: Decimal | None = None        # actual / milestone × 100
    term_target: Decimal | None = None
    pct_of_term: Decimal | None = None        # actual / term target × 100
    status: str = ""
    status_label: str = ""
    contributors: int = 0                     # values inside the rollup (units that reported)
    adjusted: bool = False
    adjustment: str = ""                      # "điều chỉnh theo Quyết định số … ngày …"
    milestone_original: Decimal | None = None
    term_target_original: Decimal | None = None
    is_own: bool = False                      # one of the unit's own targets (not the campaign resolution's)


@dataclass
class TaskFigures:
    on: dt.date | None = None
    programs: list[str] = field(default_factory=list)   # "01-CTr/ĐU: Chương trình hành động …"
    total: int = 0
    done: int = 0
    done_on_time: int = 0
    overdue: int = 0
    in_progress: int = 0
    not_started: int = 0


@dataclass
class StudyFigures:
    available: bool = False
    resolution: str = ""          # the symbol of the resolution studied
    members: int = 0
    studied: int = 0
    percent: Decimal | None = None
    sessions_expected: int = 0
    sessions_on_time: int = 0
    sessions_late: int = 0
    sessions_missing: int = 0
    writeups_expected: int = 0
    writeups_received: int = 0
    writeups_overdue: int = 0


@dataclass
class InspectionYear:
    year: int
    planned: int = 0
    planned_done: int = 0
    inspections: int = 0
    supervisions: int = 0
    concluded: int = 0
    unplanned: int = 0


@dataclass
class InspectionFigures:
    available: bool = False
    years: list[InspectionYear] = field(default_factory=list)
    recommendations: int = 0
    open: int = 0
    overdue: int = 0
    closed: int = 0
    closed_on_time: int = 0


@dataclass
class FlagFigure:
    unit: str
    target: str
    period: str
    kind: str
    message: str


@dataclass
class FlagFigures:
    total: int = 0
    rows: list[FlagFigure] = field(default_factory=list)


@dataclass
class ReportFigures:
    on: dt.date
    period_label: str = ""            # the reporting period the targets are evaluated at ("Quý II/2027")
    period_id: int | None = None
    targets: list[TargetFigure] = field(default_factory=list)
    tasks: TaskFigures = field(default_factory=TaskFigures)
    study: StudyFigures = field(default_factory=StudyFigures)
    inspections: InspectionFigures = field(default_factory=InspectionFigures)
    flags: FlagFigures = field(default_factory=FlagFigures)
    frozen: bool = False

    def to_json(self) -> dict:
        return _encode(self)

    @classmethod
    def from_json(cls, data: dict) -> ReportFigures:
        figures = _decode(cls, data)
        figures.frozen = True
        return figures

    @property
    def adjusted_targets(self) -> list[TargetFigure]:
        return [t for t in self.targets if t.adjusted]


def _encode(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    return value


def _decode(kind, value):
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(kind) if a is not type(None)]
        return _decode(inner[0], value) if inner else value
    if origin is list:
        (item,) = typing.get_args(kind)
        return [_decode(item, v) for v in value or []]
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        known = {f.name for f in dataclasses.fields(kind)}
        return kind(**{k: _decode(hints[k], v) for k, v in (value or {}).items() if k in known})
    if kind is Decimal:
        return Decimal(str(value))
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    return value


# ---------------------------------------------------------------- what concerns the unit


def _chain(campaign, unit: Unit) -> list[int]:
    """Ids from the opener down to ``unit`` (both included)."""
    opener_ids = path_ids(campaign.unit.path)
    return [campaign.unit_id] + [pk for pk in path_ids(unit.path) if pk not in opener_ids]


def related_documents(campaign, unit: Unit) -> list[int]:
    """The campaign resolution and the documents of the unit or of its ancestors up to the opener that implement it
    or carry copies of its targets (a commune's congress resolution copying the province's targets), and so on
    down the chain (a branch's document implementing that commune resolution)."""
    resolution_id = campaign.resolution_id
    chain = _chain(campaign, unit)
    found, frontier = {resolution_id}, {resolution_id}
    for _level in range(len(chain)):   # a branch's plan implements its commune's resolution, which copies ours
        new = set(Document.objects.filter(unit_id__in=chain).filter(
            Q(implements__in=frontier) | Q(targets__copied_from__document_id__in=frontier)).values_list(
            "pk", flat=True).distinct()) - found
        if not new:
            break
        found |= new
        frontier = new
    return [resolution_id, *sorted(found - {resolution_id})]


def _on(campaign) -> dt.date:
    return min(campaign.period_end, timezone.localdate())


def concerned_targets(campaign, unit: Unit, documents: list[int]) -> list[Target]:
    """See the module's docstring (1.)."""
    resolution_id = campaign.resolution_id
    candidates = list(Target.objects.filter(document_id=resolution_id).select_related("document")
                      .order_by("id"))
    copied = set(Target.objects.filter(unit=unit, copied_from__document_id=resolution_id)
                 .values_list("copied_from_id", flat=True))
    with_data = set(RollupCell.objects.filter(
        unit_id=unit.pk, target__document_id__in=documents, contributors__gt=0,
        period__end__gte=campaign.period_start, period__end__lte=campaign.period_end).values_list(
        "target_id", flat=True).distinct())
    chosen = [t for t in candidates if t.unit_id == unit.pk or t.pk in copied or t.pk in with_data]
    chosen_ids = {t.pk for t in chosen}
    others = [d for d in documents if d != resolution_id]
    if others:
        # the unit's own targets in the related documents, and those of the documents above it (up to the
        # opener) that it reports (a commune's own targets reported by its branches), never a copy twice
        more = (Target.objects.filter(document_id__in=others).filter(Q(unit=unit) | Q(pk__in=with_data))
                .select_related("document").exclude(copied_from_id__in=chosen_ids).order_by("document_id", "id"))
        for t in more:
            t.is_own = True
            chosen.append(t)
    return chosen


def _evaluation_period(campaign, unit: Unit, targets: list[Target]) -> Period | None:
    if not targets:
        return None
    return (Period.objects.filter(rollups__unit=unit, rollups__target__in=[t.pk for t in targets],
                                  rollups__contributors__gt=0, end__lte=campaign.period_end)
            .order_by("-end", "-start").first())


def _targets(campaign, unit: Unit, documents: list[int]) -> tuple[Period | None, list[TargetFigure]]:
    targets = concerned_targets(campaign, unit, documents)
    period = _evaluation_period(campaign, unit, targets)
    rows = []
    if period is not None:
        evaluations = evaluate_many(targets=targets, unit=unit, period=period)
        for t in targets:
            e = evaluations[t.pk]
            changes = [c for c in (e.milestone_adjustment, e.term_adjustment) if c is not None]
            labels = list(dict.fromkeys(c.label for c in changes))
            rows.append(TargetFigure(
                target_id=t.pk, number=t.number, name=t.name, measure=t.measure, baseline=rounded(e.baseline),
                milestone=rounded(e.milestone), actual=rounded(e.actual),
                pct_of_plan=rounded(e.pct_of_milestone, PERCENT_PLACES), term_target=rounded(e.term_target),
                pct_of_term=rounded(e.pct_of_term, PERCENT_PLACES), status=str(e.status or ""),
                status_label=str(e.status_label), contributors=e.contributors, adjusted=bool(changes),
                adjustment="; ".join(labels), milestone_original=rounded(e.milestone_original),
                term_target_original=rounded(e.term_target_original),
                is_own=getattr(t, "is_own", False)))
        return period, rows
    # No figures yet: the plan alone (baseline, the milestone of the period's last year, the term target).
    year = campaign.period_end.year
    plans = plans_for(targets, unit, campaign.period_end)
    for t in targets:
        plan = plans[t.pk]
        changes = [c for c in (plan.milestone_adjustment(year), plan.term_adjustment) if c is not None]
        rows.append(TargetFigure(
            target_id=t.pk, number=t.number, name=t.name, measure=t.measure, baseline=rounded(plan.baseline),
            milestone=rounded(plan.milestones.get(year)), term_target=rounded(plan.term_target), adjusted=bool(changes),
            adjustment="; ".join(dict.fromkeys(c.label for c in changes)), is_own=getattr(t, "is_own", False)))
    return None, rows


def _tasks(campaign, unit: Unit, documents: list[int], on: dt.date) -> TaskFigures:
    from nghiquyet.programs.models import ActionProgram, Task, TaskStatus

    programs = list(ActionProgram.objects.filter(unit=unit, resolution_id__in=documents).order_by("issued_on", "pk"))
    if not programs:
        return TaskFigures(on=on)
    done = Q(status=TaskStatus.DONE) & (Q(completed_on__isnull=True) | Q(completed_on__lte=on))
    open_on = ~Q(status=TaskStatus.CANCELLED) & ~done
    past_due = Q(due_date__lt=on)
    counts = (Task.objects.filter(program__in=programs).exclude(status=TaskStatus.CANCELLED).order_by()
              .aggregate(total=Count("id"), done=Count("id", filter=done),
                         done_on_time=Count("id", filter=done & (Q(due_date__isnull=True)
                                                                 | Q(completed_on__lte=F("due_date")))),
                         overdue=Count("id", filter=open_on & past_due),
                         in_progress=Count("id", filter=open_on & ~past_due & Q(status=TaskStatus.IN_PROGRESS)),
                         not_started=Count("id", filter=open_on & ~past_due & ~Q(status=TaskStatus.IN_PROGRESS))))
    return TaskFigures(on=on, programs=[f"{p.symbol}: {p.title}" if p.symbol else p.title for p in programs],
                       **counts)


def _study(user, unit: Unit, documents: list[int], on: dt.date) -> StudyFigures:
    try:
        from nghiquyet.study.selectors import unit_figures
    except ImportError:  # pragma: no cover - the app is installed
        return StudyFigures()
    by_resolution = {rf.resolution.pk: rf for rf in unit_figures(user=user, unit=unit, on=on).resolutions}
    chosen = next((by_resolution[d] for d in documents if d in by_resolution), None)
    if chosen is None:
        return StudyFigures(available=True)
    total = chosen.total
    return StudyFigures(
        available=True, resolution=chosen.resolution.symbol, members=total.members, studied=total.studied,
        percent=total.percent, sessions_expected=total.sessions.expected, sessions_on_time=total.sessions.on_time,
        sessions_late=total.sessions.late, sessions_missing=total.sessions.missing,
        writeups_expected=total.writeups.expected, writeups_received=total.writeups.received,
        writeups_overdue=total.writeups.overdue)


def _inspections(user, campaign, unit: Unit, on: dt.date) -> InspectionFigures:
    try:
        from nghiquyet.oversight.selectors import figures
    except ImportError:  # pragma: no cover - the app is installed
        return InspectionFigures()
    out = InspectionFigures(available=True)
    last = None
    for year in range(campaign.period_start.year, campaign.period_end.year + 1):
        f = figures(user=user, unit=unit, year=year, on=on)
        out.years.append(InspectionYear(year=year, planned=f.planned, planned_done=f.planned_done,
                                        inspections=f.inspections, supervisions=f.supervisions,
                                        concluded=f.concluded, unplanned=f.unplanned))
        last = f
    if last is not None:   # recommendations are counted over all years (the same in every year's figures)
        out.recommendations, out.open, out.overdue = last.recommendations, last.open, last.overdue
        out.closed, out.closed_on_time = last.closed, last.closed_on_time
    return out


def open_flags(user, campaign, unit: Unit):
    """See the module's docstring (5.)."""
    flags = (QualityFlag.objects.filter(value__unit__path__under=unit.path, explanation="",
                                        value__period__end__gte=campaign.period_start,
                                        value__period__end__lte=campaign.period_end)
             .exclude(value__submission__status=SubmissionStatus.DRAFT))
    return scope_filter(flags, user, unit_field="value__unit")


def _flags(user, campaign, unit: Unit) -> FlagFigures:
    flags = open_flags(user, campaign, unit)
    total = flags.count()
    rows = []
    if total:
        for flag in flags.select_related("value__unit", "value__target", "value__period").order_by(
                "value__unit__path", "value__period__end", "value__target_id", "kind", "pk")[:FLAGS_SHOWN]:
            value = flag.value
            rows.append(FlagFigure(unit=value.unit.name, target=f"{value.target.number}. {value.target.name}",
                                   period=str(value.period), kind=flag.get_kind_display(), message=flag.text))
    return FlagFigures(total=total, rows=rows)


def compute_figures(report: ReviewReport, *, user) -> ReportFigures:
    """The live figures (never the frozen ones)."""
    campaign, unit = report.campaign, report.unit
    on = _on(campaign)
    documents = related_documents(campaign, unit)
    period, targets = _targets(campaign, unit, documents)
    return ReportFigures(
        on=on, period_label=str(period) if period else "", period_id=period.pk if period else None, targets=targets,
        tasks=_tasks(campaign, unit, documents, on), study=_study(user, unit, documents, on),
        inspections=_inspections(user, campaign, unit, on), flags=_flags(user, campaign, unit))


def report_figures(report: ReviewReport, *, user) -> ReportFigures:
    """Live for drafts and returned reports, frozen (``report.figures``) once submitted."""
    if selectors.is_frozen(report) and "report" in report.figures:
        return ReportFigures.from_json(report.figures["report"])
    return compute_figures(report, user=user)


# ---------------------------------------------------------------- consolidation


@dataclass
class StatusRow:
    unit_id: int
    unit_name: str
    path: str
    due: dt.date
    state: str
    state_label: str
    report_id: int | None = None
    symbol: str = ""
    submitted_on: dt.date | None = None
    decided_on: dt.date | None = None
    is_late: bool = False


@dataclass
class Proposal:
    unit_id: int
    unit_name: str
    text: str
    section_id: int | None = None


@dataclass
class Consolidation:
    report: ReviewReport
    unit: Unit
    figures: ReportFigures                 # the unit's own figures: its rollups are the aggregated table
    counts: dict[str, int]                 # {state: number of subordinate reports}
    expected: int
    frozen_rows: list[StatusRow] | None = None
    today: dt.date | None = None
    frozen_proposals: list[dict] | None = None

    @property
    def targets(self) -> list[TargetFigure]:
        return self.figures.targets

    @property
    def has_subordinates(self) -> bool:
        return self.expected > 0

    def count_rows(self) -> list[tuple[str, str, int]]:
        """(state, label, number) in the order of the states, the zero ones left out."""
        return [(s, str(selectors.State.LABELS[s]), self.counts.get(s, 0)) for s in selectors.State.ORDER
                if self.counts.get(s)]

    def status_rows(self) -> Iterator[StatusRow]:
        """The subordinate reports (units whose reports come to this unit), in tree order, read in chunks."""
        if self.frozen_rows is not None:
            yield from self.frozen_rows
            return
        yield from _status_rows(self.report, today=self.today or timezone.localdate())

    def proposals(self) -> Iterator[Proposal]:
        """The "proposals" section of each subordinate report submitted or accepted, with its unit, in tree order
        (read in chunks: never all texts at once). Once the report is submitted: the proposals as they were then
        (a subordinate report returned or corrected later does not change the issued report)."""
        if self.frozen_proposals is not None:
            for item in self.frozen_proposals:
                yield _decode(Proposal, item)
            return
        yield from _proposals(self.report)


def _reviewees(report: ReviewReport) -> tuple[set[int], list[tuple[int, str]]]:
    """The ids of the units whose reports come to ``report``'s unit, and all owing units under it (id, path)."""
    return selectors.reviewee_ids(report.campaign, report.unit)


def _status_rows(report: ReviewReport, *, today: dt.date) -> Iterator[StatusRow]:
    campaign, unit = report.campaign, report.unit
    mine, _owing = _reviewees(report)
    reports = {row[0]: row[1:] for row in ReviewReport.objects.filter(
        campaign=campaign, unit__path__under=unit.path).exclude(unit=unit).values_list(
        "unit_id", "pk", "status", "is_late", "submitted_at", "decided_at", "issued__symbol").iterator(
        chunk_size=2000)}
    units = (Unit.objects.filter(selectors.owing_units_q(campaign), path__under=unit.path).exclude(pk=unit.pk)
             .order_by("path").values_list("pk", "name", "path", "kind").iterator(chunk_size=CHUNK))
    for pk, name, path, kind in units:
        if pk not in mine:
            continue
        due = selectors.deadline_dates(campaign).get(kind, campaign.own_deadline)
        found = reports.get(pk)
        status, is_late = (found[1], found[2]) if found else (None, False)
        state = selectors.report_state(status, is_late, due, today)
        yield StatusRow(
            unit_id=pk, unit_name=name, path=path, due=due, state=state,
            state_label=str(selectors.State.LABELS[state]), report_id=found[0] if found else None,
            symbol=(found[5] or "") if found else "", is_late=bool(is_late),
            submitted_on=timezone.localdate(found[3]) if found and found[3] else None,
            decided_on=timezone.localdate(found[4]) if found and found[4] else None)


def _proposals(report: ReviewReport) -> Iterator[Proposal]:
    mine, _owing = _reviewees(report)
    rows = (ReviewSection.objects.filter(
        report__campaign=report.campaign, report__unit__path__under=report.unit.path, key=SectionKey.PROPOSALS,
        report__status__in=(SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED))
        .exclude(report__unit=report.unit).exclude(text="").order_by("report__unit__path")
        .values_list("report__unit_id", "report__unit__name", "text", "pk").iterator(chunk_size=CHUNK))
    for unit_id, name, text, pk in rows:
        if unit_id in mine:
            yield Proposal(unit_id=unit_id, unit_name=name, text=text, section_id=pk)


def _counts(report: ReviewReport, today: dt.date) -> tuple[dict[str, int], int]:
    counts: dict[str, int] = {}
    expected = 0
    for row in _status_rows(report, today=today):
        counts[row.state] = counts.get(row.state, 0) + 1
        expected += 1
    return counts, expected


def has_subordinates(report: ReviewReport) -> bool:
    """Do other reports of the campaign come to this report's unit?"""
    return Unit.objects.filter(selectors.owing_units_q(report.campaign), path__under=report.unit.path).exclude(
        pk=report.unit_id).exists()


def consolidation(report: ReviewReport, *, user, today: dt.date | None = None,
                  figures: ReportFigures | None = None) -> Consolidation:
    """The consolidation of ``report``'s unit (frozen with the report once submitted); ``figures``: the report's
    figures when the caller has them already."""
    today = today or timezone.localdate()
    figures = figures or report_figures(report, user=user)
    frozen = report.figures.get("consolidation") if selectors.is_frozen(report) else None
    if frozen:
        rows = [_decode(StatusRow, r) for r in frozen.get("rows", [])]
        return Consolidation(report=report, unit=report.unit, figures=figures, counts=dict(frozen.get("counts", {})),
                             expected=len(rows), frozen_rows=rows, today=today,
                             frozen_proposals=frozen.get("proposals"))
    counts, expected = _counts(report, today)
    return Consolidation(report=report, unit=report.unit, figures=figures, counts=counts, expected=expected,
                         today=today)


def freeze(report: ReviewReport, *, user) -> dict:
    """What ``report.figures`` stores at submission: the live figures, and the statuses for a consolidating unit."""
    data = {"report": compute_figures(report, user=user).to_json(), "frozen_at": timezone.now().isoformat()}
    if has_subordinates(report):
        rows = list(_status_rows(report, today=timezone.localdate()))
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.state] = counts.get(row.state, 0) + 1
        # the proposals as submitted at this moment (their source: unit, section and the text itself), so that a
        # subordinate report returned or reopened later, then corrected, does not change what this report issued
        proposals = [_encode(p) for p in _proposals(report)]
        data["consolidation"] = {"counts": counts, "rows": [_encode(r) for r in rows], "proposals": proposals}
    return data


__all__ = ["Consolidation", "ReportFigures", "StatusRow", "TargetStatus", "consolidation", "freeze",
           "report_figures"]
