"""The briefing (giao ban) of a standing committee: one digest for a period, read by the page, the PDF and the
weekly e-mail alike (``briefing_for``).

A briefing looks at a committee's unit and its whole subtree, over a window of dates (a week, a month or a
quarter), as of ``on`` = the window's last day, or today while the window is still running:

(a) tasks of the action programs of the unit and of the units below: overdue (past due and still open on ``on``)
    and at risk (due within ``AT_RISK_DAYS`` after ``on`` and below ``AT_RISK_PERCENT`` done), grouped by the
    responsible committee member, each with the standing-committee member who directs it;
(b) targets off track or at risk: the reporting evaluation (``reporting.evaluation.evaluate_many``) of the
    targets the unit's dashboard follows, at the latest reporting period with figures by ``on``;
(c) missing and late reports: ``reporting.selectors.completeness`` of the latest ended period of each reporting
    frequency;
(d) open recommendations of inspections (``oversight.selectors.recommendations_open``);
(e) study gaps (``study.selectors.study_gaps``).

(d) and (e) come from other apps; when one is not installed the section says its data is unavailable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nghiquyet.accounts.models import Person
from nghiquyet.accounts.scope import scope_filter, scope_of, unit_get_visible, units_visible
from nghiquyet.core.fields import path_ids
from nghiquyet.org.models import Unit
from nghiquyet.programs.models import Task, TaskStatus
from nghiquyet.reporting import selectors as reporting
from nghiquyet.reporting.evaluation import Evaluation, TargetStatus, evaluate_many
from nghiquyet.reporting.models import Period, Schedule
from nghiquyet.resolutions.models import Target

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def conf() -> dict:
    return settings.NGHIQUYET["BRIEFINGS"]


# ---------------------------------------------------------------- the window (week, month, quarter)


class WindowKind:
    WEEK = "tuan"
    MONTH = "thang"
    QUARTER = "quy"

    ALL = (WEEK, MONTH, QUARTER)


@dataclass(frozen=True)
class Window:
    kind: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.kind == WindowKind.WEEK:
            year, week, _day = self.start.isocalendar()
            return _("Tuần %(w)s/%(y)s (%(a)s – %(b)s)") % {
                "w": week, "y": year, "a": self.start.strftime("%d/%m"), "b": self.end.strftime("%d/%m/%Y")}
        if self.kind == WindowKind.MONTH:
            return _("Tháng %(m)s/%(y)s") % {"m": self.start.month, "y": self.start.year}
        return _("Quý %(q)s/%(y)s") % {"q": ROMAN[(self.start.month - 1) // 3 + 1], "y": self.start.year}

    def previous(self) -> Window:
        return window_of(self.kind, self.start - dt.timedelta(days=1))

    def next(self) -> Window:
        return window_of(self.kind, self.end + dt.timedelta(days=1))

    def query(self) -> dict[str, str]:
        """The query parameters naming this window on the page (``?ky=tuan&ngay=2026-11-23``)."""
        return {"ky": self.kind, "ngay": self.start.isoformat()}


#: The days a window may be asked for (page, PDF and API alike): the window and its neighbours stay in the calendar.
DAY_FIRST, DAY_LAST = dt.date(2000, 1, 1), dt.date(2999, 12, 1)


def window_parse(kind: str, day: dt.date | str | None, *, today: dt.date) -> Window:
    """The window of ``kind`` holding ``day`` (a date, its ``YYYY-MM-DD`` text, or nothing: ``today``): the one
    reading of a window asked by the page, the PDF and the API. Raises ``ValidationError`` on ``window`` (an unknown
    kind) or ``day`` (malformed, or outside ``DAY_FIRST``..``DAY_LAST``), in Vietnamese."""
    if kind not in WindowKind.ALL:
        raise ValidationError({"window": _("Kỳ giao ban không hợp lệ.")})
    if isinstance(day, str) and day.strip():
        text = day.strip()
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise ValidationError({"day": _("Ngày “%(d)s” không hợp lệ (định dạng NNNN-TT-NN).") % {
                "d": text[:20]}}) from None
    day = day or today
    if not DAY_FIRST <= day <= DAY_LAST:
        raise ValidationError({"day": _("Ngày phải từ %(a)s đến %(b)s.") % {
            "a": DAY_FIRST.strftime("%d/%m/%Y"), "b": DAY_LAST.strftime("%d/%m/%Y")}})
    return window_of(kind, day)


def window_of(kind: str, day: dt.date) -> Window:
    """The week (Monday to Sunday), month or quarter holding ``day``."""
    if kind == WindowKind.MONTH:
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    elif kind == WindowKind.QUARTER:
        start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        end = (start + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)
    else:
        kind = WindowKind.WEEK
        start = day - dt.timedelta(days=day.weekday())
        end = start + dt.timedelta(days=6)
    return Window(kind=kind, start=start, end=end)


# ---------------------------------------------------------------- the sections


@dataclass
class TaskLine:
    task: Task
    overdue: bool           # else at risk
    days: int               # days late (overdue) or days left (at risk)


@dataclass
class OwnerGroup:
    """The tasks of one responsible person (``None``: nobody named)."""

    person: Person | None
    lines: list[TaskLine] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for line in self.lines if line.overdue)

    @property
    def at_risk(self) -> int:
        return sum(1 for line in self.lines if not line.overdue)


@dataclass
class TasksSection:
    groups: list[OwnerGroup]
    at_risk_days: int
    at_risk_percent: int

    @property
    def overdue(self) -> int:
        return sum(g.overdue for g in self.groups)

    @property
    def at_risk(self) -> int:
        return sum(g.at_risk for g in self.groups)

    @property
    def lines(self) -> list[TaskLine]:
        return [line for g in self.groups for line in g.lines]


@dataclass
class TargetLine:
    target: Target
    evaluation: Evaluation


@dataclass
class TargetsSection:
    period: Period | None
    lines: list[TargetLine]          # off track first, then at risk
    evaluated: int                   # targets with a status for the period

    @property
    def off_track(self) -> int:
        return sum(1 for line in self.lines if line.evaluation.status == TargetStatus.OFF_TRACK)

    @property
    def at_risk(self) -> int:
        return sum(1 for line in self.lines if line.evaluation.status == TargetStatus.AT_RISK)

    @property
    def period_key(self) -> str:
        return reporting.period_key(self.period) if self.period else ""


@dataclass
class ReportsBlock:
    """Missing and late reports of one reporting period."""

    completeness: reporting.Completeness
    rows: list[reporting.CompletenessRow]     # missing first, then late

    @property
    def period(self) -> Period:
        return self.completeness.period

    @property
    def period_key(self) -> str:
        return reporting.period_key(self.completeness.period)


@dataclass
class ReportsSection:
    blocks: list[ReportsBlock]

    @property
    def missing(self) -> int:
        return sum(b.completeness.missing for b in self.blocks)

    @property
    def late(self) -> int:
        return sum(b.completeness.late for b in self.blocks)

    @property
    def rows(self) -> list[reporting.CompletenessRow]:
        return [row for b in self.blocks for row in b.rows]


@dataclass
class RecommendationsSection:
    available: bool
    rows: list[Any] = field(default_factory=list)   # oversight Recommendation, annotated ``overdue``

    @property
    def open(self) -> int:
        return len(self.rows)

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows if getattr(r, "overdue", False))


@dataclass
class StudySection:
    available: bool
    gaps: list[Any] = field(default_factory=list)   # study StudyGap

    @property
    def count(self) -> int:
        """Units (the committee itself, for its whole subtree, or a direct subordinate) with a gap."""
        return len({g.unit.pk for g in self.gaps})


@dataclass
class Briefing:
    unit: Unit
    start: dt.date
    end: dt.date
    on: dt.date                     # the day the digest is read as of (the window's end, or today)
    tasks: TasksSection
    targets: TargetsSection
    reports: ReportsSection
    recommendations: RecommendationsSection
    study: StudySection

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(anchor, label, number) for the figures at the top of the page, the PDF and the e-mail."""
        out = [
            ("nhiem-vu", _("Nhiệm vụ quá hạn"), self.tasks.overdue),
            ("nhiem-vu", _("Nhiệm vụ có nguy cơ chậm"), self.tasks.at_risk),
            ("chi-tieu", _("Chỉ tiêu chậm tiến độ"), self.targets.off_track),
            ("chi-tieu", _("Chỉ tiêu có nguy cơ"), self.targets.at_risk),
            ("bao-cao", _("Báo cáo chưa nộp (quá hạn)"), self.reports.missing),
            ("bao-cao", _("Báo cáo nộp muộn"), self.reports.late),
        ]
        if self.recommendations.available:
            out.append(("kien-nghi", _("Kiến nghị chưa xong"), self.recommendations.open))
            out.append(("kien-nghi", _("Kiến nghị quá hạn"), self.recommendations.overdue))
        if self.study.available:
            out.append(("hoc-tap", _("Đơn vị chưa học tập, quán triệt đủ"), self.study.count))
        return out


