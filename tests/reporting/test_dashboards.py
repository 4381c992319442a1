"""Dashboards and the completeness page (issue 4, items 4 and 7): scope (200 in scope, 404 outside), fixed query
counts, the chart data matching the table under it, the ranking order, the state filter, and bad ``?ky=`` /
``?ngay=`` answered with a message (never a 500).

The tests make their own resolution, targets, schedule, submissions and values through the services (on frozen
days, so past periods are still open), never relying on the demo's reporting data."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.reporting.evaluation import TargetStatus
from nghiquyet.reporting.models import PeriodKind, QualityFlag, Schedule
from nghiquyet.reporting.periods import period_get
from nghiquyet.reporting.selectors import Completeness, State, period_key, schedules_touching
from nghiquyet.reporting.services import (
    Entry,
    schedule_create,
    submission_accept,
    submission_open,
    submission_save,
)
from nghiquyet.reporting.templatetags.reporting_charts import figure, pct, sparkline, status_class
from nghiquyet.resolutions.models import Aggregation, Direction, Term
from nghiquyet.resolutions.services import document_create, target_create

pytestmark = pytest.mark.django_db

Q = PeriodKind.QUARTER


@pytest.fixture
def freeze(monkeypatch):
    """Run the services (deadlines, lock dates) and the pages on a chosen day."""
    def at(day: dt.date):
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
        monkeypatch.setattr(timezone, "now", lambda: moment)
    return at


class World:
    """A province resolution with four targets reported quarterly by the communes."""

    def __init__(self, demo):
        self.demo = demo
        province = demo.province
        term = Term.objects.filter(unit=province).order_by("-start_year").first()
        self.document = document_create(actor=demo.tinh, unit=province, symbol="99-NQ/TU",
                                        issued_on=dt.date(2025, 12, 1), title="Nghị quyết kiểm thử bảng điều khiển",
                                        term=term)
        common = {"domain": "economy", "baseline_year": 2025}
        self.income = target_create(  # sum, higher is better
            actor=demo.tinh, document=self.document, number="1", name="Thu ngân sách", measure="tỷ đồng",
            baseline_value=Decimal(100), target_value=Decimal(1000), aggregation=Aggregation.SUM,
            milestones={2025: Decimal(400), 2026: Decimal(500)}, **common)
        self.rate = target_create(  # ratio of sums in %
            actor=demo.tinh, document=self.document, number="2", name="Tỷ lệ hộ dùng nước sạch", measure="%",
            baseline_value=Decimal(80), target_value=Decimal(95), aggregation=Aggregation.RATIO,
            numerator_name="Số hộ dùng nước sạch", denominator_name="Tổng số hộ",
            milestones={2025: Decimal(85), 2026: Decimal(88)}, **common)
        self.poverty = target_create(  # ratio, lower is better
            actor=demo.tinh, document=self.document, number="3", name="Tỷ lệ hộ nghèo", measure="%",
            baseline_value=Decimal(5), target_value=Decimal(1), direction=Direction.LOWER,
            aggregation=Aggregation.RATIO, numerator_name="Số hộ nghèo", denominator_name="Tổng số hộ",
            milestones={2025: Decimal(4), 2026: Decimal(3)}, **common)
        self.schedule = schedule_create(
            actor=demo.tinh, unit=province, document=self.document, name="Báo cáo quý (bảng điều khiển)",
            targets=[self.income, self.rate, self.poverty], period_kind=Q, reporting_kinds=[UnitKind.COMMUNE],
            starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2030, 12, 31), due_days=10, lock_days=90)
        self.communes = list(Unit.objects.filter(parent=province, kind=UnitKind.COMMUNE, valid_to__isnull=True)
                             .order_by("path"))

    def report(self, unit, quarter: tuple[int, int], *, income, water: tuple, poor: tuple, accept=True,
               actor=None, on: dt.date | None = None, freeze=None):
        """``unit`` submits (and the province accepts) its figures for (year, quarter), on day ``on``."""
        year, number = quarter
        period = period_get(Q, year, number)
        if freeze is not None:
            freeze(on or period.end + dt.timedelta(days=5))
        actor = actor or self.demo.tinh
        submission = submission_open(actor=actor, schedule=self.schedule, unit=unit, period=period)
        submission = submission_save(actor=actor, submission=submission, version=submission.version, entries={
            self.income.pk: Entry(value=Decimal(income)),
            self.rate.pk: Entry(numerator=Decimal(water[0]), denominator=Decimal(water[1])),
            self.poverty.pk: Entry(numerator=Decimal(poor[0]), denominator=Decimal(poor[1])),
        }, submit=True)
        if accept:
            submission = submission_accept(actor=self.demo.tinh, submission=submission)
        return submission


@pytest.fixture
def world(demo):
    return World(demo)


def _key(year: int, number: int) -> str:
    return period_key(period_get(Q, year, number))


# ---------------------------------------------------------------- template helpers


def test_figure_pct_and_status_class():
    assert figure(Decimal("1234.5678")) == "1.234,57"
    assert figure(Decimal("12.50")) == "12,5"
    assert figure(None) == "—"
    assert pct(Decimal("95.123")) == "95,1%"
    assert pct(None) == "—"
    assert status_class(TargetStatus.OFF_TRACK) == "st-off_track"
    assert status_class(None) == "st-none"
    assert status_class("<script>") == "st-none"


def test_sparkline_is_inline_svg_with_gaps_and_label():
    svg = str(sparkline([Decimal(1), Decimal(3), None, Decimal(2), Decimal(5)]))
    assert svg.startswith("<svg") and "<script" not in svg and "style=" not in svg
    assert svg.count("<polyline") == 2  # broken at the gap
    assert "1; 3; —; 2; 5" in svg  # the numbers, for screen readers
    assert "chưa có số liệu" in str(sparkline([None, None]))
    single = str(sparkline([Decimal(7)]))
    assert "spark-last" in single and "<polyline" not in single


def _comm(world, pk):
    return next(u for u in world.communes if u.pk == pk)


@pytest.fixture
def reported(world, freeze):
    """Q4/2025 and Q1/2026 figures of three communes (Đông Sơn, Đông Thanh, An Lạc); pages viewed on 20/4/2026."""
    dong_son, dong_thanh, an_lac = world.demo.commune, _comm(world, 25), world.demo.commune2
    world.report(dong_son, (2025, 4), income=300, water=(90, 100), poor=(2, 100), freeze=freeze)
    world.report(dong_thanh, (2025, 4), income=100, water=(70, 100), poor=(6, 100), freeze=freeze)
    world.report(dong_son, (2026, 1), income=80, water=(180, 200), poor=(3, 200), freeze=freeze)
    world.report(dong_thanh, (2026, 1), income=40, water=(60, 200), poor=(5, 100), freeze=freeze)
    world.report(an_lac, (2026, 1), income=60, water=(80, 100), poor=(4, 100), freeze=freeze, accept=False)
    freeze(dt.date(2026, 4, 20))
    world.dong_son, world.dong_thanh, world.an_lac = dong_son, dong_thanh, an_lac
    return world


def _levels(unit) -> int:
    """The reporting levels the pages look for in ``unit``'s subtree (one query each): every schedule of the test
    database lies in the demo province."""
    kinds = {k for s in Schedule.objects.filter(is_active=True) for k in s.reporting_kinds}
    return len(kinds - {unit.kind})


def _dashboard(client, unit, key=""):
    return client.get(reverse("report_dashboard", args=[unit.pk]) + (f"?ky={key}" if key else ""))


def _target(client, unit, target, query=""):
    return client.get(reverse("report_target", args=[unit.pk, target.pk]) + query)


def _completeness(client, unit, query=""):
    return client.get(reverse("report_completeness", args=[unit.pk]) + query)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# ---------------------------------------------------------------- scope


@pytest.mark.parametrize(("who", "where", "status"), [
    ("tinh", "province", 200), ("tinh", "commune", 200), ("tinh", "branch", 200),
    ("xa", "commune", 200), ("xa", "branch", 200), ("xa", "province", 404), ("xa", "commune2", 404),
    ("xa2", "commune2", 200), ("xa2", "commune", 404),
    ("chibo", "branch", 200), ("chibo", "commune", 404), ("chibo", "province", 404),
])
def test_pages_in_scope_200_outside_404(client, world, freeze, who, where, status):
    freeze(dt.date(2026, 4, 20))
    demo = world.demo
    client.force_login(getattr(demo, who))
    unit = getattr(demo, where)
    assert _dashboard(client, unit).status_code == status
    assert _completeness(client, unit).status_code == status
    assert _target(client, unit, world.rate).status_code == status


def test_a_former_commune_is_history_read_only(client, world, demo, freeze):
    """A commune merged into demo-xa's is visible (history): its pages answer, with its own figures only."""
    from nghiquyet.org.models import UnitSuccession

    freeze(dt.date(2026, 4, 20))
    former = UnitSuccession.objects.filter(successor=demo.commune).first().predecessor
    client.force_login(demo.xa)
    assert _dashboard(client, former).status_code == 200
    assert _completeness(client, former).status_code == 200
    assert _target(client, former, world.rate).status_code == 200
    client.force_login(demo.xa2)
    assert _dashboard(client, former).status_code == 404


