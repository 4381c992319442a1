"""The reporting API: schedules, submissions (open, save, submit, accept, return, reopen), values, rollups and
completeness, with bearer tokens of the demo accounts; scope (404), roles (403), bad input (422) and conflicts
(409). The tests make their own targets and schedules, so they do not depend on the demo reporting data."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nghiquyet.accounts.services import api_token_create
from nghiquyet.core.numbers import format_vn_decimal
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.reporting.models import Schedule, Submission, SubmissionStatus, Value
from nghiquyet.reporting.periods import period_get
from nghiquyet.reporting.services import schedule_create, submission_open
from nghiquyet.resolutions.models import Aggregation, Document, Target
from nghiquyet.resolutions.services import target_create

pytestmark = pytest.mark.django_db

API = "/api/v1"
TODAY = dt.date(2026, 11, 25)
NOW_Q = "quarter-2026-4"        # the quarter of TODAY: open for entry
LAST_Q = "quarter-2026-3"       # ended 30/09/2026: due 10/10, past due
OLD_Q = "quarter-2026-1"        # locked since 29/06/2026


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    """Deadlines and lock dates depend on the day: run every test on TODAY."""
    moment = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


class Api:
    """JSON calls against /api/v1 with one user's bearer token."""

    def __init__(self, client, user):
        self.client = client
        self.user = user
        _token, raw = api_token_create(actor=user, name="test")
        self.headers = {"Authorization": f"Bearer {raw}"}

    def get(self, path: str, **params):
        return self.client.get(API + path, params, headers=self.headers)

    def _send(self, method: str, path: str, data):
        return getattr(self.client, method)(API + path, json.dumps(data), content_type="application/json",
                                            headers=self.headers)

    def post(self, path: str, data=None):
        return self._send("post", path, {} if data is None else data)

    def put(self, path: str, data):
        return self._send("put", path, data)

    def patch(self, path: str, data):
        return self._send("patch", path, data)


@pytest.fixture
def as_user(client):
    return lambda user: Api(client, user)


