"""The base API: token, bearer auth, /me, /units, /units/{id}, /audit, errors in Vietnamese, OpenAPI."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from nghiquyet.accounts.models import ApiToken
from nghiquyet.accounts.services import api_token_create, api_token_revoke
from nghiquyet.audit.models import AuditEvent
from nghiquyet.org.models import Unit

pytestmark = pytest.mark.django_db
PASSWORD = "nghiquyet-demo"


def _token(client, username="demo-xa", password=PASSWORD):
    return client.post("/api/v1/auth/token", {"username": username, "password": password},
                       content_type="application/json")


def _bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


# ------------------------------------------------------------------ token


def test_token_obtain_and_use(client, demo):
    response = _token(client)
    assert response.status_code == 200
    body = response.json()
    assert body["token"].startswith("nq_") and body["expires_at"]
    token = ApiToken.objects.get(digest=ApiToken.digest_of(body["token"]))
    assert token.user == demo.xa and token.is_usable
    assert body["token"] not in str(ApiToken.objects.values_list("digest", "prefix"))  # only the hash is stored
    me = Client().get("/api/v1/me", headers=_bearer(body["token"]))
    assert me.status_code == 200 and me.json()["username"] == "demo-xa"


def test_wrong_password_is_401_in_vietnamese(client, demo):
    response = _token(client, password="sai-mat-khau")
    assert response.status_code == 401
    assert response.json() == {"detail": "Tên đăng nhập hoặc mật khẩu không đúng."}
    assert _token(client, username="khong-co-ai").status_code == 401


def test_inactive_user_gets_no_token(client, demo):
    demo.xa.is_active = False
    demo.xa.save()
    assert _token(client).status_code == 401


@pytest.mark.parametrize("body", [{}, {"username": "demo-xa"}, {"password": "x"}, {"username": 1, "password": []},
                                  {"username": "x" * 151, "password": "y"}])
def test_token_bad_body_is_422_with_field_errors(client, demo, body):
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 422
    data = response.json()
    assert data["detail"] == "Dữ liệu không hợp lệ."
    assert data["errors"] and all(e["field"] and e["message"] for e in data["errors"])


def test_token_malformed_json_is_422(client, demo):
    response = client.post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_wrong_passwords_are_throttled(client, demo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _token(client, password="sai").status_code == 401
    locked = _token(client, password="sai")
    assert locked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in locked.json()["detail"]
    # Even the right password is refused while locked out, and no token is made.
    before = ApiToken.objects.count()
    right = _token(client)
    assert right.status_code == 429 and "Đăng nhập sai" in right.json()["detail"]
    assert ApiToken.objects.count() == before
    # Another account from the same address is not locked (username + address pairs).
    assert _token(client, username="demo-xa2").status_code == 200


# ------------------------------------------------------------------ bearer auth


def test_unauthenticated_is_401_json(client, demo):
    for url in ("/api/v1/me", "/api/v1/units", f"/api/v1/units/{demo.commune.pk}", "/api/v1/audit"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["detail"].startswith("Chưa xác thực")


@pytest.mark.parametrize("header", ["Bearer nq_khong-ton-tai", "Bearer ", "Token abc", "Bearer " + "x" * 500])
def test_bad_bearer_is_401(client, demo, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert "detail" in response.json()


def test_revoked_and_expired_tokens_are_refused(demo):
    token, raw = api_token_create(actor=demo.xa, name="thử")
    assert Client().get("/api/v1/me", headers=_bearer(raw)).status_code == 200
    api_token_revoke(actor=demo.xa, token=token)
    assert Client().get("/api/v1/me", headers=_bearer(raw)).status_code == 401

    token, raw = api_token_create(actor=demo.xa, name="hết hạn")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get("/api/v1/me", headers=_bearer(raw)).status_code == 401


def test_token_of_deactivated_user_is_refused(demo):
    _token_row, raw = api_token_create(actor=demo.xa)
    demo.xa.is_active = False
    demo.xa.save()
    assert Client().get("/api/v1/me", headers=_bearer(raw)).status_code == 401


def test_bearer_touches_last_used(demo):
    token, raw = api_token_create(actor=demo.xa)
    assert token.last_used_at is None
    Client().get("/api/v1/me", headers=_bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at is not None


# ------------------------------------------------------------------ /me


def test_me_lists_user_and_units_with_roles(client, demo):
    client.force_login(demo.xa)
    data = client.get("/api/v1/me").json()
    assert data["username"] == "demo-xa" and data["full_name"]
    assert [r["unit"]["id"] for r in data["roles"]] == [demo.commune.pk]
    role = data["roles"][0]
    assert role["role"] == "office_staff" and role["role_label"] == "Văn phòng cấp ủy"
    assert role["unit"]["name"] == demo.commune.name


def test_me_for_user_without_roles(client, django_user_model):
    user = django_user_model.objects.create_user(username="khong-vai-tro", password=None)
    client.force_login(user)
    data = client.get("/api/v1/me").json()
    assert data["roles"] == [] and data["full_name"] == "khong-vai-tro"


# ------------------------------------------------------------------ /units


def test_units_paginated_and_scoped(client, demo):
    client.force_login(demo.xa)
    first = client.get("/api/v1/units?page_size=5").json()
    in_subtree = Unit.objects.filter(path__under=demo.commune.path).count()
    assert first["count"] >= in_subtree and len(first["items"]) == 5
    second = client.get("/api/v1/units?page_size=5&page=2").json()
    assert not {u["id"] for u in first["items"]} & {u["id"] for u in second["items"]}
    every = client.get("/api/v1/units?page_size=200").json()["items"]
    outside = Unit.objects.exclude(path__under=demo.commune.path).values_list("pk", flat=True)
    # Only predecessors (history of the merged commune) may be visible outside the subtree.
    for row in every:
        if row["id"] in outside:
            assert Unit.objects.get(pk=row["id"]).successor_links.exists()
    assert demo.commune2.pk not in {u["id"] for u in every}


@pytest.mark.parametrize("query", ["dong son", "ĐÔNG SƠN", "Đông  Sơn", "đong son", "DONG"])
def test_units_search_ignores_diacritics(client, demo, query):
    client.force_login(demo.tinh)
    names = [u["name"] for u in client.get("/api/v1/units", {"q": query, "page_size": 200}).json()["items"]]
    assert demo.commune.name in names


def test_units_search_stays_in_scope(client, demo):
    client.force_login(demo.xa)
    word = demo.commune2.name.split()[-1]
    names = [u["name"] for u in client.get("/api/v1/units", {"q": word, "page_size": 200}).json()["items"]]
    assert demo.commune2.name not in names


def test_units_parent_filter(client, demo):
    client.force_login(demo.xa)
    rows = client.get("/api/v1/units", {"parent": demo.commune.pk, "page_size": 200}).json()["items"]
    assert rows and all(r["parent_id"] == demo.commune.pk for r in rows)
    assert demo.branch.pk in {r["id"] for r in rows}
    assert client.get("/api/v1/units", {"parent": demo.commune2.pk}).status_code == 404
    assert client.get("/api/v1/units", {"parent": 10**9}).status_code == 404
    bad = client.get("/api/v1/units", {"parent": "abc"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "parent"


@pytest.mark.parametrize("params", [{"page": 0}, {"page": -1}, {"page_size": 0}, {"page": "x"}])
def test_units_bad_pagination_is_422(client, demo, params):
    client.force_login(demo.xa)
    response = client.get("/api/v1/units", params)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Dữ liệu không hợp lệ."
    assert [e["field"] for e in body["errors"]] == list(params)


def test_units_page_size_is_capped(client, demo):
    client.force_login(demo.tinh)
    assert len(client.get("/api/v1/units?page_size=100000").json()["items"]) <= 200


def test_units_list_query_count_is_constant(client, demo, django_assert_max_num_queries):
    client.force_login(demo.tinh)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/units?page_size=100")
    assert len(response.json()["items"]) == 100


# ------------------------------------------------------------------ /units/{id}


def test_unit_detail(client, demo):
    client.force_login(demo.xa)
    data = client.get(f"/api/v1/units/{demo.branch.pk}").json()
    assert data["id"] == demo.branch.pk and data["parent_id"] == demo.commune.pk
    # Ancestors above the user's own unit are not revealed.
    assert [a["id"] for a in data["ancestors"]] == [demo.commune.pk]
    commune = client.get(f"/api/v1/units/{demo.commune.pk}").json()
    assert commune["children_count"] > 0 and commune["kind_label"]
    # Đông Sơn is the commune merged from three former communes on 2025-07-01.
    assert len(commune["predecessors"]) == 3


def test_unit_detail_404s(client, demo):
    client.force_login(demo.xa)
    for unit_id in (demo.commune2.pk, demo.province.pk, 10**9, 0):
        response = client.get(f"/api/v1/units/{unit_id}")
        assert response.status_code == 404
        assert response.json() == {"detail": "Không tìm thấy."}


def test_unit_detail_malformed_id_is_not_500(client, demo):
    client.force_login(demo.xa)
    for raw in ("abc", "1.5", "-1", "9" * 30):
        response = client.get(f"/api/v1/units/{raw}")
        assert response.status_code in (404, 422), raw
        assert response.json()["detail"]


# ------------------------------------------------------------------ /audit


def test_audit_scoped(client, demo):
    xa_events = AuditEvent.objects.filter(unit__path__startswith=demo.commune.path)
    xa2_events = AuditEvent.objects.filter(unit__path__startswith=demo.commune2.path)
    assert xa_events.exists() and xa2_events.exists()
    client.force_login(demo.xa)
    seen = set()
    page = 1
    while True:
        data = client.get("/api/v1/audit", {"page": page, "page_size": 200}).json()
        seen |= {e["id"] for e in data["items"]}
        if page * 200 >= data["count"]:
            break
        page += 1
    assert set(xa_events.values_list("pk", flat=True)) <= seen
    assert not seen & set(xa2_events.values_list("pk", flat=True))
    assert client.get("/api/v1/audit", {"unit": demo.commune2.pk}).status_code == 404


def test_audit_filters(client, demo):
    client.force_login(demo.tinh)
    data = client.get("/api/v1/audit", {"unit": demo.branch.pk, "action": "create", "page_size": 50}).json()
    assert data["items"]
    for event in data["items"]:
        assert event["action"] == "create"
        assert Unit.objects.get(pk=event["unit_id"]).path.startswith(demo.branch.path)
        assert {"at", "actor", "object_type", "object_repr", "changes"} <= set(event)


def test_audit_needs_audit_permission(client, demo, django_user_model):
    from nghiquyet.accounts.services import role_assign

    viewer = django_user_model.objects.create_user(username="chi-xem", password=None)
    role_assign(actor=None, user=viewer, unit=demo.commune, role="viewer")
    client.force_login(viewer)
    assert client.get("/api/v1/audit").json()["count"] == 0
    assert client.get(f"/api/v1/units/{demo.commune.pk}").status_code == 200


# ------------------------------------------------------------------ schema


def test_openapi_schema_is_valid(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"]
    for path in ("/api/v1/auth/token", "/api/v1/me", "/api/v1/units", "/api/v1/units/{unit_id}", "/api/v1/audit"):
        assert path in schema["paths"], path
    assert "BearerToken" in schema["components"]["securitySchemes"]
    # Every $ref points at a defined component.
    import json
    import re

    text = json.dumps(schema)
    for ref in set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', text)):
        assert ref in schema["components"]["schemas"], ref
    token_op = schema["paths"]["/api/v1/auth/token"]["post"]
    assert {"200", "401", "422", "429"} <= set(token_op["responses"])


@pytest.mark.parametrize("path", ["/api/v1/khong-co", "/api/v1/units/1/khong-co/", "/api/v1/units/"])
def test_unknown_api_path_is_json_404(client, demo, path):
    client.force_login(demo.xa)
    for c in (client, Client()):  # with and without a session
        response = c.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "Không tìm thấy."}
        assert c.post(path, {}, content_type="application/json").status_code == 404


def test_wrong_method_is_json_405(client, demo):
    client.force_login(demo.xa)
    response = client.post("/api/v1/me", {}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["detail"].startswith("Phương thức không được hỗ trợ")
    assert response["Allow"] == "GET"
    assert client.delete(f"/api/v1/units/{demo.commune.pk}").status_code == 405


def test_real_routes_are_not_shadowed_by_the_fallback(client, demo):
    client.force_login(demo.xa)
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/api/v1/terms").status_code == 200
    schema = client.get("/api/v1/openapi.json").json()
    assert not any("rest" in path for path in schema["paths"])


def test_session_writes_need_csrf_with_vietnamese_error(demo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.xa)
    response = client.post("/api/v1/terms", {"unit": demo.commune.pk, "start_year": 2030, "end_year": 2035},
                           content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Thiếu hoặc sai mã CSRF")


def test_bearer_writes_need_no_csrf(demo):
    _token_row, raw = api_token_create(actor=demo.xa)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/terms", {}, content_type="application/json", headers=_bearer(raw))
    assert response.status_code == 422  # past authentication and CSRF, stopped by validation