def test_unknown_or_malformed_ids_are_404(client, world, demo):
    client.force_login(demo.xa)
    assert client.get(f"/bao-cao/bang-dieu-khien/{2**70}/").status_code == 404
    assert _target(client, demo.commune, type("T", (), {"pk": 999_999_999})()).status_code == 404
    assert client.get(reverse("report_dashboard", args=[999_999_999])).status_code == 404


def test_target_of_another_province_branch_is_404(client, world, demo):
    """A target is read through the resolutions selectors: one issued by a commune outside the user's scope is
    not found, even on a page of a unit the user sees."""
    other = document_create(actor=demo.xa2, unit=demo.commune2, symbol="01-NQ/ĐU", issued_on=dt.date(2025, 12, 1),
                            title="Nghị quyết của xã An Lạc")
    hidden = target_create(actor=demo.xa2, document=other, number="1", name="Chỉ tiêu riêng", domain="economy",
                           measure="hộ", target_value=Decimal(10), aggregation=Aggregation.SUM)
    client.force_login(demo.xa)
    assert _target(client, demo.commune, hidden).status_code == 404
    client.force_login(demo.xa2)
    assert _target(client, demo.commune2, hidden).status_code == 200


# ---------------------------------------------------------------- dashboard


def test_dashboard_targets_table(client, reported):
    w = reported
    client.force_login(w.demo.tinh)
    response = _dashboard(client, w.demo.province, _key(2026, 1))
    assert response.status_code == 200
    rows = {r.target.pk: r for r in response.context["rows"]}
    assert {w.income.pk, w.rate.pk, w.poverty.pk} <= set(rows)  # (the demo's own schedules may add more)
    # Q1/2026 (visible above once submitted): An Lạc's submitted figures count too with the default setting.
    income, rate, poor = rows[w.income.pk].evaluation, rows[w.rate.pk].evaluation, rows[w.poverty.pk].evaluation
    assert income.actual == Decimal(180) and income.contributors == 3
    assert rate.actual == Decimal(320) / Decimal(500) * 100  # ratio of the sums, never a mean of rates
    assert poor.actual == Decimal(12) / Decimal(400) * 100
    html = response.content.decode()
    assert "<strong>180</strong>" in html and "<strong>64</strong>" in html and "<strong>3</strong>" in html
    assert f'href="{reverse("report_target", args=[w.demo.province.pk, w.rate.pk])}?ky={_key(2026, 1)}"' in html
    assert status_class(rate.status) in html and str(rate.status_label) in html
    # same period last year is absent (Q1/2025 never reported); the sparkline runs over the term to Q1/2026
    assert rate.same_period_last_year is None
    spark = rows[w.rate.pk].spark
    assert spark[-2:] == [Decimal(160) / Decimal(200) * 100, rate.actual]
    assert html.count('class="spark"') >= 3
    # the summary above the table counts the targets by status
    counts = {status: n for status, _label, n in response.context["status_counts"]}
    assert sum(counts.values()) == len(rows) and counts.get(rate.status or "", 0) >= 1


