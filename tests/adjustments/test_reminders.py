"""ADJUSTMENT_PENDING reminders: a proposal waiting more than ``ADJUSTMENTS["PENDING_REMIND_DAYS"]`` days reminds
those who may decide it (the owner committee's accounts with ``Perm.ADJUSTMENT_DECIDE``, else the nearest level
above), once per waiting period; nothing once decided. The demo's pending proposal: Đông Sơn, 10/11/2026."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from nghiquyet.accounts.models import RoleAssignment
from nghiquyet.accounts.roles import Perm, role_permissions
from nghiquyet.notifications.reminders import ReminderKind
from nghiquyet.resolutions.models import AdjustmentStatus, TargetAdjustment
from nghiquyet.resolutions.reminders import reminders_due
from nghiquyet.resolutions.services import adjustment_reject
from tests.adjustments.test_services import commune_target

pytestmark = pytest.mark.django_db


def pending(demo) -> TargetAdjustment:
    return TargetAdjustment.objects.get(target=commune_target(demo, "3"), status=AdjustmentStatus.PENDING)


def deciders_at(unit) -> set[int]:
    roles = [r for r, perms in role_permissions().items() if Perm.ADJUSTMENT_DECIDE in perms]
    return set(RoleAssignment.objects.filter(unit=unit, role__in=roles, user__is_active=True)
               .values_list("user_id", flat=True))


def test_reminded_to_the_owner_committee_after_the_waiting_days(demo, settings):
    settings.NGHIQUYET["ADJUSTMENTS"]["PENDING_REMIND_DAYS"] = 7
    adjustment = pending(demo)
    assert adjustment.proposed_on == dt.date(2026, 11, 10)
    assert list(reminders_due(dt.date(2026, 11, 16))) == []          # six days: not yet
    first = list(reminders_due(dt.date(2026, 11, 17)))
    assert {r.user_id for r in first} == deciders_at(demo.commune) and demo.xa.pk in {r.user_id for r in first}
    assert demo.tinh.pk not in {r.user_id for r in first} and demo.xa2.pk not in {r.user_id for r in first}
    r = first[0]
    assert r.kind == ReminderKind.ADJUSTMENT_PENDING and r.key == f"adjustment:{adjustment.pk}:wait-1"
    assert r.url == reverse("adjustment_detail", args=[adjustment.pk]) and r.unit_id == demo.commune.pk
    assert "Tổng thu ngân sách" in r.subject and "66,7" in r.body and "75" in r.body and "10/11/2026" in r.body
    # the same occasion on a later scan has the same key (delivered once); a week later, a new one
    assert {x.key for x in reminders_due(dt.date(2026, 11, 20))} == {r.key}
    assert {x.key for x in reminders_due(dt.date(2026, 11, 25))} == {f"adjustment:{adjustment.pk}:wait-2"}


def test_the_setting_and_a_decision(demo, settings):
    settings.NGHIQUYET["ADJUSTMENTS"]["PENDING_REMIND_DAYS"] = 30
    assert list(reminders_due(dt.date(2026, 11, 25))) == []
    settings.NGHIQUYET["ADJUSTMENTS"]["PENDING_REMIND_DAYS"] = 3
    assert {x.key.rsplit(":", 1)[1] for x in reminders_due(dt.date(2026, 11, 25))} == {"wait-5"}
    adjustment_reject(actor=demo.xa, adjustment=pending(demo), decision_number="12-TB/ĐU",
                      decision_date=dt.date(2026, 11, 25), note="Chờ số liệu cả năm", today=dt.date(2026, 11, 25))
    assert list(reminders_due(dt.date(2026, 11, 26))) == []


def test_nobody_at_the_owner_means_the_level_above(demo, settings):
    settings.NGHIQUYET["ADJUSTMENTS"]["PENDING_REMIND_DAYS"] = 7
    roles = [r for r, perms in role_permissions().items() if Perm.ADJUSTMENT_DECIDE in perms]
    RoleAssignment.objects.filter(unit=demo.commune, role__in=roles).delete()
    users = {r.user_id for r in reminders_due(dt.date(2026, 11, 25))}
    assert users and users == deciders_at(demo.province) and demo.tinh.pk in users
