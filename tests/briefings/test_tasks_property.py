"""The overdue / at-risk rule of the briefing against a brute-force reading of it, on random tasks and days."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nghiquyet.briefings.selectors import briefing_for
from nghiquyet.programs.models import ActionProgram, Task, TaskStatus

pytestmark = pytest.mark.django_db

DAY0 = dt.date(2026, 11, 1)

task_st = st.fixed_dictionaries({
    "due": st.one_of(st.none(), st.integers(min_value=-40, max_value=40)),
    "status": st.sampled_from(list(TaskStatus.values)),
    "percent": st.integers(min_value=0, max_value=100),
    "completed": st.one_of(st.none(), st.integers(min_value=-40, max_value=40)),
})


def brute_force(spec: dict, on: dt.date, days: int, percent: int) -> str | None:
    if spec["due"] is None or spec["status"] == TaskStatus.CANCELLED:
        return None
    if spec["status"] == TaskStatus.DONE:
        completed = DAY0 + dt.timedelta(days=spec["completed"]) if spec["completed"] is not None else None
        if completed is None or completed <= on:
            return None                                     # done by then
    due = DAY0 + dt.timedelta(days=spec["due"])
    if due < on:
        return "overdue"
    if due <= on + dt.timedelta(days=days) and spec["percent"] < percent:
        return "at_risk"
    return None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(specs=st.lists(task_st, min_size=1, max_size=12), offset=st.integers(min_value=-10, max_value=30),
       days=st.integers(min_value=1, max_value=30), percent=st.integers(min_value=1, max_value=100))
def test_overdue_and_at_risk_match_the_rule(world, django_settings_override, specs, offset, days, percent):
    django_settings_override(days, percent)
    program = ActionProgram.objects.filter(unit=world.branch_b).first() or ActionProgram.objects.create(
        unit=world.branch_b, resolution=ActionProgram.objects.filter(unit=world.commune).first().resolution,
        title="Chương trình thử", issued_on=dt.date(2025, 10, 1))
    Task.objects.filter(program=program).delete()
    made = {}
    for i, spec in enumerate(specs):
        task = Task.objects.create(
            program=program, unit=program.unit, title=f"Việc {i}", status=spec["status"], percent=spec["percent"],
            due_date=DAY0 + dt.timedelta(days=spec["due"]) if spec["due"] is not None else None,
            completed_on=DAY0 + dt.timedelta(days=spec["completed"]) if spec["completed"] is not None else None)
        made[task.pk] = spec
    on = DAY0 + dt.timedelta(days=offset)
    digest = briefing_for(user=world.demo.tinh, unit=world.branch_b, start=on - dt.timedelta(days=6), end=on,
                          today=dt.date(2030, 1, 1))
    got = {line.task.pk: ("overdue" if line.overdue else "at_risk") for line in digest.tasks.lines}
    expected = {pk: state for pk, spec in made.items() if (state := brute_force(spec, on, days, percent))}
    assert got == expected


@pytest.fixture
def django_settings_override(settings):
    def override(days: int, percent: int) -> None:
        settings.NGHIQUYET = {**settings.NGHIQUYET, "BRIEFINGS": {
            **settings.NGHIQUYET["BRIEFINGS"], "AT_RISK_DAYS": days, "AT_RISK_PERCENT": percent}}
    return override