@pytest.fixture
def accepted_only(settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "REPORTING": {**settings.NGHIQUYET["REPORTING"],
                                                              "VISIBLE_ABOVE": "accepted"}}


def test_dashboard_visible_above_setting(client, accepted_only, reported):
    """With VISIBLE_ABOVE=accepted the engine leaves An Lạc's submitted (not accepted) figures out; the page
    just shows what the engine says."""
    w = reported
    client.force_login(w.demo.tinh)
    rows = {r.target.pk: r for r in _dashboard(client, w.demo.province, _key(2026, 1)).context["rows"]}
    assert rows[w.income.pk].evaluation.actual == Decimal(120)
    assert rows[w.income.pk].evaluation.contributors == 2


def test_dashboard_of_a_commune_shows_its_own_rollup(client, reported):
    w = reported
    client.force_login(w.demo.xa)
    rows = {r.target.pk: r for r in _dashboard(client, w.dong_son, _key(2026, 1)).context["rows"]}
    assert rows[w.income.pk].evaluation.actual == Decimal(80)
    assert rows[w.income.pk].evaluation.contributors == 1


def test_dashboard_completeness_and_flags(client, reported, freeze):
    w = reported
    client.force_login(w.demo.tinh)
    response = _dashboard(client, w.demo.province, _key(2026, 1))
    c = response.context["completeness"]
    mine = Completeness(period=c.period, rows=[r for r in c.rows if r.schedule == w.schedule])
    assert mine.expected == len(w.communes) and mine.submitted == 3 and mine.missing == len(w.communes) - 3
    html = response.content.decode()
    url = reverse("report_completeness", args=[w.demo.province.pk])
    assert f'{url}?ky={_key(2026, 1)}&amp;tinh-trang=missing' in html
    # Đông Thanh's water rate fell from 70% to 30% → a jump flag in the province's list
    flags = list(response.context["flags_page"])
    assert flags and all(f.value.period.pk == period_get(Q, 2026, 1).pk for f in flags)
    assert any(f.value.unit_id == w.dong_thanh.pk for f in flags)
    assert reverse("submission_detail", args=[flags[0].value.submission_id]) in html
    # the commune of demo-xa sees only the flags of its own subtree
    client.force_login(w.demo.xa)
    flags_xa = list(_dashboard(client, w.dong_son, _key(2026, 1)).context["flags_page"])
    assert all(f.value.unit.path.startswith(w.dong_son.path) for f in flags_xa)


