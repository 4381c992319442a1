"""The figures a report is drafted from: targets (evaluation at the unit, adjustments marked), tasks as of the
period's end, study, inspections, open data-quality flags; the JSON round trip; live for drafts, frozen once
submitted."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from nghiquyet.oversight.selectors import figures as oversight_figures
from nghiquyet.programs.models import ActionProgram, Task, TaskStatus
from nghiquyet.reporting.evaluation import evaluate_many
from nghiquyet.reporting.models import Period, SubmissionStatus
from nghiquyet.resolutions.models import Target
from nghiquyet.reviews import figures as review_figures
from nghiquyet.reviews import selectors, services
from nghiquyet.reviews.figures import ReportFigures, rounded
from nghiquyet.study.selectors import unit_figures
from tests.reviews.conftest import write

pytestmark = pytest.mark.django_db

Q3_2026 = "Quý III/2026"


@pytest.fixture
def dong_son(demo, campaign):
    return services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)


@pytest.fixture
def province(demo, campaign):
    return services.review_report_open(actor=demo.tinh, campaign=campaign, unit=demo.province)


def test_targets_are_the_units_evaluation_at_the_last_period_of_the_campaign(demo, dong_son):
    figures = selectors.report_figures(dong_son, user=demo.xa)
    assert figures.period_label == Q3_2026 and not figures.frozen
    period = Period.objects.get(pk=figures.period_id)
    assert period.end == dt.date(2026, 9, 30)
    targets = {t.pk: t for t in Target.objects.filter(pk__in=[f.target_id for f in figures.targets])}
    evaluations = evaluate_many(targets=targets.values(), unit=demo.commune, period=period)
    assert figures.targets
    for row in figures.targets:
        e = evaluations[row.target_id]
        assert row.actual == rounded(e.actual)
        assert row.milestone == rounded(e.milestone) and row.term_target == rounded(e.term_target)
        assert row.status == (e.status or "")
    # the commune's copies give its own plan: the rows are the province's targets (never the copies twice)
    assert len({row.target_id for row in figures.targets}) == len(figures.targets)
    copies = set(Target.objects.filter(unit=demo.commune).values_list("pk", flat=True))
    assert not copies & {row.target_id for row in figures.targets if not row.is_own}


def test_adjusted_targets_are_marked_with_their_decision(demo, province):
    figures = selectors.report_figures(province, user=demo.tinh)
    adjusted = figures.adjusted_targets
    assert adjusted, "the demo province has an approved adjustment in force"
    row = adjusted[0]
    assert "điều chỉnh theo" in row.adjustment and "-QĐ/TU" in row.adjustment
    assert row.milestone_original is not None and row.milestone_original != row.milestone
    assert len(figures.targets) == Target.objects.filter(document=province.campaign.resolution).count()


def test_tasks_of_the_units_program_as_of_the_periods_end(demo, dong_son):
    figures = selectors.report_figures(dong_son, user=demo.xa)
    programs = ActionProgram.objects.filter(unit=demo.commune, tasks__isnull=False).distinct()
    related = [p for p in programs if p.resolution.unit_id == demo.commune.pk]
    assert [p.split(":")[0] for p in figures.tasks.programs] == [p.symbol for p in related]
    tasks = Task.objects.filter(program__in=related).exclude(status=TaskStatus.CANCELLED)
    assert figures.tasks.total == tasks.count()
    assert figures.tasks.on == dt.date(2026, 9, 30)
    t = figures.tasks
    assert t.done + t.overdue + t.in_progress + t.not_started == t.total
    # a task finished after the period's end was still open at its end
    task = tasks.exclude(status=TaskStatus.DONE).filter(due_date__gt=dt.date(2026, 9, 30)).first()
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.DONE, completed_on=dt.date(2026, 10, 20))
    assert selectors.report_figures(dong_son, user=demo.xa).tasks.done == t.done
    Task.objects.filter(pk=task.pk).update(completed_on=dt.date(2026, 9, 1))
    after = selectors.report_figures(dong_son, user=demo.xa).tasks
    assert after.done == t.done + 1 and after.done_on_time == t.done_on_time + 1


def test_study_and_inspection_figures_come_from_their_apps(demo, dong_son):
    figures = selectors.report_figures(dong_son, user=demo.xa)
    on = dt.date(2026, 9, 30)
    study = next(rf for rf in unit_figures(user=demo.xa, unit=demo.commune, on=on).resolutions
                 if rf.resolution.symbol == figures.study.resolution)
    assert figures.study.available and figures.study.members == study.total.members > 0
    assert figures.study.studied == study.total.studied and figures.study.percent == study.total.percent
    assert [y.year for y in figures.inspections.years] == [2025, 2026]
    for year in figures.inspections.years:
        expected = oversight_figures(user=demo.xa, unit=demo.commune, year=year.year, on=on)
        assert (year.planned, year.inspections, year.concluded) == (expected.planned, expected.inspections,
                                                                    expected.concluded)
    assert figures.inspections.recommendations == expected.recommendations


def test_open_flags_of_the_subtree_without_explanation(demo, province, campaign):
    figures = selectors.report_figures(province, user=demo.tinh)
    flags = review_figures.open_flags(demo.tinh, campaign, demo.province)
    assert figures.flags.total == flags.count() > 0
    assert len(figures.flags.rows) == min(figures.flags.total, review_figures.FLAGS_SHOWN)
    flag = flags.first()
    flag.explanation = "Số liệu đúng: đã kiểm tra lại."
    flag.save()
    assert selectors.report_figures(province, user=demo.tinh).flags.total == figures.flags.total - 1
    # another commune's flags are not in Đông Sơn's report, nor outside demo-xa's scope
    assert review_figures.open_flags(demo.xa, campaign, demo.commune).count() == \
        selectors.report_figures(services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune),
                                 user=demo.xa).flags.total


def test_figures_round_trip_through_json(demo, province):
    figures = selectors.report_figures(province, user=demo.tinh)
    again = ReportFigures.from_json(json.loads(json.dumps(figures.to_json())))
    assert again.frozen
    again.frozen = False
    assert again == figures


def test_live_for_drafts_frozen_once_submitted_live_again_when_returned(demo, dong_son):
    write(dong_son, demo.xa)
    report = services.review_report_submit(actor=demo.xa, report=dong_son)
    frozen = selectors.report_figures(report, user=demo.xa)
    assert frozen.frozen
    open_task = Task.objects.filter(program__unit=demo.commune, program__symbol="01-CTr/ĐU").exclude(
        status__in=[TaskStatus.DONE, TaskStatus.CANCELLED]).first()
    Task.objects.filter(pk=open_task.pk).update(status=TaskStatus.DONE, completed_on=dt.date(2026, 8, 1))
    assert selectors.report_figures(report, user=demo.xa).tasks.done == frozen.tasks.done
    report = services.review_report_return(actor=demo.tinh, report=report, comment="Cập nhật số liệu nhiệm vụ.")
    assert report.status == SubmissionStatus.RETURNED
    assert selectors.report_figures(report, user=demo.xa).tasks.done == frozen.tasks.done + 1


def test_a_branch_report_in_a_communes_campaign(demo, frozen):
    from tests.reviews.conftest import make_campaign

    campaign = make_campaign(demo, actor=demo.xa, unit=demo.commune, deadlines={"branch": dt.date(2026, 12, 1)},
                             title="Sơ kết ở các chi bộ")
    report = services.review_report_open(actor=demo.chibo, campaign=campaign, unit=demo.branch)
    figures = selectors.report_figures(report, user=demo.chibo)
    # the branch's plan implements the commune's resolution (which copies the province's targets)
    assert any(p.startswith("01-KH/CB") for p in figures.tasks.programs)
    assert figures.tasks.total == Task.objects.filter(program__unit=demo.branch, program__symbol="01-KH/CB").exclude(
        status=TaskStatus.CANCELLED).count() > 0
    # the commune's own targets its branches report have the branch's figures
    reported = Target.objects.filter(unit=demo.commune, rollups__unit=demo.branch, rollups__contributors__gt=0,
                                     rollups__period__end__lte=dt.date(2026, 9, 30)).distinct()
    assert reported.exists()
    assert {t.pk for t in reported} <= {row.target_id for row in figures.targets}