# ---------------------------------------------------------------- (a) tasks


def _tasks(user, unit: Unit, on: dt.date) -> TasksSection:
    """Overdue and at-risk tasks of the subtree's action programs, by responsible person (one query)."""
    days, percent = conf()["AT_RISK_DAYS"], conf()["AT_RISK_PERCENT"]
    horizon = on + dt.timedelta(days=days)
    # Open on ``on``: not cancelled, and not done by then (a task done later was still open that day).
    open_on = ~Q(status=TaskStatus.CANCELLED) & ~Q(status=TaskStatus.DONE, completed_on__isnull=True) & ~Q(
        status=TaskStatus.DONE, completed_on__lte=on)
    overdue = Q(due_date__lt=on)
    at_risk = Q(due_date__gte=on, due_date__lte=horizon, percent__lt=percent)
    tasks = (scope_filter(Task.objects.all(), user).filter(unit__path__under=unit.path).filter(open_on)
             .filter(overdue | at_risk)
             .select_related("program", "unit", "responsible", "directing")
             .order_by("responsible__full_name", "responsible_id", "due_date", "id"))
    groups: dict[int | None, OwnerGroup] = {}
    for task in tasks:
        late = task.due_date < on
        group = groups.setdefault(task.responsible_id, OwnerGroup(person=task.responsible))
        group.lines.append(TaskLine(task=task, overdue=late, days=abs((on - task.due_date).days)))
    ordered = sorted(groups.values(), key=lambda g: (g.person is None, -g.overdue, -len(g.lines),
                                                     g.person.full_name if g.person else ""))
    for group in ordered:
        group.lines.sort(key=lambda line: (not line.overdue, line.task.due_date, line.task.pk))
    return TasksSection(groups=ordered, at_risk_days=days, at_risk_percent=percent)


