"""Proposing and deciding target adjustments: the owner rule, the permission rules, the decision's dates, one
pending proposal per target and field, history kept and every change audited (demo personas, on DEMO_TODAY)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from nghiquyet.audit.models import AuditEvent
from nghiquyet.resolutions.models import (
    AdjustmentField,
    AdjustmentStatus,
    Milestone,
    Target,
    TargetAdjustment,
)
from nghiquyet.resolutions.services import (
    adjustment_approve,
    adjustment_propose,
    adjustment_reject,
    adjustment_withdraw,
)

pytestmark = pytest.mark.django_db
D = Decimal
CONGRESS = "01-NQ/ĐH"


def province_target(demo, number: str) -> Target:
    return Target.objects.get(unit=demo.province, document__symbol=CONGRESS, number=number)


def commune_target(demo, number: str, unit=None) -> Target:
    return Target.objects.get(unit=unit or demo.commune, document__symbol=CONGRESS, number=number)


def propose(actor, target, unit=None, **kwargs) -> TargetAdjustment:
    values = {"field": AdjustmentField.MILESTONE, "year": 2027, "new_value": D(1), "reason": "Lý do khách quan"}
    values.update(kwargs)
    return adjustment_propose(actor=actor, target=target, unit=unit or target.unit, **values)


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


# ---------------------------------------------------------------- who proposes


def test_a_unit_that_does_not_own_the_target_is_told_whose_target_it_is(demo, today):
    target = province_target(demo, "9")
    with pytest.raises(ValidationError) as exc:
        propose(demo.xa, target, unit=demo.commune, new_value=D(95))
    message = errors_of(exc)["unit"][0]
    assert demo.province.name in message and CONGRESS in message and demo.commune.name in message
    assert not TargetAdjustment.objects.filter(target=target, status=AdjustmentStatus.PENDING).exists()
    # another commune's own copy: still not Đông Sơn's
    theirs = commune_target(demo, "9", unit=demo.commune2)
    with pytest.raises(ValidationError) as exc:
        propose(demo.xa, theirs, unit=demo.commune, new_value=D(95))
    assert demo.commune2.name in errors_of(exc)["unit"][0]


def test_proposing_needs_plan_change_at_the_owner(demo, today):
    with pytest.raises(PermissionDenied):   # demo-xa has no role at the province
        propose(demo.xa, province_target(demo, "9"), new_value=D(95))
    with pytest.raises(PermissionDenied):   # a branch secretary cannot change the commune's plans
        propose(demo.chibo, commune_target(demo, "9"), new_value=D(95))


def test_a_proposal_records_the_value_in_force_and_is_audited(demo, today):
    target = commune_target(demo, "9")
    original = Milestone.objects.get(target=target, year=2027).value
    adjustment = propose(demo.xa, target, year=2027, new_value="94,8", reason="Dân số cơ học tăng nhanh")
    assert adjustment.status == AdjustmentStatus.PENDING and adjustment.unit == demo.commune
    assert adjustment.old_value == original and adjustment.new_value == D("94.8")
    assert adjustment.proposed_on == dt.date(2026, 11, 25) and adjustment.proposed_by == demo.xa
    event = AuditEvent.objects.get(content_type=ContentType.objects.get_for_model(TargetAdjustment),
                                   object_id=str(adjustment.pk))
    assert event.action == "create" and event.unit == demo.commune and D(event.changes["new_value"][1]) == D("94.8")


@pytest.mark.parametrize("kwargs, field", [
    ({"year": 2030}, "year"),                                   # the term's last year: adjust the term target
    ({"year": 2025}, "year"),                                   # no milestone that year (and it is over)
    ({"year": None}, "year"),
    ({"field": "baseline"}, "field"),
    ({"new_value": "abc"}, "new_value"),
    ({"new_value": None}, "new_value"),
    ({"reason": "  "}, "reason"),
    ({"proposed_on": dt.date(2026, 12, 1)}, "proposed_on"),     # in the future
    ({"proposed_on": dt.date(2024, 1, 1)}, "proposed_on"),      # before the resolution
])
def test_bad_proposals_are_refused_in_vietnamese_on_the_field(demo, today, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        propose(demo.xa, commune_target(demo, "9"), **kwargs)
    assert field in errors_of(exc)


def test_the_same_value_and_a_past_year_are_refused(demo, today):
    target = commune_target(demo, "9")
    current = Milestone.objects.get(target=target, year=2027).value
    with pytest.raises(ValidationError) as exc:
        propose(demo.xa, target, year=2027, new_value=current)
    assert "trùng" in errors_of(exc)["new_value"][0]
    with pytest.raises(ValidationError) as exc:
        propose(demo.xa, target, year=2026, new_value=D(50), proposed_on=dt.date(2027, 1, 5),
                today=dt.date(2027, 1, 5))
    assert "đã qua" in errors_of(exc)["year"][0]


def test_only_one_pending_proposal_per_target_and_field(demo, today):
    target = commune_target(demo, "9")
    first = propose(demo.xa, target, year=2027, new_value=D(94))
    with pytest.raises(ValidationError) as exc:
        propose(demo.xa, target, year=2027, new_value=D(93))
    assert "đang chờ quyết định" in errors_of(exc)["year"][0]
    propose(demo.xa, target, year=2028, new_value=D(95))              # another year: fine
    propose(demo.xa, target, field=AdjustmentField.TERM_TARGET, year=None, new_value=D("96.5"))  # the term target
    with pytest.raises(ValidationError):
        propose(demo.xa, target, field=AdjustmentField.TERM_TARGET, year=None, new_value=D("96"))
    adjustment_withdraw(actor=demo.xa, adjustment=first)
    assert TargetAdjustment.objects.get(pk=first.pk).status == AdjustmentStatus.WITHDRAWN
    propose(demo.xa, target, year=2027, new_value=D(93))              # once withdrawn, a new one may come


# ---------------------------------------------------------------- who decides, and when


def test_a_decision_dated_before_the_proposal_or_in_the_future_is_refused(demo, today):
    adjustment = propose(demo.xa, commune_target(demo, "9"), new_value=D(94), proposed_on=dt.date(2026, 11, 20))
    with pytest.raises(ValidationError) as exc:
        adjustment_approve(actor=demo.xa, adjustment=adjustment, decision_number="36-QĐ/ĐU",
                           decision_date=dt.date(2026, 11, 19), effective_from=dt.date(2027, 1, 1))
    message = errors_of(exc)["decision_date"][0]
    assert "19/11/2026" in message and "20/11/2026" in message
    with pytest.raises(ValidationError) as exc:
        adjustment_reject(actor=demo.xa, adjustment=adjustment, decision_number="36-QĐ/ĐU",
                          decision_date=dt.date(2026, 11, 26), note="Không")
    assert "decision_date" in errors_of(exc)
    assert TargetAdjustment.objects.get(pk=adjustment.pk).status == AdjustmentStatus.PENDING
    # the day of the proposal itself is fine
    adjustment_approve(actor=demo.xa, adjustment=adjustment, decision_number="36-QĐ/ĐU",
                       decision_date=dt.date(2026, 11, 20), effective_from=dt.date(2027, 1, 1))


@pytest.mark.parametrize("kwargs, field", [
    ({"decision_number": "QĐ 36"}, "decision_number"),
    ({"decision_number": ""}, "decision_number"),
    ({"decision_date": None}, "decision_date"),
    ({"effective_from": None}, "effective_from"),
    ({"effective_from": dt.date(2028, 1, 1)}, "effective_from"),   # after the adjusted year (2027)
    ({"effective_from": dt.date(2024, 12, 31)}, "effective_from"),  # before the term
])
def test_bad_approvals_are_refused_on_the_field(demo, today, kwargs, field):
    adjustment = propose(demo.xa, commune_target(demo, "9"), new_value=D(94))
    values = {"decision_number": "36-QĐ/ĐU", "decision_date": dt.date(2026, 11, 25),
              "effective_from": dt.date(2027, 1, 1), **kwargs}
    with pytest.raises(ValidationError) as exc:
        adjustment_approve(actor=demo.xa, adjustment=adjustment, **values)
    assert field in errors_of(exc)


def test_only_the_owner_committee_or_above_decides(demo, today):
    adjustment = propose(demo.xa, commune_target(demo, "9"), new_value=D(94))
    decision = {"decision_number": "36-QĐ/ĐU", "decision_date": dt.date(2026, 11, 25),
                "effective_from": dt.date(2027, 1, 1)}
    for outsider in (demo.xa2, demo.chibo):
        with pytest.raises(PermissionDenied):
            adjustment_approve(actor=outsider, adjustment=adjustment, **decision)
    adjustment_approve(actor=demo.tinh, adjustment=adjustment, **decision)   # the province's office covers it
    with pytest.raises(ValidationError) as exc:                              # decided once
        adjustment_reject(actor=demo.xa, adjustment=adjustment, decision_number="37-QĐ/ĐU",
                          decision_date=dt.date(2026, 11, 25), note="Không")
    assert "status" in errors_of(exc)
    with pytest.raises(ValidationError):
        adjustment_withdraw(actor=demo.xa, adjustment=adjustment)


def test_a_rejection_needs_a_reason_and_changes_no_value(demo, today):
    target = commune_target(demo, "9")
    adjustment = propose(demo.xa, target, new_value=D(94))
    with pytest.raises(ValidationError) as exc:
        adjustment_reject(actor=demo.xa, adjustment=adjustment, decision_number="5-TB/ĐU",
                          decision_date=dt.date(2026, 11, 25), note="")
    assert "decision_note" in errors_of(exc)
    rejected = adjustment_reject(actor=demo.xa, adjustment=adjustment, decision_number="5-tb/đu",
                                 decision_date=dt.date(2026, 11, 25), note="Chưa có số liệu điều tra dân số")
    assert rejected.status == AdjustmentStatus.REJECTED and rejected.decision_number == "05-TB/ĐU"
    assert rejected.effective_from is None and rejected.decided_by == demo.xa


def test_approval_keeps_the_resolution_values_and_audits_proposal_and_target(demo, today):
    target = commune_target(demo, "9")
    original = Milestone.objects.get(target=target, year=2027).value
    adjustment = propose(demo.xa, target, new_value=D(94))
    approved = adjustment_approve(actor=demo.xa, adjustment=adjustment, decision_number="Số 36 - qđ/đu",
                                  decision_date=dt.date(2026, 11, 25), effective_from=dt.date(2027, 1, 1),
                                  note="Đồng ý")
    assert approved.status == AdjustmentStatus.APPROVED and approved.decision_number == "36-QĐ/ĐU"
    assert approved.decision_type == "QĐ" and approved.effective_from == dt.date(2027, 1, 1)
    assert Milestone.objects.get(target=target, year=2027).value == original   # nothing overwritten
    events = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(TargetAdjustment),
                                       object_id=str(adjustment.pk)).order_by("id")
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].changes["status"] == ["pending", "approved"]
    assert events[1].changes["decision_number"] == ["", "36-QĐ/ĐU"]
    on_target = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Target),
                                          object_id=str(target.pk)).order_by("-id").first()
    assert list(on_target.changes) == ["mốc năm 2027"]
    assert [D(v) for v in on_target.changes["mốc năm 2027"]] == [original, D(94)]
    assert "36-QĐ/ĐU" in on_target.note and "01/01/2027" in on_target.note
