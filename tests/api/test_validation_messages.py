"""Pydantic's own validation errors reach API clients in Vietnamese, naming the field."""

import pytest

pytestmark = pytest.mark.django_db


def test_bad_choice_and_bounds_are_explained_in_vietnamese(client, demo):
    client.force_login(demo.xa)
    response = client.get("/api/v1/tasks", {"status": "xong"})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "status"
    assert error["message"].startswith("Phải là một trong các giá trị:")

    response = client.get("/api/v1/units", {"page": 0})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "page"
    assert "Giá trị không hợp lệ." not in response.json()["errors"][0]["message"]
