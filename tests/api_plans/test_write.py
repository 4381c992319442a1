"""Creating and updating through the API: services validate, 422 names the field in Vietnamese."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nghiquyet.programs.models import ActionProgram, Task
from nghiquyet.resolutions.models import Document, Target, Term
from tests.api_plans.conftest import field_errors

pytestmark = pytest.mark.django_db


def free_term_years(unit) -> tuple[int, int]:
    last = Term.objects.filter(unit=unit).order_by("-end_year").values_list("end_year", flat=True).first()
    start = max(2025, last or 2025)
    return start, start + 5


# ------------------------------------------------------------------ terms


def test_term_create_with_congress(demo, as_user):
    api = as_user(demo.chibo)
    start, end = free_term_years(demo.branch)
    response = api.post("/terms", {"unit": demo.branch.pk, "start_year": start, "end_year": end,
                                   "congress": {"ordinal": "XXII", "held_from": f"{start}-04-10",
                                                "held_to": f"{start}-04-11"}})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["label"] == f"{start} - {end}" and body["congress"]["ordinal"] == "XXII"
    assert api.get(f"/terms/{body['id']}").json()["congress"]["held_from"] == f"{start}-04-10"


def test_term_create_bad_congress_saves_nothing(demo, as_user):
    api = as_user(demo.chibo)
    start, end = free_term_years(demo.branch)
    before = Term.objects.count()
    response = api.post("/terms", {"unit": demo.branch.pk, "start_year": start, "end_year": end,
                                   "congress": {"ordinal": "XXII", "held_from": f"{start}-04-10",
                                                "held_to": f"{start}-04-01"}})
    errors = field_errors(response)
    assert "congress.held_to" in errors and "trước" in errors["congress.held_to"]
    assert Term.objects.count() == before


def test_term_create_out_of_scope_and_forbidden(demo, as_user):
    # A unit in the body that is out of scope is a field error (422 naming "unit"), as every body id.
    assert "unit" in field_errors(as_user(demo.xa).post("/terms", {"unit": demo.province.pk, "start_year": 2031,
                                                                   "end_year": 2036}))
    assert "unit" in field_errors(as_user(demo.xa2).post("/terms", {"unit": demo.commune.pk, "start_year": 2031,
                                                                    "end_year": 2036}))
    errors = field_errors(as_user(demo.chibo).post("/terms", {"unit": demo.branch.pk, "start_year": 2031,
                                                               "end_year": 2030}))
    assert "end_year" in errors


def test_congress_for_existing_term(demo, as_user):
    from nghiquyet.resolutions.services import term_create

    start, end = free_term_years(demo.branch)
    term = term_create(actor=demo.chibo, unit=demo.branch, start_year=start, end_year=end)
    api = as_user(demo.chibo)
    response = api.post(f"/terms/{term.pk}/congress", {"ordinal": "35", "held_from": f"10/04/{start}",
                                                       "held_to": f"11/04/{start}"})
    assert response.status_code == 201, response.content
    assert response.json()["held_from"] == f"{start}-04-10"
    assert as_user(demo.xa2).post(f"/terms/{term.pk}/congress", {"ordinal": "35", "held_from": f"{start}-04-10",
                                                                "held_to": f"{start}-04-11"}).status_code == 404


# ------------------------------------------------------------------ resolutions


def test_resolution_create_and_update(demo, plan, as_user):
    api = as_user(demo.xa)
    response = api.post("/resolutions", {
        "unit": demo.commune.pk, "symbol": "903-nq/ĐU", "issued_on": "2025-12-01",
        "title": "Nghị quyết chuyên đề về chuyển đổi số", "term": plan.commune_term.pk,
        "implements": [plan.province_doc.pk]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == 903 and body["issuer_code"] == "ĐU"
    assert [d["id"] for d in body["implements"]] == [plan.province_doc.pk]

    response = api.patch(f"/resolutions/{body['id']}", {"title": "Nghị quyết chuyên đề về chuyển đổi số (sửa)"})
    assert response.status_code == 200, response.content
    assert Document.objects.get(pk=body["id"]).title.endswith("(sửa)")
    assert response.json()["implements"][0]["id"] == plan.province_doc.pk       # untouched when not sent


@pytest.mark.parametrize("symbol", ["58/NQ-TW", "NQ-58/TW", "58-XX/TW", "58-NQ", "0-NQ/TW", "58-NQ/TW:", ""])
def test_resolution_malformed_symbol_is_422(demo, as_user, symbol):
    before = Document.objects.count()
    errors = field_errors(as_user(demo.xa).post("/resolutions", {
        "unit": demo.commune.pk, "symbol": symbol, "issued_on": "2025-12-01", "title": "Văn bản thử"}))
    assert set(errors) == {"symbol"}
    assert any(word in errors["symbol"] for word in ("ví dụ", "Loại văn bản", "Số văn bản", "Nhập"))
    assert Document.objects.count() == before


def test_resolution_body_refs_out_of_scope_are_field_errors(demo, plan, as_user):
    errors = field_errors(as_user(demo.xa2).post("/resolutions", {
        "unit": demo.commune2.pk, "symbol": "904-NQ/ĐU", "issued_on": "2025-12-01", "title": "Thử",
        "term": plan.commune_term.pk, "implements": [plan.commune_doc.pk]}))
    assert set(errors) == {"term", "implements"} and "Không tìm thấy" in errors["implements"]


def test_resolution_items(demo, plan, as_user):
    response = as_user(demo.xa).post(f"/resolutions/{plan.commune_doc.pk}/items", {
        "kind": "key_program", "number": "1", "title": "Chương trình chuyển đổi số"})
    assert response.status_code == 201 and response.json()["kind_label"] == "Chương trình trọng tâm"
    bad = as_user(demo.xa).post(f"/resolutions/{plan.commune_doc.pk}/items", {"kind": "wish", "title": "x"})
    assert field_errors(bad).keys() == {"kind"}


# ------------------------------------------------------------------ targets


def target_body(plan, **extra) -> dict:
    return {"resolution": plan.commune_doc.pk, "number": "9", "name": "Thu ngân sách trên địa bàn",
            "domain": "economy", "measure": "triệu đồng", "baseline_year": 2025, "baseline_value": "7.570",
            "target_value": "9.689,5", "direction": "higher", "aggregation": "sum",
            "milestones": [{"year": 2026, "value": "8.000"}, {"year": 2027, "value": 8500.25}], **extra}


def test_target_create_accepts_vietnamese_numbers_and_stores_exactly(demo, plan, as_user):
    response = as_user(demo.xa).post("/targets", target_body(plan))
    assert response.status_code == 201, response.content
    body = response.json()
    target = Target.objects.get(pk=body["id"])
    assert target.baseline_value == Decimal("7570") and target.target_value == Decimal("9689.5")
    assert body["baseline_value"] == "7570" and body["target_value"] == "9689.5"
    assert body["target_value_vn"] == "9.689,5"
    assert [(m["year"], m["value"], m["value_vn"]) for m in body["milestones"]] == [
        (2026, "8000", "8.000"), (2027, "8500.25", "8.500,25")]
    assert body["can_change"] is True and body["links_up"] == [] and body["links_down"] == []


def test_target_milestone_outside_term_is_422(demo, plan, as_user):
    before = Target.objects.count()
    errors = field_errors(as_user(demo.xa).post("/targets", target_body(plan, milestones=[
        {"year": 2024, "value": "8.000"}, {"year": 2031, "value": "9.000"}])))
    assert "milestones" in errors and "nằm ngoài nhiệm kỳ" in errors["milestones"]
    assert "2024" in errors["milestones"] and "2031" in errors["milestones"]
    assert Target.objects.count() == before


def test_target_bad_numbers_are_422_naming_fields(demo, plan, as_user):
    errors = field_errors(as_user(demo.xa).post("/targets", target_body(
        plan, baseline_value="7,5,7", target_value="nhiều", threshold="1.2345678")))
    assert set(errors) >= {"baseline_value", "target_value", "threshold"}
    assert "định dạng Việt Nam" in errors["baseline_value"]


def test_target_against_direction_is_422(demo, plan, as_user):
    errors = field_errors(as_user(demo.xa).post("/targets", target_body(plan, target_value="5.000", milestones=[])))
    assert "càng cao càng tốt" in errors["target_value"]


def test_target_update(demo, plan, as_user):
    api = as_user(demo.xa)
    response = api.patch(f"/targets/{plan.commune_target.pk}", {
        "target_value": "10,5", "milestones": [{"year": 2026, "value": "9"}, {"year": 2028, "value": "10"}]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["target_value"] == "10.5" and [m["year"] for m in body["milestones"]] == [2026, 2028]
    assert body["name"] == "Tăng trưởng kinh tế của xã"                    # untouched
    errors = field_errors(api.patch(f"/targets/{plan.commune_target.pk}", {"name": None, "measure": "  "}))
    assert set(errors) == {"name"}          # null refused before the service runs
    errors = field_errors(api.patch(f"/targets/{plan.commune_target.pk}", {"measure": "  "}))
    assert set(errors) == {"measure"} and "đơn vị tính" in errors["measure"]
    assert field_errors(api.patch(f"/targets/{plan.commune_target.pk}", {"domain": "sport"})).keys() == {"domain"}


@pytest.mark.parametrize(("text", "value"), [
    ("1.234,5", "1234.5"), ("1.234.567", "1234567"), ("104,33", "104.33"), ("1234.5", "1234.5"), (12, "12"),
    (0.55, "0.55"), ("0.125", "0.125"), ("-1,5", "-1.5"), ("7,000001", "7.000001"), ("9.689", "9689"),
    ("1.500", "1500"), ("7.5", "7.5"), (1.234, "1.2340"), ("1.2340", "1.2340"), ("1,234", "1.2340"),
])
def test_target_number_formats(demo, plan, as_user, text, value):
    response = as_user(demo.xa).patch(f"/targets/{plan.commune_target.pk}", {"threshold": text})
    assert response.status_code == 200, response.content
    assert response.json()["threshold"] == value


@pytest.mark.parametrize("text", ["1,2,3", "1e5", "abc", "1.2345678", "7,0000001", "1.23.4", True, "", "1" * 30])
def test_target_number_ambiguous_or_malformed_is_422(demo, plan, as_user, text):
    errors = field_errors(as_user(demo.xa).patch(f"/targets/{plan.commune_target.pk}", {"threshold": text}))
    assert set(errors) == {"threshold"}


def test_target_links_and_copy_down(demo, plan, as_user):
    api = as_user(demo.xa)
    response = api.post(f"/targets/{plan.commune_target.pk}/links", {"target": plan.province_target.pk})
    assert response.status_code == 201, response.content
    assert [link["object_id"] for link in response.json()["links_up"]] == [plan.province_target.pk]
    assert field_errors(api.post(f"/targets/{plan.commune_target.pk}/links", {})).keys() == {"target"}
    # a link that would point across (to the sibling commune) or down is refused
    xa2_doc = Document.objects.filter(unit=demo.commune2).first()
    if xa2_doc is not None and xa2_doc.targets.exists():
        bad = api.post(f"/targets/{plan.commune_target.pk}/links", {"target": xa2_doc.targets.first().pk})
        assert field_errors(bad).keys() == {"target"}
    response = as_user(demo.tinh).post(f"/targets/{plan.province_target.pk}/links",
                                       {"target": plan.commune_target.pk})
    assert "destination" in field_errors(response)

    response = api.post(f"/resolutions/{plan.commune_doc.pk}/copy-targets", {"sources": [plan.province_target2.pk]})
    assert response.status_code == 201, response.content
    (copy,) = response.json()
    assert copy["copied_from_id"] == plan.province_target2.pk and copy["target_value"] == "1.5"
    assert [link["object_id"] for link in api.get(f"/targets/{copy['id']}").json()["links_up"]] == [
        plan.province_target2.pk]


# ------------------------------------------------------------------ programs


def test_program_create_and_update(demo, plan, as_user):
    api = as_user(demo.xa)
    response = api.post("/programs", {"unit": demo.commune.pk, "resolution": plan.province_doc.pk,
                                      "title": "Kế hoạch thực hiện nghị quyết của Tỉnh ủy", "issued_on": "20/11/2025",
                                      "symbol": "15-KH/ĐU"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["resolution"]["id"] == plan.province_doc.pk and body["issued_on"] == "2025-11-20"
    assert body["task_counts"]["total"] == 0
    response = api.patch(f"/programs/{body['id']}", {"title": "Kế hoạch (sửa)"})
    assert response.status_code == 200 and ActionProgram.objects.get(pk=body["id"]).title == "Kế hoạch (sửa)"
    errors = field_errors(api.patch(f"/programs/{body['id']}", {"issued_on": "2025-01-01"}))
    assert "issued_on" in errors


def test_program_create_for_unit_out_of_scope(demo, plan, as_user):
    response = as_user(demo.xa).post("/programs", {"unit": demo.province.pk, "resolution": plan.province_doc.pk,
                                                   "title": "X", "issued_on": "2025-11-20"})
    assert field_errors(response)["unit"].startswith("Không tìm thấy")


# ------------------------------------------------------------------ tasks


def task_body(plan, demo, **extra) -> dict:
    from tests.api_plans.conftest import people_of

    directing, responsible, advisor = people_of(demo.commune)
    return {"program": plan.commune_program.pk, "title": "Rà soát hồ sơ đất đai", "directing": directing.pk,
            "responsible": responsible.pk, "advisor": advisor.pk, "start_date": "2026-02-01",
            "due_date": "30/06/2026", "deliverable": "Báo cáo rà soát", "authority": "Ban Thường vụ Đảng ủy", **extra}


def test_task_create_with_all_clears(demo, plan, bodies, as_user):
    response = as_user(demo.xa).post("/tasks", task_body(plan, demo, coordinating=[bodies[0].pk]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["due_date"] == "2026-06-30" and body["coordinating"][0]["id"] == bodies[0].pk
    assert body["status"] == "not_started" and body["program"]["id"] == plan.commune_program.pk


def test_task_due_before_start_is_422(demo, plan, as_user):
    before = Task.objects.count()
    errors = field_errors(as_user(demo.xa).post("/tasks", task_body(plan, demo, due_date="2026-01-15")))
    assert errors.keys() == {"due_date"} and "trước ngày bắt đầu" in errors["due_date"]
    assert Task.objects.count() == before


@pytest.mark.parametrize(("missing", "field", "words"), [
    ({"deliverable": ""}, "deliverable", "rõ sản phẩm"),
    ({"responsible": None}, "responsible", "rõ người"),
    ({"authority": "  "}, "authority", "rõ thẩm quyền"),
    ({"start_date": None}, "start_date", "rõ thời gian"),
    ({"title": ""}, "title", "rõ việc"),
])
def test_task_missing_a_clear_is_422_naming_it(demo, plan, as_user, missing, field, words):
    errors = field_errors(as_user(demo.xa).post("/tasks", task_body(plan, demo, **missing)))
    assert field in errors and words in errors[field]


def test_task_refs_out_of_scope_are_field_errors(demo, plan, as_user):
    from tests.api_plans.conftest import people_of

    stranger = people_of(demo.commune2, 1)[0]
    errors = field_errors(as_user(demo.xa).post("/tasks", task_body(plan, demo, advisor=stranger.pk,
                                                                     coordinating=[demo.commune2.pk])))
    assert set(errors) == {"advisor", "coordinating"}


def test_task_update_and_progress(demo, plan, as_user):
    api = as_user(demo.xa)
    task = plan.commune_task
    response = api.patch(f"/tasks/{task.pk}", {"due_date": "2026-11-30", "deliverable": "Đề án"})
    assert response.status_code == 200, response.content
    assert response.json()["deliverable"] == "Đề án" and response.json()["title"] == task.title
    errors = field_errors(api.patch(f"/tasks/{task.pk}", {"due_date": "2025-12-01"}))
    assert "due_date" in errors
    errors = field_errors(api.patch(f"/tasks/{task.pk}", {"status": "overdue"}))
    assert "status" in errors and "tự động" in errors["status"]
    response = api.post(f"/tasks/{task.pk}/progress", {"on": "2026-03-01", "note": "Đã hoàn thành dự thảo",
                                                       "percent": 60})
    assert response.status_code == 201 and response.json()["percent"] == 60
    response = api.patch(f"/tasks/{task.pk}", {"status": "done"})
    assert response.json()["status"] == "done" and response.json()["percent"] == 100


def test_task_link_up(demo, plan, as_user):
    response = as_user(demo.xa).post(f"/tasks/{plan.commune_task.pk}/links", {"item": plan.province_item.pk})
    assert response.status_code == 201, response.content
    assert [(link["kind"], link["object_id"]) for link in response.json()["links_up"]] == [
        ("item", plan.province_item.pk)]


def test_resolution_item_update(demo, plan, as_user):
    from nghiquyet.resolutions.services import item_create

    item = item_create(actor=demo.xa, document=plan.commune_doc, kind="objective", number="1", title="Mục tiêu")
    api = as_user(demo.xa)
    path = f"/resolutions/{plan.commune_doc.pk}/items/{item.pk}"
    response = api.patch(path, {"title": "Mục tiêu tổng quát", "kind": "breakthrough"})
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Mục tiêu tổng quát" and response.json()["kind_label"] == "Khâu đột phá"
    assert "title" in field_errors(api.patch(path, {"title": "  "}))
    assert api.patch(f"/resolutions/{plan.province_doc.pk}/items/{item.pk}", {"title": "x"}).status_code == 404
    assert as_user(demo.xa2).patch(path, {"title": "x"}).status_code == 404
    province_path = f"/resolutions/{plan.province_doc.pk}/items/{plan.province_item.pk}"
    assert as_user(demo.xa).patch(province_path, {"title": "x"}).status_code == 403


def test_link_delete_uncovers_again(demo, plan, as_user):
    api = as_user(demo.xa)
    body = api.post(f"/targets/{plan.commune_target.pk}/links", {"target": plan.province_target.pk}).json()
    link_id = body["links_up"][0]["id"]
    coverage = f"/units/{demo.province.pk}/coverage"

    def covered() -> bool:
        rows = as_user(demo.tinh).get(coverage, resolution=plan.province_doc.pk).json()["rows"]
        row = next(r for r in rows if r["target"]["id"] == plan.province_target.pk)
        return demo.commune.pk in {u["id"] for u in row["covered"]}

    assert covered()
    assert as_user(demo.xa2).client.delete(f"/api/v1/links/{link_id}").status_code == 404
    assert as_user(demo.chibo).client.delete(f"/api/v1/links/{link_id}").status_code == 404
    assert as_user(demo.xa).client.delete(f"/api/v1/links/{link_id}").status_code == 204
    assert not covered()
    assert as_user(demo.xa).client.delete(f"/api/v1/links/{link_id}").status_code == 404


def test_a_boolean_where_a_number_is_expected_is_explained_in_vietnamese(demo, plan, as_user):
    errors = field_errors(as_user(demo.xa).patch(f"/targets/{plan.commune_target.pk}", {"threshold": True}))
    assert errors == {"threshold": "Phải là một số."}
