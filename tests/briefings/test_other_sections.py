"""Sections (d) and (e): open recommendations of inspections (oversight.selectors.recommendations_open) and study
gaps (study.selectors.study_gaps), on the hand-built committee; and what the page says when an app is missing."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from django.urls import reverse

from nghiquyet.briefings.selectors import WindowKind, briefing_for, window_of
from nghiquyet.members.models import Member
from nghiquyet.oversight.models import Inspection, InspectionKind, Recommendation, RecommendationStatus
from nghiquyet.resolutions.models import Document
from nghiquyet.study.models import Audience, StudyPlan
from tests.briefings.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def oversight_and_study(world):
    inspection = Inspection.objects.create(
        unit=world.commune, kind=InspectionKind.INSPECTION, title="Kiểm tra thực hiện Chương trình hành động số 01",
        subject_unit=world.branch_a, starts_on=dt.date(2026, 9, 1))
    overdue = Recommendation.objects.create(
        inspection=inspection, text="Bổ sung sổ theo dõi đảng viên của chi bộ", owner_unit=world.branch_a,
        owner_person=world.member2, due_on=TODAY - dt.timedelta(days=5))
    open_ = Recommendation.objects.create(inspection=inspection, text="Hoàn thiện quy chế làm việc",
                                          owner_unit=world.branch_b, due_on=TODAY + dt.timedelta(days=10))
    Recommendation.objects.create(inspection=inspection, text="Đã kết thúc", owner_unit=world.branch_b,
                                  due_on=TODAY - dt.timedelta(days=40), status=RecommendationStatus.CLOSED,
                                  closed_on=TODAY - dt.timedelta(days=20))
    elsewhere = Inspection.objects.create(unit=world.demo.commune2, kind=InspectionKind.SUPERVISION,
                                          title="Giám sát xã khác", subject_unit=world.demo.commune2,
                                          starts_on=dt.date(2026, 9, 1))
    Recommendation.objects.create(inspection=elsewhere, text="Không thuộc xã này", owner_unit=world.demo.commune2,
                                  due_on=TODAY - dt.timedelta(days=5))
    resolution = Document.objects.get(unit=world.demo.province, is_congress_resolution=True)
    plan = StudyPlan.objects.create(unit=world.commune, resolution=resolution, title="Kế hoạch quán triệt Nghị quyết",
                                    starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 10, 31),
                                    deadline=dt.date(2026, 11, 15), audience=Audience.UNIT)
    for i, unit in enumerate([world.branch_a] * 3 + [world.branch_b] * 2):
        Member.objects.create(unit=unit, full_name=f"Đảng viên {i}", joined_unit_on=dt.date(2025, 7, 1))
    return {"overdue": overdue, "open": open_, "plan": plan}


def _digest(world):
    window = window_of(WindowKind.WEEK, TODAY)
    return briefing_for(user=world.demo.tinh, unit=world.commune, start=window.start, end=window.end, today=TODAY)


def test_open_recommendations_overdue_first(world, oversight_and_study):
    b = _digest(world)
    assert b.recommendations.available
    assert [r.pk for r in b.recommendations.rows] == [oversight_and_study["overdue"].pk,
                                                      oversight_and_study["open"].pk]
    assert (b.recommendations.open, b.recommendations.overdue) == (2, 1)
    assert b.recommendations.rows[0].inspection.title.startswith("Kiểm tra thực hiện")


def test_study_gaps_of_the_committee_and_its_branches(world, oversight_and_study):
    b = _digest(world)
    assert b.study.available
    mine = {g.unit: g for g in b.study.gaps if g.plan == oversight_and_study["plan"]}
    assert set(mine) == {world.commune, world.branch_a, world.branch_b}
    assert (mine[world.commune].members, mine[world.commune].studied) == (5, 0)
    assert (mine[world.branch_a].members, mine[world.branch_b].members) == (3, 2)


def test_page_and_pdf_show_them_with_links(client, world, oversight_and_study):
    client.force_login(world.demo.tinh)
    html = client.get(reverse("briefing", args=[world.commune.pk])).content.decode()
    assert "Bổ sung sổ theo dõi đảng viên của chi bộ" in html and "Không thuộc xã này" not in html
    assert reverse("oversight_inspection", args=[oversight_and_study["overdue"].inspection_id]) in html
    assert reverse("study_plan", args=[oversight_and_study["plan"].pk]) in html
    assert "Kế hoạch quán triệt Nghị quyết" in html


def test_a_missing_app_makes_its_section_say_so(client, world, monkeypatch):
    monkeypatch.setitem(sys.modules, "nghiquyet.oversight.selectors", None)   # import fails
    monkeypatch.setitem(sys.modules, "nghiquyet.study.selectors", None)
    b = _digest(world)
    assert not b.recommendations.available and not b.study.available
    assert [label for _a, label, _n in b.counts if "Kiến nghị" in label or "học tập" in label] == []
    client.force_login(world.demo.tinh)
    html = client.get(reverse("briefing", args=[world.commune.pk])).content.decode()
    assert "Chưa có dữ liệu kiểm tra, giám sát." in html and "Chưa có dữ liệu học tập, quán triệt." in html
