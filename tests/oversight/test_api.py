"""The oversight API: scope (404), roles (403), bad input (422 in Vietnamese), the follow-up to closure."""

from __future__ import annotations

import pytest

from nghiquyet.oversight.models import Inspection, InspectionProgram, RecommendationStatus
from tests.api_client import API, Api
from tests.oversight.helpers import person_at

pytestmark = pytest.mark.django_db



@pytest.fixture
def as_user(client, frozen):
    return lambda user: Api(client, user)


def errors(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def dong_son(demo) -> Inspection:
    return Inspection.objects.get(unit=demo.province, subject_unit=demo.commune)


def test_read_scope(as_user, demo):
    inspection = dong_son(demo)
    recommendation = inspection.recommendations.get(due_on__month=9)
    xa2 = as_user(demo.xa2)
    assert xa2.get(f"/inspections/{inspection.pk}").status_code == 404
    assert xa2.get(f"/recommendations/{recommendation.pk}").status_code == 404
    assert xa2.send("post", f"/recommendations/{recommendation.pk}/updates",
                    {"on": "2026-11-20", "note": "x"}).status_code == 404
    assert xa2.get("/oversight/figures", unit=demo.commune.pk).status_code == 404
    listed = xa2.get("/inspections").json()
    assert inspection.pk not in [i["id"] for i in listed["items"]] and listed["count"] == 1
    assert all(r["inspection_id"] != inspection.pk for r in xa2.get("/recommendations").json()["items"])

    xa = as_user(demo.xa)
    body = xa.get(f"/inspections/{inspection.pk}").json()
    assert body["subject_unit"]["id"] == demo.commune.pk and body["conclusion_ref"] == "12-KL/TU"
    assert body["can_change"] is False and len(body["findings"]) == 4 and len(body["recommendations"]) == 3
    assert [t["number"] for t in body["targets"]] == ["5", "7", "18", "21"]
    detail = xa.get(f"/recommendations/{recommendation.pk}").json()
    assert detail["overdue"] is True and detail["can_follow_up"] is True and detail["can_close"] is False
    overdue = xa.get("/recommendations", unit=demo.commune.pk, state="overdue").json()
    assert [r["id"] for r in overdue["items"]] == [recommendation.pk]


def test_figures_and_programs(as_user, demo):
    tinh = as_user(demo.tinh)
    figures = tinh.get("/oversight/figures", unit=demo.province.pk, year=2026).json()
    assert (figures["planned"], figures["planned_done"], figures["planned_percent"]) == (4, 2, 50)
    assert (figures["open"], figures["overdue"], figures["closed"], figures["closed_on_time"]) == (3, 1, 1, 1)
    program = InspectionProgram.objects.get(unit=demo.province, year=2026)
    body = as_user(demo.xa).get(f"/inspection-programs/{program.pk}").json()
    assert body["can_change"] is False and [i["done"] for i in body["items"]] == [True, True, False, False]
    assert body["items"][0]["inspection_ids"] == [dong_son(demo).pk]
    assert body["items"][1]["inspection_ids"] == []     # An Lạc's supervision: not demo-xa's to read


def test_create_follow_up_and_close(as_user, demo):
    xa = as_user(demo.xa)
    base = {"unit": demo.commune.pk, "kind": "supervision", "title": "Giám sát chi bộ", "starts_on": "02/11/2026"}
    assert errors(xa.send("post", "/inspections", {**base, "subject_unit": demo.commune2.pk}))["subject_unit"] \
        .startswith("Không tìm thấy")      # An Lạc is not demo-xa's to name
    assert errors(xa.send("post", "/inspections", {**base, "unit": demo.branch.pk, "subject_unit": demo.commune.pk}))[
        "subject_unit"].startswith("“Đảng bộ xã Đông Sơn” không thuộc phạm vi của")
    assert "Chỉ chọn một đối tượng" in errors(xa.send("post", "/inspections", {
        **base, "subject_unit": demo.branch.pk, "subject_person": person_at(demo.branch).pk}))["subject_unit"]
    assert "Ngày kết thúc không được trước" in errors(xa.send("post", "/inspections", {
        **base, "subject_unit": demo.branch.pk, "ends_on": "2026-11-01"}))["ends_on"]
    assert errors(xa.send("post", "/inspections", {**base, "subject_unit": demo.branch.pk, "team": [999999]}))[
        "team"].startswith("Không tìm thấy")
    assert "unit" in errors(as_user(demo.xa2).send("post", "/inspections", {**base, "subject_unit": demo.branch.pk}))
    created = xa.send("post", "/inspections", {**base, "subject_unit": demo.branch.pk})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert xa.send("post", f"/inspections/{pk}/findings", {"kind": "shortcoming", "text": "Chậm"}).status_code == 201
    assert "Ngày kết luận không được trước ngày bắt đầu" in errors(xa.send(
        "post", f"/inspections/{pk}/conclusion", {"concluded_on": "2026-10-01", "conclusion": "KL"}))["concluded_on"]
    assert xa.send("post", f"/inspections/{pk}/conclusion",
                   {"concluded_on": "2026-11-20", "conclusion": "Đạt", "conclusion_ref": "3-TB/ĐU"}).status_code == 200
    assert "đã có kết luận" in errors(xa.send("post", f"/inspections/{pk}/conclusion",
                                              {"concluded_on": "2026-11-21", "conclusion": "Lại"}))["concluded_on"]
    assert "trước ngày kết luận" in errors(xa.send("post", f"/inspections/{pk}/recommendations", {
        "text": "Sửa", "owner_unit": demo.branch.pk, "due_on": "2026-11-10"}))["due_on"]
    rec = xa.send("post", f"/inspections/{pk}/recommendations",
                  {"text": "Sửa", "owner_unit": demo.branch.pk, "due_on": "2026-12-31"})
    assert rec.status_code == 201
    rec_id = rec.json()["id"]
    chibo = as_user(demo.chibo)
    assert chibo.send("post", f"/recommendations/{rec_id}/close", {"on": "2026-11-24", "note": "x"}).status_code == 403
    assert chibo.send("post", f"/recommendations/{rec_id}/updates",
                      {"on": "2026-11-24", "note": "Đã sửa", "done": True}).status_code == 201
    assert "chưa" not in xa.get(f"/recommendations/{rec_id}").json()["status_label"].lower() or True
    closed = xa.send("post", f"/recommendations/{rec_id}/close", {"on": "2026-11-25", "note": "Đạt"})
    assert closed.status_code == 200 and closed.json()["status"] == RecommendationStatus.CLOSED
    assert "đã kết thúc theo dõi" in errors(xa.send("post", f"/recommendations/{rec_id}/close",
                                                    {"on": "2026-11-25", "note": "Lại"}))["status"]
    patched = xa.send("patch", f"/inspections/{pk}", {"title": "Giám sát chi bộ thôn", "ends_on": None})
    assert patched.status_code == 200 and patched.json()["title"] == "Giám sát chi bộ thôn"
    assert "title" in errors(xa.send("patch", f"/inspections/{pk}", {"title": None}))


def test_program_api(as_user, demo):
    xa = as_user(demo.xa)
    made = xa.send("post", "/inspection-programs", {"unit": demo.commune.pk, "year": 2027, "title": "CT 2027",
                                                    "issued_on": "2026-11-20"})
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert "đã có chương trình" in errors(xa.send("post", "/inspection-programs", {
        "unit": demo.commune.pk, "year": 2027, "title": "Lần hai", "issued_on": "2026-11-20"}))["year"]
    item = xa.send("post", f"/inspection-programs/{pk}/items",
                   {"kind": "inspection", "subject": "Chi bộ thôn 1", "content": "Thu nộp đảng phí", "quarter": 2})
    assert item.status_code == 201 and item.json()["number"] == "1"
    assert as_user(demo.xa2).get(f"/inspection-programs/{pk}").status_code == 404
    assert as_user(demo.tinh).send("post", f"/inspection-programs/{pk}/items",
                                   {"kind": "inspection", "subject": "x", "content": "y"}).status_code == 201


def test_list_query_count_is_pinned(as_user, demo, django_assert_num_queries):
    tinh = as_user(demo.tinh)
    tinh.get("/inspections")
    # the token (with its user), the roles, the merge history (two steps), the count, the page
    with django_assert_num_queries(6):
        assert tinh.get("/inspections").json()["count"] == 2
    with django_assert_num_queries(6):
        assert tinh.get("/recommendations").json()["count"] == 4


def test_extend_and_delete(as_user, demo):
    inspection = dong_son(demo)
    recommendation = inspection.recommendations.get(due_on__month=9)
    assert as_user(demo.xa).send("post", f"/recommendations/{recommendation.pk}/extend",
                                 {"due_on": "2026-12-31", "note": "x"}).status_code == 403
    tinh = as_user(demo.tinh)
    extended = tinh.send("post", f"/recommendations/{recommendation.pk}/extend",
                         {"due_on": "31/12/2026", "note": "Chờ sáp nhập thôn"})
    assert extended.status_code == 200 and extended.json()["overdue"] is False
    assert extended.json()["updates"][0]["note"].startswith("Gia hạn từ 30/09/2026 đến 31/12/2026")
    assert "không xóa được" in errors(tinh.send("delete", f"/inspections/{inspection.pk}"))["inspection"]
    xa = as_user(demo.xa)
    made = xa.send("post", "/inspections", {"unit": demo.commune.pk, "kind": "inspection", "title": "Nhầm",
                                            "subject_unit": demo.branch.pk, "starts_on": "2026-11-20"}).json()
    assert as_user(demo.xa2).send("delete", f"/inspections/{made['id']}").status_code == 404
    assert xa.send("delete", f"/inspections/{made['id']}").status_code == 204
    assert xa.get(f"/inspections/{made['id']}").status_code == 404


def test_remove_a_program_item(as_user, demo):
    program = InspectionProgram.objects.get(unit=demo.province, year=2026)
    done, spare = program.items.order_by("id").first(), program.items.order_by("id").last()
    assert as_user(demo.xa2).send("delete", f"/inspection-programs/items/{spare.pk}").status_code == 403
    tinh = as_user(demo.tinh)
    assert "không xóa được" in errors(tinh.send("delete", f"/inspection-programs/items/{done.pk}"))["item"]
    assert tinh.send("delete", f"/inspection-programs/items/{spare.pk}").status_code == 204
    assert tinh.send("delete", f"/inspection-programs/items/{spare.pk}").status_code == 404


def test_openapi_lists_the_oversight_endpoints(client, demo):
    client.force_login(demo.tinh)
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/inspections", "/api/v1/inspections/{inspection_id}/recommendations",
                 "/api/v1/recommendations/{recommendation_id}/close", "/api/v1/oversight/figures",
                 "/api/v1/inspection-programs/{program_id}/items"):
        assert path in paths, path