# ---------------------------------------------------------------- (b) targets


def _followed_targets(unit: Unit, schedules: list[Schedule]) -> list[Target]:
    """The targets the unit's dashboard follows: those of the schedules touching its subtree, issued by the unit
    or above (a target of a unit below has no figure at this level)."""
    if not schedules:
        return []
    return list(Target.objects.filter(report_schedules__in=schedules, unit_id__in=path_ids(unit.path))
                .select_related("unit", "document").distinct().order_by("document_id", "id"))


def _targets(unit: Unit, schedules: list[Schedule], on: dt.date) -> TargetsSection:
    targets = _followed_targets(unit, schedules)
    period = None
    if targets:
        period = (Period.objects.filter(rollups__unit=unit, rollups__target__in=targets, rollups__contributors__gt=0,
                                        end__lte=on).order_by("-end", "-start").first())
    if period is None:
        return TargetsSection(period=None, lines=[], evaluated=0)
    evaluations = evaluate_many(targets=targets, unit=unit, period=period)
    rank = {TargetStatus.OFF_TRACK: 0, TargetStatus.AT_RISK: 1}
    lines = [TargetLine(target=t, evaluation=evaluations[t.pk]) for t in targets
             if evaluations[t.pk].status in rank]
    lines.sort(key=lambda line: rank[line.evaluation.status])
    evaluated = sum(1 for e in evaluations.values() if e.status)
    return TargetsSection(period=period, lines=lines, evaluated=evaluated)


