"""Figures and scope on the demo province, and the reminder source."""

from __future__ import annotations

import datetime as dt

import pytest

from nghiquyet.notifications.reminders import ReminderKind
from nghiquyet.oversight import selectors
from nghiquyet.oversight.models import Inspection, InspectionProgram, Recommendation, RecommendationStatus
from nghiquyet.oversight.reminders import reminders_due
from tests.oversight.conftest import TODAY
from tests.oversight.helpers import inspection_of, recommendation_of

pytestmark = pytest.mark.django_db


def dong_son_inspection(demo) -> Inspection:
    return Inspection.objects.get(unit=demo.province, subject_unit=demo.commune)


def test_demo_figures_for_the_province(demo):
    f = selectors.figures(user=demo.tinh, unit=demo.province, year=2026, on=TODAY)
    assert (f.planned, f.planned_done, f.planned_started) == (4, 2, 0)
    assert (f.inspections, f.supervisions, f.concluded, f.unplanned) == (2, 1, 2, 0)
    assert (f.recommendations, f.open, f.overdue, f.done_waiting, f.closed, f.closed_on_time) == (4, 3, 1, 0, 1, 1)
    assert f.planned_percent == 50 and f.on_time_percent == 100


def test_demo_figures_for_dong_son_count_what_it_owns(demo):
    f = selectors.figures(user=demo.xa, unit=demo.commune, year=2026, on=TODAY)
    assert (f.planned, f.inspections) == (0, 0)
    assert (f.recommendations, f.open, f.overdue, f.closed) == (3, 2, 1, 1)
    # a year later the December one is overdue too
    later = selectors.figures(user=demo.xa, unit=demo.commune, year=2026, on=dt.date(2027, 1, 5))
    assert later.overdue == 2


def test_figures_against_a_brute_force_count(demo):
    """Add inspections of our own in Đông Sơn; the figures equal a count over loaded objects."""
    program = InspectionProgram.objects.create(unit=demo.commune, year=2026, title="CT 2026",
                                               issued_on=dt.date(2026, 1, 5))
    items = [program.items.create(number=str(i), kind="inspection", subject="Chi bộ", content="x") for i in range(3)]
    a = inspection_of(demo.xa, demo.commune, demo.branch, planned=items[0])
    inspection_of(demo.xa, demo.commune, demo.branch, planned=items[1])
    a.concluded_on, a.conclusion = dt.date(2026, 4, 1), "KL"
    a.save()
    recommendation_of(demo.xa, a, demo.branch, due_on=dt.date(2026, 5, 1))
    recommendation_of(demo.xa, a, demo.commune, due_on=dt.date(2027, 5, 1))
    f = selectors.figures(user=demo.xa, unit=demo.commune, year=2026, on=TODAY)
    assert (f.planned, f.planned_done, f.planned_started) == (3, 1, 1)
    assert (f.inspections, f.concluded, f.unplanned) == (2, 1, 0)
    recs = [r for r in Recommendation.objects.select_related("owner_unit", "inspection__unit")
            if r.owner_unit.path.startswith(demo.commune.path) or r.inspection.unit.path.startswith(demo.commune.path)]
    assert f.recommendations == len(recs)
    assert f.open == sum(r.status != RecommendationStatus.CLOSED for r in recs)
    assert f.overdue == sum(r.status == RecommendationStatus.OPEN and r.due_on < TODAY for r in recs)


def test_scope_of_inspections(demo):
    dong_son = dong_son_inspection(demo)
    an_lac = Inspection.objects.get(unit=demo.province, subject_unit=demo.commune2)
    assert set(selectors.inspections_visible(demo.tinh)) >= {dong_son, an_lac}
    assert set(selectors.inspections_visible(demo.xa)) == {dong_son}          # the inspected see it
    assert set(selectors.inspections_visible(demo.xa2)) == {an_lac}           # never Đông Sơn's
    assert set(selectors.inspections_visible(demo.chibo)) == {dong_son}       # owns a recommendation of it
    assert not selectors.recommendations_visible(demo.xa2).filter(inspection=dong_son).exists()
    own = inspection_of(demo.xa, demo.commune, demo.branch)
    assert own in selectors.inspections_visible(demo.xa) and own not in selectors.inspections_visible(demo.xa2)


