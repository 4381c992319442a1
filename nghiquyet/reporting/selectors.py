"""Reads for progress reporting, always scoped by the acting user (accounts/scope.py decides what is visible).

Schedules are issued downward, so they read like resolutions (the user's subtree plus what ancestors issue).
Submissions, values and flags belong to the reporting unit: visible in that unit's subtree scope only, and to the
levels above. Completeness is computed from what is *expected* (schedules × units × periods), never from what
arrived.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nghiquyet.accounts.scope import issued_above_filter, scope_filter
from nghiquyet.core.fields import path_ids
from nghiquyet.core.ids import get_or_404
from nghiquyet.org.models import Unit
from nghiquyet.reporting import rules
from nghiquyet.reporting.models import (
    Period,
    QualityFlag,
    Schedule,
    Submission,
    SubmissionStatus,
    Value,
    ValueEvidence,
)
from nghiquyet.reporting.periods import NUMBERS, period_get, period_keys, previous_key
from nghiquyet.resolutions.models import Target

# ---------------------------------------------------------------- schedules


def schedules_readable(user) -> QuerySet[Schedule]:
    return issued_above_filter(Schedule.objects.select_related("unit", "document"), user)


def schedule_get(user, pk) -> Schedule:
    return get_or_404(schedules_readable(user), pk, _("Không tìm thấy lịch báo cáo."))


def schedules_expecting(unit: Unit) -> list[Schedule]:
    """Active schedules whose owner is this unit or above and whose reporting levels include its kind."""
    candidates = Schedule.objects.filter(unit_id__in=path_ids(unit.path), is_active=True).select_related(
        "unit", "document")
    return [s for s in candidates if unit.kind in (s.reporting_kinds or [])]


def schedules_for_subtree(user, unit: Unit, *, target: Target | None = None) -> list[Schedule]:
    """Active schedules (readable by ``user``) that expect reports from somewhere in ``unit``'s subtree: owned by
    the unit, an ancestor or a unit below, with a reporting level present in the subtree (a branch does not see
    the schedule its province set for the communes). One query, plus one per reporting level to look for."""
    query = schedules_readable(user).filter(
        Q(unit_id__in=path_ids(unit.path)) | Q(unit__path__under=unit.path), is_active=True)
    if target is not None:
        query = query.filter(targets=target)
    schedules = list(query)
    wanted = {kind for s in schedules for kind in (s.reporting_kinds or [])} - {unit.kind}
    present = {unit.kind} | {kind for kind in sorted(wanted)
                             if Unit.objects.filter(path__under=unit.path, kind=kind).exists()}
    return [s for s in schedules if present & set(s.reporting_kinds or [])]


def schedules_touching(unit: Unit, period: Period) -> list[Schedule]:
    """Schedules covering ``period`` that expect reports from somewhere in ``unit``'s subtree."""
    query = Schedule.objects.filter(
        Q(unit_id__in=path_ids(unit.path)) | Q(unit__path__under=unit.path),
        is_active=True, period_kind=period.kind, starts_on__lte=period.end, ends_on__gte=period.end,
    ).select_related("unit", "document")
    return list(query)


def period_choices(schedules: list[Schedule], today: dt.date | None = None) -> list[Period]:
    """Periods of these schedules that have started, newest first (rows created on demand)."""
    today = today or timezone.localdate()
    keys: set[tuple[str, int, int]] = set()
    for s in schedules:
        for year, number in period_keys(s.period_kind, s.starts_on, s.ends_on):
            keys.add((s.period_kind, year, number))
    existing = {(p.kind, p.year, p.number): p for p in Period.objects.filter(
        kind__in={k for k, _y, _n in keys}, year__in={y for _k, y, _n in keys})}
    periods = [existing.get(k) or period_get(*k) for k in keys]
    return sorted((p for p in periods if p.start <= today), key=lambda p: (p.end, p.start), reverse=True)