# ---------------------------------------------------------------- (c) reports


def _reports(unit: Unit, schedules: list[Schedule], on: dt.date) -> ReportsSection:
    """For each reporting frequency of the schedules, the latest period ended by ``on``: its missing and late
    reports in the subtree."""
    blocks = []
    by_kind: dict[str, list[Schedule]] = {}
    for schedule in schedules:
        by_kind.setdefault(schedule.period_kind, []).append(schedule)
    for kind in sorted(by_kind):
        ended = [p for p in reporting.period_choices(by_kind[kind], on) if p.end < on]
        if not ended:
            continue
        result = reporting.completeness(unit, ended[0], today=on)
        order = {reporting.State.MISSING: 0, reporting.State.LATE: 1}
        rows = sorted((r for r in result.rows if r.state in order), key=lambda r: (order[r.state], r.due,
                                                                                   r.unit.path))
        blocks.append(ReportsBlock(completeness=result, rows=rows))
    return ReportsSection(blocks=blocks)


# ---------------------------------------------------------------- (d), (e): other apps


def _recommendations(user, unit: Unit, on: dt.date) -> RecommendationsSection:
    try:
        from nghiquyet.oversight.selectors import recommendations_open
    except ImportError:
        return RecommendationsSection(available=False)
    rows = list(recommendations_open(user=user, unit=unit, on=on).select_related(
        "owner_unit", "owner_person", "inspection"))   # overdue first, then by due date
    return RecommendationsSection(available=True, rows=rows)


def _study(user, unit: Unit, on: dt.date) -> StudySection:
    try:
        from nghiquyet.study.selectors import study_gaps
    except ImportError:
        return StudySection(available=False)
    return StudySection(available=True, gaps=list(study_gaps(user=user, unit=unit, on=on)))


# ---------------------------------------------------------------- the briefing


def briefing_for(*, user, unit: Unit, start: dt.date, end: dt.date, today: dt.date | None = None) -> Briefing:
    """THE digest of ``unit``'s subtree for the window [start, end], read as of its end (or today, while the
    window runs). The caller has fetched ``unit`` through ``briefing_unit_get`` (in the user's scope)."""
    today = today or timezone.localdate()
    on = min(end, today)
    schedules = reporting.schedules_for_subtree(user, unit)
    return Briefing(
        unit=unit, start=start, end=end, on=on,
        tasks=_tasks(user, unit, on),
        targets=_targets(unit, schedules, on),
        reports=_reports(unit, schedules, on),
        recommendations=_recommendations(user, unit, on),
        study=_study(user, unit, on),
    )


def briefing_unit_get(user, pk) -> Unit:
    """A committee in the user's scope, else 404."""
    return unit_get_visible(user, pk)


def home_unit(user) -> Unit | None:
    """The user's own committee: the highest unit where the user holds a role (the briefing's default)."""
    grants = sorted(scope_of(user).grants, key=lambda g: (len(g.path), g.path))
    if grants:
        return Unit.objects.filter(pk=grants[0].unit_id).first()
    if scope_of(user).is_superuser:
        return Unit.objects.filter(parent__isnull=True, valid_to__isnull=True).order_by("path").first()
    return None


def committees_visible(user, *, limit: int = 300) -> list[Unit]:
    """Open committees (kinds of the BRIEFINGS setting) the user sees, for the unit chooser."""
    return list(units_visible(user).filter(kind__in=conf()["KINDS"], valid_to__isnull=True)
                .order_by("path").only("id", "name", "path", "kind")[:limit])
