"""The submission lifecycle: schedules, drafts, submit, accept/return/reopen, conflicts, locks, late marking,
permissions, and values entering the rollups when they become visible above."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from nghiquyet.audit.models import AuditEvent
from nghiquyet.org.models import UnitKind
from nghiquyet.reporting import rules
from nghiquyet.reporting.models import PeriodKind, RollupCell, Submission, SubmissionStatus, Value
from nghiquyet.reporting.periods import period_get
from nghiquyet.reporting.selectors import entry_rows, unit_report_todos
from nghiquyet.reporting.services import (
    Entry,
    SubmissionConflict,
    schedule_create,
    schedule_update,
    submission_accept,
    submission_lock_reason,
    submission_open,
    submission_reopen,
    submission_return,
    submission_save,
)
from nghiquyet.resolutions.models import Aggregation, Document, Milestone, Target

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def resolution(demo) -> Document:
    return Document.objects.get(unit=demo.province, is_congress_resolution=True)


@pytest.fixture
def targets(demo, resolution) -> dict[str, Target]:
    """Three test targets of the province's resolution, one per aggregation with parts (the demo's own targets
    already carry seeded values)."""
    specs = {
        Aggregation.SUM: {"measure": "tỷ đồng"},
        Aggregation.RATIO: {"measure": "%", "numerator_name": "Số hộ đạt", "denominator_name": "Tổng số hộ"},
        Aggregation.WEIGHTED_MEAN: {"measure": "triệu đồng/người", "weight_name": "Dân số"},
    }
    made = {}
    for i, (aggregation, fields) in enumerate(specs.items()):
        target = Target.objects.create(document=resolution, unit=demo.province, number=f"KT{i}",
                                       name=f"Chỉ tiêu kiểm thử {i}", domain="economy", aggregation=aggregation,
                                       target_value=Decimal(100), **fields)
        Milestone.objects.create(target=target, year=2026, value=Decimal(80))
        made[aggregation] = target
    return made


@pytest.fixture
def schedule(demo, resolution, targets):
    return schedule_create(
        actor=demo.tinh, unit=demo.province, document=resolution, name="Báo cáo quý (kiểm thử)",
        targets=[targets[Aggregation.SUM], targets[Aggregation.RATIO], targets[Aggregation.WEIGHTED_MEAN]],
        period_kind=PeriodKind.QUARTER, reporting_kinds=[UnitKind.COMMUNE],
        starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2030, 12, 31), due_days=10, grace_days=2, lock_days=60)


def entries(targets, sum_value="120,5"):
    from nghiquyet.core.numbers import parse_vn_decimal as p

    return {
        targets[Aggregation.SUM].pk: Entry(value=p(sum_value), note="Theo số liệu Chi cục Thống kê"),
        targets[Aggregation.RATIO].pk: Entry(numerator=p("45"), denominator=p("50")),
        targets[Aggregation.WEIGHTED_MEAN].pk: Entry(value=p("60"), weight=p("12.000")),
    }


def test_schedule_create_validates_and_audits(demo, resolution, targets):
    with pytest.raises(ValidationError) as exc:
        schedule_create(actor=demo.tinh, unit=demo.province, document=resolution, name=" ", targets=[],
                        period_kind="week", reporting_kinds=[], starts_on=dt.date(2026, 1, 1),
                        ends_on=dt.date(2025, 1, 1))
    assert {"name", "targets", "period_kind", "reporting_kinds", "ends_on"} <= set(exc.value.message_dict)
    with pytest.raises(PermissionDenied):
        schedule_create(actor=demo.xa, unit=demo.province, document=resolution, name="x",
                        targets=[targets[Aggregation.SUM]], period_kind=PeriodKind.QUARTER,
                        reporting_kinds=[UnitKind.COMMUNE], starts_on=dt.date(2026, 1, 1),
                        ends_on=dt.date(2026, 12, 31))


def test_schedule_update_checks_lock_after_deadlines(demo, schedule):
    with pytest.raises(ValidationError) as exc:
        schedule_update(actor=demo.tinh, schedule=schedule, due_days=20, lock_days=15)
    assert "lock_days" in exc.value.message_dict
    schedule_update(actor=demo.tinh, schedule=schedule, due_days_by_kind={UnitKind.BRANCH: 5})
    schedule.refresh_from_db()
    assert schedule.due_days_by_kind == {UnitKind.BRANCH: 5}


def test_deadlines_per_level(schedule):
    period = period_get(PeriodKind.QUARTER, 2026, 2)
    schedule.due_days_by_kind = {UnitKind.BRANCH: 5}
    assert rules.due_on(schedule, UnitKind.BRANCH, period) == dt.date(2026, 7, 5)
    assert rules.due_on(schedule, UnitKind.COMMUNE, period) == dt.date(2026, 7, 10)
    assert rules.on_time_until(schedule, UnitKind.COMMUNE, period) == dt.date(2026, 7, 12)
    assert rules.locks_on(schedule, period) == dt.date(2026, 8, 29)


def test_lifecycle_draft_submit_accept_counts_in_rollup(demo, schedule, targets, frozen):
    period = period_get(PeriodKind.QUARTER, 2026, 3)  # ended 30/9, due 10/10: submitted 25/11 is late
    submission = submission_open(actor=demo.xa, schedule=schedule, unit=demo.commune, period=period)
    assert submission.status == SubmissionStatus.DRAFT
    submission_save(actor=demo.xa, submission=submission, version=submission.version, entries=entries(targets))
    submission.refresh_from_db()
    ratio = Value.objects.get(submission=submission, target=targets[Aggregation.RATIO])
    assert ratio.value == Decimal("90")  # 45/50 as a percentage, computed, never typed
    assert not ratio.counted
    sum_target = targets[Aggregation.SUM]
    assert not RollupCell.objects.filter(target=sum_target, unit=demo.province, period=period).exists() or \
        RollupCell.objects.get(target=sum_target, unit=demo.province, period=period).contributors == 0

    submission_save(actor=demo.xa, submission=submission, version=submission.version, entries={}, submit=True)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED and submission.is_late
    # visible above at once (VISIBLE_ABOVE = submitted): the province's cell holds the commune's value
    cell = RollupCell.objects.get(target=sum_target, unit=demo.province, period=period)
    assert cell.total == Decimal("120.5") and cell.contributors == 1

    with pytest.raises(PermissionDenied):
        submission_accept(actor=demo.xa, submission=submission)  # not its own superior
    with pytest.raises(PermissionDenied):
        submission_accept(actor=demo.xa2, submission=submission)
    submission_accept(actor=demo.tinh, submission=submission)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED and submission.decided_by == demo.tinh
    assert "đã được cấp trên duyệt" in submission_lock_reason(
        demo.xa, schedule=schedule, unit=demo.commune, period=period, submission=submission)
    with pytest.raises(ValidationError):
        submission_save(actor=demo.xa, submission=submission, version=submission.version, entries={})

    submission_reopen(actor=demo.tinh, submission=submission, comment="Sửa lại số thu ngân sách")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED
    cell.refresh_from_db()
    assert cell.contributors == 0 and cell.total == 0  # out of the rollups while being corrected
    events = AuditEvent.objects.filter(object_id=str(submission.pk), content_type__model="submission")
    statuses = [e.changes.get("status") for e in events.order_by("id") if "status" in e.changes]
    assert statuses == [[None, "draft"], ["draft", "submitted"], ["submitted", "accepted"], ["accepted", "returned"]]


def test_visible_above_accepted_only(demo, schedule, targets, frozen, settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET,
                          "REPORTING": {**settings.NGHIQUYET["REPORTING"], "VISIBLE_ABOVE": "accepted"}}
    period = period_get(PeriodKind.QUARTER, 2026, 3)
    submission = submission_open(actor=demo.xa, schedule=schedule, unit=demo.commune, period=period)
    submission_save(actor=demo.xa, submission=submission, version=1, entries=entries(targets), submit=True)
    sum_target = targets[Aggregation.SUM]
    assert not RollupCell.objects.filter(target=sum_target, unit=demo.province, period=period,
                                         contributors__gt=0).exists()
    submission_accept(actor=demo.tinh, submission=submission)
    assert RollupCell.objects.get(target=sum_target, unit=demo.province, period=period).contributors == 1


def test_on_time_when_before_cutoff(demo, schedule, targets, frozen):
    frozen(dt.date(2026, 10, 12))  # due 10/10 + 2 grace days
    period = period_get(PeriodKind.QUARTER, 2026, 3)
    submission = submission_open(actor=demo.xa, schedule=schedule, unit=demo.commune, period=period)
    submission_save(actor=demo.xa, submission=submission, version=1, entries=entries(targets), submit=True)
    submission.refresh_from_db()
    assert not submission.is_late


def test_submit_needs_every_target_and_valid_parts(demo, schedule, targets, frozen):
    period = period_get(PeriodKind.QUARTER, 2026, 3)
    submission = submission_open(actor=demo.xa, schedule=schedule, unit=demo.commune, period=period)
    partial = entries(targets)
    partial.pop(targets[Aggregation.SUM].pk)
    partial[targets[Aggregation.RATIO].pk] = Entry(numerator=Decimal("4"), denominator=Decimal("0"))
    with pytest.raises(ValidationError) as exc:
        submission_save(actor=demo.xa, submission=submission, version=1, entries=partial, submit=True)
    assert f"t{targets[Aggregation.RATIO].pk}_denominator" in exc.value.message_dict
    assert not Value.objects.filter(submission=submission).exists()  # nothing written
    partial[targets[Aggregation.RATIO].pk] = Entry(numerator=Decimal("4"), denominator=Decimal("5"))
    with pytest.raises(ValidationError) as exc:
        submission_save(actor=demo.xa, submission=submission, version=1, entries=partial, submit=True)
    assert f"t{targets[Aggregation.SUM].pk}_value" in exc.value.message_dict
    # the whole save rolled back: still a draft without values
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT and submission.version == 1
    assert not Value.objects.filter(submission=submission).exists()


def test_second_save_on_an_old_version_is_a_conflict(demo, schedule, targets, frozen):
    period = period_get(PeriodKind.QUARTER, 2026, 3)
    submission = submission_open(actor=demo.xa, schedule=schedule, unit=demo.commune, period=period)
    loaded = submission.version
    submission_save(actor=demo.xa, submission=submission, version=loaded, entries=entries(targets, "100"))
    with pytest.raises(SubmissionConflict) as exc:
        submission_save(actor=demo.xa, submission=submission, version=loaded, entries=entries(targets, "999"))
    assert exc.value.current.version == loaded + 1
    assert Value.objects.get(submission=submission, target=targets[Aggregation.SUM]).value == Decimal("100")


def test_period_outside_schedule_and_lock_date(demo, schedule, targets, frozen):
    outside = period_get(PeriodKind.QUARTER, 2025, 3)  # before the schedule starts
    with pytest.raises(ValidationError) as exc:
        submission_open(actor=demo.xa, schedule=schedule, unit=demo.commune, period=outside)
    assert "lịch báo cáo" in str(exc.value)
    wrong_kind = period_get(PeriodKind.MONTH, 2026, 3)
    with pytest.raises(ValidationError):
        submission_open(actor=demo.xa, schedule=schedule, unit=demo.commune, period=wrong_kind)
    locked = period_get(PeriodKind.QUARTER, 2026, 1)  # ended 31/3, locked from 30/5
    with pytest.raises(ValidationError) as exc:
        submission_open(actor=demo.xa, schedule=schedule, unit=demo.commune, period=locked)
    assert "khóa số liệu" in str(exc.value)
    future = period_get(PeriodKind.QUARTER, 2027, 1)
    assert "chưa bắt đầu" in submission_lock_reason(demo.xa, schedule=schedule, unit=demo.commune, period=future,
                                                     submission=None)


def test_branch_and_other_commune_cannot_enter(demo, schedule, frozen):
    period = period_get(PeriodKind.QUARTER, 2026, 3)
    with pytest.raises(PermissionDenied):
        submission_open(actor=demo.xa2, schedule=schedule, unit=demo.commune, period=period)
    with pytest.raises(ValidationError):  # branches are not a reporting level of this schedule
        submission_open(actor=demo.chibo, schedule=schedule, unit=demo.branch, period=period)


def test_return_needs_a_comment_and_resubmit(demo, schedule, targets, frozen):
    period = period_get(PeriodKind.QUARTER, 2026, 3)
    submission = submission_open(actor=demo.xa, schedule=schedule, unit=demo.commune, period=period)
    submission_save(actor=demo.xa, submission=submission, version=1, entries=entries(targets), submit=True)
    with pytest.raises(ValidationError) as exc:
        submission_return(actor=demo.tinh, submission=submission, comment="  ")
    assert "comment" in exc.value.message_dict
    submission_return(actor=demo.tinh, submission=submission, comment="Thiếu minh chứng thu ngân sách")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED and submission.comment
    submission_save(actor=demo.xa, submission=submission, version=submission.version, entries={}, submit=True)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_evidence_upload_and_bad_file(demo, schedule, targets, frozen):
    period = period_get(PeriodKind.QUARTER, 2026, 3)
    submission = submission_open(actor=demo.xa, schedule=schedule, unit=demo.commune, period=period)
    data = entries(targets)
    sum_id = targets[Aggregation.SUM].pk
    data[sum_id].files = [SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf")]
    submission_save(actor=demo.xa, submission=submission, version=1, entries=data)
    value = Value.objects.get(submission=submission, target_id=sum_id)
    assert [e.name for e in value.evidence.all()] == ["bien-ban.pdf"]
    data = entries(targets)
    data[sum_id].files = [SimpleUploadedFile("x.html", b"<script>", content_type="text/html")]
    with pytest.raises(ValidationError) as exc:
        submission_save(actor=demo.xa, submission=submission, version=2, entries=data)
    assert f"t{sum_id}_files" in exc.value.message_dict


def test_entry_rows_and_todos(demo, schedule, targets, frozen, django_assert_max_num_queries):
    period = period_get(PeriodKind.QUARTER, 2026, 3)
    previous = period_get(PeriodKind.QUARTER, 2026, 2)
    submission = submission_open(actor=demo.xa, schedule=schedule, unit=demo.commune, period=period)
    submission_save(actor=demo.xa, submission=submission, version=1, entries=entries(targets))
    with django_assert_max_num_queries(7):
        rows = entry_rows(schedule=schedule, unit=demo.commune, period=period, submission=submission)
    assert [r.target.pk for r in rows] == sorted(r.target.pk for r in rows)
    assert all(r.value is not None for r in rows)
    milestones = {r.target.aggregation: r.milestone for r in rows}
    # rates compare at any level; a sum of the province has no plan at one commune (no copy of its own)
    assert milestones == {Aggregation.SUM: None, Aggregation.RATIO: Decimal(80), Aggregation.WEIGHTED_MEAN: Decimal(80)}
    todos = unit_report_todos(demo.commune, today=TODAY)
    keys = [(t.schedule.pk, t.period.pk) for t in todos if t.schedule == schedule]
    assert (schedule.pk, period.pk) in keys and (schedule.pk, previous.pk) in keys
    assert next(t for t in todos if t.period == period).submission == submission


def test_submission_open_is_idempotent(demo, schedule, frozen):
    period = period_get(PeriodKind.QUARTER, 2026, 3)
    first = submission_open(actor=demo.xa, schedule=schedule, unit=demo.commune, period=period)
    again = submission_open(actor=demo.xa, schedule=schedule, unit=demo.commune, period=period)
    assert first == again
    assert Submission.objects.filter(schedule=schedule, unit=demo.commune, period=period).count() == 1
