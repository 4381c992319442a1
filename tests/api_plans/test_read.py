"""Reading terms, resolutions, targets, programs, tasks and coverage through the API."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def test_terms_list_and_detail(demo, plan, as_user):
    api = as_user(demo.xa)
    body = api.get("/terms").json()
    assert set(body) == {"items", "count"}
    listed = {row["id"]: row for row in body["items"]}
    assert plan.commune_term.pk in listed and plan.province_term.pk in listed     # own and from above
    assert listed[plan.commune_term.pk]["can_change"] is True
    assert listed[plan.province_term.pk]["can_change"] is False
    assert ids(api.get("/terms", unit=demo.commune.pk)) == {plan.commune_term.pk}
    detail = api.get(f"/terms/{plan.province_term.pk}").json()
    assert detail["label"] == "2025 - 2030" and detail["unit"]["id"] == demo.province.pk


def test_resolutions_list_filters_and_detail(demo, plan, as_user):
    api = as_user(demo.xa)
    listed = ids(api.get("/resolutions"))
    assert {plan.province_doc.pk, plan.commune_doc.pk} <= listed
    assert ids(api.get("/resolutions", unit=demo.province.pk, q="thu nghiem api")) == {plan.province_doc.pk}
    assert plan.province_doc.pk in ids(api.get("/resolutions", type="NQ"))
    assert plan.province_doc.pk not in ids(api.get("/resolutions", type="KH"))

    detail = api.get(f"/resolutions/{plan.commune_doc.pk}").json()
    assert detail["symbol"] == "902-NQ/ĐU" and detail["type_code"] == "NQ" and detail["issuer_code"] == "ĐU"
    assert detail["type_label"] == "Nghị quyết"
    assert [d["id"] for d in detail["implements"]] == [plan.province_doc.pk]
    assert [t["id"] for t in detail["targets"]] == [plan.commune_target.pk]
    assert [p["id"] for p in detail["programs"]] == [plan.commune_program.pk]
    assert detail["can_change"] is True

    above = api.get(f"/resolutions/{plan.province_doc.pk}").json()
    assert above["can_change"] is False
    assert [i["kind_label"] for i in above["items"]] == ["Khâu đột phá"]
    # the province's program is listed, the commune's own program implementing it is not the province's concern
    assert plan.province_program.pk in [p["id"] for p in above["programs"]]


def test_targets_list_with_exact_numbers_and_milestones(demo, plan, as_user):
    api = as_user(demo.xa)
    body = api.get("/targets", resolution=plan.province_doc.pk).json()
    rows = {row["id"]: row for row in body["items"]}
    assert set(rows) == {plan.province_target.pk, plan.province_target2.pk}
    row = rows[plan.province_target.pk]
    assert row["baseline_value"] == "7.5" and row["target_value"] == "9.5"
    assert row["target_value_vn"] == "9,5"
    assert row["milestones"] == [{"year": 2026, "value": "8", "value_vn": "8"},
                                 {"year": 2027, "value": "8.5", "value_vn": "8,5"}]
    assert row["direction_label"] == "Càng cao càng tốt" and row["domain"] == "economy"
    assert row["can_change"] is False
    assert ids(api.get("/targets", resolution=plan.province_doc.pk, domain="society")) == {plan.province_target2.pk}
    assert ids(api.get("/targets", unit=demo.commune.pk, q="tang truong")) == {plan.commune_target.pk}


def test_target_detail_links_up_and_down(demo, plan, as_user):
    from nghiquyet.resolutions.services import alignment_create

    alignment_create(actor=demo.xa, source=plan.commune_target, destination=plan.province_target)
    alignment_create(actor=demo.xa, source=plan.commune_task, destination=plan.province_item)
    api = as_user(demo.xa)
    up = api.get(f"/targets/{plan.commune_target.pk}").json()
    assert [(link["kind"], link["object_id"]) for link in up["links_up"]] == [("target", plan.province_target.pk)]
    assert up["links_up"][0]["unit"]["id"] == demo.province.pk
    down = api.get(f"/targets/{plan.province_target.pk}").json()
    assert [(link["kind"], link["object_id"], link["unit"]["id"]) for link in down["links_down"]] == [
        ("target", plan.commune_target.pk, demo.commune.pk)]
    task = api.get(f"/tasks/{plan.commune_task.pk}").json()
    assert [(link["kind"], link["object_id"]) for link in task["links_up"]] == [("item", plan.province_item.pk)]


def test_programs_list_and_detail(demo, plan, as_user):
    api = as_user(demo.xa)
    listed = ids(api.get("/programs"))
    assert {plan.province_program.pk, plan.commune_program.pk} <= listed
    assert ids(api.get("/programs", unit=demo.commune.pk, resolution=plan.commune_doc.pk)) == {plan.commune_program.pk}
    own = api.get(f"/programs/{plan.commune_program.pk}").json()
    assert own["task_counts"]["total"] == 1 and own["can_change"] is True
    above = api.get(f"/programs/{plan.province_program.pk}").json()
    assert above["task_counts"] is None and above["can_change"] is False     # the province's tasks stay hidden


def test_tasks_list_filters_and_detail(demo, plan, as_user):
    from nghiquyet.programs.services import task_progress_add

    api = as_user(demo.xa)
    listed = ids(api.get("/tasks"))
    assert plan.commune_task.pk in listed and plan.province_task.pk not in listed
    assert ids(api.get("/tasks", program=plan.commune_program.pk)) == {plan.commune_task.pk}
    assert ids(api.get("/tasks", resolution=plan.commune_doc.pk)) == {plan.commune_task.pk}
    assert plan.commune_task.pk in ids(api.get("/tasks", unit=demo.commune.pk, status="in_progress")) | ids(
        api.get("/tasks", unit=demo.commune.pk, status="not_started"))
    assert plan.commune_task.pk not in ids(api.get("/tasks", status="done"))
    bad = api.get("/tasks", status="xong")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"

    import datetime as dt
    task_progress_add(actor=demo.xa, task=plan.commune_task, on=dt.date(2026, 3, 1), note="Đã khảo sát", percent=30)
    detail = api.get(f"/tasks/{plan.commune_task.pk}").json()
    assert detail["status"] == "in_progress" and detail["percent"] == 30
    assert detail["responsible"]["id"] == plan.commune_task.responsible_id
    assert detail["updates"][0]["note"] == "Đã khảo sát" and detail["updates"][0]["author"] == "Lê Văn Thành Trung"
    assert detail["deliverable"] == "Báo cáo kết quả" and detail["can_change"] is True


def test_my_tasks(demo, plan, as_user):
    from nghiquyet.programs.services import task_update

    person = demo.xa.person
    task_update(actor=demo.xa, task=plan.commune_task, advisor=person)
    api = as_user(demo.xa)
    mine = api.get("/tasks", mine="true", page_size=200).json()["items"]
    assert plan.commune_task.pk in {t["id"] for t in mine}
    assert all(person.pk in {(t[k] or {}).get("id") for k in ("directing", "responsible", "advisor")} for t in mine)
    assert plan.commune_task.pk not in ids(api.get("/tasks", mine="true", status="done", page_size=200))
    assert plan.commune_task.pk not in ids(as_user(demo.xa2).get("/tasks", mine="true"))


def test_coverage_shows_uncovered_then_covered(demo, plan, as_user):
    from nghiquyet.resolutions.services import alignment_create

    api = as_user(demo.tinh)
    body = api.get(f"/units/{demo.province.pk}/coverage", resolution=plan.province_doc.pk).json()
    assert body["unit"]["id"] == demo.province.pk and body["resolution_id"] == plan.province_doc.pk
    rows = {row["target"]["id"]: row for row in body["rows"]}
    assert set(rows) == {plan.province_target.pk, plan.province_target2.pk}
    assert demo.commune.pk in {u["id"] for u in rows[plan.province_target.pk]["uncovered"]}
    assert demo.commune.pk in {u["id"] for u in body["subordinates"]}
    before = body["uncovered_count"]

    alignment_create(actor=demo.xa, source=plan.commune_target, destination=plan.province_target)
    body = api.get(f"/units/{demo.province.pk}/coverage", resolution=plan.province_doc.pk).json()
    row = {row["target"]["id"]: row for row in body["rows"]}[plan.province_target.pk]
    assert demo.commune.pk in {u["id"] for u in row["covered"]}
    assert demo.commune.pk not in {u["id"] for u in row["uncovered"]}
    assert body["uncovered_count"] == before - 1