@pytest.mark.parametrize("visible_above", ["submitted", "accepted"])
def test_flags_of_reports_not_yet_visible_above(client, world, demo, freeze, settings, visible_above):
    """A branch submits an impossible rate (more households than there are): its commune, which approves it,
    always sees the flag; the province sees it only once the figures are visible above (the setting)."""
    settings.NGHIQUYET = {**settings.NGHIQUYET, "PAGE_SIZE": 1000,
                          "REPORTING": {**settings.NGHIQUYET["REPORTING"], "VISIBLE_ABOVE": visible_above}}
    schedule = schedule_create(
        actor=demo.tinh, unit=demo.province, document=world.document, name="Chi bộ báo cáo", targets=[world.rate],
        period_kind=Q, reporting_kinds=[UnitKind.BRANCH], starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2030, 12, 31), due_days=10, lock_days=90)
    freeze(dt.date(2026, 4, 5))
    period = period_get(Q, 2026, 1)
    sub = submission_open(actor=demo.chibo, schedule=schedule, unit=demo.branch, period=period)
    submission_save(actor=demo.chibo, submission=sub, version=sub.version, submit=True,
                    entries={world.rate.pk: Entry(numerator=Decimal(120), denominator=Decimal(100))})
    assert QualityFlag.objects.filter(value__submission=sub).exists()
    freeze(dt.date(2026, 4, 20))

    def flagged(user, unit) -> bool:
        client.force_login(user)
        page = _dashboard(client, unit, _key(2026, 1)).context["flags_page"]
        return any(f.value.submission_id == sub.pk for f in page)

    assert flagged(demo.xa, demo.commune)
    assert flagged(demo.chibo, demo.branch)
    assert flagged(demo.tinh, demo.province) is (visible_above == "submitted")


def test_dashboard_leaves_out_schedules_nobody_below_reports(client, world, demo, freeze):
    """The province's schedule is reported by the communes: a branch's dashboard does not list its targets."""
    freeze(dt.date(2026, 4, 20))
    client.force_login(demo.chibo)
    response = _dashboard(client, demo.branch)
    assert response.status_code == 200
    shown = {r.target.pk for r in response.context["rows"]}
    assert not shown & {world.income.pk, world.rate.pk, world.poverty.pk}
    client.force_login(demo.xa)
    shown = {r.target.pk for r in _dashboard(client, demo.commune).context["rows"]}
    assert {world.income.pk, world.rate.pk, world.poverty.pk} <= shown


