"""Completeness and timeliness come from what is expected (schedules × units × periods), not from what arrived:
property test against a brute-force count over every unit, and the closed-units rule."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.reporting.models import PeriodKind, Schedule, Submission, SubmissionStatus
from nghiquyet.reporting.periods import period_get
from nghiquyet.reporting.selectors import State, completeness
from nghiquyet.resolutions.models import Document

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)
KINDS = [UnitKind.COMMUNE, UnitKind.BRANCH, UnitKind.DISTRICT]
STATUSES = [None, SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED,
            SubmissionStatus.RETURNED]


def brute_force(view_unit: Unit, schedules: list[Schedule], period, today: dt.date) -> dict[str, int]:
    counts = {"expected": 0, "on_time": 0, "late": 0, "missing": 0, "pending": 0}
    units = list(Unit.objects.all())
    for schedule in schedules:
        if not (schedule.is_active and schedule.period_kind == period.kind
                and schedule.starts_on <= period.end <= schedule.ends_on):
            continue
        for unit in units:
            inside_view = unit.path.startswith(view_unit.path)
            inside_schedule = unit.path.startswith(schedule.unit.path)
            valid = unit.valid_from <= period.end and (unit.valid_to is None or unit.valid_to > period.start)
            if not (inside_view and inside_schedule and valid and unit.kind in schedule.reporting_kinds):
                continue
            counts["expected"] += 1
            sub = Submission.objects.filter(schedule=schedule, unit=unit, period=period).first()
            due = period.end + dt.timedelta(days=schedule.due_days_by_kind.get(unit.kind, schedule.due_days))
            if sub and sub.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED):
                counts["late" if sub.is_late else "on_time"] += 1
            elif today > due:
                counts["missing"] += 1
            else:
                counts["pending"] += 1
    return counts


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=3, unique=True),
    due_days=st.integers(min_value=0, max_value=90),
    branch_days=st.one_of(st.none(), st.integers(min_value=0, max_value=90)),
    quarter=st.integers(min_value=1, max_value=4),
    statuses=st.lists(st.sampled_from(STATUSES), min_size=40, max_size=40),
    lates=st.lists(st.booleans(), min_size=40, max_size=40),
    view=st.sampled_from(["province", "commune", "commune2", "branch"]),
)
def test_completeness_matches_brute_force(demo, kinds, due_days, branch_days, quarter, statuses, lates, view):
    resolution = Document.objects.get(unit=demo.province, is_congress_resolution=True)
    schedule = Schedule.objects.create(
        unit=demo.province, document=resolution, name="p", period_kind=PeriodKind.QUARTER, reporting_kinds=kinds,
        starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2030, 12, 31), due_days=due_days,
        due_days_by_kind={UnitKind.BRANCH: branch_days} if branch_days is not None else {})
    period = period_get(PeriodKind.QUARTER, 2025, quarter)  # 2025: spans the merger of 1 July
    reporters = list(Unit.objects.filter(path__under=demo.province.path, kind__in=kinds).order_by("path"))
    step = max(1, len(reporters) // 40)
    for i, unit in enumerate(reporters[::step][:40]):
        if statuses[i] is not None:
            Submission.objects.create(schedule=schedule, unit=unit, period=period, status=statuses[i],
                                      is_late=lates[i])
    view_unit = getattr(demo, view)
    result = completeness(view_unit, period, today=TODAY)
    mine = [r for r in result.rows if r.schedule == schedule]
    expected = brute_force(view_unit, [schedule], period, TODAY)
    assert len(mine) == expected["expected"]
    assert sum(r.state == State.ON_TIME for r in mine) == expected["on_time"]
    assert sum(r.state == State.LATE for r in mine) == expected["late"]
    assert sum(r.state == State.MISSING for r in mine) == expected["missing"]
    assert sum(r.state in (State.NOT_DUE, State.DRAFT, State.RETURNED) for r in mine) == expected["pending"]
    Submission.objects.filter(schedule=schedule).delete()
    schedule.delete()


def test_closed_commune_expected_only_while_it_existed(demo):
    """The three former communes merged into Đông Sơn on 1 July 2025: expected for Q2/2025, not for Q3/2025;
    Đông Sơn (founded by the merger) is expected from Q3/2025."""
    resolution = Document.objects.get(unit=demo.province, is_congress_resolution=True)
    schedule = Schedule.objects.create(
        unit=demo.province, document=resolution, name="p", period_kind=PeriodKind.QUARTER,
        reporting_kinds=[UnitKind.COMMUNE], starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2030, 12, 31))
    former = list(Unit.objects.filter(successor_links__successor=demo.commune))
    assert len(former) == 3
    q2 = [r.unit for r in completeness(demo.province, period_get(PeriodKind.QUARTER, 2025, 2), today=TODAY).rows
          if r.schedule == schedule]
    q3 = [r.unit for r in completeness(demo.province, period_get(PeriodKind.QUARTER, 2025, 3), today=TODAY).rows
          if r.schedule == schedule]
    assert all(u in q2 for u in former) and demo.commune not in q2
    assert not any(u in q3 for u in former) and demo.commune in q3


def test_completeness_summary_numbers(demo):
    resolution = Document.objects.get(unit=demo.province, is_congress_resolution=True)
    schedule = Schedule.objects.create(
        unit=demo.province, document=resolution, name="p", period_kind=PeriodKind.QUARTER,
        reporting_kinds=[UnitKind.COMMUNE], starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2030, 12, 31),
        due_days=10)
    period = period_get(PeriodKind.QUARTER, 2026, 3)
    Submission.objects.create(schedule=schedule, unit=demo.commune, period=period,
                              status=SubmissionStatus.ACCEPTED, is_late=False)
    Submission.objects.create(schedule=schedule, unit=demo.commune2, period=period,
                              status=SubmissionStatus.SUBMITTED, is_late=True)
    result = completeness(demo.province, period, today=TODAY)
    rows = [r for r in result.rows if r.schedule == schedule]
    by_unit = {r.unit: r.state for r in rows}
    assert by_unit[demo.commune] == State.ON_TIME and by_unit[demo.commune2] == State.LATE
    assert sum(1 for s in by_unit.values() if s == State.MISSING) == len(rows) - 2
