"""``/api/v1/study``: plans, sessions, attendance, write-ups and figures, scoped; refusals in Vietnamese."""

from __future__ import annotations

import pytest

from nghiquyet.members.models import Member
from nghiquyet.resolutions.models import Document
from nghiquyet.study.models import Attendance, AttendanceStatus, WriteUp
from tests.api_client import API, Api
from tests.study.helpers import absent_member, own_session, thematic_plan

pytestmark = pytest.mark.django_db



def _fields(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_read_plans_sessions_attendance_and_figures(client, demo, frozen):
    api = Api(client, demo.xa)
    plans = api.get("/study/plans").json()
    assert plans["count"] == 2 and all(not p["can_change"] for p in plans["items"])   # the province's: read only
    plan = thematic_plan()
    sessions = api.get(f"/study/plans/{plan.pk}/sessions").json()["items"]
    assert [s["unit"]["id"] for s in sessions] == [demo.commune.pk]
    session = own_session(plan, demo.commune)
    attendance = api.get(f"/study/sessions/{session.pk}/attendance", page_size=200).json()
    assert attendance["count"] == Attendance.objects.filter(session=session).count()
    figures = api.get(f"/study/units/{demo.commune.pk}/figures", on="2026-11-25").json()
    block = next(b for b in figures["resolutions"] if b["resolution"]["id"] == plan.resolution_id)
    assert block["total"]["studied"] == sum(r["studied"] for r in block["rows"])
    assert block["total"]["members"] > 0 and block["total"]["percent"] is not None
    gaps = api.get(f"/study/units/{demo.commune.pk}/gaps", on="2026-11-25").json()
    assert gaps and all(g["percent"] is None or float(g["percent"]) < 100 or g["writeups_overdue"] for g in gaps)
    overdue = api.get("/study/writeups", state="overdue", unit=demo.commune.pk).json()
    assert all(w["overdue"] for w in overdue["items"])


def test_outside_the_scope_is_404(client, demo, frozen):
    api = Api(client, demo.xa2)
    session = own_session(thematic_plan(), demo.commune)
    writeup = WriteUp.objects.filter(unit__path__under=demo.commune.path, received_on__isnull=True).first()
    assert api.get(f"/study/units/{demo.commune.pk}/figures").status_code == 404
    assert api.get(f"/study/units/{demo.commune.pk}/gaps").status_code == 404
    assert api.get(f"/study/sessions/{session.pk}").status_code == 404
    assert api.get(f"/study/sessions/{session.pk}/attendance").status_code == 404
    assert api.send("put", f"/study/sessions/{session.pk}/attendance",
                    {"entries": [{"member": absent_member(session).pk, "status": "present"}]}).status_code == 404
    assert api.send("post", f"/study/writeups/{writeup.pk}/receive",
                    {"received_on": "2026-11-25", "text": "x"}).status_code == 404
    assert api.get("/study/writeups", unit=demo.commune.pk).status_code == 404


def test_attendance_put_and_the_stranger(client, demo, frozen):
    api = Api(client, demo.xa)
    session = own_session(thematic_plan(), demo.commune)
    member = absent_member(session)
    stranger = Member.objects.filter(unit__path__under=demo.commune2.path, left_unit_on__isnull=True).first()
    response = api.send("put", f"/study/sessions/{session.pk}/attendance", {"entries": [
        {"member": member.pk, "status": "present"}, {"member": stranger.pk, "status": "present"}]})
    assert response.status_code == 422
    assert stranger.full_name in _fields(response)["members"]
    assert Attendance.objects.get(session=session, member=member).status != AttendanceStatus.PRESENT
    response = api.send("put", f"/study/sessions/{session.pk}/attendance", {"entries": [
        {"member": member.pk, "status": "present", "note": "Học tại chi bộ"}]})
    assert response.status_code == 200, response.json()
    assert response.json()[0]["status"] == "present"
    response = api.send("put", f"/study/sessions/{session.pk}/attendance", {"entries": [
        {"member": member.pk, "status": "present"}, {"member": member.pk, "status": "absent"}]})
    assert response.status_code == 422 and "entries.1.member" in _fields(response)


def test_create_plan_session_and_receive_writeup(client, demo, frozen):
    api = Api(client, demo.xa)
    resolution = Document.objects.get(unit=demo.commune, is_congress_resolution=True)
    response = api.send("post", "/study/plans", {
        "unit": demo.commune.pk, "resolution": resolution.pk, "title": "Kế hoạch phổ biến", "form": "pho_bien",
        "starts_on": "01/11/2026", "ends_on": "2026-11-30", "deadline": "2026-11-30", "writeup_kind": "essay"})
    assert response.status_code == 201, response.json()
    plan = response.json()
    assert plan["can_change"] and plan["writeup_days"] >= 1
    bad = api.send("post", "/study/plans", {
        "unit": demo.commune.pk, "resolution": resolution.pk, "title": "x", "starts_on": "2026-11-01",
        "ends_on": "2026-10-30", "deadline": "2026-11-30"})
    assert bad.status_code == 422 and "ends_on" in _fields(bad)
    assert api.send("patch", f"/study/plans/{plan['id']}", {"place": "Hội trường"}).json()["place"] == "Hội trường"
    response = api.send("post", "/study/sessions", {"plan": plan["id"], "unit": demo.commune.pk,
                                                    "held_on": "2026-11-20", "points": [demo.branch.pk]})
    assert response.status_code == 201, response.json()
    session = response.json()
    assert session["points"][0]["id"] == demo.branch.pk
    member = Member.objects.filter(unit=demo.branch, left_unit_on__isnull=True).first()
    response = api.send("put", f"/study/sessions/{session['id']}/attendance",
                        {"unit": demo.branch.pk, "entries": [{"member": member.pk, "status": "present"}]})
    assert response.status_code == 200, response.json()
    writeup = WriteUp.objects.get(plan_id=plan["id"], member=member)
    response = api.send("post", f"/study/writeups/{writeup.pk}/receive", {"received_on": "2026-11-25",
                                                                        "text": "Bài thu hoạch"})
    assert response.status_code == 200 and response.json()["received_on"] == "2026-11-25"
    forbidden = Api(client, demo.xa2).send("post", "/study/sessions", {"plan": plan["id"], "unit": demo.commune.pk,
                                                                       "held_on": "2026-11-21"})
    assert forbidden.status_code == 422 and "unit" in _fields(forbidden)   # the unit is not visible to them


def test_delete_session(client, demo, frozen):
    api = Api(client, demo.xa)
    plan = thematic_plan()
    created = api.send("post", "/study/sessions", {"plan": plan.pk, "unit": demo.commune.pk,
                                                   "held_on": "2026-11-24"}).json()
    assert Api(client, demo.xa2).client.delete(f"{API}/study/sessions/{created['id']}",
                                               headers=Api(client, demo.xa2).headers).status_code == 404
    assert client.delete(f"{API}/study/sessions/{created['id']}", headers=api.headers).status_code == 204
    assert api.get(f"/study/sessions/{created['id']}").status_code == 404


def test_assign_a_writeup(client, demo, frozen):
    api = Api(client, demo.xa)
    plan = thematic_plan()
    member = (Member.objects.filter(unit__path__under=demo.commune.path, left_unit_on__isnull=True)
              .exclude(study_writeups__plan=plan).first())
    response = api.send("post", "/study/writeups", {"plan": plan.pk, "member": member.pk, "due_on": "15/12/2026"})
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "essay" and response.json()["due_on"] == "2026-12-15"
    again = api.send("post", "/study/writeups", {"plan": plan.pk, "member": member.pk, "due_on": "2026-12-15"})
    assert again.status_code == 422 and member.full_name in _fields(again)["member"]
    stranger = Member.objects.filter(unit__path__under=demo.commune2.path).first()
    outside = api.send("post", "/study/writeups", {"plan": plan.pk, "member": stranger.pk, "due_on": "2026-12-15"})
    assert outside.status_code == 422 and "member" in _fields(outside)


def test_a_plan_from_above_is_read_only(client, demo, frozen):
    api = Api(client, demo.xa)
    plan = thematic_plan()
    response = api.send("patch", f"/study/plans/{plan.pk}", {"place": "Nơi khác"})
    assert response.status_code == 403 and "detail" in response.json()
    plan.refresh_from_db()
    assert plan.place != "Nơi khác"


def test_patch_session(client, demo, frozen):
    api = Api(client, demo.xa)
    session = own_session(thematic_plan(), demo.commune)
    response = api.send("patch", f"/study/sessions/{session.pk}", {"place": "Nhà văn hóa",
                                                                   "add_points": [demo.branch.pk]})
    assert response.status_code == 200, response.json()
    assert response.json()["place"] == "Nhà văn hóa" and response.json()["points"][0]["id"] == demo.branch.pk
    bad = api.send("patch", f"/study/sessions/{session.pk}", {"held_on": "2026-11-17"})
    assert bad.status_code == 422 and "held_on" in _fields(bad)


def test_openapi_lists_the_study_endpoints(client, demo):
    schema = client.get(f"{API}/openapi.json").json()
    paths = {p for p in schema["paths"] if "/study/" in p}
    assert {"/api/v1/study/plans", "/api/v1/study/sessions/{session_id}/attendance",
            "/api/v1/study/units/{unit_id}/figures", "/api/v1/study/units/{unit_id}/gaps",
            "/api/v1/study/writeups"} <= paths
