"""Alignment links only point up (ancestors, or thematic resolutions from the centre); coverage shows the gaps;
copying targets down keeps the links and never duplicates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nghiquyet.audit.models import AuditAction
from nghiquyet.org.models import UnitKind
from nghiquyet.org.services import unit_create
from nghiquyet.programs.services import program_create, task_create
from nghiquyet.resolutions.models import Alignment, ItemKind, Target
from nghiquyet.resolutions.selectors import coverage, coverage_subordinates
from nghiquyet.resolutions.services import (
    alignment_create,
    alignment_delete,
    document_create,
    item_create,
    target_update,
    targets_copy_down,
)
from tests.resolutions.helpers import ISSUED, D, events_for, people, resolution, target

pytestmark = pytest.mark.django_db


def row_for(rows, target):
    return next(r for r in rows if r.target.pk == target.pk)


def a_task(unit, program_doc, *, user=None):
    program = program_create(actor=None, unit=unit, resolution=program_doc, title="Chương trình hành động",
                             issued_on=dt.date(2025, 11, 1))
    directing, responsible, advisor = people(unit)
    return task_create(actor=None, program=program, title="Nâng thu nhập", directing=directing,
                       responsible=responsible, advisor=advisor, start_date=dt.date(2026, 1, 1),
                       due_date=dt.date(2026, 12, 31), deliverable="Báo cáo", authority="Ban Thường vụ")


class TestAlignment:
    def test_up_to_an_ancestor(self, plans, demo):
        mine = target(plans.commune_doc, number="1")
        link = alignment_create(actor=demo.xa, source=mine, destination=plans.income)
        assert (link.from_target, link.to_target, link.from_unit) == (mine, plans.income, demo.commune)
        assert link.created_by == demo.xa
        assert events_for(link)[0].action == AuditAction.CREATE
        again = alignment_create(actor=demo.xa, source=mine, destination=plans.income)
        assert again.pk == link.pk and len(events_for(link)) == 1

    def test_from_a_branch_two_levels_up(self, plans, demo):
        branch_doc = resolution(demo.branch, issuer="CB")
        mine = target(branch_doc, number="1")
        alignment_create(actor=demo.chibo, source=mine, destination=plans.income)
        item = item_create(actor=None, document=plans.commune_doc, kind=ItemKind.BREAKTHROUGH, number="1",
                           title="Chuyển đổi số")
        alignment_create(actor=demo.chibo, source=mine, destination=item)

    @pytest.mark.parametrize("case", ["down", "across", "same unit"])
    def test_never_down_or_across(self, plans, demo, case):
        commune_target = target(plans.commune_doc, number="1")
        commune2_target = target(plans.commune2_doc, number="1")
        source, destination, actor = {
            "down": (plans.income, commune_target, demo.tinh),
            "across": (commune_target, commune2_target, demo.xa),
            "same unit": (commune_target, target(plans.commune_doc, number="2"), demo.xa),
        }[case]
        before = Alignment.objects.count()
        with pytest.raises(ValidationError) as info:
            alignment_create(actor=actor, source=source, destination=destination)
        assert "cấp trên" in info.value.message_dict["destination"][0]
        assert Alignment.objects.count() == before

    def test_only_who_may_change_the_source(self, plans, demo):
        mine = target(plans.commune_doc, number="1")
        for user in (demo.xa2, demo.chibo):
            with pytest.raises(PermissionDenied):
                alignment_create(actor=user, source=mine, destination=plans.income)
        alignment_create(actor=demo.tinh, source=mine, destination=plans.income)  # from above: allowed

    def test_a_task_can_link_up(self, plans, demo):
        task = a_task(demo.commune, plans.commune_doc)
        link = alignment_create(actor=demo.xa, source=task, destination=plans.income)
        assert link.from_task == task and link.from_unit == demo.commune

    def test_wrong_types(self, plans, demo):
        with pytest.raises(TypeError):
            alignment_create(actor=demo.xa, source=plans.commune_doc, destination=plans.income)
        with pytest.raises(TypeError):
            alignment_create(actor=demo.xa, source=target(plans.commune_doc), destination=plans.province_doc)

    def test_delete(self, plans, demo):
        link = alignment_create(actor=demo.xa, source=target(plans.commune_doc), destination=plans.income)
        with pytest.raises(PermissionDenied):
            alignment_delete(actor=demo.xa2, alignment=link)
        alignment_delete(actor=demo.xa, alignment=link)
        assert not Alignment.objects.filter(pk=link.pk).exists()
        assert events_for(link)[-1].action == AuditAction.DELETE

    def test_thematic_resolution_from_the_centre(self, plans, demo):
        centre = unit_create(actor=None, parent=None, kind=UnitKind.CENTRAL, code="TEST.TW",
                             name="Ban Chấp hành Trung ương (thử)", valid_from=dt.date(1930, 2, 3))
        elsewhere = unit_create(actor=None, parent=None, kind=UnitKind.PROVINCE, code="TEST.OTHER",
                                name="Đảng bộ tỉnh khác (thử)", valid_from=dt.date(1997, 1, 1))
        thematic = document_create(actor=None, unit=centre, symbol="958-NQ/TW", issued_on=ISSUED,
                                   title="Nghị quyết chuyên đề")
        other = document_create(actor=None, unit=elsewhere, symbol="958-NQ/TU", issued_on=ISSUED, title="Khác")
        thematic_target = target(thematic, number="1", baseline_year=None, baseline_value=None)
        other_target = target(other, number="1", baseline_year=None, baseline_value=None)
        mine = target(plans.commune_doc, number="1")
        alignment_create(actor=demo.xa, source=mine, destination=thematic_target)
        with pytest.raises(ValidationError):
            alignment_create(actor=demo.xa, source=mine, destination=other_target)
        document_create(actor=demo.tinh, unit=demo.province, symbol="959-KH/TU", issued_on=ISSUED,
                        title="Kế hoạch thực hiện", implements=[thematic])
        with pytest.raises(ValidationError):
            document_create(actor=demo.tinh, unit=demo.province, symbol="960-KH/TU", issued_on=ISSUED,
                            title="Kế hoạch", implements=[other])


class TestCoverage:
    def test_uncovered_shows_up_and_covering_removes_it(self, plans, demo):
        subordinates = coverage_subordinates(demo.tinh, demo.province)
        assert demo.commune in subordinates and demo.commune2 in subordinates
        assert all(u.kind in UnitKind.party_kinds() for u in subordinates)

        _, rows = coverage(demo.tinh, demo.province, document=plans.province_doc)
        assert {r.target.pk for r in rows} == {plans.income.pk, plans.poverty.pk}
        for row in rows:
            assert demo.commune in row.uncovered and demo.commune2 in row.uncovered
            assert not row.covered

        # the commune covers the income target with a target of its own
        alignment_create(actor=demo.xa, source=target(plans.commune_doc), destination=plans.income)
        # the second commune covers it with a task
        alignment_create(actor=demo.xa2, source=a_task(demo.commune2, plans.commune2_doc), destination=plans.income)
        _, rows = coverage(demo.tinh, demo.province, document=plans.province_doc)
        income, poverty = row_for(rows, plans.income), row_for(rows, plans.poverty)
        assert demo.commune in income.covered and demo.commune2 in income.covered
        assert demo.commune not in income.uncovered and demo.commune2 not in income.uncovered
        assert demo.commune in poverty.uncovered and demo.commune2 in poverty.uncovered
        assert 0 < income.ratio <= 1

    def test_a_branch_link_covers_its_commune(self, plans, demo):
        branch_target = target(resolution(demo.branch, issuer="CB"), number="1")
        alignment_create(actor=demo.chibo, source=branch_target, destination=plans.poverty)
        _, rows = coverage(demo.tinh, demo.province, document=plans.province_doc)
        assert demo.commune in row_for(rows, plans.poverty).covered

    def test_removing_the_link_uncovers(self, plans, demo):
        link = alignment_create(actor=demo.xa, source=target(plans.commune_doc), destination=plans.income)
        alignment_delete(actor=demo.xa, alignment=link)
        _, rows = coverage(demo.tinh, demo.province, document=plans.province_doc)
        assert demo.commune in row_for(rows, plans.income).uncovered

    def test_commune_sees_its_branches(self, plans, demo):
        mine = target(plans.commune_doc, number="1")
        _, rows = coverage(demo.xa, demo.commune, document=plans.commune_doc)
        assert demo.branch in row_for(rows, mine).uncovered
        alignment_create(actor=demo.chibo, source=target(resolution(demo.branch, issuer="CB")), destination=mine)
        _, rows = coverage(demo.xa, demo.commune, document=plans.commune_doc)
        assert demo.branch in row_for(rows, mine).covered


class TestCopyDown:
    def test_copies_keep_links_and_can_be_adjusted(self, plans, demo):
        copies = targets_copy_down(actor=demo.xa, document=plans.commune_doc, sources=[plans.income, plans.poverty])
        assert [c.copied_from for c in copies] == [plans.income, plans.poverty]
        for copy, source in zip(copies, [plans.income, plans.poverty], strict=True):
            assert (copy.unit, copy.document) == (demo.commune, plans.commune_doc)
            assert (copy.number, copy.name, copy.target_value, copy.direction, copy.aggregation) == (
                source.number, source.name, source.target_value, source.direction, source.aggregation)
            assert Alignment.objects.filter(from_target=copy, to_target=source).count() == 1
            assert events_for(copy)[0].changes["copied_from"][1]["id"] == source.pk
        assert {m.year: m.value for m in copies[0].milestones.all()} == {2026: D("70"), 2028: D("85"),
                                                                          2030: D("100")}
        adjusted = target_update(actor=demo.xa, target=copies[0], target_value=D("90"),
                                 milestones={2026: D("65"), 2030: D("90")})
        assert adjusted.target_value == D("90") and adjusted.copied_from == plans.income
        assert Alignment.objects.filter(from_target=adjusted, to_target=plans.income).exists()
        plans.income.refresh_from_db()
        assert plans.income.target_value == D("100")  # the source is untouched
        _, rows = coverage(demo.tinh, demo.province, document=plans.province_doc)
        assert demo.commune in row_for(rows, plans.income).covered

    def test_copying_twice_does_not_duplicate(self, plans, demo):
        targets_copy_down(actor=demo.xa, document=plans.commune_doc, sources=[plans.income])
        count = (Target.objects.count(), Alignment.objects.count())
        again = targets_copy_down(actor=demo.xa, document=plans.commune_doc,
                                  sources=[plans.income, plans.income])
        assert again == []
        assert (Target.objects.count(), Alignment.objects.count()) == count
        more = targets_copy_down(actor=demo.xa, document=plans.commune_doc, sources=[plans.income, plans.poverty])
        assert [c.copied_from for c in more] == [plans.poverty]

    def test_only_from_above(self, plans, demo):
        sibling = target(plans.commune2_doc, number="5")
        with pytest.raises(ValidationError) as info:
            targets_copy_down(actor=demo.xa, document=plans.commune_doc, sources=[plans.income, sibling])
        assert "5" in info.value.message_dict["sources"][0]
        own = target(plans.commune_doc, number="6")
        other_doc = resolution(demo.commune)
        with pytest.raises(ValidationError):
            targets_copy_down(actor=demo.xa, document=other_doc, sources=[own])
        assert not plans.commune_doc.targets.filter(copied_from__isnull=False).exists()

    def test_number_clash_saves_nothing(self, plans, demo):
        target(plans.commune_doc, number=plans.poverty.number)
        before = (Target.objects.count(), Alignment.objects.count())
        with pytest.raises(ValidationError) as info:
            targets_copy_down(actor=demo.xa, document=plans.commune_doc, sources=[plans.income, plans.poverty])
        assert plans.poverty.number in info.value.message_dict["sources"][0]
        assert (Target.objects.count(), Alignment.objects.count()) == before

    def test_permissions(self, plans, demo):
        for user in (demo.xa2, demo.chibo):
            with pytest.raises(PermissionDenied):
                targets_copy_down(actor=user, document=plans.commune_doc, sources=[plans.income])
        assert not plans.commune_doc.targets.exists()
