"""``/api/v1/adjustments`` and ``/api/v1/targets/{id}/plan``: scoped reads, proposals and decisions through the
services (422 naming the field in Vietnamese, 403 without the permission, 404 outside the scope)."""

from __future__ import annotations

import pytest

from nghiquyet.resolutions.models import AdjustmentStatus, TargetAdjustment
from tests.adjustments.test_services import commune_target, province_target
from tests.api_plans.conftest import Api, field_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def make(user) -> Api:
        client.logout()
        return Api(client, user)
    return make


def test_list_and_detail_are_scoped(demo, as_user, today):
    api = as_user(demo.xa)
    body = api.get("/adjustments").json()
    kinds = {(row["target"]["number"], row["status"]) for row in body["items"]}
    assert ("2", "approved") in kinds and ("3", "pending") in kinds    # the province's decision, its own proposal
    approved = next(r for r in body["items"] if r["status"] == "approved")
    assert approved["old_value"] == "88" and approved["new_value_vn"] == "80" and approved["year"] == 2026
    assert approved["decision_label"] == "điều chỉnh theo Quyết định số 1250-QĐ/TU ngày 15/07/2026"
    assert approved["effective_from"] == "2026-07-01"
    waiting = api.get("/adjustments", to_decide="true").json()["items"]
    assert [r["target"]["number"] for r in waiting] == ["3"]
    pending = TargetAdjustment.objects.get(target=commune_target(demo, "3"), status=AdjustmentStatus.PENDING)
    assert api.get(f"/adjustments/{pending.pk}").status_code == 200
    other = as_user(demo.xa2)
    assert other.get(f"/adjustments/{pending.pk}").status_code == 404
    assert pending.pk not in {r["id"] for r in other.get("/adjustments").json()["items"]}


def test_propose_for_a_target_of_another_unit_is_a_422_naming_the_owner(demo, as_user, today):
    api = as_user(demo.xa)
    target = province_target(demo, "9")
    errors = field_errors(api.post("/adjustments", {"target": target.pk, "unit": demo.commune.pk,
                                                    "field": "milestone", "year": 2027, "new_value": "95",
                                                    "reason": "Khó đạt"}))
    assert demo.province.name in errors["unit"]
    outside = field_errors(api.post("/adjustments", {"target": target.pk, "unit": demo.province.pk,
                                                     "field": "milestone", "year": 2027, "new_value": "95",
                                                     "reason": "Khó đạt"}))
    assert "unit" in outside   # an id in the body out of scope: 422 on that field


def test_propose_decide_and_the_plan(demo, as_user, today):
    api = as_user(demo.xa)
    target = commune_target(demo, "9")
    created = api.post("/adjustments", {"target": target.pk, "unit": demo.commune.pk, "field": "milestone",
                                        "year": 2027, "new_value": "94,5", "reason": "Dân số tăng",
                                        "proposed_on": "20/11/2026"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "pending" and body["new_value"] == "94.5" and body["proposed_on"] == "2026-11-20"
    pk = body["id"]
    errors = field_errors(api.post(f"/adjustments/{pk}/decision", {
        "decision": "approve", "decision_number": "40-QĐ/ĐU", "decision_date": "2026-11-19",
        "effective_from": "2027-01-01"}))
    assert "20/11/2026" in errors["decision_date"]
    assert as_user(demo.xa2).post(f"/adjustments/{pk}/decision", {
        "decision": "approve", "decision_number": "40-QĐ/ĐU", "decision_date": "2026-11-24",
        "effective_from": "2027-01-01"}).status_code == 404
    api = as_user(demo.xa)
    decided = api.post(f"/adjustments/{pk}/decision", {
        "decision": "approve", "decision_number": "40-QĐ/ĐU", "decision_date": "2026-11-24",
        "effective_from": "2027-01-01", "note": "Đồng ý"})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    plan = api.get(f"/targets/{target.pk}/plan").json()
    line = next(m for m in plan["milestones"] if m["year"] == 2027)
    assert line["adjusted"] and line["value"] == "94.5" and line["original"] != "94.5"
    assert line["decision_label"] == "điều chỉnh theo Quyết định số 40-QĐ/ĐU ngày 24/11/2026"
    before = api.get(f"/targets/{target.pk}/plan", on="2026-12-31").json()
    assert not next(m for m in before["milestones"] if m["year"] == 2027)["adjusted"]


def test_withdraw_and_the_permission(demo, as_user, today):
    pending = TargetAdjustment.objects.get(target=commune_target(demo, "3"), status=AdjustmentStatus.PENDING)
    assert as_user(demo.tinh).post(f"/adjustments/{pending.pk}/withdraw", {}).status_code == 200  # plans above
    pending.refresh_from_db()
    assert pending.status == AdjustmentStatus.WITHDRAWN
    errors = field_errors(as_user(demo.xa).post(f"/adjustments/{pending.pk}/withdraw", {}))
    assert "status" in errors


def test_bad_input_is_422(demo, as_user, today):
    api = as_user(demo.xa)
    target = commune_target(demo, "9")
    errors = field_errors(api.post("/adjustments", {"target": target.pk, "unit": demo.commune.pk,
                                                    "field": "milestone", "year": 2027, "new_value": "abc",
                                                    "reason": "x"}))
    assert "new_value" in errors
    response = api.post("/adjustments", {"target": target.pk, "unit": demo.commune.pk, "field": "baseline",
                                         "new_value": 1, "reason": "x"})
    assert response.status_code == 422
    assert api.get("/targets/999999999/plan").status_code == 404