def test_dashboard_without_any_schedule(client, demo, freeze):
    Schedule.objects.update(is_active=False)
    freeze(dt.date(2026, 4, 20))
    client.force_login(demo.xa)
    response = _dashboard(client, demo.commune)
    assert response.status_code == 200 and response.context["period"] is None
    assert "Chưa có lịch báo cáo nào" in response.content.decode()
    assert _completeness(client, demo.commune).status_code == 200


def test_dashboard_query_count_is_fixed(client, reported, django_assert_num_queries, freeze):
    """The same number of queries whatever the number of targets, values and flags."""
    w = reported
    client.force_login(w.demo.tinh)
    url = reverse("report_dashboard", args=[w.demo.province.pk]) + f"?ky={_key(2026, 1)}"
    client.get(url)  # periods created on first use
    expected = (DASHBOARD_QUERIES + _levels(w.demo.province)
                + 2 * len(schedules_touching(w.demo.province, period_get(Q, 2026, 1))))
    with django_assert_num_queries(expected):
        before = client.get(url)
    assert before.status_code == 200
    # more data: a fourth target in the schedule, two more communes reporting
    extra = target_create(actor=w.demo.tinh, document=w.document, number="4", name="Số hộ mới", domain="economy",
                          measure="hộ", target_value=Decimal(50), aggregation=Aggregation.SUM)
    w.schedule.targets.add(extra)
    for unit in w.communes[3:5]:
        period = period_get(Q, 2026, 1)
        freeze(dt.date(2026, 4, 5))
        sub = submission_open(actor=w.demo.tinh, schedule=w.schedule, unit=unit, period=period)
        submission_save(actor=w.demo.tinh, submission=sub, version=sub.version, submit=True, entries={
            w.income.pk: Entry(value=Decimal(7)), w.rate.pk: Entry(numerator=Decimal(1), denominator=Decimal(2)),
            w.poverty.pk: Entry(numerator=Decimal(1), denominator=Decimal(9)), extra.pk: Entry(value=Decimal(3))})
    freeze(dt.date(2026, 4, 20))
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert len(response.context["rows"]) == len(before.context["rows"]) + 1


#: session, user, scope (3), unit, schedules (+ one per reporting level), periods, targets, evaluation (5),
#: sparkline periods and cells, person (menu), flags (count, page), completeness (schedules, then two per schedule)
DASHBOARD_QUERIES = 20


def test_dashboard_default_and_invalid_period(client, reported):
    w = reported
    client.force_login(w.demo.tinh)
    response = _dashboard(client, w.demo.province)
    assert response.status_code == 200 and response.context["period"] == period_get(Q, 2026, 1)  # latest ended
    assert not _messages(response)
    for bad in ("quarter-2099-3", "quarter-2026-9", "rubbish", "month-2026-1", "quarter-2026-x", "%00"):
        response = _dashboard(client, w.demo.province, bad)
        assert response.status_code == 200
        assert response.context["period"] == period_get(Q, 2026, 1)
        assert any("Kỳ báo cáo được chọn không có" in m for m in _messages(response))
    response = _dashboard(client, w.demo.province, _key(2025, 4))
    assert response.context["period"] == period_get(Q, 2025, 4) and not _messages(response)


# ---------------------------------------------------------------- one target


CHART_ROW = re.compile(r'<tr><td data-label="Kỳ">(?P<label>[^<]*)</td><td class="num" data-label="Thực hiện">'
                       r'(?P<actual>[^<]*)</td><td class="num" data-label="Mốc kế hoạch năm">(?P<plan>[^<]*)</td></tr>')


def _chart(html: str) -> dict:
    match = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the chart's data block is missing"
    return json.loads(match.group(1))