def period_from_key(key: str | None) -> Period | None:
    """``quarter-2025-3`` → the period (None when malformed)."""
    try:
        kind, year, number = (key or "").split("-")
        year_i, number_i = int(year), int(number)
    except ValueError:
        return None
    if kind not in NUMBERS or not 1 <= number_i <= NUMBERS[kind] or not 1900 <= year_i <= 2999:
        return None
    return period_get(kind, year_i, number_i)


def period_key(period: Period) -> str:
    return f"{period.kind}-{period.year}-{period.number}"


def default_period(periods: list[Period], today: dt.date | None = None) -> Period | None:
    """The latest period that has ended (the one people are reporting now), else the latest started."""
    today = today or timezone.localdate()
    ended = [p for p in periods if p.end < today]
    return ended[0] if ended else (periods[0] if periods else None)


# ---------------------------------------------------------------- submissions


def submissions_visible(user) -> QuerySet[Submission]:
    return scope_filter(Submission.objects.select_related("schedule", "unit", "period"), user)


def submission_get(user, pk) -> Submission:
    return get_or_404(submissions_visible(user), pk, _("Không tìm thấy báo cáo."))


def submission_find(*, schedule: Schedule, unit: Unit, period: Period) -> Submission | None:
    return Submission.objects.filter(schedule=schedule, unit=unit, period=period).first()


def submissions_to_review(user, unit: Unit) -> QuerySet[Submission]:
    """Submissions of the units directly or further below ``unit`` waiting for a decision."""
    return submissions_visible(user).filter(unit__path__under=unit.path, status=SubmissionStatus.SUBMITTED) \
        .exclude(unit=unit).order_by("period__end", "unit__path")


@dataclass
class EntryRow:
    target: Target
    value: Value | None
    previous: Value | None
    milestone: Decimal | None
    flags: list[QualityFlag] = field(default_factory=list)
    evidence: list[ValueEvidence] = field(default_factory=list)


def entry_rows(*, schedule: Schedule, unit: Unit, period: Period, submission: Submission | None) -> list[EntryRow]:
    """One row per target of the schedule: the current value, last period's value, the milestone, flags and
    evidence (seven queries whatever the number of targets)."""
    targets = list(schedule.targets.select_related("unit").order_by("document_id", "id"))
    values: dict[int, Value] = {}
    if submission is not None:
        values = {v.target_id: v for v in submission.values.prefetch_related(
            "flags", Prefetch("evidence", queryset=ValueEvidence.objects.order_by("id")))}
    year, number = previous_key(period.kind, period.year, period.number)
    previous = {v.target_id: v for v in Value.objects.filter(
        unit=unit, target__in=targets, period__kind=period.kind, period__year=year, period__number=number)}
    from nghiquyet.reporting.evaluation import plans_for

    milestones = {pk: plan.milestones.get(period.year) for pk, plan in plans_for(targets, unit, period.end).items()}
    return [
        EntryRow(target=t, value=values.get(t.pk), previous=previous.get(t.pk), milestone=milestones.get(t.pk),
                 flags=list(values[t.pk].flags.all()) if t.pk in values else [],
                 evidence=list(values[t.pk].evidence.all()) if t.pk in values else [])
        for t in targets
    ]


def flag_get(user, pk) -> QualityFlag:
    flags = scope_filter(QualityFlag.objects.select_related("value__submission__period", "value__unit"), user,
                         unit_field="value__unit")
    return get_or_404(flags, pk, _("Không tìm thấy cảnh báo."))


def evidence_get(user, pk) -> ValueEvidence:
    return get_or_404(scope_filter(ValueEvidence.objects.select_related("value", "value__submission"), user,
                                   unit_field="value__unit"), pk, _("Không tìm thấy tệp minh chứng."))


@dataclass
class ReportTodo:
    schedule: Schedule
    period: Period
    submission: Submission | None
    due: dt.date
    locks: dt.date

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else ""


