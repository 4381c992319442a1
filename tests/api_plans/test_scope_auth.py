"""Scope on every endpoint, bearer tokens, the OpenAPI schema and pinned query counts."""

from __future__ import annotations

import pytest

from nghiquyet.accounts.services import api_token_create
from nghiquyet.resolutions.services import alignment_create
from tests.api_plans.conftest import API, Api, field_errors

pytestmark = pytest.mark.django_db


def commune_paths(plan, demo) -> list[str]:
    return [
        f"/terms/{plan.commune_term.pk}", f"/resolutions/{plan.commune_doc.pk}",
        f"/targets/{plan.commune_target.pk}", f"/programs/{plan.commune_program.pk}",
        f"/tasks/{plan.commune_task.pk}", f"/units/{demo.commune.pk}/coverage",
    ]


def test_sibling_commune_gets_404_on_every_read(demo, plan, as_user):
    api = as_user(demo.xa2)
    for path in commune_paths(plan, demo):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["detail"] == "Không tìm thấy."
    for path, obj in [("/terms", plan.commune_term), ("/resolutions", plan.commune_doc),
                      ("/targets", plan.commune_target), ("/programs", plan.commune_program),
                      ("/tasks", plan.commune_task)]:
        assert obj.pk not in {r["id"] for r in api.get(path, page_size=200).json()["items"]}, path
        assert api.get(path, unit=demo.commune.pk).json()["count"] == 0, path


def test_sibling_commune_gets_404_on_every_write(demo, plan, as_user):
    api = as_user(demo.xa2)
    writes = [
        ("patch", f"/resolutions/{plan.commune_doc.pk}", {"title": "x"}),
        ("post", f"/resolutions/{plan.commune_doc.pk}/items", {"kind": "objective", "title": "x"}),
        ("post", f"/resolutions/{plan.commune_doc.pk}/copy-targets", {"sources": [plan.province_target.pk]}),
        ("patch", f"/targets/{plan.commune_target.pk}", {"name": "x"}),
        ("post", f"/targets/{plan.commune_target.pk}/links", {"target": plan.province_target.pk}),
        ("patch", f"/programs/{plan.commune_program.pk}", {"title": "x"}),
        ("patch", f"/tasks/{plan.commune_task.pk}", {"title": "x"}),
        ("post", f"/tasks/{plan.commune_task.pk}/progress", {"on": "2026-01-01", "note": "x", "percent": 1}),
        ("post", f"/tasks/{plan.commune_task.pk}/links", {"target": plan.province_target.pk}),
        ("post", f"/terms/{plan.commune_term.pk}/congress", {"ordinal": "1", "held_from": "2025-01-01",
                                                              "held_to": "2025-01-02"}),
    ]
    for method, path, data in writes:
        response = getattr(api, method)(path, data)
        assert response.status_code == 404, (method, path, response.content)


def test_sibling_commune_ids_in_the_body_are_field_errors(demo, plan, as_user):
    """An id in the body that is unknown or out of scope names the field (422), like any other bad value."""
    api = as_user(demo.xa2)
    writes = [
        ("/targets", {"resolution": plan.commune_doc.pk, "domain": "economy"}, "resolution"),
        ("/programs", {"unit": demo.commune.pk, "resolution": plan.commune_doc.pk, "title": "x",
                       "issued_on": "2025-12-01"}, "unit"),
        ("/tasks", {"program": plan.commune_program.pk, "title": "x"}, "program"),
        ("/resolutions", {"unit": demo.commune.pk, "symbol": "9-NQ/ĐU", "issued_on": "2025-12-01"}, "unit"),
        ("/terms", {"unit": demo.commune.pk, "start_year": 2030, "end_year": 2035}, "unit"),
    ]
    for path, data, field in writes:
        errors = field_errors(api.post(path, data))
        assert field in errors, (path, errors)
        assert errors[field].startswith("Không tìm thấy"), (path, errors)