def test_recommendations_open_interface(demo, django_assert_num_queries):
    with django_assert_num_queries(4):   # the user's roles, Đông Sơn's merged predecessors (two steps), the list
        rows = list(selectors.recommendations_open(user=demo.xa, unit=demo.commune, on=TODAY))
    assert [r.overdue for r in rows] == [True, False]
    first = rows[0]
    with django_assert_num_queries(0):
        assert first.inspection.title and first.inspection.unit == demo.province
        assert first.owner_unit == demo.commune and first.owner_person is None and first.text
    assert first.due_on == dt.date(2026, 9, 30)
    assert not list(selectors.recommendations_open(user=demo.xa2, unit=demo.commune, on=TODAY))
    province = list(selectors.recommendations_open(user=demo.tinh, unit=demo.province, on=TODAY))
    assert len(province) == 3 and [r.overdue for r in province] == [True, False, False]


def test_recommendation_lists_by_state(demo):
    def count(state):
        return selectors.recommendations_list(demo.tinh, unit=demo.province, on=TODAY, state=state).count()

    assert (count(""), count("open"), count("overdue"), count("done"), count("closed")) == (4, 3, 1, 0, 1)


def test_reminders_for_recommendations_due(demo):
    reminders = [r for r in reminders_due(dt.date(2026, 10, 9)) if r.kind == ReminderKind.RECOMMENDATION_DUE]
    overdue = [r for r in reminders if r.due_on == dt.date(2026, 9, 30)]
    # no owner person: the users with a reporting role at the owner unit itself (demo-xa at Đông Sơn)
    assert [r.user_id for r in overdue] == [demo.xa.pk]
    assert overdue[0].key.endswith(":2026-09-30:after-7") and "quá hạn 9 ngày" in overdue[0].subject
    assert overdue[0].url.endswith(f"#kien-nghi-{overdue[0].key.split(':')[1]}")
    assert all(r.due_on <= dt.date(2026, 10, 9) for r in reminders)   # the December and 2027 ones are not due yet
    # on 25/11 its last occasion (07/10) is more than CATCH_UP_DAYS behind: no "quá hạn 56 ngày" reminder
    assert not [r for r in reminders_due(TODAY) if r.due_on == dt.date(2026, 9, 30)]
    # three days before the branch's one: its secretary (demo-chibo)
    soon = [r for r in reminders_due(dt.date(2026, 12, 12)) if r.due_on == dt.date(2026, 12, 15)]
    assert [(r.user_id, r.key.rsplit(":", 1)[1]) for r in soon] == [(demo.chibo.pk, "before-3")]


def test_reminder_goes_to_the_owner_persons_account(demo):
    inspection = inspection_of(demo.xa, demo.commune, demo.branch)
    recommendation = recommendation_of(demo.xa, inspection, demo.commune, owner_person=demo.xa.person,
                                       due_on=dt.date(2026, 11, 25))
    mine = [r for r in reminders_due(TODAY) if r.key.startswith(f"recommendation:{recommendation.pk}:")]
    assert [(r.user_id, r.key.rsplit(":", 1)[1]) for r in mine] == [(demo.xa.pk, "before-0")]
    Recommendation.objects.filter(pk=recommendation.pk).update(status=RecommendationStatus.DONE)
    assert not [r for r in reminders_due(TODAY) if r.key.startswith(f"recommendation:{recommendation.pk}:")]


def test_people_offered_are_those_the_user_sees_within_the_conducting_unit(demo):
    """Team, subject and owner choices: no official of an ancestor (not readable below), nobody outside the user's
    scope."""
    from nghiquyet.accounts.models import Person

    def units_of(people) -> set[int]:
        return set(people.values_list("unit_id", flat=True))

    province_people = list(Person.objects.filter(unit=demo.province).values_list("pk", flat=True))
    assert province_people
    team = selectors.team_people(demo.xa, demo.commune)
    assert demo.commune.pk in units_of(team) and demo.branch.pk in units_of(team)
    assert not set(team.values_list("pk", flat=True)) & set(province_people)
    assert all(p.unit.path.startswith(demo.commune.path) for p in team)
    subtree = selectors.subtree_people(demo.xa, demo.commune)
    assert {demo.commune.pk, demo.branch.pk} <= units_of(subtree)
    assert all(p.unit.path.startswith(demo.commune.path) for p in subtree)
    # someone already named stays offered (a correction keeps the team it has)
    kept = selectors.team_people(demo.xa, demo.commune, keep=[province_people[0], None])
    assert province_people[0] in set(kept.values_list("pk", flat=True))
    # a branch secretary sees the branch only: the commune's officials are not offered to them
    assert units_of(selectors.subtree_people(demo.chibo, demo.commune)) == {demo.branch.pk}
    assert units_of(selectors.team_people(demo.chibo, demo.commune)) <= {demo.branch.pk}
    assert not selectors.subtree_people(demo.xa2, demo.commune).exists()
