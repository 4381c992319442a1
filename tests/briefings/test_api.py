"""``GET /api/v1/briefings``: the same digest as the page, scoped (404 outside), the window checked (422)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/briefings"


def test_briefing_as_json(client, world):
    client.force_login(world.demo.tinh)
    response = client.get(URL, {"unit": world.commune.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["start"], body["end"], body["on"]) == ("2026-11-23", "2026-11-29", "2026-11-25")
    assert body["label"] == "Tuần 48/2026 (23/11 – 29/11/2026)" and body["window"] == "week"
    assert body["url"] == f"/giao-ban/{world.commune.pk}/?ky=tuan&ngay=2026-11-23"
    assert body["pdf_url"] == f"/giao-ban/{world.commune.pk}/pdf/?ky=tuan&ngay=2026-11-23"
    counts = {(c["section"], c["label"]): c["count"] for c in body["counts"]}
    assert counts[("tasks", "Nhiệm vụ quá hạn")] == 5 and counts[("reports", "Báo cáo nộp muộn")] == 1
    tasks = body["tasks"]
    assert (tasks["overdue"], tasks["at_risk"]) == (5, 2)
    road = next(line for line in tasks["lines"] if line["title"] == "Nâng cấp đường trục xã")
    assert road["overdue"] and road["days"] == 20 and road["responsible"]["full_name"] == "Phạm Đức Mạnh"
    assert road["directing"]["full_name"] == "Trần Văn Hùng"
    targets = body["targets"]
    assert targets["period"]["key"] == "quarter-2026-3"
    assert [(t["number"], t["status"], t["actual"]) for t in targets["lines"]] == [
        ("GB1", "off_track", "50"), ("GB2", "at_risk", "44")]
    [block] = body["reports"]
    assert [(r["unit"]["name"], r["state"]) for r in block["lines"]] == [
        ("Chi bộ thôn Đông Hạ", "missing"), ("Chi bộ thôn Tây Thượng", "late")]
    assert body["recommendations"]["available"] and body["study"]["available"]


def test_month_and_quarter_and_bad_window(client, world):
    client.force_login(world.demo.tinh)
    month = client.get(URL, {"unit": world.commune.pk, "window": "month", "day": "2026-10-15"}).json()
    assert (month["start"], month["end"], month["on"], month["label"]) == (
        "2026-10-01", "2026-10-31", "2026-10-31", "Tháng 10/2026")
    quarter = client.get(URL, {"unit": world.commune.pk, "window": "quarter"}).json()
    assert quarter["label"] == "Quý IV/2026"
    bad = client.get(URL, {"unit": world.commune.pk, "window": "year"})
    assert bad.status_code == 422 and "window" in bad.content.decode()


def test_outside_scope_is_404(client, world):
    client.force_login(world.demo.xa2)
    assert client.get(URL, {"unit": world.demo.commune.pk}).status_code == 404
    assert client.get(URL, {"unit": world.demo.commune2.pk}).status_code == 200
    client.logout()
    assert client.get(URL, {"unit": world.demo.commune2.pk}).status_code == 401


@pytest.mark.parametrize("day", ["9999-12-20", "9999-12-31", "1999-12-31", "3000-01-01"])
def test_a_day_out_of_range_is_422_on_day(client, world, day):
    client.force_login(world.demo.tinh)
    for window in ("week", "month", "quarter"):
        response = client.get(URL, {"unit": world.commune.pk, "window": window, "day": day})
        assert response.status_code == 422, (window, response.content)
        [error] = response.json()["errors"]
        assert error["field"] == "day" and error["message"] == "Ngày phải từ 01/01/2000 đến 01/12/2999."
    # the bounds themselves are served, as on the page
    for day in ("2000-01-01", "2999-12-01"):
        assert client.get(URL, {"unit": world.commune.pk, "window": "quarter", "day": day}).status_code == 200
