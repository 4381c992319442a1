"""The study figures against a brute-force count, over random trees of units and members with random attendance:
for every unit of the tree, the subtree's members current on the day and those present at a session or make-up of
a plan for the resolution held on or before it, counted by walking parent pointers in Python; the same for the
units expected to hold a session (on time, late, missing, not yet due) and the write-ups (received, overdue)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nghiquyet.members.models import Member
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.resolutions.models import Document
from nghiquyet.study.models import Attendance, AttendanceStatus, Audience, StudyPlan, StudySession, WriteUp
from nghiquyet.study.selectors import percent, study_gaps, unit_figures

pytestmark = pytest.mark.django_db

START = dt.date(2024, 1, 1)
ON = dt.date(2025, 6, 30)
_codes = itertools.count(1)


def _day(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


member_st = st.fixed_dictionaries({
    "unit": st.integers(0, 20),                  # index into the tree's units (mod its size)
    "joined": st.integers(0, 700),
    "left": st.one_of(st.none(), st.integers(0, 700)),
    # the member's mark at each session, by position (None: not recorded)
    "marks": st.lists(st.sampled_from([None, *AttendanceStatus.values, AttendanceStatus.PRESENT]), min_size=8,
                      max_size=8),
    "card": st.one_of(st.just(""), st.sampled_from(["3901", "3902", "3903"])),   # shared: a transferred member
    "writeup": st.one_of(st.none(), st.tuples(st.integers(0, 2), st.integers(0, 700),
                                              st.one_of(st.none(), st.integers(0, 700)))),
})

tree_st = st.fixed_dictionaries({
    "communes": st.lists(st.integers(0, 3), min_size=1, max_size=3),   # branches per commune
    "members": st.lists(member_st, min_size=1, max_size=25),
    "local": st.one_of(st.none(), st.integers(0, 10)),    # a commune that issues a plan of its own resolution
    "sessions": st.lists(st.tuples(st.integers(0, 2), st.integers(0, 700), st.booleans(), st.integers(0, 20)),
                         min_size=1, max_size=8),                    # (resolution, day, make-up?, unit)
})


def _unit(parent: Unit | None, kind: str) -> Unit:
    n = next(_codes)
    path_parent = parent.path if parent else "/"
    unit = Unit.objects.create(kind=kind, code=f"PT{n}", name=f"Đơn vị thử {n}", parent=parent,
                               valid_from=START, depth=(parent.depth + 1) if parent else 0, path="/tmp/")
    unit.path = f"{path_parent}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


def _brute(units, members, marks, sessions, unit: Unit, resolution_id: int, issuer: Unit | None = None
           ) -> tuple[int, int]:
    """Members of ``unit``'s subtree current on ON (and of ``issuer``'s, the unit whose plan addresses them) and
    how many studied the resolution: present, by this row or one with the same card, on or before ON."""
    by_id = {u.pk: u for u in units}

    def under(u: Unit) -> bool:
        return _under(units, u, unit) and (issuer is None or _under(units, u, issuer))

    current = [m for m in members if under(by_id[m.unit_id]) and m.joined_unit_on <= ON
               and (m.left_unit_on is None or m.left_unit_on > ON)]
    studied = {a_member for a_member, session_id, status in marks
               if status == AttendanceStatus.PRESENT and sessions[session_id].held_on <= ON
               and sessions[session_id].plan.resolution_id == resolution_id}
    cards = {m.card_number for m in members if m.pk in studied and m.card_number}
    return len(current), sum(1 for m in current if m.pk in studied or m.card_number in cards)


def _under(units, inner: Unit, outer: Unit) -> bool:
    by_id = {u.pk: u for u in units}
    u = inner
    while u is not None:
        if u.pk == outer.pk:
            return True
        u = by_id.get(u.parent_id)
    return False


def _brute_sessions(units, sessions, unit: Unit, plan: StudyPlan) -> tuple[int, ...]:
    """The plan's unit, and the communes below it when it leaves the sessions to them, inside ``unit``'s subtree."""
    issuer = next(u for u in units if u.pk == plan.unit_id)
    holders = [u for u in units if (u.pk == plan.unit_id or (plan.audience == Audience.SUBTREE
                                                             and u.kind == UnitKind.COMMUNE
                                                             and _under(units, u, issuer)))
               and _under(units, u, unit)]
    counts = [len(holders), 0, 0, 0, 0]
    for holder in holders:
        days = [s.held_on for s in sessions if s.plan_id == plan.pk and s.unit_id == holder.pk
                and s.makeup_of_id is None and s.held_on <= ON]
        if days:
            counts[1 if min(days) <= plan.deadline else 2] += 1
        else:
            counts[3 if plan.deadline < ON else 4] += 1
    return tuple(counts)


def _brute_writeups(units, writeups, unit: Unit, plan: StudyPlan) -> tuple[int, int, int]:
    days = plan.writeup_days or 15
    mine = [w for w in writeups if w.plan_id == plan.pk and _under(units, w.unit, unit)
            and w.due_on - dt.timedelta(days=days) <= ON     # owed from the day studied
            and not ((w.received_on is None or w.received_on > ON) and w.member.left_unit_on is not None
                     and w.member.left_unit_on <= ON and w.member.leave_reason != "transfer")]
    received = [w for w in mine if w.received_on is not None and w.received_on <= ON]
    overdue = [w for w in mine if w.due_on < ON and (w.received_on is None or w.received_on > ON)]
    return len(mine), len(received), len(overdue)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(tree=tree_st)
def test_percent_matches_a_brute_force_count(tree):
    user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "study-property", password="x")
    with transaction.atomic():
        root = _unit(None, UnitKind.PROVINCE)
        units = [root]
        for branches in tree["communes"]:
            commune = _unit(root, UnitKind.COMMUNE)
            units.append(commune)
            units.extend(_unit(commune, UnitKind.BRANCH) for _ in range(branches))
        documents = [Document.objects.create(unit=root, number=i + 1, type_code="NQ", issuer_code="TU",
                                             symbol=f"{i + 1}-NQ/TU", issued_on=START, title=f"Nghị quyết {i}")
                     for i in range(2)]
        plans = [StudyPlan.objects.create(unit=root, resolution=d, title="Kế hoạch", starts_on=START,
                                          ends_on=_day(200), deadline=_day(200), audience=Audience.SUBTREE,
                                          holder_kinds=[UnitKind.COMMUNE]) for d in documents]
        communes = [u for u in units if u.kind == UnitKind.COMMUNE]
        local = communes[tree["local"] % len(communes)] if tree["local"] is not None else None
        if local is not None:
            own = Document.objects.create(unit=local, number=1, type_code="NQ", issuer_code="ĐU", symbol="1-NQ/ĐU",
                                          issued_on=START, title="Nghị quyết của xã")
            plans.append(StudyPlan.objects.create(unit=local, resolution=own, title="Kế hoạch của xã",
                                                  starts_on=START, ends_on=_day(300), deadline=_day(300)))
        sessions = []
        for resolution, offset, makeup, unit_index in tree["sessions"]:
            resolution = resolution % len(plans)
            base = next((s for s in sessions if s.plan == plans[resolution] and s.makeup_of is None), None)
            sessions.append(StudySession.objects.create(
                plan=plans[resolution], unit=units[unit_index % len(units)], held_on=_day(offset),
                makeup_of=base if makeup and base is not None else None))
        members, marks, writeups = [], [], []
        for spec in tree["members"]:
            joined = _day(spec["joined"])
            left = _day(spec["left"]) if spec["left"] is not None and spec["left"] >= spec["joined"] else None
            card = spec["card"]
            if left is None and any(m.card_number == card and m.left_unit_on is None for m in members):
                card = ""       # one current row per card (the register's constraint)
            member = Member.objects.create(unit=units[spec["unit"] % len(units)], full_name="Đảng viên",
                                           joined_unit_on=joined, left_unit_on=left, card_number=card)
            members.append(member)
            for session_id, status in enumerate(spec["marks"][:len(sessions)]):
                if status is None:
                    continue
                Attendance.objects.create(session=sessions[session_id], member=member, unit=root, status=status,
                                          card_number=member.card_number)
                marks.append((member.pk, session_id, status))
            if spec["writeup"] is not None:
                which, due, received = spec["writeup"]
                writeups.append(WriteUp.objects.create(
                    plan=plans[which % len(plans)], member=member, unit=member.unit, due_on=_day(due),
                    received_on=_day(received) if received is not None else None))

        for unit in units:
            figures = unit_figures(user=user, unit=unit, on=ON)
            expected_blocks = {p.resolution_id for p in plans
                               if _under(units, unit, next(u for u in units if u.pk == p.unit_id))
                               or _under(units, next(u for u in units if u.pk == p.unit_id), unit)}
            assert {b.resolution.pk for b in figures.resolutions} == expected_blocks
            for block in figures.resolutions:
                rid = block.resolution.pk
                plan = block.plans[0]
                issuer = next(u for u in units if u.pk == plan.unit_id)
                scope = None if _under(units, unit, issuer) else issuer    # the plan addresses all of unit, or less
                expected_members, expected_studied = _brute(units, members, marks, sessions, unit, rid, scope)
                assert (block.total.members, block.total.studied) == (expected_members, expected_studied)
                assert block.total.percent == percent(expected_studied, expected_members)
                for child in (u for u in units if u.parent_id == unit.pk):
                    row = next((r for r in block.rows if r.unit.pk == child.pk and not r.is_self), None)
                    if scope is not None and not (_under(units, scope, child) or _under(units, child, scope)):
                        assert row is None          # outside what the plan addresses: no row
                        continue
                    assert (row.members, row.studied) == _brute(units, members, marks, sessions, child, rid, scope)
                # sessions: the plan's unit, and each commune below when it leaves sessions to them
                assert (block.total.sessions.expected, block.total.sessions.on_time, block.total.sessions.late,
                        block.total.sessions.missing, block.total.sessions.pending) == _brute_sessions(
                    units, sessions, unit, plan)
                w = block.total.writeups
                assert (w.expected, w.received, w.overdue) == _brute_writeups(units, writeups, unit, plan)
                # the rows add up to the total
                assert sum(r.members for r in block.rows) == block.total.members
                assert sum(r.studied for r in block.rows) == block.total.studied
        # the gaps of the briefing agree with the same rule, past the deadline
        for gap in study_gaps(user=user, unit=root, on=ON):
            issuer = next(u for u in units if u.pk == gap.plan.unit_id)
            assert (gap.members, gap.studied) == _brute(units, members, marks, sessions, gap.unit,
                                                        gap.plan.resolution_id, issuer)
            assert gap.studied < gap.members or gap.writeups_overdue
        transaction.set_rollback(True)


def test_percent_rounds_half_up_to_one_decimal():
    assert percent(2, 3) == percent(200, 300)
    assert str(percent(1, 8)) == "12.5"
    assert str(percent(2, 3)) == "66.7"
    assert percent(0, 0) is None
