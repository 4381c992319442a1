"""Study pages: figures with a row per direct subordinate and drill-down, attendance, make-ups, write-ups; outside
the scope 404; the figures page's queries pinned."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from nghiquyet.members.models import Member
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.resolutions.models import Document
from nghiquyet.study.models import Attendance, AttendanceStatus, StudyPlan, StudySession, WriteUp
from nghiquyet.study.selectors import unit_figures
from tests.study.helpers import absent_member, own_session, thematic_plan

pytestmark = pytest.mark.django_db

#: session, user, scope (roles, merge history 2), unit, plans, members × resolutions, write-ups, units to hold
#: sessions, first sessions, subordinates, person (menu); plus the breadcrumbs' ancestors below the root
FIGURES_QUERIES = 13


def _percent(response, resolution_id: int) -> str:
    html = response.content.decode()
    match = re.search(rf'class="study-percent" data-resolution="{resolution_id}">([^<]*)<', html)
    return match.group(1)


def test_unit_page_rows_per_subordinate_and_drill_down(client, demo, frozen):
    client.force_login(demo.tinh)
    response = client.get(reverse("study_unit", args=[demo.province.pk]))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert [b.resolution.symbol for b in figures.resolutions] == ["57-NQ/TW", "01-NQ/ĐH"] or len(
        figures.resolutions) == 2
    block = next(b for b in figures.resolutions if b.resolution.symbol == "01-NQ/ĐH")
    units = {r.unit.pk for r in block.rows}
    assert demo.commune.pk in units and demo.commune2.pk in units
    assert sum(r.members for r in block.rows) == block.total.members
    assert block.total.sessions.expected == sum(r.sessions.expected for r in block.rows)
    assert block.total.sessions.missing > 0 and block.total.sessions.late > 0      # the demo's laggards
    assert reverse("study_unit", args=[demo.commune.pk]) in response.content.decode()
    # drill down to the commune, then to a branch: its members and whether each studied
    response = client.get(reverse("study_unit", args=[demo.commune.pk]))
    assert response.status_code == 200
    response = client.get(reverse("study_unit", args=[demo.branch.pk]))
    assert response.status_code == 200
    page = response.context["members_page"]
    assert page is not None and len(page.object_list) > 0
    assert "Chưa học" in response.content.decode() or "Đã học" in response.content.decode()


def test_figures_as_of_a_day(client, demo, frozen):
    client.force_login(demo.xa)
    early = client.get(reverse("study_unit", args=[demo.commune.pk]) + "?ngay=2025-11-01")
    thematic = thematic_plan().resolution_id
    assert _percent(early, thematic) == "0,0%"
    bad = client.get(reverse("study_unit", args=[demo.commune.pk]) + "?ngay=31-12-2025")
    assert bad.status_code == 200 and "không hợp lệ" in bad.content.decode()


def test_outside_the_scope_is_404(client, demo, frozen):
    session = own_session(thematic_plan(), demo.commune)
    writeup = WriteUp.objects.filter(unit__path__under=demo.commune.path).first()
    client.force_login(demo.xa2)
    for url in (reverse("study_unit", args=[demo.commune.pk]), reverse("study_session", args=[session.pk]),
                reverse("study_makeup", args=[session.pk]), reverse("study_writeup", args=[writeup.pk]),
                reverse("study_writeup_file", args=[writeup.pk]), reverse("study_unit", args=["99999999"])):
        assert client.get(url).status_code == 404, url
    member = absent_member(session)
    response = client.post(reverse("study_session", args=[session.pk]), {f"m-{member.pk}": "present"})
    assert response.status_code == 404
    assert Attendance.objects.get(session=session, member=member).status != AttendanceStatus.PRESENT


def test_figures_page_query_count_is_fixed(client, demo, frozen, django_assert_num_queries):
    """The same number of queries for the province (10.485 members, 38 units to hold sessions) and a commune."""
    client.force_login(demo.tinh)
    for unit in (demo.province, demo.commune):
        client.get(reverse("study_unit", args=[unit.pk]))
        with django_assert_num_queries(FIGURES_QUERIES + (1 if unit.parent_id else 0)):
            assert client.get(reverse("study_unit", args=[unit.pk])).status_code == 200


def test_figures_selector_query_count(demo, frozen, django_assert_num_queries):
    for unit in (demo.province, demo.commune, demo.branch):
        unit_figures(user=demo.tinh, unit=unit, on=dt.date(2026, 11, 25))   # the user's scope is loaded once
        with django_assert_num_queries(6):
            unit_figures(user=demo.tinh, unit=unit, on=dt.date(2026, 11, 25))


def test_record_attendance_on_the_page_moves_the_percentage(client, demo, frozen):
    session = own_session(thematic_plan(), demo.commune)
    member = absent_member(session)
    client.force_login(demo.xa)
    unit_url = reverse("study_unit", args=[demo.commune.pk])
    before = _percent(client.get(unit_url), session.plan.resolution_id)
    url = reverse("study_session", args=[session.pk]) + f"?chi-bo={member.unit_id}"
    page = client.get(url)
    assert page.status_code == 200 and member.full_name in page.content.decode()
    response = client.post(reverse("study_session", args=[session.pk]),
                           {"don-vi": demo.commune.pk, "chi-bo": member.unit_id, f"m-{member.pk}": "present"})
    assert response.status_code == 302
    assert Attendance.objects.get(session=session, member=member).status == AttendanceStatus.PRESENT
    after = _percent(client.get(unit_url), session.plan.resolution_id)
    assert after != before


def test_attendance_post_of_a_stranger_shows_the_vietnamese_message(client, demo, frozen):
    session = own_session(thematic_plan(), demo.commune)
    stranger = Member.objects.filter(unit__path__under=demo.commune2.path, left_unit_on__isnull=True).first()
    client.force_login(demo.xa)
    response = client.post(reverse("study_session", args=[session.pk]), {f"m-{stranger.pk}": "present"})
    assert response.status_code == 422
    assert stranger.full_name in response.content.decode()


def test_create_plan_session_makeup_and_receive_writeup_through_pages(client, demo, frozen):
    client.force_login(demo.xa)
    resolution = Document.objects.get(unit=demo.commune, is_congress_resolution=True)
    assert client.get(reverse("study_home")).status_code == 200
    response = client.post(reverse("study_plan_create") + f"?nghi-quyet={resolution.pk}", {
        "nghi-quyet": resolution.pk, "unit": demo.commune.pk, "symbol": "07-KH/ĐU", "title": "Kế hoạch học tập",
        "form": "quan_triet", "starts_on": "2026-11-01", "ends_on": "2026-11-30", "deadline": "2026-11-30",
        "audience": "unit", "writeup_kind": "essay", "writeup_days": "10"})
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = StudyPlan.objects.get(unit=demo.commune, symbol="07-KH/ĐU")
    bad = client.post(reverse("study_plan", args=[plan.pk]), {"unit": demo.commune.pk, "held_on": "2027-01-01"})
    assert bad.status_code == 200 and "tương lai" in bad.content.decode()
    response = client.post(reverse("study_plan", args=[plan.pk]), {
        "unit": demo.commune.pk, "held_on": "2026-11-20", "place": "Hội trường xã"})
    assert response.status_code == 302
    session = StudySession.objects.get(plan=plan)
    branch_members = list(Member.objects.filter(unit=demo.branch, left_unit_on__isnull=True)[:3])
    marks = {f"m-{branch_members[0].pk}": "present", f"m-{branch_members[1].pk}": "absent",
             f"m-{branch_members[2].pk}": "excused"}
    assert client.post(reverse("study_session", args=[session.pk]), marks).status_code == 302
    response = client.post(reverse("study_makeup", args=[session.pk]), {"unit": demo.commune.pk,
                                                                         "held_on": "2026-11-24"})
    assert response.status_code == 302
    makeup = StudySession.objects.get(makeup_of=session)
    page = client.get(reverse("study_session", args=[makeup.pk]))
    shown = {m.pk for m in page.context["members_page"]}
    assert shown == {branch_members[1].pk, branch_members[2].pk}
    writeup = WriteUp.objects.get(plan=plan, member=branch_members[0])
    response = client.post(reverse("study_writeup", args=[writeup.pk]), {"received_on": "2026-11-25",
                                                                         "text": "Bài thu hoạch."})
    assert response.status_code == 302
    writeup.refresh_from_db()
    assert writeup.received_on == dt.date(2026, 11, 25)
    detail = client.get(reverse("study_plan", args=[plan.pk]))
    assert detail.status_code == 200 and branch_members[0].full_name in detail.content.decode()


def test_a_branch_secretary_records_nothing_at_the_commune(client, demo, frozen):
    session = own_session(thematic_plan(), demo.commune)
    client.force_login(demo.chibo)
    assert client.get(reverse("study_session", args=[session.pk])).status_code == 404   # not in their scope
    response = client.get(reverse("study_unit", args=[demo.branch.pk]))
    assert response.status_code == 200


def test_plan_page_lists_writeups_with_overdue_filter(client, demo, frozen):
    client.force_login(demo.xa)
    plan = thematic_plan()
    response = client.get(reverse("study_plan", args=[plan.pk]) + "?bai=overdue")
    assert response.status_code == 200
    for writeup in response.context["writeups_page"]:
        assert writeup.received_on is None and writeup.due_on < dt.date(2026, 11, 25)
        assert writeup.unit.path.startswith(demo.commune.path)
    assert Unit.objects.filter(kind=UnitKind.BRANCH).exists()


def test_delete_session_asks_first(client, demo, frozen):
    plan = thematic_plan()
    client.force_login(demo.xa)
    client.post(reverse("study_plan", args=[plan.pk]), {"unit": demo.commune.pk, "held_on": "2026-11-24"})
    session = StudySession.objects.get(plan=plan, unit=demo.commune, held_on=dt.date(2026, 11, 24))
    confirm = client.get(reverse("study_session_delete", args=[session.pk]))
    assert confirm.status_code == 200 and "Xóa buổi học ngày 24/11/2026" in confirm.content.decode()
    assert StudySession.objects.filter(pk=session.pk).exists()
    client.force_login(demo.xa2)
    assert client.post(reverse("study_session_delete", args=[session.pk])).status_code == 404
    client.force_login(demo.xa)
    response = client.post(reverse("study_session_delete", args=[session.pk]))
    assert response.status_code == 302 and not StudySession.objects.filter(pk=session.pk).exists()


def test_mark_the_others_present(client, demo, frozen):
    client.force_login(demo.xa)
    plan = thematic_plan()
    client.post(reverse("study_plan", args=[plan.pk]), {"unit": demo.commune.pk, "held_on": "2026-11-24"})
    session = StudySession.objects.get(plan=plan, unit=demo.commune, held_on=dt.date(2026, 11, 24))
    page = client.get(reverse("study_session", args=[session.pk]) + f"?chi-bo={demo.branch.pk}")
    shown = [m.pk for m in page.context["members_page"]]
    assert shown and f'name="ds" value="{",".join(map(str, shown))},"' in page.content.decode()
    response = client.post(reverse("study_session", args=[session.pk]), {
        "chi-bo": demo.branch.pk, f"m-{shown[0]}": "excused", "ds": ",".join(map(str, shown)), "con-lai": "present"})
    assert response.status_code == 302
    marks = dict(Attendance.objects.filter(session=session).values_list("member_id", "status"))
    assert marks[shown[0]] == "excused"
    assert all(marks[pk] == "present" for pk in shown[1:]) and set(marks) == set(shown)


def test_session_and_plan_pages_query_counts(client, demo, frozen, django_assert_num_queries):
    """Pinned: the lists are paginated and marks, counts and write-ups are read in one query each, so the counts
    do not depend on the number of members (Đông Sơn's session lists 488)."""
    plan = thematic_plan()
    session = own_session(plan, demo.commune)
    client.force_login(demo.xa)
    pages = {
        reverse("study_session", args=[session.pk]): 16,
        reverse("study_session", args=[session.pk]) + f"?chi-bo={demo.branch.pk}": 17,    # + the branch
        reverse("study_plan", args=[plan.pk]): 15,
        reverse("study_plan", args=[plan.pk]) + "?bai=overdue": 14,
        reverse("study_home"): 11,
    }
    for url, expected in pages.items():
        client.get(url)
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200


def test_a_member_hands_in_their_own_writeup(client, demo, frozen):
    """A member with an account but no role finds and hands in their own write-up, received today whatever day
    they type; someone else's stays out of reach, and their unit's figures are not theirs to read."""
    from django.contrib.auth import get_user_model

    from nghiquyet.accounts.models import Person

    plan = thematic_plan()
    writeup = WriteUp.objects.filter(plan=plan, unit=demo.branch, received_on__isnull=True,
                                     member__person__isnull=True).select_related("member").first()
    user = get_user_model().objects.create_user("dang-vien-thu", password="x")
    person = Person.objects.create(unit=demo.branch, full_name=writeup.member.full_name, position="Đảng viên",
                                   user=user)
    Member.objects.filter(pk=writeup.member_id).update(person=person)
    client.force_login(user)
    mine = client.get(reverse("study_my_writeups"))
    assert mine.status_code == 200 and writeup.pk in [w.pk for w in mine.context["page_obj"]]
    page = client.get(reverse("study_writeup", args=[writeup.pk]))
    assert page.status_code == 200 and "received_on" not in page.context["form"].fields
    response = client.post(reverse("study_writeup", args=[writeup.pk]), {"text": "Bài thu hoạch của tôi.",
                                                                         "received_on": "2026-10-01"})
    assert response.status_code == 302
    writeup.refresh_from_db()
    assert writeup.received_on == dt.date(2026, 11, 25) and writeup.text == "Bài thu hoạch của tôi."
    assert client.get(reverse("study_writeup", args=[writeup.pk])).context["form"] is None   # handed in
    other = WriteUp.objects.filter(unit=demo.branch).exclude(pk=writeup.pk).first()
    assert client.get(reverse("study_writeup", args=[other.pk])).status_code == 404
    assert client.get(reverse("study_unit", args=[demo.branch.pk])).status_code == 404


def test_provincial_session_opens_on_the_users_own_point(client, demo, frozen):
    from tests.study.helpers import congress_plan

    conference = congress_plan().sessions.get(unit=demo.province)
    client.force_login(demo.xa)
    page = client.get(reverse("study_session", args=[conference.pk]))
    assert page.context["unit"] == demo.commune and [u.pk for u in page.context["units"]] == [demo.commune.pk]
    client.force_login(demo.tinh)
    page = client.get(reverse("study_session", args=[conference.pk]))
    assert page.context["unit"] == demo.province and len(page.context["units"]) > 30
    page = client.get(reverse("study_session", args=[conference.pk]) + f"?don-vi={demo.commune2.pk}")
    assert page.context["unit"] == demo.commune2


def test_edit_session_page(client, demo, frozen):
    session = own_session(thematic_plan(), demo.commune)
    client.force_login(demo.xa)
    url = reverse("study_session_edit", args=[session.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"held_on": "2026-11-17", "place": "x"})
    assert bad.status_code == 200 and "Đã có điểm danh" in bad.content.decode()
    assert client.post(url, {"held_on": "2026-11-18", "place": "Nhà văn hóa xã"}).status_code == 302
    session.refresh_from_db()
    assert session.place == "Nhà văn hóa xã"
    client.force_login(demo.xa2)
    assert client.get(url).status_code == 404
