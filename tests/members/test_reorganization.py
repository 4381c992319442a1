"""Members follow reorganizations (org.services): a merge closes the sources' rows on the effective date and
opens rows in the target, in bulk and audited once; a split moves the members each part lists, and leaves the
others on the closed unit. ``Unit.member_count`` stays equal to the register."""

from __future__ import annotations

import pytest

from nghiquyet.audit.models import AuditEvent
from nghiquyet.members.models import Member
from nghiquyet.members.services import member_transfer
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.org.services import NewUnit, unit_merge, unit_split
from tests.members.conftest import current_count, days_ago, make_member, today

pytestmark = pytest.mark.django_db
DECISION = "Quyết định 12-QĐ/ĐU"


def branches(demo, n: int) -> list[Unit]:
    found = list(Unit.objects.filter(parent=demo.commune, kind=UnitKind.BRANCH, valid_to__isnull=True)
                 .exclude(pk=demo.branch.pk).order_by("code")[:n])
    assert len(found) == n
    return found


def register(unit: Unit) -> list[tuple]:
    return sorted(Member.objects.filter(unit=unit, left_unit_on__isnull=True)
                  .values_list("full_name", "card_number", "person_id"))


def test_merge_moves_the_members_in_bulk(demo, django_assert_max_num_queries):
    first, second, target = branches(demo, 3)
    latecomer = make_member(first, actor=demo.xa, joined_unit_on=today())  # arrived on the effective date
    first.refresh_from_db()
    expected = sorted(register(first) + register(second) + register(target))
    counts = {u.pk: current_count(u) for u in (first, second, target)}
    assert all(u.member_count == counts[u.pk] for u in (first, second, target))
    old_rows = set(Member.objects.filter(unit__in=[first, second], left_unit_on__isnull=True)
                   .exclude(pk=latecomer.pk).values_list("pk", flat=True))
    day = today()
    with django_assert_max_num_queries(150):  # bulk: not one query per member
        result = unit_merge(actor=demo.xa, sources=[first, second], target=target, effective_date=day,
                            decision_ref=DECISION)
    target.refresh_from_db()
    assert register(target) == expected
    assert target.member_count == sum(counts.values()) == current_count(target)
    closed = Member.objects.filter(pk__in=old_rows)
    assert closed.count() == len(old_rows) > 0
    assert set(closed.values_list("left_unit_on", "leave_reason", "person_id")) == {(day, "transfer", None)}
    latecomer.refresh_from_db()
    assert (latecomer.unit_id, latecomer.left_unit_on) == (target.pk, None)  # it simply moved
    events = AuditEvent.objects.filter(reorganization=result.reorganization,
                                       changes__has_key="members_transferred")
    assert events.count() == 1
    moved = events.get().changes["members_transferred"][1]
    assert {row["from"]["id"]: row["members"] for row in moved} == {first.pk: counts[first.pk],
                                                                     second.pk: counts[second.pk]}
    # The history on the day before still counts the members where they were.
    assert Member.objects.filter(unit=first, joined_unit_on__lte=days_ago(1), left_unit_on=day).count() == \
        counts[first.pk] - 1


def test_merge_carries_the_official_link(demo):
    first, target = branches(demo, 2)
    linked = Member.objects.filter(unit=first, person__isnull=False).first()
    if linked is None:
        pytest.skip("the demo branch has no secretary in the register")
    unit_merge(actor=demo.xa, sources=[first], target=target, effective_date=today(), decision_ref=DECISION)
    assert Member.objects.get(person_id=linked.person_id).unit_id == target.pk


def test_merge_into_a_new_unit_and_dry_run(demo):
    first, second = branches(demo, 2)
    before = sorted(register(first) + register(second))
    preview = unit_merge(actor=demo.xa, sources=[first, second], effective_date=today(), decision_ref=DECISION,
                         new_unit=NewUnit(code="DS.CB.NEW", name="Chi bộ thôn Hợp Nhất", kind=UnitKind.BRANCH),
                         new_parent=demo.commune, dry_run=True)
    assert preview.dry_run and register(first) and sorted(register(first) + register(second)) == before
    unit_merge(actor=demo.xa, sources=[first, second], effective_date=today(), decision_ref=DECISION,
               new_unit=NewUnit(code="DS.CB.NEW", name="Chi bộ thôn Hợp Nhất", kind=UnitKind.BRANCH),
               new_parent=demo.commune)
    new = Unit.objects.get(code="DS.CB.NEW")
    assert register(new) == before and new.member_count == len(before) == current_count(new)
    assert register(first) == [] and register(second) == []


def test_split_moves_the_members_each_part_lists(demo):
    (source,) = branches(demo, 1)
    ids = list(Member.objects.filter(unit=source, left_unit_on__isnull=True).order_by("pk").values_list("pk",
                                                                                                     flat=True))
    half = len(ids) // 2
    with pytest.raises(Exception) as exc:  # counts and lists must agree
        unit_split(actor=demo.xa, unit=source, effective_date=today(), decision_ref=DECISION, parts=[
            NewUnit(code="DS.S1", name="Chi bộ Một", kind=UnitKind.BRANCH, member_count=half, members=ids[:half - 1]),
            NewUnit(code="DS.S2", name="Chi bộ Hai", kind=UnitKind.BRANCH, member_count=len(ids) - half,
                    members=ids[half:])])
    assert "số đảng viên" in str(exc.value)
    result = unit_split(actor=demo.xa, unit=source, effective_date=today(), decision_ref=DECISION, parts=[
        NewUnit(code="DS.S1", name="Chi bộ Một", kind=UnitKind.BRANCH, member_count=half, members=ids[:half]),
        NewUnit(code="DS.S2", name="Chi bộ Hai", kind=UnitKind.BRANCH, member_count=len(ids) - half,
                members=ids[half:])])
    one, two = (Unit.objects.get(code=c) for c in ("DS.S1", "DS.S2"))
    assert (current_count(one), current_count(two), current_count(source)) == (half, len(ids) - half, 0)
    assert (one.member_count, two.member_count) == (half, len(ids) - half)
    assert AuditEvent.objects.filter(reorganization=result.reorganization,
                                     changes__has_key="members_transferred").count() == 1


def test_split_without_lists_leaves_the_members_to_transfer(demo):
    (source,) = branches(demo, 1)
    n = current_count(source)
    unit_split(actor=demo.xa, unit=source, effective_date=today(), decision_ref=DECISION, parts=[
        NewUnit(code="DS.T1", name="Chi bộ Ba", kind=UnitKind.BRANCH, member_count=n - 1),
        NewUnit(code="DS.T2", name="Chi bộ Bốn", kind=UnitKind.BRANCH, member_count=1)])
    source.refresh_from_db()
    assert source.valid_to == today() and current_count(source) == n  # they stay, to be transferred
    member = Member.objects.filter(unit=source, left_unit_on__isnull=True).first()
    part = Unit.objects.get(code="DS.T2")
    moved = member_transfer(actor=demo.xa, member=member, to_unit=part, on=today())
    part.refresh_from_db()
    assert moved.unit == part and part.member_count == current_count(part) == 1