def test_target_chart_data_matches_the_table(client, reported):
    w = reported
    client.force_login(w.demo.tinh)
    response = _target(client, w.demo.province, w.rate, f"?ky={_key(2026, 1)}")
    html = response.content.decode()
    chart = _chart(html)
    table = [m.groupdict() for m in CHART_ROW.finditer(html)]
    assert table and chart["labels"] == [row["label"] for row in table]
    actual = next(s["values"] for s in chart["series"] if s["kind"] == "actual")
    plan = next(s["values"] for s in chart["series"] if s["kind"] == "milestone")
    assert [figure(v) for v in actual] == [row["actual"] for row in table]
    assert [figure(v) for v in plan] == [row["plan"] for row in table]
    # the term runs from its first year; the last two quarters carry the figures reported, the milestones by year
    assert chart["labels"][-2:] == ["Quý IV/2025", "Quý I/2026"]
    assert actual[-2:] == [80.0, 64.0] and plan[-2:] == [85.0, 88.0]
    assert chart["measure"] == "%"
    # the page loads the vendored Chart.js and our script, and has no inline script of its own
    assert "/static/nghiquyet/vendor/chartjs/chart.umd.min.js" in html and "/static/nghiquyet/charts.js" in html
    scripts = re.findall(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", html, re.S)
    assert all('type="application/json"' in attrs or (" src=" in attrs and not body.strip())
               for attrs, body in scripts)
    assert " style=" not in html


def test_target_ranking_best_first_by_direction(client, reported):
    w = reported
    client.force_login(w.demo.tinh)
    key = _key(2026, 1)
    # water (higher is better): Đông Sơn 90%, An Lạc 80%, Đông Thanh 30%, then the communes without figures
    ranking = list(_target(client, w.demo.province, w.rate, f"?ky={key}").context["ranking_page"])
    assert [r.unit_id for r in ranking[:3]] == [w.dong_son.pk, w.an_lac.pk, w.dong_thanh.pk]
    assert [r.rank for r in ranking[:3]] == [1, 2, 3] and all(r.rank is None for r in ranking[3:])
    assert ranking[0].actual == Decimal(90) and ranking[0].status == TargetStatus.ACHIEVED  # milestone 88
    assert ranking[2].status == TargetStatus.OFF_TRACK
    # poverty (lower is better): Đông Sơn 1,5%, An Lạc 4%, Đông Thanh 5%
    ranking = list(_target(client, w.demo.province, w.poverty, f"?ky={key}").context["ranking_page"])
    assert [r.unit_id for r in ranking[:3]] == [w.dong_son.pk, w.an_lac.pk, w.dong_thanh.pk]
    assert ranking[0].actual == Decimal("1.5")
    # income (a sum): the communes have no plan of their own, so no status, but the order still holds
    ranking = list(_target(client, w.demo.province, w.income, f"?ky={key}").context["ranking_page"])
    assert [r.actual for r in ranking[:3]] == [Decimal(80), Decimal(60), Decimal(40)]
    assert ranking[0].status == ""


def test_target_ranking_is_paginated(client, reported, settings):
    w = reported
    settings.NGHIQUYET = {**settings.NGHIQUYET, "PAGE_SIZE": 2}
    client.force_login(w.demo.tinh)
    url = f"?ky={_key(2026, 1)}"
    first = _target(client, w.demo.province, w.rate, url).context["ranking_page"]
    second = _target(client, w.demo.province, w.rate, url + "&page=2").context["ranking_page"]
    assert [r.unit_id for r in first] == [w.dong_son.pk, w.an_lac.pk]
    assert [r.unit_id for r in second] == [w.dong_thanh.pk, second[1].unit_id] and second[1].actual is None
    html = _target(client, w.demo.province, w.rate, url).content.decode()
    assert f"?ky={_key(2026, 1)}&amp;page=2" in html


def test_target_as_the_tree_was(client, reported):
    """Before 1 July 2025 Đông Thanh sat in the district of Đông Sơn and the communes of Đông Sơn and An Lạc did not
    exist: as of that day the province's ranking shows the district (with Đông Thanh's figures) and neither."""
    w = reported
    client.force_login(w.demo.tinh)
    response = _target(client, w.demo.province, w.income, f"?ky={_key(2026, 1)}&ngay=2025-06-01")
    assert response.status_code == 200 and not _messages(response)
    ranking = list(response.context["ranking_page"])
    ids = {r.unit_id: r for r in ranking}
    assert not {w.dong_son.pk, w.dong_thanh.pk, w.an_lac.pk} & set(ids)  # the two communes were set up 1/7/2025
    district = Unit.objects.get(pk=w.dong_thanh.versions.order_by("valid_from")
                                                        .first().parent_id)
    assert ids[district.pk].actual == Decimal(40) and ids[district.pk].rank is not None
    as_of = response.context["as_of"]
    assert as_of.actual == Decimal(40) and as_of.contributors == 1  # only Đông Thanh existed then
    assert "01/06/2025" in response.content.decode()
    # today's tree: Đông Sơn is back, its 80 counted
    now = _target(client, w.demo.province, w.income, f"?ky={_key(2026, 1)}")
    assert now.context["evaluation"].actual == Decimal(180) and now.context["as_of"] is None


@pytest.mark.parametrize("bad", ["2025-13-45", "hôm qua", "2025/06/01", "9" * 30])
def test_target_invalid_date_is_a_message(client, reported, bad):
    w = reported
    client.force_login(w.demo.tinh)
    response = _target(client, w.demo.province, w.income, f"?ky={_key(2026, 1)}&ngay={bad}")
    assert response.status_code == 200
    assert response.context["on"] is None and response.context["as_of"] is None
    assert any("không hợp lệ" in m for m in _messages(response))


def test_target_invalid_period_is_a_message(client, reported):
    w = reported
    client.force_login(w.demo.tinh)
    response = _target(client, w.demo.province, w.income, "?ky=year-1800-1")
    assert response.status_code == 200 and response.context["period"] == period_get(Q, 2026, 1)
    assert _messages(response)


def test_target_page_query_count_is_fixed(client, reported, django_assert_num_queries, freeze):
    w = reported
    client.force_login(w.demo.tinh)
    url = reverse("report_target", args=[w.demo.province.pk, w.rate.pk]) + f"?ky={_key(2026, 1)}"
    client.get(url)
    with django_assert_num_queries(TARGET_QUERIES + 1):  # one reporting level (communes) looked for
        assert client.get(url).status_code == 200
    for unit in w.communes[3:6]:
        freeze(dt.date(2026, 4, 5))
        sub = submission_open(actor=w.demo.tinh, schedule=w.schedule, unit=unit, period=period_get(Q, 2026, 1))
        submission_save(actor=w.demo.tinh, submission=sub, version=sub.version, submit=True, entries={
            w.income.pk: Entry(value=Decimal(7)), w.rate.pk: Entry(numerator=Decimal(1), denominator=Decimal(2)),
            w.poverty.pk: Entry(numerator=Decimal(1), denominator=Decimal(9))})
    freeze(dt.date(2026, 4, 20))
    with django_assert_num_queries(TARGET_QUERIES + 1):  # one reporting level (communes) looked for
        response = client.get(url)
    assert sum(1 for r in response.context["ranking_page"] if r.actual is not None) >= 6


#: session, user, scope (3), unit, target and its milestones, schedules, periods, evaluation (5), term periods,
#: series (3), children, their cells, their plans (2), person (menu)
TARGET_QUERIES = 24


# ---------------------------------------------------------------- completeness


def _mine(result, world):
    return [r for r in result.rows if r.schedule == world.schedule]


def test_completeness_counts_and_subordinates(client, reported):
    w = reported
    client.force_login(w.demo.tinh)
    response = _completeness(client, w.demo.province, f"?ky={_key(2026, 1)}")
    assert response.status_code == 200
    c = response.context["completeness"]
    mine = Completeness(period=c.period, rows=_mine(c, w))
    assert (mine.expected, mine.submitted, mine.on_time, mine.late, mine.missing, mine.pending) == (
        len(w.communes), 3, 3, 0, len(w.communes) - 3, 0)
    subordinates = {row.unit.pk: row.tally for row in response.context["subordinates_page"]}
    assert subordinates[w.dong_son.pk].on_time >= 1
    html = response.content.decode()
    assert f"?ky={_key(2026, 1)}&amp;tinh-trang=missing" in html  # one click from the counts
    # Q2/2026 seen on 20 April: nobody is late yet, everything is "not yet due"
    response = _completeness(client, w.demo.province, f"?ky={_key(2026, 2)}")
    assert response.status_code == 200
    mine = _mine(response.context["completeness"], w)
    assert mine and all(r.state == State.NOT_DUE for r in mine)


def test_completeness_state_filter(client, reported, settings):
    w = reported
    settings.NGHIQUYET = {**settings.NGHIQUYET, "PAGE_SIZE": 1000}
    client.force_login(w.demo.tinh)
    key = _key(2026, 1)
    missing = _completeness(client, w.demo.province, f"?ky={key}&tinh-trang=missing")
    states = {line.row.state for line in missing.context["lines"]}
    assert states == {State.MISSING}
    units = {line.row.unit.pk for line in missing.context["lines"] if line.row.schedule == w.schedule}
    assert units == {u.pk for u in w.communes} - {w.dong_son.pk, w.dong_thanh.pk, w.an_lac.pk}
    on_time = _completeness(client, w.demo.province, f"?ky={key}&tinh-trang=on_time")
    mine = [line for line in on_time.context["lines"] if line.row.schedule == w.schedule]
    assert {line.row.unit.pk for line in mine} == {w.dong_son.pk, w.dong_thanh.pk, w.an_lac.pk}
    # each submitted row links to its submission, each missing one to the entry form (demo-tinh may report)
    assert all(line.link == reverse("submission_detail", args=[line.row.submission.pk]) for line in mine)
    entry = next(line for line in missing.context["lines"] if line.row.schedule == w.schedule)
    assert entry.link == reverse("report_entry", args=[entry.row.unit.pk, w.schedule.pk, key])
    html = missing.content.decode()
    assert 'aria-current="page">Chưa nộp (quá hạn)</a>' in html
    assert 'name="tinh-trang" value="missing"' in html  # the period chooser keeps the filter
    bad = _completeness(client, w.demo.province, f"?ky={key}&tinh-trang=<b>x</b>")
    assert bad.status_code == 200 and bad.context["state"] == ""
    assert any("Tình trạng được chọn không hợp lệ" in m for m in _messages(bad))


def test_completeness_links_only_what_the_user_may_open(client, reported):
    """demo-xa sees its own commune's rows: the submission of Đông Sơn; no entry form for a unit it cannot
    report for (none here: the commune is its own)."""
    w = reported
    client.force_login(w.demo.xa)
    response = _completeness(client, w.dong_son, f"?ky={_key(2026, 1)}")
    lines = [line for line in response.context["lines"] if line.row.schedule == w.schedule]
    assert [line.row.unit.pk for line in lines] == [w.dong_son.pk]
    assert lines[0].link == reverse("submission_detail", args=[lines[0].row.submission.pk])
    rows = list(response.context["subordinates_page"])
    assert rows[0].is_self


def test_completeness_invalid_period_and_pagination(client, reported, settings):
    w = reported
    settings.NGHIQUYET = {**settings.NGHIQUYET, "PAGE_SIZE": 5}
    client.force_login(w.demo.tinh)
    response = _completeness(client, w.demo.province, "?ky=quarter-2026-5&tinh-trang=missing&page=999")
    assert response.status_code == 200
    assert response.context["period"] == period_get(Q, 2026, 1) and _messages(response)
    page = response.context["page_obj"]
    assert page.number == page.paginator.num_pages and len(page.object_list) <= 5
    html = response.content.decode()
    assert f"?ky={_key(2026, 1)}&amp;tinh-trang=missing&amp;page=" in html


def test_completeness_query_count_is_fixed(client, reported, django_assert_num_queries, freeze):
    w = reported
    client.force_login(w.demo.tinh)
    url = reverse("report_completeness", args=[w.demo.province.pk]) + f"?ky={_key(2026, 1)}"
    client.get(url)
    expected = (COMPLETENESS_QUERIES + _levels(w.demo.province)
                + 2 * len(schedules_touching(w.demo.province, period_get(Q, 2026, 1))))
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    w.report(w.communes[4], (2026, 1), income=1, water=(1, 2), poor=(1, 9), freeze=freeze)
    w.report(w.communes[5], (2026, 1), income=1, water=(1, 2), poor=(1, 9), freeze=freeze, accept=False)
    freeze(dt.date(2026, 4, 20))
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


#: session, user, scope (3), unit, schedules (+ one per reporting level), periods, completeness (schedules, then
#: two per schedule), direct subordinates, person (menu)
COMPLETENESS_QUERIES = 11
