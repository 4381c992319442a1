"""The demo province's reporting data (nghiquyet/demo/reports.py): counts, flags, idempotence, determinism, rollups
equal to a rebuild, the merged communes' figures counted for Đông Sơn, the current quarter left open."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from nghiquyet.audit.models import AuditEvent
from nghiquyet.demo import data, reports
from nghiquyet.demo.plans import DEMO_TODAY
from nghiquyet.demo.seed import MERGED_COMMUNE_CODE, seed_demo
from nghiquyet.org.models import Unit
from nghiquyet.reporting.models import (
    PeriodKind,
    QualityFlag,
    RollupCell,
    Schedule,
    Submission,
    SubmissionStatus,
    Value,
)
from nghiquyet.reporting.periods import period_get
from nghiquyet.reporting.rollups import rollup_get, rollups_rebuild
from nghiquyet.reporting.services import submission_lock_reason
from nghiquyet.resolutions.models import Target

pytestmark = pytest.mark.django_db

FORMER_CODES = ["HT.X.DONGHOA", "HT.X.DONGTIEN", "HT.X.DONGPHU"]


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _province_schedule() -> Schedule:
    return Schedule.objects.get(unit__code=data.PROVINCE_CODE, name=reports.SCHEDULE_NAME)


def _fingerprint() -> str:
    """The reporting data without primary keys or creation times."""
    rows = [("schedule", s.unit.code, s.name, s.period_kind, tuple(s.reporting_kinds), s.starts_on, s.ends_on,
             s.due_days, s.grace_days, s.lock_days, tuple(sorted(t.number for t in s.targets.all())))
            for s in Schedule.objects.select_related("unit").prefetch_related("targets")]
    rows += [("submission", s.schedule.name, s.unit.code, str(s.period), s.status, s.is_late, s.submitted_at,
              s.decided_at, s.submitted_by.username if s.submitted_by else "", s.comment)
             for s in Submission.objects.select_related("schedule", "unit", "period", "submitted_by")]
    rows += [("value", v.target.document.unit.code, v.target.number, v.unit.code, str(v.period), v.value,
              v.numerator, v.denominator, v.weight, v.note, v.counted)
             for v in Value.objects.select_related("target__document__unit", "unit", "period")]
    rows += [("flag", f.value.unit.code, f.value.target.number, str(f.value.period), f.kind, f.message, f.explanation)
             for f in QualityFlag.objects.select_related("value__unit", "value__target", "value__period")]
    rows += [("cell", c.target.document.unit.code, c.target.number, c.unit.code, str(c.period), c.total, c.total2,
              c.contributors)
             for c in RollupCell.objects.select_related("target__document__unit", "unit", "period")]
    text = "\n".join(repr(r) for r in sorted(rows, key=repr))
    return hashlib.sha256(text.encode()).hexdigest()


def _cells() -> dict:
    return {(c.target_id, c.unit_id, c.period_id): (c.total, c.total2, c.contributors)
            for c in RollupCell.objects.filter(contributors__gt=0)}


def _empty() -> None:
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in {"auth", "sessions", "contenttypes", "admin"} and model._meta.model_name not in {
            "user", "user_groups", "user_user_permissions"
        }:
            continue
        if model._meta.managed and not model._meta.proxy:
            model._base_manager.using(connection.alias).all()._raw_delete(connection.alias)


def test_counts_flags_and_a_second_seed_changes_nothing():
    first = seed_demo()
    summary = first.reports
    assert summary is not None and summary.created
    # province: 6 communes × 3 quarters − 1 missing, then 30 × 5 − 4 missing; Đông Sơn's branches: 55
    province = Submission.objects.filter(schedule=_province_schedule())
    assert province.count() == 17 + 146
    assert Value.objects.filter(submission__in=province).count() == 163 * len(reports.PROVINCE_TARGETS)
    assert (summary.schedules, summary.submissions, summary.values) == (2, 218, 2610)
    assert (summary.accepted, summary.waiting, summary.returned) == (209, 8, 1)
    assert (summary.late, summary.missing, summary.flags) == (6, 6, 7)
    assert Submission.objects.filter(is_late=True).count() == 6
    assert not Submission.objects.filter(status=SubmissionStatus.DRAFT).exists()

    # the planted flags, and only them
    flags = Counter((f.value.unit.code, f.value.target.number, f.kind)
                    for f in QualityFlag.objects.select_related("value__unit", "value__target"))
    assert flags[(MERGED_COMMUNE_CODE, reports.JUMP[3], "jump")] == 1
    assert flags[("HT.X.HALINH", "9", "impossible")] == 1
    copied = [key for key in flags if key[2] == "copied"]
    assert len(copied) == reports.COPIED_UNITS and all(key[1] == reports.COPIED_TARGET for key in copied)
    assert sum(flags.values()) == 7
    explained = QualityFlag.objects.exclude(explanation="")
    assert [f.kind for f in explained] == ["jump"]
    assert explained[0].value.submission.status == SubmissionStatus.ACCEPTED    # explained, then accepted
    # nothing of demo-xa's commune waits for the province: the browser test's Q4/2026 report will be the only one
    assert not Submission.objects.filter(unit__code=MERGED_COMMUNE_CODE, status=SubmissionStatus.SUBMITTED).exists()
    returned = Submission.objects.get(status=SubmissionStatus.RETURNED)
    assert returned.unit.code == "HT.X.HALINH" and returned.comment == reports.RETURN_COMMENT
    assert not returned.values.filter(counted=True).exists()
    # late means after the cutoff, and every decided submission was decided after it was submitted
    for submission in Submission.objects.select_related("schedule", "unit", "period"):
        cutoff = submission.period.end + dt.timedelta(
            days=submission.schedule.due_days + submission.schedule.grace_days)
        assert submission.is_late == (timezone.localdate(submission.submitted_at) > cutoff)
        assert timezone.localdate(submission.submitted_at) < DEMO_TODAY
        if submission.decided_at:
            assert submission.submitted_at < submission.decided_at < timezone.now()
    # written through the services, so audited: both schedules and the explanation
    assert AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Schedule)).count() == 2
    assert AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(QualityFlag),
                                     object_id=str(explained[0].pk)).count() == 1

    fingerprint = _fingerprint()
    counts = (Submission.objects.count(), Value.objects.count(), QualityFlag.objects.count(),
              RollupCell.objects.count(), AuditEvent.objects.count())
    second = seed_demo()
    assert not second.reports.created
    assert (second.reports.submissions, second.reports.values, second.reports.flags) == (218, 2610, 7)
    assert (Submission.objects.count(), Value.objects.count(), QualityFlag.objects.count(),
            RollupCell.objects.count(), AuditEvent.objects.count()) == counts
    assert _fingerprint() == fingerprint


def test_rollups_equal_a_rebuild_and_follow_the_merge():
    seed_demo()
    cells = _cells()
    assert cells
    rollups_rebuild()
    assert _cells() == cells

    province = Unit.objects.get(code=data.PROVINCE_CODE)
    dong_son = Unit.objects.get(code=MERGED_COMMUNE_CODE)
    q1 = period_get(PeriodKind.QUARTER, 2025, 1)
    members = Target.objects.get(unit=province, number="18", document__is_congress_resolution=True)
    former = Value.objects.filter(target=members, period=q1, unit__code__in=FORMER_CODES)
    assert former.count() == 2          # Đông Phú never sent its Q1/2025 report
    result = rollup_get(target=members, unit=dong_son, period=q1)
    assert result is not None and result.contributors == 2
    assert result.total == sum(v.value for v in former)
    # and in the province, together with the three communes that moved under it
    at_province = rollup_get(target=members, unit=province, period=q1)
    all_q1 = Value.objects.filter(target=members, period=q1, counted=True)
    assert at_province.contributors == all_q1.count() == 5
    assert at_province.total == sum(v.value for v in all_q1)
    # a ratio: the rate of the sums at Đông Sơn after the merge is its own report's
    q3 = period_get(PeriodKind.QUARTER, 2025, 3)
    poverty = Target.objects.get(unit=province, number="7", document__is_congress_resolution=True)
    own = Value.objects.get(target=poverty, unit=dong_son, period=q3)
    cell = rollup_get(target=poverty, unit=dong_son, period=q3)
    assert (cell.total, cell.total2) == (own.numerator, own.denominator)
    assert cell.actual == own.numerator / own.denominator * 100


def test_statuses_vary_and_the_current_quarter_is_open(demo_users):
    from nghiquyet.reporting.evaluation import evaluate_many

    province = Unit.objects.get(code=data.PROVINCE_CODE)
    schedule = _province_schedule()
    q3 = period_get(PeriodKind.QUARTER, 2026, 3)
    statuses = Counter(e.status for e in evaluate_many(targets=schedule.targets.all(), unit=province,
                                                       period=q3).values())
    assert statuses["on_track"] >= 5 and statuses["at_risk"] >= 2 and statuses["off_track"] >= 2, statuses

    # nothing yet for Q4/2026 at demo-xa's and demo-xa2's communes, nor at demo-chibo's branch: their forms open
    q4 = period_get(PeriodKind.QUARTER, 2026, 4)
    assert not Submission.objects.filter(period=q4).exists()
    dong_son = Unit.objects.get(code=MERGED_COMMUNE_CODE)
    xa, chibo = demo_users
    assert submission_lock_reason(xa, schedule=schedule, unit=dong_son, period=q4, submission=None,
                                  today=DEMO_TODAY) is None
    branch_schedule = Schedule.objects.get(unit=dong_son, name=reports.BRANCH_SCHEDULE_NAME)
    branch = Unit.objects.get(code="HT.X.DONGHOA.CB01")
    assert submission_lock_reason(chibo, schedule=branch_schedule, unit=branch, period=q4, submission=None,
                                  today=DEMO_TODAY) is None
    # the branch schedule: the commune's own party-building targets, reported by its open branches
    assert sorted(t.number for t in branch_schedule.targets.all()) == sorted(reports.BRANCH_TARGETS)
    branch_values = Value.objects.filter(submission__schedule=branch_schedule)
    assert branch_values.filter(unit__valid_to__isnull=False).count() == 0
    # Đông Sơn's new members are the sum of its branches' reports
    members = Target.objects.get(unit=province, number="18", document__is_congress_resolution=True)
    q2 = period_get(PeriodKind.QUARTER, 2026, 2)
    own = Value.objects.get(target=members, unit=dong_son, period=q2).value
    assert own == sum((v.value for v in branch_values.filter(target__number="18", period=q2)), Decimal(0))


@pytest.fixture
def demo_users():
    seed_demo()
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    return users.get(username="demo-xa"), users.get(username="demo-chibo")


def test_deterministic():
    seed_demo()
    first = _fingerprint()
    _empty()
    seed_demo()
    assert _fingerprint() == first