def field_errors(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "Dữ liệu không hợp lệ."
    return {e["field"]: e["message"] for e in body["errors"]}


@dataclass
class Report:
    resolution: Document
    total: Target          # sum, "tỷ đồng"
    rate: Target           # ratio, "%"
    communes: Schedule     # communes report quarterly
    branches: Schedule     # branches report quarterly


@pytest.fixture
def report(demo) -> Report:
    resolution = Document.objects.get(unit=demo.province, symbol="01-NQ/ĐH")
    total = target_create(actor=demo.tinh, document=resolution, number="91", name="Thu ngân sách (API báo cáo)",
                          domain="economy", measure="tỷ đồng", target_value=Decimal("500"),
                          aggregation=Aggregation.SUM, milestones={2026: Decimal("400")})
    rate = target_create(actor=demo.tinh, document=resolution, number="92", name="Tỷ lệ hộ nghèo (API báo cáo)",
                         domain="society", measure="%", target_value=Decimal("1"), direction="lower",
                         aggregation=Aggregation.RATIO, numerator_name="Số hộ nghèo",
                         denominator_name="Tổng số hộ", milestones={2026: Decimal("2")})
    common = {"actor": demo.tinh, "unit": demo.province, "document": resolution, "targets": [total, rate],
              "period_kind": "quarter", "starts_on": dt.date(2025, 1, 1), "ends_on": dt.date(2030, 12, 31),
              "due_days": 10, "lock_days": 90}
    communes = schedule_create(name="Báo cáo quý của xã (API)", reporting_kinds=[UnitKind.COMMUNE], **common)
    branches = schedule_create(name="Báo cáo quý của chi bộ (API)", reporting_kinds=[UnitKind.BRANCH], **common)
    return Report(resolution, total, rate, communes, branches)


def open_submission(api: Api, schedule: Schedule, unit: Unit, period: str = NOW_Q) -> dict:
    response = api.post("/submissions", {"schedule": schedule.pk, "unit": unit.pk, "period": period})
    assert response.status_code in (200, 201), response.content
    return response.json()


def fill(api: Api, report: Report, body: dict, total="104,33", numerator="12", denominator="1.200") -> dict:
    response = api.put(f"/submissions/{body['id']}/values", {"version": body["version"], "values": [
        {"target": report.total.pk, "value": total, "note": "Theo báo cáo của UBND xã"},
        {"target": report.rate.pk, "numerator": numerator, "denominator": denominator},
    ]})
    assert response.status_code == 200, response.content
    return response.json()


def entry(body: dict, target: Target) -> dict:
    return next(e for e in body["values"] if e["target"]["id"] == target.pk)


# ------------------------------------------------------------------ schedules


def test_schedules_list_and_detail(demo, report, as_user):
    for user in (demo.tinh, demo.xa, demo.xa2, demo.chibo):   # issued by the province: read by every level below
        api = as_user(user)
        listed = api.get("/schedules", unit=demo.province.pk, document=report.resolution.pk, page_size=200)
        assert listed.status_code == 200, listed.content
        ids = [s["id"] for s in listed.json()["items"]]
        assert report.communes.pk in ids and report.branches.pk in ids
        detail = api.get(f"/schedules/{report.communes.pk}").json()
        assert detail["period_kind"] == "quarter" and detail["period_kind_label"] == "Quý"
        assert detail["reporting_kinds"] == ["commune"] and detail["lock_days"] == 90
        assert [t["id"] for t in detail["targets"]] == [report.total.pk, report.rate.pk]
        assert detail["targets"][1]["aggregation"] == "ratio"
        assert detail["can_change"] is (user == demo.tinh)
    at_commune = [s["id"] for s in as_user(demo.tinh).get("/schedules", unit=demo.commune.pk).json()["items"]]
    assert report.communes.pk not in at_commune


def test_schedule_of_a_commune_is_not_seen_by_the_other_commune(demo, report, as_user):
    xa = as_user(demo.xa)
    created = xa.post("/schedules", {
        "unit": demo.commune.pk, "document": report.resolution.pk, "name": "Chi bộ báo cáo tháng",
        "targets": [report.total.pk], "period_kind": "month", "reporting_kinds": ["branch"],
        "starts_on": "2026-01-01", "ends_on": "31/12/2026", "due_days": 5, "lock_days": 30})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["unit"]["id"] == demo.commune.pk and body["ends_on"] == "2026-12-31"
    assert as_user(demo.xa2).get(f"/schedules/{body['id']}").status_code == 404
    assert as_user(demo.chibo).get(f"/schedules/{body['id']}").status_code == 200   # issued above the branch
    assert as_user(demo.xa2).patch(f"/schedules/{body['id']}", {"name": "x"}).status_code == 404


def test_schedule_create_by_the_province(demo, report, as_user):
    tinh = as_user(demo.tinh)
    response = tinh.post("/schedules", {
        "unit": demo.province.pk, "document": report.resolution.pk, "name": "  Báo cáo 6 tháng  ",
        "targets": [report.total.pk, report.rate.pk], "period_kind": "half",
        "reporting_kinds": ["commune", "branch"], "starts_on": "2026-01-01", "ends_on": "2030-12-31",
        "due_days": 15, "due_days_by_kind": {"branch": 5}, "grace_days": 2, "lock_days": 60})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Báo cáo 6 tháng" and body["due_days_by_kind"] == {"branch": 5}
    assert Schedule.objects.get(pk=body["id"]).grace_days == 2


@pytest.mark.parametrize("change, field", [
    ({"targets": []}, "targets"),
    ({"reporting_kinds": []}, "reporting_kinds"),
    ({"reporting_kinds": ["thon"]}, "reporting_kinds.0"),
    ({"period_kind": "week"}, "period_kind"),
    ({"ends_on": "2024-01-01"}, "ends_on"),
    ({"due_days": 400}, "due_days"),
    ({"due_days": 60, "lock_days": 30}, "lock_days"),
    ({"name": ""}, "name"),
    ({"starts_on": "31/02/2026"}, "starts_on"),
])
def test_schedule_create_bad_input_names_the_field(demo, report, as_user, change, field):
    body = {"unit": demo.province.pk, "document": report.resolution.pk, "name": "Lịch", "targets": [report.total.pk],
            "period_kind": "quarter", "reporting_kinds": ["commune"], "starts_on": "2026-01-01",
            "ends_on": "2026-12-31"} | change
    before = Schedule.objects.count()
    errors = field_errors(as_user(demo.tinh).post("/schedules", body))
    assert field in errors and errors[field]
    assert Schedule.objects.count() == before


def test_schedule_create_out_of_scope_ids_are_field_errors(demo, report, as_user):
    other = Target.objects.filter(unit=demo.commune2).first()
    body = {"unit": demo.province.pk, "document": report.resolution.pk, "name": "Lịch", "targets": [other.pk],
            "period_kind": "quarter", "reporting_kinds": ["commune"], "starts_on": "2026-01-01",
            "ends_on": "2026-12-31"}
    errors = field_errors(as_user(demo.xa).post("/schedules", body))
    assert set(errors) == {"unit", "targets"}
    assert "Không tìm thấy" in errors["unit"]


def test_schedule_update(demo, report, as_user):
    tinh = as_user(demo.tinh)
    response = tinh.patch(f"/schedules/{report.communes.pk}", {"name": "Báo cáo quý (sửa)", "lock_days": 100,
                                                                "targets": [report.total.pk]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Báo cáo quý (sửa)" and body["lock_days"] == 100
    assert [t["id"] for t in body["targets"]] == [report.total.pk]
    assert "ends_on" in field_errors(tinh.patch(f"/schedules/{report.communes.pk}", {"ends_on": "2020-01-01"}))
    assert "name" in field_errors(tinh.patch(f"/schedules/{report.communes.pk}", {"name": None}))
    # demo-xa reads the province's schedule but may not change it.
    forbidden = as_user(demo.xa).patch(f"/schedules/{report.communes.pk}", {"name": "x"})
    assert forbidden.status_code == 403
    assert "quyền" in forbidden.json()["detail"]
    report.communes.refresh_from_db()
    assert report.communes.name == "Báo cáo quý (sửa)"


# ------------------------------------------------------------------ the lifecycle


def test_lifecycle_draft_submit_accept_and_the_province_rollup(demo, report, as_user):
    xa, tinh = as_user(demo.xa), as_user(demo.tinh)
    created = xa.post("/submissions", {"schedule": report.communes.pk, "unit": demo.commune.pk, "period": NOW_Q})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["version"] == 1 and body["lock_reason"] is None
    assert body["period"]["key"] == NOW_Q and body["period"]["label"] == "Quý IV/2026"
    assert body["due_on"] == "2027-01-10" and body["locks_on"] == "2027-03-31"
    assert body["can_decide"] is False
    assert [e["value"] for e in body["values"]] == [None, None]
    # the commune has no copy of the sum target: no plan there; the rate's plan holds at any level
    assert entry(body, report.total)["milestone"] is None and entry(body, report.rate)["milestone"] == "2"
    # Opening again gives the same submission.
    again = xa.post("/submissions", {"schedule": report.communes.pk, "unit": demo.commune.pk, "period": NOW_Q})
    assert again.status_code == 200 and again.json()["id"] == body["id"]

    body = fill(xa, report, body)
    assert body["version"] == 2 and body["status"] == "draft"
    total, rate = entry(body, report.total), entry(body, report.rate)
    assert total["value"] == "104.33" and total["value_vn"] == "104,33" and total["note"] == "Theo báo cáo của UBND xã"
    assert rate["numerator"] == "12" and rate["denominator"] == "1200" and rate["value"] == "1"
    assert total["counted"] is False

    submitted = xa.post(f"/submissions/{body['id']}/submit", {"version": 2})
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["status"] == "submitted" and body["is_late"] is False and body["version"] == 3
    assert body["lock_reason"] == "Báo cáo đã gửi, đang chờ cấp trên duyệt."

    seen = tinh.get(f"/submissions/{body['id']}").json()
    assert seen["can_decide"] is True
    accepted = tinh.post(f"/submissions/{body['id']}/accept", {"version": 3, "comment": "Đồng ý"})
    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    assert body["status"] == "accepted" and body["status_label"] == "Đã duyệt" and body["comment"] == "Đồng ý"
    assert entry(body, report.total)["counted"] is True

    # Right after, the province's rollup has the commune's figures.
    rollup = tinh.get("/rollups", target=report.total.pk, unit=demo.province.pk, period=NOW_Q)
    assert rollup.status_code == 200, rollup.content
    data = rollup.json()
    assert Decimal(data["actual"]) == Decimal("104.33") and data["contributors"] == 1
    assert data["actual_vn"] == "104,33" and data["milestone"] == "400"
    assert data["period"]["key"] == NOW_Q and data["target"]["id"] == report.total.pk
    rate_rollup = tinh.get("/rollups", target=report.rate.pk, unit=demo.province.pk, period=NOW_Q).json()
    assert Decimal(rate_rollup["actual"]) == Decimal(1) and rate_rollup["contributors"] == 1


def test_return_needs_a_comment_then_resubmit_and_reopen(demo, report, as_user):
    xa, tinh = as_user(demo.xa), as_user(demo.tinh)
    body = fill(xa, report, open_submission(xa, report.communes, demo.commune))
    body = xa.post(f"/submissions/{body['id']}/submit", {}).json()
    assert body["status"] == "submitted"
    errors = field_errors(tinh.post(f"/submissions/{body['id']}/return", {"comment": "  "}))
    assert "lý do" in errors["comment"]
    returned = tinh.post(f"/submissions/{body['id']}/return", {"comment": "Kiểm tra lại số hộ nghèo"}).json()
    assert returned["status"] == "returned" and returned["comment"] == "Kiểm tra lại số hộ nghèo"
    assert returned["lock_reason"] is None
    body = fill(xa, report, returned, numerator="15")
    body = xa.post(f"/submissions/{body['id']}/submit", {"version": body["version"]}).json()
    assert body["status"] == "submitted" and entry(body, report.rate)["numerator"] == "15"
    body = tinh.post(f"/submissions/{body['id']}/accept", {}).json()
    assert body["status"] == "accepted"
    # Accepted: locked for the commune, until the province reopens it.
    locked = xa.put(f"/submissions/{body['id']}/values", {"version": body["version"], "values": [
        {"target": report.total.pk, "value": 1}]})
    assert "đã khóa" in field_errors(locked)["__all__"]
    assert "comment" in field_errors(tinh.post(f"/submissions/{body['id']}/reopen", {}))
    reopened = tinh.post(f"/submissions/{body['id']}/reopen", {"comment": "Bổ sung số liệu"}).json()
    assert reopened["status"] == "returned"
    assert entry(reopened, report.total)["counted"] is False
    # A decision on a submission in the wrong state is refused in Vietnamese.
    errors = field_errors(tinh.post(f"/submissions/{body['id']}/accept", {}))
    assert "trạng thái" in errors["__all__"]


def test_submit_with_missing_values_names_the_targets(demo, report, as_user):
    xa = as_user(demo.xa)
    body = open_submission(xa, report.communes, demo.commune)
    saved = xa.put(f"/submissions/{body['id']}/values", {"version": 1, "values": [
        {"target": report.total.pk, "value": 5}]}).json()
    errors = field_errors(xa.post(f"/submissions/{saved['id']}/submit", {"version": saved["version"]}))
    assert f"targets.{report.rate.pk}.value" in errors and "__all__" in errors
    assert Submission.objects.get(pk=body["id"]).status == SubmissionStatus.DRAFT


def test_branch_submits_the_commune_accepts_the_branch_cannot(demo, report, as_user):
    chibo, xa = as_user(demo.chibo), as_user(demo.xa)
    body = fill(chibo, report, open_submission(chibo, report.branches, demo.branch))
    body = chibo.post(f"/submissions/{body['id']}/submit", {"version": body["version"]}).json()
    assert body["status"] == "submitted"
    forbidden = chibo.post(f"/submissions/{body['id']}/accept", {})
    assert forbidden.status_code == 403
    assert forbidden.json()["detail"].startswith("Chỉ cấp trên của")
    assert Submission.objects.get(pk=body["id"]).status == SubmissionStatus.SUBMITTED
    accepted = xa.post(f"/submissions/{body['id']}/accept", {"version": body["version"]})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    # The commune's own report goes to the province: demo-xa cannot accept it.
    own = fill(xa, report, open_submission(xa, report.communes, demo.commune))
    xa.post(f"/submissions/{own['id']}/submit", {})
    assert xa.post(f"/submissions/{own['id']}/accept", {}).status_code == 403


def test_a_commune_total_is_checked_not_added(demo, report, as_user):
    """When the commune and its branches both report, the commune's figure is its own total: shown, compared
    with the branches' sum, never added to the rollups."""
    both = schedule_create(actor=demo.tinh, unit=demo.province, document=report.resolution, name="Xã và chi bộ",
                           targets=[report.total, report.rate], period_kind="quarter", reporting_kinds=["commune",
                           "branch"], starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31), lock_days=90)
    xa, chibo, tinh = as_user(demo.xa), as_user(demo.chibo), as_user(demo.tinh)
    branch = fill(chibo, report, open_submission(chibo, both, demo.branch), total="40")
    chibo.post(f"/submissions/{branch['id']}/submit", {})
    own = fill(xa, report, open_submission(xa, both, demo.commune), total="41")
    own = xa.post(f"/submissions/{own['id']}/submit", {}).json()
    assert entry(own, report.total)["is_total"] is True and entry(own, report.total)["counted"] is False
    rollup = tinh.get("/rollups", target=report.total.pk, unit=demo.commune.pk, period=NOW_Q).json()
    assert Decimal(rollup["actual"]) == Decimal(40) and rollup["contributors"] == 1


# ------------------------------------------------------------------ scope


def test_other_commune_cannot_see_or_touch_the_submission(demo, report, as_user):
    xa, xa2 = as_user(demo.xa), as_user(demo.xa2)
    body = fill(xa, report, open_submission(xa, report.communes, demo.commune))
    sid = body["id"]
    assert xa2.get(f"/submissions/{sid}").status_code == 404
    assert xa2.get(f"/submissions/{sid}").json() == {"detail": "Không tìm thấy."}
    assert xa2.put(f"/submissions/{sid}/values", {"version": 2, "values": []}).status_code == 404
    for action in ("submit", "accept", "return", "reopen"):
        assert xa2.post(f"/submissions/{sid}/{action}", {"comment": "x"}).status_code == 404
    assert sid not in [s["id"] for s in xa2.get("/submissions", page_size=200).json()["items"]]
    assert xa2.get("/values", target=report.total.pk).json()["count"] == 0
    assert xa2.get("/submissions", unit=demo.commune.pk).status_code == 404
    # Opening a report for a unit out of scope names the field.
    errors = field_errors(xa2.post("/submissions", {"schedule": report.communes.pk, "unit": demo.commune.pk,
                                                    "period": NOW_Q}))
    assert set(errors) == {"unit"}
    assert Value.objects.get(submission_id=sid, target=report.total).value == Decimal("104.33")


def test_submissions_list_filters(demo, report, as_user):
    xa, tinh = as_user(demo.xa), as_user(demo.tinh)
    mine = open_submission(xa, report.communes, demo.commune)
    theirs = open_submission(as_user(demo.xa2), report.communes, demo.commune2)
    branch = open_submission(as_user(demo.chibo), report.branches, demo.branch)
    ours = {report.communes.pk, report.branches.pk}
    items = tinh.get("/submissions", schedule=report.communes.pk, period=NOW_Q).json()["items"]
    assert {s["id"] for s in items} == {mine["id"], theirs["id"]}
    own = tinh.get("/submissions", unit=demo.commune.pk, period=NOW_Q).json()["items"]
    assert {s["id"] for s in own if s["schedule"]["id"] in ours} == {mine["id"]}
    assert {s["unit"]["id"] for s in own} == {demo.commune.pk}
    subtree = tinh.get("/submissions", unit=demo.commune.pk, subtree="true", period=NOW_Q).json()["items"]
    assert {s["id"] for s in subtree if s["schedule"]["id"] in ours} == {mine["id"], branch["id"]}
    assert {s["id"] for s in xa.get("/submissions", page_size=200).json()["items"]} >= {mine["id"], branch["id"]}
    assert tinh.get("/submissions", schedule=report.communes.pk, status="submitted").json()["count"] == 0
    assert tinh.get("/submissions", schedule=report.communes.pk, period=LAST_Q).json()["count"] == 0
    assert "period" in field_errors(tinh.get("/submissions", period="quy-3"))
    assert "status" in field_errors(tinh.get("/submissions", status="done"))


@pytest.mark.parametrize("path", ["/schedules", "/submissions", "/values"])
def test_list_queries_do_not_grow_with_rows(demo, report, as_user, path):
    tinh = as_user(demo.tinh)
    period = period_get("quarter", 2026, 4)
    communes = list(Unit.objects.active().filter(parent=demo.province, kind=UnitKind.COMMUNE).order_by("code")[:4])
    for unit in communes:
        submission = submission_open(actor=demo.tinh, schedule=report.communes, unit=unit, period=period)
        Value.objects.create(submission=submission, target=report.total, unit=unit, period=period, value=1)
    tinh.get(path)   # the token's last use is written once, on the first call

    def count(page_size: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = tinh.get(path, page_size=page_size)
        assert response.status_code == 200
        return len(response.json()["items"]), len(queries)

    one, many = count(1), count(100)
    assert one[0] == 1 and many[0] >= 2
    assert one[1] == many[1]


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("value, message", [
    ("một trăm", "không phải là số"),
    ("12 hộ", "không phải là số"),
    ("1,2,3", "không phải là số"),
    (True, "số"),
    ("1,1234567", "chữ số"),
])
def test_text_in_a_number_is_422_naming_the_field(demo, report, as_user, value, message):
    xa = as_user(demo.xa)
    body = fill(xa, report, open_submission(xa, report.communes, demo.commune))
    response = xa.put(f"/submissions/{body['id']}/values", {"version": body["version"], "values": [
        {"target": report.rate.pk, "numerator": "10", "denominator": "100"},
        {"target": report.total.pk, "value": value}]})
    errors = field_errors(response)
    assert list(errors) == ["values.1.value"] and message in errors["values.1.value"]
    # Nothing was saved: the first value is unchanged, the version too.
    saved = Submission.objects.get(pk=body["id"])
    assert saved.version == body["version"]
    assert Value.objects.get(submission=saved, target=report.rate).numerator == Decimal(12)


def test_vietnamese_and_json_numbers_are_read(demo, report, as_user):
    xa = as_user(demo.xa)
    body = open_submission(xa, report.communes, demo.commune)
    saved = xa.put(f"/submissions/{body['id']}/values", {"version": 1, "values": [
        {"target": report.total.pk, "value": "1.234,5"},
        {"target": report.rate.pk, "numerator": 7, "denominator": 350.5}]})
    assert saved.status_code == 200, saved.content
    data = saved.json()
    assert entry(data, report.total)["value"] == "1234.5" and entry(data, report.total)["value_vn"] == "1.234,5"
    assert entry(data, report.rate)["denominator"] == "350.5"
    # An entry with no figure removes the value.
    cleared = xa.put(f"/submissions/{body['id']}/values", {"version": data["version"], "values": [
        {"target": report.total.pk}]}).json()
    assert entry(cleared, report.total)["value"] is None and entry(cleared, report.rate)["numerator"] == "7"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=st.decimals(min_value=Decimal("-999999999"), max_value=Decimal("999999999"), places=6,
                          allow_nan=False, allow_infinity=False),
       as_text=st.booleans())
def test_numbers_round_trip(demo, report, as_user, number, as_text):
    """A figure sent in Vietnamese format (or as a JSON number) is stored exactly and read back the same way.
    (15 significant digits: SQLite keeps decimals as floating point, PostgreSQL would hold more.)"""
    xa = as_user(demo.xa)
    body = open_submission(xa, report.communes, demo.commune)
    sent = format_vn_decimal(number) if as_text else float(number)
    response = xa.put(f"/submissions/{body['id']}/values", {"version": body["version"], "values": [
        {"target": report.total.pk, "value": sent}]})
    assert response.status_code == 200, response.content
    stored = Value.objects.get(submission_id=body["id"], target=report.total).value
    assert stored == (number if as_text else Decimal(repr(float(number))).quantize(Decimal("0.000001")))
    got = entry(response.json(), report.total)
    assert Decimal(got["value"]) == stored and got["value_vn"] == format_vn_decimal(stored)


def test_entry_problems_are_named_after_the_body(demo, report, as_user):
    xa = as_user(demo.xa)
    body = open_submission(xa, report.communes, demo.commune)
    other = Target.objects.filter(document=report.resolution).exclude(pk__in=[report.total.pk, report.rate.pk]).first()
    errors = field_errors(xa.put(f"/submissions/{body['id']}/values", {"version": 1, "values": [
        {"target": report.total.pk, "value": 1},
        {"target": report.total.pk, "value": 2},
        {"target": other.pk, "value": 3}]}))
    assert set(errors) == {"values.1.target", "values.2.target"}
    errors = field_errors(xa.put(f"/submissions/{body['id']}/values", {"version": 1, "values": [
        {"target": report.total.pk, "value": 1},
        {"target": report.rate.pk, "numerator": "5", "denominator": "0"}]}))
    assert set(errors) == {"values.1.denominator"} and "lớn hơn 0" in errors["values.1.denominator"]
    errors = field_errors(xa.put(f"/submissions/{body['id']}/values", {"version": 1, "values": [
        {"target": report.rate.pk, "value": "5"}]}))
    assert set(errors) == {"values.0.numerator", "values.0.denominator"}
    assert "version" in field_errors(xa.put(f"/submissions/{body['id']}/values", {"values": []}))
    assert not Value.objects.filter(submission_id=body["id"]).exists()


def test_period_outside_the_schedule(demo, report, as_user):
    xa = as_user(demo.xa)
    cases = {"quarter-2024-4": "không nằm trong lịch", "month-2026-10": "không nằm trong lịch",
             "quarter-2026-5": "không hợp lệ", "2026-Q4": "không hợp lệ"}
    for period, message in cases.items():
        errors = field_errors(xa.post("/submissions", {"schedule": report.communes.pk, "unit": demo.commune.pk,
                                                       "period": period}))
        assert set(errors) == {"period"} and message in errors["period"], period
    # A unit whose level does not report this schedule.
    errors = field_errors(xa.post("/submissions", {"schedule": report.communes.pk, "unit": demo.branch.pk,
                                                   "period": NOW_Q}))
    assert set(errors) == {"unit"}
    errors = field_errors(xa.post("/submissions", {"schedule": 10**12, "unit": demo.commune.pk, "period": NOW_Q}))
    assert set(errors) == {"schedule"}
    assert not Submission.objects.filter(schedule=report.communes).exists()


def test_after_the_lock_date(demo, report, as_user):
    xa, tinh = as_user(demo.xa), as_user(demo.tinh)
    errors = field_errors(xa.post("/submissions", {"schedule": report.communes.pk, "unit": demo.commune.pk,
                                                   "period": OLD_Q}))
    assert "khóa số liệu" in errors["__all__"]
    # A draft of last quarter is still open (lock after 90 days), then the province moves the lock date.
    body = fill(xa, report, open_submission(xa, report.communes, demo.commune, LAST_Q))
    assert body["lock_reason"] is None
    assert tinh.patch(f"/schedules/{report.communes.pk}", {"due_days": 0, "lock_days": 30}).status_code == 200
    late = xa.put(f"/submissions/{body['id']}/values", {"version": body["version"], "values": [
        {"target": report.total.pk, "value": "999"}]})
    assert "khóa số liệu" in field_errors(late)["__all__"]
    assert "khóa số liệu" in field_errors(xa.post(f"/submissions/{body['id']}/submit", {}))["__all__"]
    current = xa.get(f"/submissions/{body['id']}").json()
    assert "khóa số liệu" in current["lock_reason"]
    assert entry(current, report.total)["value"] == "104.33" and current["status"] == "draft"


def test_submitting_after_the_deadline_is_marked_late(demo, report, as_user):
    xa = as_user(demo.xa)
    body = fill(xa, report, open_submission(xa, report.communes, demo.commune, LAST_Q))
    body = xa.post(f"/submissions/{body['id']}/submit", {}).json()
    assert body["status"] == "submitted" and body["is_late"] is True


def test_two_people_saving_the_same_form_conflict(demo, report, as_user):
    xa, tinh = as_user(demo.xa), as_user(demo.tinh)
    body = open_submission(xa, report.communes, demo.commune)
    loaded = tinh.get(f"/submissions/{body['id']}").json()     # the province's office opens the same form
    first = fill(xa, report, body)
    assert first["version"] == 2
    second = tinh.put(f"/submissions/{loaded['id']}/values", {"version": loaded["version"], "values": [
        {"target": report.total.pk, "value": "1,5"}]})
    assert second.status_code == 409, second.content
    conflict = second.json()
    assert conflict["version"] == 2 and conflict["status"] == "draft"
    assert "người khác lưu" in conflict["detail"] and conflict["updated_at"]
    assert Value.objects.get(submission_id=body["id"], target=report.total).value == Decimal("104.33")
    # Submitting or deciding on a stale version conflicts too.
    assert xa.post(f"/submissions/{body['id']}/submit", {"version": 1}).status_code == 409
    submitted = xa.post(f"/submissions/{body['id']}/submit", {"version": 2}).json()
    assert submitted["version"] == 3
    stale = tinh.post(f"/submissions/{body['id']}/accept", {"version": 2})
    assert stale.status_code == 409 and stale.json()["version"] == 3
    assert Submission.objects.get(pk=body["id"]).status == SubmissionStatus.SUBMITTED


def test_bad_versions_and_days_are_field_errors(demo, report, as_user):
    xa = as_user(demo.xa)
    body = open_submission(xa, report.communes, demo.commune)
    for version in (True, 0, 2**31, 10**30, "một"):
        errors = field_errors(xa.put(f"/submissions/{body['id']}/values", {"version": version, "values": []}))
        assert set(errors) == {"version"}, version
    assert set(field_errors(xa.post(f"/submissions/{body['id']}/submit", {"version": 10**30}))) == {"version"}
    errors = field_errors(as_user(demo.tinh).patch(f"/schedules/{report.communes.pk}",
                                                   {"due_days": True, "due_days_by_kind": {"branch": False}}))
    assert set(errors) == {"due_days", "due_days_by_kind.branch"}


# ------------------------------------------------------------------ quality flags


def test_flags_are_shown_and_explained(demo, report, as_user):
    xa, xa2, tinh = as_user(demo.xa), as_user(demo.xa2), as_user(demo.tinh)
    body = fill(xa, report, open_submission(xa, report.communes, demo.commune), numerator="1.300")
    body = xa.post(f"/submissions/{body['id']}/submit", {}).json()
    flags = entry(body, report.rate)["flags"]
    assert [f["kind"] for f in flags] == ["impossible"] and flags[0]["message"] and flags[0]["kind_label"]
    flag_id = flags[0]["id"]
    assert tinh.get(f"/submissions/{body['id']}").json()["values"][1]["flags"][0]["id"] == flag_id
    assert xa2.post(f"/flags/{flag_id}/explain", {"explanation": "x"}).status_code == 404
    assert "explanation" in field_errors(xa.post(f"/flags/{flag_id}/explain", {"explanation": "   "}))
    explained = xa.post(f"/flags/{flag_id}/explain", {"explanation": "Số hộ nghèo gồm cả hộ tạm trú"})
    assert explained.status_code == 200, explained.content
    assert explained.json()["explanation"] == "Số hộ nghèo gồm cả hộ tạm trú"
    assert entry(tinh.get(f"/submissions/{body['id']}").json(), report.rate)["flags"][0]["explanation"]
    tinh.post(f"/submissions/{body['id']}/accept", {})
    errors = field_errors(xa.post(f"/flags/{flag_id}/explain", {"explanation": "Bổ sung"}))
    assert "đã được duyệt" in errors["explanation"]


# ------------------------------------------------------------------ values


def test_values_list(demo, report, as_user):
    xa, xa2, tinh = as_user(demo.xa), as_user(demo.xa2), as_user(demo.tinh)
    fill(xa, report, open_submission(xa, report.communes, demo.commune))
    fill(xa2, report, open_submission(xa2, report.communes, demo.commune2), total="7")
    chibo = as_user(demo.chibo)
    fill(chibo, report, open_submission(chibo, report.branches, demo.branch), total="3")
    at_province = tinh.get("/values", target=report.total.pk, unit=demo.province.pk, period=NOW_Q).json()
    assert at_province["count"] == 3
    assert {v["value"] for v in at_province["items"]} == {"104.33", "7", "3"}
    first = at_province["items"][0]
    assert first["period"]["key"] == NOW_Q and first["status"] == "draft" and first["counted"] is False
    in_commune = xa.get("/values", target=report.total.pk, unit=demo.commune.pk).json()
    assert {v["unit"]["id"] for v in in_commune["items"]} == {demo.commune.pk, demo.branch.pk}
    assert {v["unit"]["id"] for v in xa2.get("/values", target=report.total.pk).json()["items"]} == {demo.commune2.pk}
    assert chibo.get("/values", target=report.total.pk).json()["count"] == 1
    assert tinh.get("/values", target=report.total.pk, counted="true").json()["count"] == 0
    assert tinh.get("/values", target=report.total.pk, period=LAST_Q).json()["count"] == 0
    assert xa.get("/values", unit=demo.province.pk).status_code == 404


# ------------------------------------------------------------------ rollups


def test_rollup_scope_and_bad_queries(demo, report, as_user):
    xa, xa2 = as_user(demo.xa), as_user(demo.xa2)
    # A province target read at the commune: allowed; the province itself is out of demo-xa's scope.
    ok = xa.get("/rollups", target=report.total.pk, unit=demo.commune.pk, period=NOW_Q)
    assert ok.status_code == 200, ok.content
    assert ok.json()["actual"] is None and ok.json()["contributors"] == 0
    assert xa.get("/rollups", target=report.total.pk, unit=demo.province.pk, period=NOW_Q).status_code == 404
    assert xa2.get("/rollups", target=report.total.pk, unit=demo.commune.pk, period=NOW_Q).status_code == 404
    commune_target = Target.objects.filter(unit=demo.commune).first()
    assert xa2.get("/rollups", target=commune_target.pk, unit=demo.commune2.pk, period=NOW_Q).status_code == 404
    assert "period" in field_errors(xa.get("/rollups", target=report.total.pk, unit=demo.commune.pk,
                                           period="quarter-2026"))
    errors = field_errors(xa.get("/rollups", unit=demo.commune.pk))
    assert {"target", "period"} <= set(errors)


def test_rollup_evaluation_and_as_of(demo, report, as_user):
    xa, tinh = as_user(demo.xa), as_user(demo.tinh)
    body = fill(xa, report, open_submission(xa, report.communes, demo.commune), total="300")
    xa.post(f"/submissions/{body['id']}/submit", {})
    data = tinh.get("/rollups", target=report.total.pk, unit=demo.province.pk, period=NOW_Q,
                    as_of="2026-11-01").json()
    assert Decimal(data["actual"]) == Decimal(300) and data["contributors"] == 1
    assert data["term_target"] == "500" and Decimal(data["plan"]) == Decimal(400)
    assert Decimal(data["pct_of_milestone"]) == Decimal(75)
    assert data["status"] in ("achieved", "on_track", "at_risk", "off_track")
    assert data["status_label"]
    assert data["as_of"]["on"] == "2026-11-01" and Decimal(data["as_of"]["actual"]) == Decimal(300)
    assert data["as_of"]["contributors"] == 1
    commune = xa.get("/rollups", target=report.total.pk, unit=demo.commune.pk, period=NOW_Q).json()
    assert Decimal(commune["actual"]) == Decimal(300)
    assert "as_of" in field_errors(tinh.get("/rollups", target=report.total.pk, unit=demo.province.pk,
                                            period=NOW_Q, as_of="hôm qua"))


# ------------------------------------------------------------------ completeness


def test_completeness(demo, report, as_user):
    xa, tinh = as_user(demo.xa), as_user(demo.tinh)
    before = tinh.get("/completeness", unit=demo.province.pk, period=NOW_Q)
    assert before.status_code == 200, before.content
    before = before.json()
    communes = Unit.objects.filter(parent=demo.province, kind=UnitKind.COMMUNE, valid_to__isnull=True).count()
    assert before["expected"] >= communes and before["period"]["key"] == NOW_Q
    body = fill(xa, report, open_submission(xa, report.communes, demo.commune))
    xa.post(f"/submissions/{body['id']}/submit", {})
    after = tinh.get("/completeness", unit=demo.province.pk, period=NOW_Q).json()
    assert after["expected"] == before["expected"]
    assert after["submitted"] == before["submitted"] + 1 and after["on_time"] == before["on_time"] + 1
    mine = xa.get("/completeness", unit=demo.commune.pk, period=NOW_Q).json()
    assert mine["on_time"] >= 1 and mine["unit"]["id"] == demo.commune.pk
    # Last quarter is past due: the commune is missing, one click away.
    last = xa.get("/completeness", unit=demo.commune.pk, period=LAST_Q).json()
    assert last["missing"] >= 1
    assert {"id": demo.commune.pk, "code": demo.commune.code, "name": demo.commune.name} in last["missing_units"]
    assert xa2_cannot(as_user(demo.xa2), demo.commune.pk)
    assert "period" in field_errors(xa.get("/completeness", unit=demo.commune.pk, period=""))


def xa2_cannot(api: Api, unit_id: int) -> bool:
    return api.get("/completeness", unit=unit_id, period=NOW_Q).status_code == 404


# ------------------------------------------------------------------ auth and schema


def test_anonymous_is_401(client, demo, report):
    for path in ("/schedules", "/submissions", "/values", f"/rollups?target={report.total.pk}&unit=1&period={NOW_Q}",
                 f"/completeness?unit=1&period={NOW_Q}"):
        response = client.get(API + path)
        assert response.status_code == 401, path
        assert "Chưa xác thực" in response.json()["detail"]


def test_bad_ids_in_the_path_are_404(demo, as_user):
    api = as_user(demo.tinh)
    for path in ("/schedules/0", "/schedules/99999999999", "/submissions/abc", f"/submissions/{2**64}"):
        assert api.get(path).status_code == 404, path


def test_openapi_lists_the_reporting_paths(client):
    schema = client.get(API + "/openapi.json").json()
    paths = schema["paths"]
    expected = {
        "/api/v1/schedules": {"get", "post"},
        "/api/v1/schedules/{schedule_id}": {"get", "patch"},
        "/api/v1/submissions": {"get", "post"},
        "/api/v1/submissions/{submission_id}": {"get"},
        "/api/v1/submissions/{submission_id}/values": {"put"},
        "/api/v1/submissions/{submission_id}/submit": {"post"},
        "/api/v1/submissions/{submission_id}/accept": {"post"},
        "/api/v1/submissions/{submission_id}/return": {"post"},
        "/api/v1/submissions/{submission_id}/reopen": {"post"},
        "/api/v1/flags/{flag_id}/explain": {"post"},
        "/api/v1/values": {"get"},
        "/api/v1/rollups": {"get"},
        "/api/v1/completeness": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert set(paths[path]) >= methods, path
        for method in methods:
            assert paths[path][method]["summary"] and paths[path][method]["description"], (path, method)
    assert "409" in paths["/api/v1/submissions/{submission_id}/values"]["put"]["responses"]
    assert "403" in paths["/api/v1/submissions/{submission_id}/accept"]["post"]["responses"]
