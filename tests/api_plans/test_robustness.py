"""Whatever a client sends, the API answers in Vietnamese JSON: out-of-range ids and pages, unreadable bodies,
body ids that name nothing, and even a bug (a JSON 500 that saved nothing)."""

from __future__ import annotations

import pytest

from nghiquyet.programs.models import Task
from tests.api_plans.conftest import API, field_errors
from tests.api_plans.test_write import task_body

pytestmark = pytest.mark.django_db

HUGE = 2**63            # one past the largest 64-bit key: SQLite raised OverflowError on it
HUGER = 10**30

LISTS = ["/units", "/audit", "/terms", "/resolutions", "/targets", "/programs", "/tasks"]
FILTERS = [("/units", "parent"), ("/audit", "unit"), ("/terms", "unit"), ("/resolutions", "unit"),
           ("/resolutions", "term"), ("/targets", "unit"), ("/targets", "resolution"), ("/programs", "unit"),
           ("/programs", "resolution"), ("/tasks", "unit"), ("/tasks", "program"), ("/tasks", "resolution")]


@pytest.mark.parametrize("path,field", FILTERS)
@pytest.mark.parametrize("value", [HUGE, HUGER, 0, -1])
def test_out_of_range_filter_ids_are_422_naming_the_field(demo, as_user, path, field, value):
    errors = field_errors(as_user(demo.tinh).get(path, **{field: value}))
    assert list(errors) == [field]
    assert errors[field].startswith("Phải ")


def test_largest_possible_id_is_just_not_found(demo, as_user):
    api = as_user(demo.tinh)
    response = api.get("/terms", unit=HUGE - 1)
    assert response.status_code == 200 and response.json()["count"] == 0
    assert api.get(f"/terms/{HUGE - 1}").status_code == 404


