"""``/api/v1/notifications``: each person reads and marks only their own items."""

from __future__ import annotations

import json

import pytest

from nghiquyet.accounts.services import api_token_create
from nghiquyet.notifications.models import Mute, Notification

API = "/api/v1"


@pytest.fixture
def call(client):
    def make(user):
        _token, raw = api_token_create(actor=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        def request(method: str, path: str, data=None, **params):
            if method == "get":
                return client.get(API + path, params, **headers)
            return getattr(client, method)(API + path, json.dumps(data or {}), content_type="application/json",
                                           **headers)
        return request
    return make


def test_the_list_is_my_own_inbox(call, demo, inbox):
    as_xa = call(demo.xa)
    body = as_xa("get", "/notifications").json()
    keys = {item["subject"] for item in body["items"]}
    assert {"Nhắc việc t-a", "Nhắc việc t-b", "Nhắc việc t-c"} <= keys and "Nhắc việc t-d" not in keys
    assert body["count"] == Notification.objects.filter(user=demo.xa).count()
    item = next(i for i in body["items"] if i["subject"] == "Nhắc việc t-c")
    assert item["kind"] == "report_due" and item["kind_label"] == "Hạn nộp báo cáo số liệu"
    assert item["is_read"] is True and item["url"] == "/bao-cao/" and item["due_on"] == "2026-11-30"
    unread = as_xa("get", "/notifications", unread="true").json()
    assert all(not i["is_read"] for i in unread["items"]) and "Nhắc việc t-c" not in {
        i["subject"] for i in unread["items"]}
    assert as_xa("get", "/notifications", kind="report_due").json()["count"] == Notification.objects.filter(
        user=demo.xa, kind="report_due").count()
    assert as_xa("get", "/notifications", kind="nonsense").status_code == 422
    count = as_xa("get", "/notifications/unread-count").json()["unread"]
    assert count == Notification.objects.filter(user=demo.xa, read_at__isnull=True).count()


def test_another_persons_item_is_not_found(call, demo, inbox):
    other = inbox["t-d"]
    as_xa = call(demo.xa)
    assert as_xa("get", f"/notifications/{other.pk}").status_code == 404
    assert as_xa("post", f"/notifications/{other.pk}/read").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    assert call(demo.xa2)("get", f"/notifications/{other.pk}").json()["subject"] == "Nhắc việc t-d"


def test_read_unread_and_read_all(call, demo, inbox):
    as_xa = call(demo.xa)
    item = inbox["t-a"]
    assert as_xa("post", f"/notifications/{item.pk}/read").json()["is_read"] is True
    assert as_xa("post", f"/notifications/{item.pk}/unread").json()["is_read"] is False
    marked = as_xa("post", "/notifications/read-all").json()["marked"]
    assert marked >= 2
    assert as_xa("get", "/notifications/unread-count").json() == {"unread": 0}
    assert call(demo.xa2)("get", "/notifications/unread-count").json()["unread"] >= 1


def test_mutes(call, demo):
    as_chibo = call(demo.chibo)
    rows = as_chibo("get", "/notifications/mutes").json()
    assert {r["kind"] for r in rows} >= {"report_due", "task_due"} and not any(r["muted"] for r in rows)
    rows = as_chibo("put", "/notifications/mutes/task_due", {"muted": True}).json()
    assert [r["kind"] for r in rows if r["muted"]] == ["task_due"]
    assert Mute.objects.filter(user=demo.chibo, kind="task_due").exists()
    as_chibo("put", "/notifications/mutes/task_due", {"muted": False})
    assert not Mute.objects.filter(user=demo.chibo).exists()
    assert as_chibo("put", "/notifications/mutes/task_due", {}).status_code == 422
    assert as_chibo("put", "/notifications/mutes/nonsense", {"muted": True}).status_code == 404


def test_anonymous_is_refused(client):
    assert client.get(API + "/notifications").status_code == 401


def test_the_list_query_count_does_not_grow_with_the_items(call, demo, inbox, django_assert_num_queries):
    as_xa = call(demo.xa)
    as_xa("get", "/notifications")
    with django_assert_num_queries(3):  # the token with its user, count, one page of rows (with their units)
        body = as_xa("get", "/notifications").json()
    assert body["count"] >= 3