def test_commune_reads_province_plans_but_cannot_change_them(demo, plan, as_user):
    api = as_user(demo.xa)
    for path in (f"/terms/{plan.province_term.pk}", f"/resolutions/{plan.province_doc.pk}",
                 f"/targets/{plan.province_target.pk}", f"/programs/{plan.province_program.pk}"):
        response = api.get(path)
        assert response.status_code == 200, path
        assert response.json()["can_change"] is False
    writes = [
        ("patch", f"/resolutions/{plan.province_doc.pk}", {"title": "Sửa trái phép"}),
        ("post", f"/resolutions/{plan.province_doc.pk}/items", {"kind": "objective", "title": "x"}),
        ("patch", f"/targets/{plan.province_target.pk}", {"target_value": "20"}),
        ("post", "/targets", {"resolution": plan.province_doc.pk, "number": "99", "name": "x", "domain": "economy",
                              "measure": "%", "target_value": "1"}),
        ("post", f"/targets/{plan.province_target2.pk}/links", {"target": plan.province_target.pk}),
        ("patch", f"/programs/{plan.province_program.pk}", {"title": "x"}),
        ("post", "/tasks", {"program": plan.province_program.pk, "title": "x"}),
        ("post", f"/terms/{plan.province_term.pk}/congress", {"ordinal": "1", "held_from": "2025-01-01",
                                                               "held_to": "2025-01-02"}),
    ]
    for method, path, data in writes:
        response = getattr(api, method)(path, data)
        assert response.status_code in (403, 404), (method, path, response.content)
        assert response.json()["detail"]
    plan.province_doc.refresh_from_db()
    plan.province_target.refresh_from_db()
    assert plan.province_doc.title != "Sửa trái phép" and plan.province_target.target_value != 20
    # forbidden, not hidden: the province's own objects answer 403 with a Vietnamese reason
    response = api.patch(f"/targets/{plan.province_target.pk}", {"target_value": "20"})
    assert response.status_code == 403 and "không có quyền" in response.json()["detail"]


def test_commune_cannot_read_province_tasks(demo, plan, as_user):
    api = as_user(demo.xa)
    assert api.get(f"/tasks/{plan.province_task.pk}").status_code == 404
    assert api.patch(f"/tasks/{plan.province_task.pk}", {"title": "x"}).status_code == 404
    assert plan.province_task.pk not in {r["id"] for r in api.get("/tasks", page_size=200).json()["items"]}
    assert api.get("/tasks", program=plan.province_program.pk).json()["count"] == 0
    assert api.get(f"/units/{demo.province.pk}/coverage").status_code == 404


def test_province_reads_commune_tasks_and_links(demo, plan, as_user):
    alignment_create(actor=demo.xa, source=plan.commune_target, destination=plan.province_target)
    api = as_user(demo.tinh)
    assert api.get(f"/tasks/{plan.commune_task.pk}").status_code == 200
    links = api.get(f"/targets/{plan.province_target.pk}").json()["links_down"]
    assert [link["object_id"] for link in links] == [plan.commune_target.pk]


def test_anonymous_is_401(client, plan):
    for path in ("/terms", "/resolutions", "/targets", "/programs", "/tasks", f"/tasks/{plan.commune_task.pk}"):
        response = client.get(API + path)
        assert response.status_code == 401 and "xác thực" in response.json()["detail"]