def unit_report_todos(unit: Unit, *, today: dt.date | None = None) -> list[ReportTodo]:
    """Every (schedule, period) the unit is expected to report, started by today, newest first."""
    today = today or timezone.localdate()
    todos: list[ReportTodo] = []
    schedules = schedules_expecting(unit)
    submissions = {(s.schedule_id, s.period_id): s for s in Submission.objects.filter(
        unit=unit, schedule__in=schedules)}
    for schedule in schedules:
        for period in period_choices([schedule], today):
            if not rules.schedule_expects(schedule, unit, period):
                continue
            todos.append(ReportTodo(
                schedule=schedule, period=period, submission=submissions.get((schedule.pk, period.pk)),
                due=rules.due_on(schedule, unit.kind, period), locks=rules.locks_on(schedule, period)))
    return sorted(todos, key=lambda t: (t.period.end, t.schedule.pk), reverse=True)


# ---------------------------------------------------------------- completeness and timeliness


class State:
    ON_TIME = "on_time"
    LATE = "late"
    RETURNED = "returned"
    DRAFT = "draft"
    MISSING = "missing"
    NOT_DUE = "not_due"

    LABELS = {
        ON_TIME: gettext_lazy("Đúng hạn"),
        LATE: gettext_lazy("Muộn"),
        RETURNED: gettext_lazy("Bị trả lại"),
        DRAFT: gettext_lazy("Đang soạn"),
        MISSING: gettext_lazy("Chưa nộp (quá hạn)"),
        NOT_DUE: gettext_lazy("Chưa đến hạn"),
    }

    # The tallies of completeness, each a set of states (the counts and the page's filters use the same ones).
    SUBMITTED = (ON_TIME, LATE)
    PENDING = (NOT_DUE, DRAFT, RETURNED)


@dataclass
class CompletenessRow:
    unit: Unit
    schedule: Schedule
    submission: Submission | None
    due: dt.date
    state: str

    @property
    def state_label(self) -> str:
        return str(State.LABELS[self.state])


@dataclass
class Completeness:
    period: Period
    rows: list[CompletenessRow]

    def count(self, *states: str) -> int:
        return sum(1 for r in self.rows if r.state in states)

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def submitted(self) -> int:
        return self.count(*State.SUBMITTED)

    @property
    def on_time(self) -> int:
        return self.count(State.ON_TIME)

    @property
    def late(self) -> int:
        return self.count(State.LATE)

    @property
    def missing(self) -> int:
        return self.count(State.MISSING)

    @property
    def pending(self) -> int:
        return self.count(*State.PENDING)

    @property
    def percent_submitted(self) -> int | None:
        return round(100 * self.submitted / self.expected) if self.expected else None

    @property
    def percent_on_time(self) -> int | None:
        return round(100 * self.on_time / self.expected) if self.expected else None

    def by_state(self) -> Counter:
        return Counter(r.state for r in self.rows)


def row_state(submission: Submission | None, due: dt.date, today: dt.date) -> str:
    if submission is not None and submission.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED):
        return State.LATE if submission.is_late else State.ON_TIME
    if today <= due:
        if submission is not None and submission.status == SubmissionStatus.RETURNED:
            return State.RETURNED
        return State.DRAFT if submission is not None else State.NOT_DUE
    return State.MISSING


def completeness(unit: Unit, period: Period, *, today: dt.date | None = None) -> Completeness:
    """Expected, submitted, on time, late and missing reports in ``unit``'s subtree for ``period``.
    The caller has checked that the user sees ``unit`` (its subtree is then in scope). Two queries per schedule
    touching the subtree."""
    today = today or timezone.localdate()
    rows: list[CompletenessRow] = []
    for schedule in schedules_touching(unit, period):
        root = unit.path if unit.path.startswith(schedule.unit.path) else schedule.unit.path
        units = Unit.objects.filter(path__under=root, kind__in=schedule.reporting_kinds or [],
                                    valid_from__lte=period.end).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=period.start)).order_by("path")
        submissions = {s.unit_id: s for s in Submission.objects.filter(
            schedule=schedule, period=period, unit__path__under=root)}
        for u in units:
            due = rules.due_on(schedule, u.kind, period)
            sub = submissions.get(u.pk)
            rows.append(CompletenessRow(unit=u, schedule=schedule, submission=sub, due=due,
                                        state=row_state(sub, due, today)))
    return Completeness(period=period, rows=rows)
