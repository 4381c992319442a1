"""Recommendation figures against a brute-force count, over random owners, due dates, states and days."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nghiquyet.oversight import selectors
from nghiquyet.oversight.models import Inspection, Recommendation, RecommendationStatus

pytestmark = pytest.mark.django_db

START = dt.date(2026, 1, 5)
rows = st.lists(st.tuples(st.sampled_from(["commune", "branch", "commune2"]), st.integers(0, 500),
                          st.sampled_from(RecommendationStatus.values), st.integers(-30, 30)), max_size=12)


class Rollback(Exception):
    pass


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows, on_offset=st.integers(0, 500))
def test_recommendation_figures_match_a_brute_force_count(demo, rows, on_offset):
    on = START + dt.timedelta(days=on_offset)
    units = {"commune": demo.commune, "branch": demo.branch, "commune2": demo.commune2}
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(unit=demo.province, kind="inspection", title="T",
                                                   subject_unit=demo.commune, starts_on=START)
            made = []
            for owner, due, status, done_shift in rows:
                due_on = START + dt.timedelta(days=due)
                done_on = due_on + dt.timedelta(days=done_shift) if status != RecommendationStatus.OPEN else None
                made.append(Recommendation.objects.create(
                    inspection=inspection, text="x", owner_unit=units[owner], due_on=due_on, status=status,
                    done_on=done_on, closed_on=done_on if status == RecommendationStatus.CLOSED else None))
            before = Recommendation.objects.exclude(inspection=inspection)
            base = selectors.figures(user=demo.tinh, unit=demo.commune, year=2026, on=on)
            # the demo's own recommendations of Đông Sơn, counted the same way
            own = [r for r in before.select_related("owner_unit", "inspection__unit")
                   if r.owner_unit.path.startswith(demo.commune.path)
                   or r.inspection.unit.path.startswith(demo.commune.path)]
            mine = [r for r in made if r.owner_unit.path.startswith(demo.commune.path)]
            everything = own + mine
            assert base.recommendations == len(everything)
            assert base.open == sum(r.status != RecommendationStatus.CLOSED for r in everything)
            assert base.overdue == sum(r.status == RecommendationStatus.OPEN and r.due_on < on for r in everything)
            assert base.done_waiting == sum(r.status == RecommendationStatus.DONE for r in everything)
            assert base.closed == sum(r.status == RecommendationStatus.CLOSED for r in everything)
            assert base.closed_on_time == sum(r.status == RecommendationStatus.CLOSED and r.done_on <= r.due_on
                                              for r in everything)
            listed = list(selectors.recommendations_open(user=demo.xa, unit=demo.commune, on=on))
            assert len(listed) == base.open
            flags = [r.overdue for r in listed]
            assert flags == sorted(flags, reverse=True) and sum(flags) == base.overdue
            raise Rollback
    except Rollback:
        pass


def test_demo_seed_is_idempotent(demo):
    from nghiquyet.demo.oversight import seed_oversight

    counts = (Inspection.objects.count(), Recommendation.objects.count())
    summary = seed_oversight(demo.province, StringIO().write)
    assert summary.created is False and (Inspection.objects.count(), Recommendation.objects.count()) == counts
    assert (summary.programs, summary.planned, summary.inspections, summary.recommendations, summary.overdue,
            summary.closed) == (1, 4, 2, 4, 1, 1)
    assert "1 chương trình (4 nội dung), 2 cuộc" in summary.line()
