"""``/api/v1/members``: list with filters and paging, detail, create, update, leave, transfer; errors in
Vietnamese naming the field."""

from __future__ import annotations

import pytest

from nghiquyet.members.models import Member
from tests.members.conftest import current_count, days_ago, field_errors, make_member, new_card, other_branch, today

pytestmark = pytest.mark.django_db


def test_list_filters_and_pages(demo, as_user, django_assert_max_num_queries):
    api = as_user(demo.tinh)
    with django_assert_max_num_queries(10):
        body = api.get("/members", unit=demo.province.pk, subtree="true", page_size=100, page=2).json()
    assert body["count"] == 10_485 and len(body["items"]) == 100
    own = api.get("/members", unit=demo.branch.pk).json()
    assert own["count"] == current_count(demo.branch)
    row = own["items"][0]
    assert set(row) >= {"id", "unit", "full_name", "gender", "gender_label", "birth_date", "birth_year", "card_number",
                        "joined_party_on", "joined_unit_on", "left_unit_on", "is_current", "can_change"}
    assert row["unit"]["id"] == demo.branch.pk and row["is_current"] is True and row["can_change"] is True
    everything = api.get("/members", page_size=1).json()
    assert everything["count"] >= 10_485  # no unit: every member in scope
    assert api.get("/members", unit=demo.branch.pk, page_size=500).status_code == 200  # capped, not refused


def test_list_search_and_on_date(demo, as_user):
    member = make_member(demo.branch, actor=demo.chibo, full_name="Đoàn Thị Tìm Kiếm", joined_unit_on=days_ago(60))
    api = as_user(demo.xa)
    found = api.get("/members", unit=demo.commune.pk, subtree=1, q="doan thi tim kiem").json()
    assert [r["id"] for r in found["items"]] == [member.pk]
    assert api.get("/members", unit=demo.branch.pk, q="doan tim", on=days_ago(61).isoformat()).json()["count"] == 0
    assert api.get("/members", unit=demo.branch.pk, q="doan tim", on=days_ago(60).strftime("%d/%m/%Y")
                   ).json()["count"] == 1
    Member.objects.filter(pk=member.pk).update(left_unit_on=days_ago(1), leave_reason="other")
    assert api.get("/members", unit=demo.branch.pk, q="doan tim").json()["count"] == 0
    former = api.get("/members", unit=demo.branch.pk, q="doan tim", include_former="true").json()
    assert former["items"][0]["leave_reason_label"] == "Lý do khác"
    assert "on" in field_errors(api.get("/members", on="31/02/2026"))


def test_detail(demo, as_user):
    member = make_member(demo.branch, actor=demo.chibo, full_name="Mai Văn Chi Tiết", gender="male",
                         birth_date=days_ago(15000))
    body = as_user(demo.chibo).get(f"/members/{member.pk}").json()
    assert (body["full_name"], body["gender_label"], body["birth_year"]) == ("Mai Văn Chi Tiết", "Nam",
                                                                            days_ago(15000).year)
    assert as_user(demo.chibo).get("/members/abc").status_code == 404
    assert as_user(demo.chibo).get("/members/999999999").status_code == 404