def test_bearer_token_auth(demo, plan, client):
    demo.xa.set_password("mat-khau-thu")      # the tests' fast hasher cannot check the seeded hash
    demo.xa.save()
    response = client.post(API + "/auth/token", {"username": "demo-xa", "password": "mat-khau-thu"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    api = Api(client, headers={"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"})
    assert api.get(f"/tasks/{plan.commune_task.pk}").status_code == 200
    assert api.get(f"/tasks/{plan.province_task.pk}").status_code == 404
    response = api.patch(f"/tasks/{plan.commune_task.pk}", {"deliverable": "Đề án qua API"})
    assert response.status_code == 200 and response.json()["deliverable"] == "Đề án qua API"
    wrong = Api(client, headers={"HTTP_AUTHORIZATION": "Bearer nq_khong-dung"})
    assert wrong.get("/tasks").status_code == 401


def test_openapi_lists_every_path_with_response_schemas(client):
    schema = client.get(API + "/openapi.json").json()
    paths = schema["paths"]
    expected = {
        "/api/v1/terms": {"get", "post"}, "/api/v1/terms/{term_id}": {"get"},
        "/api/v1/terms/{term_id}/congress": {"post"},
        "/api/v1/resolutions": {"get", "post"}, "/api/v1/resolutions/{document_id}": {"get", "patch"},
        "/api/v1/resolutions/{document_id}/items": {"post"},
        "/api/v1/resolutions/{document_id}/items/{item_id}": {"patch"}, "/api/v1/links/{link_id}": {"delete"},
        "/api/v1/resolutions/{document_id}/copy-targets": {"post"},
        "/api/v1/targets": {"get", "post"}, "/api/v1/targets/{target_id}": {"get", "patch"},
        "/api/v1/targets/{target_id}/links": {"post"},
        "/api/v1/programs": {"get", "post"}, "/api/v1/programs/{program_id}": {"get", "patch"},
        "/api/v1/tasks": {"get", "post"}, "/api/v1/tasks/{task_id}": {"get", "patch"},
        "/api/v1/tasks/{task_id}/progress": {"post"}, "/api/v1/tasks/{task_id}/links": {"post"},
        "/api/v1/units/{unit_id}/coverage": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert set(paths[path]) == methods, path
        for method in methods:
            responses = paths[path][method]["responses"]
            if method == "delete":
                assert "204" in responses, path
            else:
                ok = responses.get("200") or responses.get("201")
                assert ok and "$ref" in str(ok["content"]["application/json"]["schema"]), (path, method)
            if method != "get":
                assert "403" in responses and "422" in responses, (path, method)
    target = schema["components"]["schemas"]["TargetOut"]["properties"]["target_value"]
    assert target["type"] == "string"


# ------------------------------------------------------------------ pinned query counts


def _more_plan(demo, plan, n: int) -> None:
    """More rows of every kind, so a per-row query would show up in the counts."""
    import datetime as dt
    from decimal import Decimal

    from nghiquyet.programs.services import program_create, task_create
    from nghiquyet.resolutions.services import document_create, target_create
    from tests.api_plans.conftest import clears

    for i in range(n):
        doc = document_create(actor=demo.xa, unit=demo.commune, symbol=f"{910 + i}-NQ/ĐU",
                              issued_on=dt.date(2025, 12, 1), title=f"Văn bản thêm {i}", term=plan.commune_term,
                              implements=[plan.province_doc])
        target_create(actor=demo.xa, document=doc, number="1", name=f"Chỉ tiêu thêm {i}", domain="economy",
                      measure="%", target_value=Decimal("5"), milestones={2026: Decimal("2"), 2027: Decimal("3")})
        program = program_create(actor=demo.xa, unit=demo.commune, resolution=doc, title=f"Kế hoạch thêm {i}",
                                 issued_on=dt.date(2025, 12, 2))
        task_create(actor=demo.xa, program=program, title=f"Nhiệm vụ thêm {i}", **clears(demo.commune))


LISTS = {
    # session + user + grants + 2 for history (scope), then count + page + prefetches; resolutions scope
    # their "implements" prefetch too (2 more for history)
    "/terms": 7, "/resolutions": 8, "/targets": 8, "/programs": 7, "/tasks": 8,
}


@pytest.mark.parametrize("path", sorted(LISTS))
def test_list_query_counts_are_pinned(demo, plan, client, django_assert_num_queries, path):
    client.force_login(demo.xa)
    url = API + path
    client.get(url)                         # warm up (content types, sessions)
    with django_assert_num_queries(LISTS[path]):
        first = client.get(url, {"page_size": 200})
    _more_plan(demo, plan, 3)
    with django_assert_num_queries(LISTS[path]):
        second = client.get(url, {"page_size": 200})
    assert first.status_code == second.status_code == 200
    if path != "/terms":
        assert second.json()["count"] > first.json()["count"]


def test_coverage_query_count_is_pinned(demo, plan, client, django_assert_num_queries):
    client.force_login(demo.tinh)
    url = f"{API}/units/{demo.province.pk}/coverage"
    client.get(url)
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200
    alignment_create(actor=demo.xa, source=plan.commune_target, destination=plan.province_target)
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200


def test_bearer_token_query_count(demo, plan, client, django_assert_num_queries):
    token, raw = api_token_create(actor=demo.xa)
    api = Api(client, headers={"HTTP_AUTHORIZATION": f"Bearer {raw}"})
    api.get("/tasks")
    with django_assert_num_queries(7):
        assert api.get("/tasks").status_code == 200