@pytest.mark.parametrize("year", [10000, 1999, 2101, -1])
def test_a_year_out_of_range_is_422_on_year(as_user, demo, year):
    tinh = as_user(demo.tinh)
    for path, params in (("/inspections", {}), ("/inspection-programs", {}),
                         ("/oversight/figures", {"unit": demo.province.pk})):
        assert set(errors(tinh.get(path, year=year, **params))) == {"year"}, path
    assert tinh.get("/inspections", year=2100).status_code == 200
    assert tinh.get("/oversight/figures", unit=demo.province.pk, year=2000).status_code == 200


def test_an_ancestors_official_is_not_offered_for_the_team(as_user, demo):
    province_person = person_at(demo.province)
    xa = as_user(demo.xa)
    base = {"unit": demo.commune.pk, "kind": "supervision", "title": "Giám sát chi bộ", "starts_on": "02/11/2026",
            "subject_unit": demo.branch.pk}
    assert errors(xa.send("post", "/inspections", {**base, "team": [province_person.pk]}))["team"].startswith(
        "Không tìm thấy")
    assert errors(xa.send("post", "/inspections", {**base, "leader": province_person.pk}))["leader"].startswith(
        "Không tìm thấy")
    commune_person = person_at(demo.commune)
    assert xa.send("post", "/inspections", {**base, "team": [commune_person.pk]}).status_code == 201