def test_create(demo, as_user):
    api = as_user(demo.chibo)
    card = new_card()
    response = api.post("/members", {"unit": demo.branch.pk, "full_name": "Hà Thị Api", "gender": "female",
                                     "joined_unit_on": "20/11/2026", "card_number": card,
                                     "joined_party_on": "2010-09-02"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["unit"]["id"], body["joined_unit_on"], body["card_number"]) == (demo.branch.pk, "2026-11-20", card)
    demo.branch.refresh_from_db()
    assert demo.branch.member_count == current_count(demo.branch)
    errors = field_errors(api.post("/members", {"unit": demo.branch.pk, "full_name": "Hà Thị Trùng",
                                                "joined_unit_on": "2026-11-20", "card_number": card}))
    assert "đã có trong danh sách" in errors["card_number"]
    errors = field_errors(api.post("/members", {"unit": demo.branch.pk, "full_name": " ", "gender": "x",
                                                "joined_unit_on": days_ago(-5).isoformat()}))
    assert {"full_name", "gender", "joined_unit_on"} <= set(errors)
    assert "Thiếu" in field_errors(api.post("/members", {"unit": demo.branch.pk, "full_name": "A"}))["joined_unit_on"]
    errors = field_errors(api.post("/members", {"unit": demo.commune2.pk, "full_name": "Ngoài phạm vi",
                                                "joined_unit_on": "2026-11-20"}))
    assert "phạm vi" in errors["unit"]
    forbidden = api.post("/members", {"unit": other_branch(demo).pk, "full_name": "Chi bộ khác",
                                      "joined_unit_on": "2026-11-20"})
    assert "unit" in field_errors(forbidden)  # a unit demo-chibo cannot see is a field error, as every body id


def test_update_only_the_fields_sent(demo, as_user):
    member = make_member(demo.branch, actor=demo.chibo, full_name="Lý Văn Sửa", gender="male",
                         email="ly@example.vn")
    api = as_user(demo.chibo)
    response = api.patch(f"/members/{member.pk}", {"full_name": "Lý Văn Đã Sửa"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["full_name"], body["gender"], body["email"]) == ("Lý Văn Đã Sửa", "male", "ly@example.vn")
    assert api.patch(f"/members/{member.pk}", {"email": None}).json()["email"] == ""
    assert "full_name" in field_errors(api.patch(f"/members/{member.pk}", {"full_name": None}))
    assert "email" in field_errors(api.patch(f"/members/{member.pk}", {"email": "sai"}))


def test_leave(demo, as_user):
    member = make_member(demo.branch, actor=demo.chibo, joined_unit_on=days_ago(10))
    api = as_user(demo.chibo)
    assert "reason" in field_errors(api.post(f"/members/{member.pk}/leave", {"on": today().isoformat(),
                                                                            "reason": "bogus"}))
    assert "on" in field_errors(api.post(f"/members/{member.pk}/leave", {"on": days_ago(11).isoformat(),
                                                                        "reason": "other"}))
    response = api.post(f"/members/{member.pk}/leave", {"on": days_ago(2).isoformat(), "reason": "removed"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["is_current"], body["left_unit_on"], body["leave_reason"]) == (False, days_ago(2).isoformat(),
                                                                               "removed")
    again = field_errors(api.post(f"/members/{member.pk}/leave", {"on": today().isoformat(), "reason": "other"}))
    assert "đã thôi sinh hoạt" in again["on"]


def test_transfer(demo, as_user):
    member = make_member(demo.branch, actor=demo.xa, joined_unit_on=days_ago(10))
    to_unit = other_branch(demo)
    api = as_user(demo.xa)
    errors = field_errors(api.post(f"/members/{member.pk}/transfer", {"to_unit": demo.commune2.pk,
                                                                      "on": today().isoformat()}))
    assert "to_unit" in errors
    response = api.post(f"/members/{member.pk}/transfer", {"to_unit": to_unit.pk, "on": today().isoformat()})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["unit"]["id"] == to_unit.pk and body["id"] != member.pk
    assert body["joined_unit_on"] == today().isoformat()
    old = api.get(f"/members/{member.pk}").json()
    assert (old["is_current"], old["leave_reason"]) == (False, "transfer")
    chibo = as_user(demo.chibo)  # demo-chibo cannot move a member out of their branch
    other = make_member(demo.branch, actor=demo.chibo)
    refused = chibo.post(f"/members/{other.pk}/transfer", {"to_unit": to_unit.pk, "on": today().isoformat()})
    assert refused.status_code == 422 and "to_unit" in field_errors(refused)  # the branch is not in their scope
    assert Member.objects.get(pk=other.pk).is_current


def test_a_failed_write_keeps_nothing(demo, as_user, monkeypatch):
    """Writes are atomic: a failure after the service ran leaves the register as it was."""
    from nghiquyet.api import members as members_api

    member = make_member(demo.branch, actor=demo.xa)
    count = current_count(demo.branch)

    def broken(**kwargs):
        raise RuntimeError("boom")

    real = members_api.member_selectors.member_get
    monkeypatch.setattr(members_api.member_selectors, "member_get", _after_first(real, broken))
    api = as_user(demo.xa)
    api.client.raise_request_exception = False
    response = api.post(f"/members/{member.pk}/transfer", {"to_unit": other_branch(demo).pk,
                                                           "on": today().isoformat()})
    assert response.status_code == 500
    assert Member.objects.get(pk=member.pk).is_current and current_count(demo.branch) == count


def _after_first(real, broken):
    calls = {"n": 0}

    def wrapper(**kwargs):
        calls["n"] += 1
        return real(**kwargs) if calls["n"] == 1 else broken(**kwargs)
    return wrapper
