"""Review selectors: scope (404 outside), campaign progress (counts, states, pinned queries) and the home to-dos."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from nghiquyet.accounts.scope import scope_of
from nghiquyet.reporting.models import SubmissionStatus
from nghiquyet.reviews import selectors, services
from nghiquyet.reviews.models import ReviewReport
from nghiquyet.reviews.selectors import State
from tests.reviews.conftest import COMMUNE_DEADLINE, TODAY, make_campaign, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def dong_son_report(demo, campaign):
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    write(report, demo.xa, proposals="Đề nghị tỉnh hỗ trợ kinh phí làm đường.")
    return services.review_report_submit(actor=demo.xa, report=report)


def test_a_sibling_commune_cannot_see_dong_sons_report(demo, dong_son_report):
    with pytest.raises(Http404):
        selectors.report_get(demo.xa2, dong_son_report.pk)
    with pytest.raises(Http404):          # a branch sees its own subtree only
        selectors.report_get(demo.chibo, dong_son_report.pk)
    assert selectors.report_get(demo.xa, dong_son_report.pk) == dong_son_report
    assert selectors.report_get(demo.tinh, dong_son_report.pk) == dong_son_report
    assert not selectors.reports_visible(demo.xa2).filter(pk=dong_son_report.pk).exists()
    with pytest.raises(Http404):
        selectors.report_get(demo.tinh, "12abc")


def test_campaigns_read_downward_only(demo, campaign, frozen):
    own = make_campaign(demo, actor=demo.xa, unit=demo.commune, deadlines={"branch": dt.date(2026, 12, 1)},
                        title="Sơ kết của Đông Sơn")
    for user in (demo.tinh, demo.xa, demo.xa2, demo.chibo):
        assert selectors.campaign_get(user, campaign.pk) == campaign   # opened above: read only
    assert selectors.campaign_get(demo.xa, own.pk) == own
    assert selectors.campaign_get(demo.tinh, own.pk) == own
    assert selectors.campaign_get(demo.chibo, own.pk) == own
    with pytest.raises(Http404):
        selectors.campaign_get(demo.xa2, own.pk)


def _set_up_states(demo, campaign):
    """Đông Sơn on time, An Lạc late, a third commune returned, a fourth accepted, a fifth drafting."""
    progress = selectors.campaign_progress(demo.tinh, campaign, today=TODAY)
    others = [r.unit for r in progress.rows if r.unit not in (demo.province, demo.commune, demo.commune2)]
    returned, accepted, drafting = others[:3]
    for unit in (demo.commune, returned, accepted):
        report = services.review_report_open(actor=demo.tinh, campaign=campaign, unit=unit)
        write(report, demo.tinh)
        services.review_report_submit(actor=demo.tinh, report=report)
    services.review_report_return(actor=demo.tinh, report=ReviewReport.objects.get(campaign=campaign, unit=returned),
                                  comment="Bổ sung số liệu.")
    services.review_report_accept(actor=demo.tinh, report=ReviewReport.objects.get(campaign=campaign, unit=accepted))
    services.review_report_open(actor=demo.tinh, campaign=campaign, unit=drafting)
    return returned, accepted, drafting


def test_campaign_progress_counts_each_state(demo, campaign, frozen):
    returned, accepted, drafting = _set_up_states(demo, campaign)
    late_day = COMMUNE_DEADLINE + dt.timedelta(days=2)
    frozen(late_day)
    report = services.review_report_open(actor=demo.xa2, campaign=campaign, unit=demo.commune2)
    write(report, demo.xa2)
    services.review_report_submit(actor=demo.xa2, report=report)

    before = selectors.campaign_progress(demo.tinh, campaign, today=TODAY)
    expected = before.expected
    assert expected == len(selectors.campaign_units(campaign))
    states = {row.unit.pk: row.state for row in before.rows}
    assert states[demo.commune.pk] == State.ON_TIME
    assert states[demo.commune2.pk] == State.LATE
    assert states[returned.pk] == State.RETURNED
    assert states[accepted.pk] == State.ACCEPTED
    assert states[drafting.pk] == State.DRAFT
    assert states[demo.province.pk] == State.NOT_DUE
    assert before.submitted == 3 and before.on_time == 2 and before.late == 1 and before.accepted == 1
    assert before.returned == 1 and before.draft == 1 and before.missing == 0
    assert before.not_due == expected - 5    # the untouched communes and the province

    after = selectors.campaign_progress(demo.tinh, campaign, today=late_day)
    assert after.missing == expected - 5    # the draft and the untouched communes are missing now
    assert after.count(State.NOT_DUE) == 1          # the province's own report is due later
    assert {row.reviewer_id for row in after.rows if row.unit != demo.province} == {demo.province.pk}


def test_campaign_progress_rows_stay_in_the_users_scope(demo, campaign):
    progress = selectors.campaign_progress(demo.xa, campaign, today=TODAY)
    assert [row.unit for row in progress.rows] == [demo.commune]
    assert progress.rows[0].reviewer_id == demo.province.pk
    assert progress.rows[0].due == COMMUNE_DEADLINE


def test_campaign_progress_query_count_is_pinned(demo, campaign, django_assert_num_queries):
    _set_up_states(demo, campaign)
    user = demo.user("demo-tinh")
    scope_of(user)                     # the user's grants: read once per request
    with django_assert_num_queries(3):  # owing units, reports, reviewers
        progress = selectors.campaign_progress(user, campaign, today=TODAY)
        counts = progress.counts()
        [(row.state_label, row.report and row.report.issued_id) for row in progress.rows]
    assert counts["expected"] == progress.expected > 25


def test_review_todos(demo, campaign, frozen):
    todos = [t for t in selectors.review_todos(demo.xa, today=TODAY) if t.campaign == campaign]
    assert [(t.unit, t.report, t.due, t.days_left) for t in todos] == [
        (demo.commune, None, COMMUNE_DEADLINE, (COMMUNE_DEADLINE - TODAY).days)]
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    todo = next(t for t in selectors.review_todos(demo.xa, today=TODAY) if t.campaign == campaign)
    assert todo.report == report and todo.status == SubmissionStatus.DRAFT
    late = next(t for t in selectors.review_todos(demo.xa, today=COMMUNE_DEADLINE + dt.timedelta(days=3))
                if t.campaign == campaign)
    assert late.overdue and late.days_left == -3
    write(report, demo.xa)
    services.review_report_submit(actor=demo.xa, report=report)
    assert not [t for t in selectors.review_todos(demo.xa, today=TODAY) if t.campaign == campaign]
    # the branch secretary owes nothing in a campaign for communes; the province owes its own report
    assert not [t for t in selectors.review_todos(demo.chibo, today=TODAY) if t.campaign == campaign]
    assert [t.unit for t in selectors.review_todos(demo.tinh, today=TODAY) if t.campaign == campaign] == [
        demo.province]
    services.campaign_close(actor=demo.tinh, campaign=campaign)
    assert not [t for t in selectors.review_todos(demo.tinh, today=TODAY) if t.campaign == campaign]


def test_report_sections_and_permissions_helpers(demo, dong_son_report):
    sections = selectors.report_sections(dong_son_report)
    assert list(sections)[0] == "results" and sections["proposals"].startswith("Đề nghị tỉnh")
    assert not selectors.may_edit(demo.xa, dong_son_report)
    assert selectors.may_decide(demo.tinh, dong_son_report)
    assert not selectors.may_decide(demo.xa, dong_son_report)


def test_reminders_for_reports_not_yet_submitted(demo, campaign):
    from nghiquyet.reviews.reminders import reminders_due

    def ours(day):
        return [r for r in reminders_due(day) if r.key.startswith(f"review:{campaign.pk}:")]

    assert not ours(TODAY)                                  # 15 days before the communes' deadline
    on_the_day = ours(COMMUNE_DEADLINE)
    dong_son = [r for r in on_the_day if r.unit_id == demo.commune.pk]
    assert [r.user_id for r in dong_son] == [demo.xa.pk]
    assert dong_son[0].url.endswith(f"/{campaign.pk}/don-vi/{demo.commune.pk}/")
    assert not [r for r in on_the_day if r.unit_id == demo.province.pk]   # due later
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    write(report, demo.xa)
    services.review_report_submit(actor=demo.xa, report=report)
    assert not [r for r in ours(COMMUNE_DEADLINE) if r.unit_id == demo.commune.pk]
    assert [r for r in ours(COMMUNE_DEADLINE) if r.unit_id == demo.commune2.pk]


def test_subordinate_count_counts_the_units_owing_their_report_here(demo, frozen, settings):
    from nghiquyet.core.fields import path_ids
    from nghiquyet.org.models import Unit, UnitKind

    campaign = make_campaign(demo, deadlines={"commune": COMMUNE_DEADLINE, "branch": COMMUNE_DEADLINE
                                              - dt.timedelta(days=5)})
    province = ReviewReport(campaign=campaign, unit=demo.province)
    commune = ReviewReport(campaign=campaign, unit=demo.commune)
    communes = Unit.objects.filter(path__under=demo.province.path, kind=UnitKind.COMMUNE, valid_to__isnull=True)
    branches = Unit.objects.filter(path__under=demo.commune.path, kind=UnitKind.BRANCH, valid_to__isnull=True)
    assert branches.exists()
    # nothing written yet: the units that owe a report count, not the reports; branches report to their commune
    assert not ReviewReport.objects.filter(campaign=campaign).exists()
    # branches right under the province (no commune above them) report to the province too
    commune_ids = set(communes.values_list("pk", flat=True))
    direct_branches = [u for u in Unit.objects.filter(path__under=demo.province.path, kind=UnitKind.BRANCH,
                                                      valid_to__isnull=True)
                       if not commune_ids & set(path_ids(u.path))]
    assert selectors.subordinate_count(province) == communes.count() + len(direct_branches)
    assert selectors.subordinate_count(commune) == branches.count()
    assert selectors.subordinate_count(ReviewReport(campaign=campaign, unit=demo.branch)) == 0
    settings.NGHIQUYET = {**settings.NGHIQUYET, "REVIEWS": {**settings.NGHIQUYET["REVIEWS"],
                                                             "RENDER_INLINE_MAX_UNITS": branches.count()}}
    assert selectors.renders_inline(commune) and not selectors.renders_inline(province)