def test_coverage_filter_out_of_range_is_422(demo, as_user):
    errors = field_errors(as_user(demo.tinh).get(f"/units/{demo.province.pk}/coverage", resolution=HUGE))
    assert list(errors) == ["resolution"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("page", [HUGE, HUGER, 1_000_001])
def test_huge_page_is_422_naming_page(demo, as_user, path, page):
    errors = field_errors(as_user(demo.tinh).get(path, page=page))
    assert list(errors) == ["page"]
    assert errors["page"] == "Phải nhỏ hơn hoặc bằng 1000000."


@pytest.mark.parametrize("path", LISTS)
def test_far_page_within_bounds_is_empty(demo, as_user, path):
    response = as_user(demo.tinh).get(path, page=1_000_000, page_size=200)
    assert response.status_code == 200, response.content
    assert response.json()["items"] == []


@pytest.mark.parametrize("path", ["/units/{}", "/terms/{}", "/resolutions/{}", "/targets/{}", "/programs/{}",
                                  "/tasks/{}", "/units/{}/coverage"])
@pytest.mark.parametrize("value", [HUGE, HUGER, 0, "abc"])
def test_path_ids_out_of_range_are_404(demo, as_user, path, value):
    response = as_user(demo.tinh).get(path.format(value))
    assert response.status_code == 404, response.content
    assert response.json() == {"detail": "Không tìm thấy."}


def test_path_ids_out_of_range_on_writes_are_404(demo, plan, as_user):
    api = as_user(demo.xa)
    assert api.patch(f"/tasks/{HUGE}", {"title": "x"}).status_code == 404
    assert api.post(f"/resolutions/{HUGE}/copy-targets", {"sources": [plan.province_target.pk]}).status_code == 404
    assert api.patch(f"/resolutions/{plan.commune_doc.pk}/items/{HUGE}", {"title": "x"}).status_code == 404
    assert api.client.delete(f"{API}/links/{HUGE}").status_code == 404


@pytest.mark.parametrize("value", [HUGE, HUGER, 0])
def test_body_id_lists_out_of_range_are_422_naming_the_field(demo, plan, bodies, as_user, value):
    api = as_user(demo.xa)
    errors = field_errors(api.post("/resolutions", {"unit": demo.commune.pk, "symbol": "77-NQ/ĐU",
                                                    "issued_on": "2025-12-01", "implements": [value]}))
    assert [f.split(".")[0] for f in errors] == ["implements"]
    errors = field_errors(api.post("/tasks", task_body(plan, demo, coordinating=[value])))
    assert [f.split(".")[0] for f in errors] == ["coordinating"]
    errors = field_errors(api.post(f"/resolutions/{plan.commune_doc.pk}/copy-targets", {"sources": [value]}))
    assert [f.split(".")[0] for f in errors] == ["sources"]
    errors = field_errors(api.patch(f"/resolutions/{plan.commune_doc.pk}", {"implements": [value]}))
    assert [f.split(".")[0] for f in errors] == ["implements"]


@pytest.mark.parametrize("field", ["program", "directing", "responsible", "advisor"])
def test_body_single_ids_out_of_range_are_422_naming_the_field(demo, plan, as_user, field):
    errors = field_errors(as_user(demo.xa).post("/tasks", task_body(plan, demo, **{field: HUGE})))
    assert list(errors) == [field]


def test_other_body_ids_out_of_range_are_422(demo, plan, as_user):
    api = as_user(demo.xa)
    errors = field_errors(api.post("/targets", {"resolution": HUGE, "number": "1", "name": "x", "domain": "economy"}))
    assert list(errors) == ["resolution"]
    assert list(field_errors(api.post("/terms", {"unit": HUGE, "start_year": 2030, "end_year": 2035}))) == ["unit"]
    assert list(field_errors(api.post(f"/tasks/{plan.commune_task.pk}/links", {"target": HUGE}))) == ["target"]
    assert list(field_errors(api.post(f"/targets/{plan.commune_target.pk}/links", {"item": HUGE}))) == ["item"]
    assert list(field_errors(api.patch(f"/programs/{plan.commune_program.pk}", {"resolution": HUGE}))) == [
        "resolution"]


def test_body_ids_that_name_nothing_are_422_not_404(demo, plan, as_user):
    api = as_user(demo.xa)
    before = Task.objects.count()
    errors = field_errors(api.post("/tasks", task_body(plan, demo, program=999999)))
    assert errors == {"program": "Không tìm thấy (hoặc ngoài phạm vi của bạn)."}
    errors = field_errors(api.post("/targets", {"resolution": 999999, "number": "1", "name": "x",
                                                "domain": "economy"}))
    assert errors == {"resolution": "Không tìm thấy (hoặc ngoài phạm vi của bạn)."}
    assert Task.objects.count() == before


@pytest.mark.parametrize("body", [b"\xff\xfe", b'{"a":', b'{"title": ' + b"1" * 5000 + b"}", b"[1, 2"])
def test_unreadable_body_is_400_in_vietnamese(demo, as_user, body):
    api = as_user(demo.xa)
    response = api.client.post(f"{API}/tasks", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Không đọc được nội dung yêu cầu (JSON không hợp lệ)."}


def test_a_bug_is_a_json_500_in_vietnamese(demo, as_user, monkeypatch, caplog):
    from nghiquyet.programs import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("lỗi thử")

    monkeypatch.setattr(selectors, "tasks_visible", broken)
    response = as_user(demo.xa).get("/tasks")
    assert response.status_code == 500
    assert response.json() == {"detail": "Lỗi máy chủ. Dữ liệu chưa bị thay đổi; vui lòng thử lại sau."}
    assert any(r.exc_info and isinstance(r.exc_info[1], RuntimeError) for r in caplog.records)


def test_a_bug_half_way_through_a_write_saves_nothing(demo, plan, as_user, monkeypatch):
    from nghiquyet.api import plans

    def broken(*args, **kwargs):
        raise RuntimeError("lỗi thử sau khi đã lưu")

    monkeypatch.setattr(plans, "_task_out", broken)
    before = Task.objects.count()
    response = as_user(demo.xa).post("/tasks", task_body(plan, demo))
    assert response.status_code == 500
    assert response.json()["detail"].startswith("Lỗi máy chủ.")
    assert Task.objects.count() == before


def test_in_development_a_bug_shows_the_real_error(demo, as_user, monkeypatch, settings):
    from nghiquyet.programs import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("lỗi thử")

    settings.DEBUG = True
    monkeypatch.setattr(selectors, "tasks_visible", broken)
    with pytest.raises(RuntimeError):
        as_user(demo.xa).get("/tasks")
