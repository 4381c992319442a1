"""Write-up reminders: to the member's own account when there is one, else to those who keep the unit's study
records (the nearest level holding STUDY_CHANGE); keyed with the occasion; received write-ups are not reminded."""

from __future__ import annotations

import datetime as dt

import pytest

from nghiquyet.accounts.models import Person
from nghiquyet.demo.plans import DEMO_TODAY
from nghiquyet.members.models import Member
from nghiquyet.notifications.reminders import ReminderKind
from nghiquyet.study.models import WriteUp
from nghiquyet.study.reminders import reminders_due

pytestmark = pytest.mark.django_db


def _open_writeup(unit) -> WriteUp:
    return (WriteUp.objects.filter(unit__path__under=unit.path, received_on__isnull=True,
                                   member__person__isnull=True).select_related("member", "unit").first())


def test_grouped_to_the_keepers_of_the_nearest_level(demo, settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "REMINDERS": {**settings.NGHIQUYET["REMINDERS"],
                                                               "BEFORE_DAYS": [3, 0], "AFTER_DAYS": [1, 7]}}
    writeup = _open_writeup(demo.commune)
    WriteUp.objects.filter(pk=writeup.pk).update(due_on=DEMO_TODAY - dt.timedelta(days=2))
    due = list(reminders_due(DEMO_TODAY))
    assert all(r.kind == ReminderKind.WRITEUP_DUE for r in due)
    # demo-chibo keeps their own branch; any other branch of Đông Sơn is kept by demo-xa
    keeper, expected = ((demo.branch, demo.chibo) if writeup.unit_id == demo.branch.pk else (demo.commune, demo.xa))
    prefix = f"writeups:{writeup.plan_id}:{keeper.pk}:{(DEMO_TODAY - dt.timedelta(days=2)).isoformat()}:"
    mine = [r for r in due if r.key.startswith(prefix)]
    assert {r.user_id for r in mine} == {expected.pk}
    assert mine[0].key.endswith(":after-1") and writeup.unit.name in mine[0].body
    assert mine[0].unit_id == keeper.pk
    assert len({(r.kind, r.key, r.user_id) for r in due}) == len(due)      # one per recipient and occasion
    # a week later it is another occasion; once received, nothing
    later = [r for r in reminders_due(DEMO_TODAY + dt.timedelta(days=5)) if r.key.startswith(prefix)]
    assert later and later[0].key.endswith(":after-7")
    WriteUp.objects.filter(plan_id=writeup.plan_id, unit__path__under=keeper.path,
                           due_on=DEMO_TODAY - dt.timedelta(days=2)).update(received_on=DEMO_TODAY)
    assert not [r for r in reminders_due(DEMO_TODAY) if r.key.startswith(prefix)]


def test_an_office_gets_one_reminder_per_plan_and_due_date_not_one_per_branch(demo):
    due = [r for r in reminders_due(DEMO_TODAY) if r.user_id == demo.tinh.pk]
    keys = {(r.key.split(":")[1], r.due_on) for r in due}
    assert len(due) == len(keys)


def test_to_the_members_own_account(demo):
    person = Person.objects.get(user=demo.chibo)
    member = Member.objects.get(person=person)
    writeup = WriteUp.objects.filter(member=member).first() or WriteUp.objects.create(
        plan_id=WriteUp.objects.values_list("plan_id", flat=True).first(), member=member, unit=member.unit,
        due_on=DEMO_TODAY)
    WriteUp.objects.filter(pk=writeup.pk).update(due_on=DEMO_TODAY + dt.timedelta(days=3), received_on=None)
    due = [r for r in reminders_due(DEMO_TODAY) if r.key.startswith(f"writeup:{writeup.pk}:")]
    assert [(r.user_id, r.key) for r in due] == [(demo.chibo.pk, f"writeup:{writeup.pk}:before-3")]
    assert due[0].url.endswith(f"/hoc-tap/bai-thu-hoach/{writeup.pk}/")
    assert not [r for r in reminders_due(DEMO_TODAY - dt.timedelta(days=1))
                if r.key.startswith(f"writeup:{writeup.pk}:")]
