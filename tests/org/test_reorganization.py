"""Every reorganization keeps history: versions, validity dates, successions, the decision and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from nghiquyet.audit.models import AuditAction, AuditEvent
from nghiquyet.org.models import Reorganization, ReorganizationKind, Unit, UnitKind, UnitSuccession, UnitVersion
from nghiquyet.org.selectors import tree_as_of, tree_ids, unit_members_total
from nghiquyet.org.services import (
    NewUnit,
    unit_close,
    unit_merge,
    unit_move,
    unit_rename,
    unit_split,
    unit_update,
)
from tests.org.helpers import DAY, DECISION, FOUNDED, check_tree_invariants, db_state

pytestmark = pytest.mark.django_db
BEFORE = DAY - dt.timedelta(days=1)


def _children(node) -> dict[int, set[int]]:
    out, stack = {}, [node]
    while stack:
        current = stack.pop()
        out[current.unit_id] = {c.unit_id for c in current.children}
        stack.extend(current.children)
    return out


def _versions(unit: Unit) -> list[tuple]:
    return list(UnitVersion.objects.filter(unit=unit).order_by("valid_from")
                .values_list("parent_id", "name", "valid_from", "valid_to"))


def _audited(reorganization: Reorganization) -> dict[tuple[str, int], dict]:
    """(action, unit id) -> changes for the unit events of a reorganization."""
    unit_type = ContentType.objects.get_for_model(Unit)
    return {
        (e.action, int(e.object_id)): e.changes
        for e in AuditEvent.objects.filter(reorganization=reorganization, content_type=unit_type)
    }


def _reorganize_event(reorganization: Reorganization, actor) -> AuditEvent:
    event = AuditEvent.objects.get(reorganization=reorganization, action=AuditAction.REORGANIZE)
    assert event.actor == actor and event.note == DECISION
    assert event.changes["summary"][1] == reorganization.summary
    return event


def test_merge_into_existing_unit(tree):
    total = unit_members_total(tree.P)
    result = unit_merge(actor=tree.user, sources=[tree.C1, tree.C2], target=tree.C3, effective_date=DAY,
                        decision_ref=DECISION, note="Sáp nhập theo đề án")
    reorg = result.reorganization
    reorg.refresh_from_db()
    assert (reorg.kind, reorg.effective_date, reorg.decision_ref, reorg.actor) == (
        ReorganizationKind.MERGE, DAY, DECISION, tree.user)
    assert reorg.summary == result.as_summary()
    assert {c["id"] for c in reorg.summary["closed"]} == {tree.C1.pk, tree.C2.pk}
    assert {m["id"] for m in reorg.summary["moved"]} == {tree.B11.pk, tree.B12.pk, tree.B21.pk}
    assert set(reorg.units.values_list("pk", flat=True)) == {tree.C1.pk, tree.C2.pk, tree.C3.pk}

    c1, c2, c3 = tree.get("C1"), tree.get("C2"), tree.get("C3")
    assert c1.valid_to == c2.valid_to == DAY and c3.valid_to is None
    assert _versions(c1) == [(tree.D1.pk, c1.name, FOUNDED, DAY)]
    # Members of the closed sources' own counts go to the target: none orphaned, total unchanged.
    assert c3.member_count == 3 + 5 + 7
    assert unit_members_total(tree.P) == total
    # A succession's member share is every member who went over: the source's own and its subtree's.
    links = UnitSuccession.objects.filter(reorganization=reorg)
    assert {(s.predecessor_id, s.successor_id, s.member_share, s.effective_date) for s in links} == {
        (tree.C1.pk, tree.C3.pk, 35, DAY), (tree.C2.pk, tree.C3.pk, 22, DAY)}
    for name in ("B11", "B12", "B21"):
        branch = tree.get(name)
        old_parent = tree.C2 if name == "B21" else tree.C1
        assert branch.parent == c3 and branch.path == f"{c3.path}{branch.pk}/" and branch.depth == 3
        assert _versions(branch) == [(old_parent.pk, branch.name, FOUNDED, DAY), (c3.pk, branch.name, DAY, None)]
        assert branch.versions.get(valid_from=DAY).reorganization == reorg

    audited = _audited(reorg)
    assert audited[("update", tree.C1.pk)]["valid_to"] == [None, DAY.isoformat()]
    assert audited[("update", tree.C3.pk)]["member_count"] == [3, 15]
    assert audited[("update", tree.B21.pk)]["parent"][1]["id"] == tree.C3.pk
    assert _reorganize_event(reorg, tree.user).unit == tree.P

    before, after = _children(tree_as_of(tree.P, BEFORE)), _children(tree_as_of(tree.P, DAY))
    assert before[tree.C1.pk] == {tree.B11.pk, tree.B12.pk} and before[tree.C3.pk] == {tree.B31.pk}
    assert tree.C1.pk not in after and tree.C2.pk not in after
    assert after[tree.C3.pk] == {tree.B11.pk, tree.B12.pk, tree.B21.pk, tree.B31.pk}
    check_tree_invariants(tree.P)


def test_merge_into_new_unit(tree):
    result = unit_merge(actor=tree.user, sources=[tree.C1, tree.C2], new_parent=tree.D2,
                        new_unit=NewUnit(code="T.CN", name="Đảng bộ xã Đông Tây", kind=UnitKind.COMMUNE,
                                         short_name="Xã Đông Tây"),
                        effective_date=DAY, decision_ref=DECISION)
    new = Unit.objects.get(code="T.CN")
    assert result.created == [{"id": new.pk, "name": new.name}]
    assert (new.parent, new.valid_from, new.valid_to, new.member_count) == (tree.D2, DAY, None, 12)
    assert new.path == f"{tree.D2.path}{new.pk}/" and new.depth == 2
    assert _versions(new) == [(tree.D2.pk, new.name, DAY, None)]
    assert set(new.children.values_list("pk", flat=True)) == {tree.B11.pk, tree.B12.pk, tree.B21.pk}
    assert set(UnitSuccession.objects.filter(successor=new).values_list("predecessor_id", "member_share")) == {
        (tree.C1.pk, 35), (tree.C2.pk, 22)}
    reorg = result.reorganization
    assert _audited(reorg)[("create", new.pk)]["code"] == [None, "T.CN"]
    _reorganize_event(reorg, tree.user)
    assert tree.get("C1").valid_to == DAY and tree.get("C2").valid_to == DAY
    assert new.pk not in tree_ids(tree_as_of(tree.P, BEFORE))
    assert tree_ids(tree_as_of(new, DAY)) == {new.pk, tree.B11.pk, tree.B12.pk, tree.B21.pk}
    check_tree_invariants(tree.P)


def test_merge_into_new_unit_checks_the_given_member_count(tree):
    state = db_state()
    with pytest.raises(ValidationError) as err:
        unit_merge(actor=tree.user, sources=[tree.C1, tree.C2], new_parent=tree.D1,
                   new_unit=NewUnit(code="T.CN", name="Xã mới", kind=UnitKind.COMMUNE, member_count=11),
                   effective_date=DAY, decision_ref=DECISION)
    assert "member_count" in err.value.message_dict
    assert db_state() == state
    unit_merge(actor=tree.user, sources=[tree.C1, tree.C2], new_parent=tree.D1,
               new_unit=NewUnit(code="T.CN", name="Xã mới", kind=UnitKind.COMMUNE, member_count=12),
               effective_date=DAY, decision_ref=DECISION)
    assert Unit.objects.get(code="T.CN").member_count == 12


def test_split(tree):
    result = unit_split(
        actor=tree.user, unit=tree.C1, effective_date=DAY, decision_ref=DECISION,
        parts=[NewUnit(code="T.C1A", name="Đảng bộ xã Đông", kind=UnitKind.COMMUNE, member_count=2,
                       children=[tree.B11]),
               NewUnit(code="T.C1B", name="Đảng bộ xã Phú", kind=UnitKind.COMMUNE, member_count=3,
                       children=[tree.B12])],
    )
    a, b = Unit.objects.get(code="T.C1A"), Unit.objects.get(code="T.C1B")
    c1 = tree.get("C1")
    assert c1.valid_to == DAY
    for part, members, branch in ((a, 2, tree.B11), (b, 3, tree.B12)):
        assert (part.parent, part.valid_from, part.member_count) == (tree.D1, DAY, members)
        assert list(part.children.values_list("pk", flat=True)) == [branch.pk]
        link = UnitSuccession.objects.get(predecessor=c1, successor=part)
        assert (link.member_share, link.effective_date, link.reorganization) == (members, DAY,
                                                                                 result.reorganization)
    assert _versions(tree.get("B11")) == [(c1.pk, "Chi bộ thôn Một", FOUNDED, DAY),
                                          (a.pk, "Chi bộ thôn Một", DAY, None)]
    assert result.reorganization.kind == ReorganizationKind.SPLIT
    assert [c["members"] for c in result.reorganization.summary["created"]] == [2, 3]
    _reorganize_event(result.reorganization, tree.user)
    assert _children(tree_as_of(tree.P, BEFORE))[tree.D1.pk] == {tree.C1.pk, tree.C2.pk}
    assert _children(tree_as_of(tree.P, DAY))[tree.D1.pk] == {a.pk, b.pk, tree.C2.pk}
    check_tree_invariants(tree.P)


@pytest.mark.parametrize(("counts", "assignment", "message"), [
    ((2, 2), ([0], [1]), "không để đảng viên nào"),      # 4 of 5 members: one orphaned
    ((2, 4), ([0], [1]), "không để đảng viên nào"),
    ((2, 3), ([0], []), "Chưa giao"),                       # B12 left behind
    ((2, 3), ([0, 1], [1]), "hai đơn vị mới"),
])
def test_split_must_account_for_every_member_and_child(tree, counts, assignment, message):
    branches = [tree.B11, tree.B12]
    state = db_state()
    with pytest.raises(ValidationError) as err:
        unit_split(actor=tree.user, unit=tree.C1, effective_date=DAY, decision_ref=DECISION, parts=[
            NewUnit(code=f"T.S{i}", name=f"Xã {i}", kind=UnitKind.COMMUNE, member_count=n,
                    children=[branches[j] for j in assignment[i]])
            for i, n in enumerate(counts)
        ])
    assert message in err.value.message_dict["parts"][0]
    assert db_state() == state


def test_move_subtree(tree):
    total = unit_members_total(tree.P)
    result = unit_move(actor=tree.user, unit=tree.C1, new_parent=tree.D2, effective_date=DAY, decision_ref=DECISION)
    assert result.descendants_moved == 2
    c1, d2 = tree.get("C1"), tree.get("D2")
    assert c1.parent == d2 and c1.path == f"{d2.path}{c1.pk}/"
    for name in ("B11", "B12"):
        branch = tree.get(name)
        assert branch.path == f"{c1.path}{branch.pk}/" and branch.depth == 3
        assert len(_versions(branch)) == 1  # only the moved unit's parent changed
    assert _versions(c1) == [(tree.D1.pk, c1.name, FOUNDED, DAY), (d2.pk, c1.name, DAY, None)]
    assert result.reorganization.summary["moved"] == [{
        "id": c1.pk, "name": c1.name, "from": {"id": tree.D1.pk, "name": tree.D1.name},
        "to": {"id": d2.pk, "name": d2.name}, "descendants": 2}]
    assert _audited(result.reorganization)[("update", c1.pk)]["parent"][1]["id"] == d2.pk
    _reorganize_event(result.reorganization, tree.user)
    # Member counts are direct counts: a move changes none of them, only where the rollup lands.
    assert [tree.get(n).member_count for n in ("D1", "D2", "C1")] == [0, 0, 5]
    assert unit_members_total(tree.P) == total
    assert unit_members_total(d2) == 3 + 4 + 5 + 10 + 20
    assert set(Unit.objects.subtree_of(d2).values_list("pk", flat=True)) == {
        d2.pk, tree.C3.pk, tree.B31.pk, c1.pk, tree.B11.pk, tree.B12.pk}
    assert _children(tree_as_of(tree.P, BEFORE))[tree.D1.pk] == {tree.C1.pk, tree.C2.pk}
    assert _children(tree_as_of(tree.P, DAY))[tree.D2.pk] == {tree.C3.pk, tree.C1.pk}
    check_tree_invariants(tree.P)


def test_move_a_deeper_subtree_updates_every_depth(tree):
    unit_move(actor=tree.user, unit=tree.D1, new_parent=tree.D2, effective_date=DAY, decision_ref=DECISION)
    assert [tree.get(n).depth for n in ("D1", "C1", "C2", "B11", "B21")] == [2, 3, 3, 4, 4]
    check_tree_invariants(tree.P)


def test_rename(tree):
    result = unit_rename(actor=tree.user, unit=tree.C1, name="Đảng bộ xã Đông Phú Mới", short_name="Xã Đông Phú",
                         effective_date=DAY, decision_ref=DECISION)
    c1 = tree.get("C1")
    assert (c1.name, c1.short_name) == ("Đảng bộ xã Đông Phú Mới", "Xã Đông Phú")
    assert "dong phu moi" in c1.search_text
    assert _versions(c1) == [(tree.D1.pk, "Đảng bộ xã Đông Phú", FOUNDED, DAY),
                             (tree.D1.pk, "Đảng bộ xã Đông Phú Mới", DAY, None)]
    assert result.reorganization.summary["renamed"] == [
        {"id": c1.pk, "from": "Đảng bộ xã Đông Phú", "to": "Đảng bộ xã Đông Phú Mới"}]
    assert _audited(result.reorganization)[("update", c1.pk)]["name"] == ["Đảng bộ xã Đông Phú",
                                                                          "Đảng bộ xã Đông Phú Mới"]
    _reorganize_event(result.reorganization, tree.user)
    assert tree_as_of(tree.C1, BEFORE).name == "Đảng bộ xã Đông Phú"
    assert tree_as_of(tree.C1, DAY).name == "Đảng bộ xã Đông Phú Mới"


def test_close(tree):
    state = db_state()
    with pytest.raises(ValidationError) as err:
        unit_close(actor=tree.user, unit=tree.B31, effective_date=DAY, decision_ref=DECISION)
    assert "còn 4 đảng viên" in err.value.message_dict["unit"][0] and "trước" in err.value.message_dict["unit"][0]
    with pytest.raises(ValidationError) as err:
        unit_close(actor=tree.user, unit=tree.C3, effective_date=DAY, decision_ref=DECISION)
    assert "đơn vị trực thuộc" in err.value.message_dict["unit"][0]
    assert db_state() == state

    unit_update(actor=tree.user, unit=tree.B31, member_count=0)
    result = unit_close(actor=tree.user, unit=tree.B31, effective_date=DAY, decision_ref=DECISION)
    b31 = tree.get("B31")
    assert b31.valid_to == DAY and _versions(b31) == [(tree.C3.pk, b31.name, FOUNDED, DAY)]
    assert result.reorganization.kind == ReorganizationKind.CLOSE
    assert _audited(result.reorganization)[("update", b31.pk)]["valid_to"] == [None, DAY.isoformat()]
    _reorganize_event(result.reorganization, tree.user)
    assert tree.B31.pk in tree_ids(tree_as_of(tree.P, BEFORE))
    assert tree.B31.pk not in tree_ids(tree_as_of(tree.P, DAY))
    check_tree_invariants(tree.P)


def _operations(tree):
    part = {"kind": UnitKind.COMMUNE}
    return {
        "merge_existing": lambda **kw: unit_merge(sources=[tree.C1, tree.C2], target=tree.C3, **kw),
        "merge_new": lambda **kw: unit_merge(sources=[tree.C1, tree.C2], new_parent=tree.D2,
                                             new_unit=NewUnit(code="T.N", name="Xã mới", **part), **kw),
        "split": lambda **kw: unit_split(unit=tree.C1, parts=[
            NewUnit(code="T.S1", name="Xã 1", member_count=5, children=[tree.B11, tree.B12], **part),
            NewUnit(code="T.S2", name="Xã 2", **part)], **kw),
        "move": lambda **kw: unit_move(unit=tree.C1, new_parent=tree.D2, **kw),
        "rename": lambda **kw: unit_rename(unit=tree.C1, name="Xã Đông Phú Mới", **kw),
        "close": lambda **kw: unit_close(unit=tree.D1, **kw),
    }


@pytest.mark.parametrize("operation", ["merge_existing", "merge_new", "split", "move", "rename", "close"])
def test_dry_run_changes_nothing_and_previews_the_real_run(tree, operation):
    if operation == "close":  # D1 must be empty first
        unit_merge(actor=None, sources=[tree.C1, tree.C2], target=tree.C3, effective_date=DAY - dt.timedelta(days=30),
                   decision_ref=DECISION)
    run = _operations(tree)[operation]
    state = db_state()
    preview = run(actor=tree.user, effective_date=DAY, decision_ref=DECISION, dry_run=True)
    assert preview.dry_run and (preview.closed or preview.moved or preview.renamed)
    assert db_state() == state

    real = run(actor=tree.user, effective_date=DAY, decision_ref=DECISION)
    assert not real.dry_run and db_state() != state

    def without_new_ids(summary):  # ids of units created in the rolled-back preview may differ
        text = repr(summary)
        for new in Unit.objects.filter(valid_from=DAY):
            text = text.replace(f"'id': {new.pk},", "'id': NEW,")
        return text

    if operation in {"merge_new", "split"}:
        assert len(preview.created) == len(real.created)
        assert [c["name"] for c in preview.created] == [c["name"] for c in real.created]
    else:
        assert without_new_ids(preview.as_summary()) == without_new_ids(real.reorganization.summary)


def test_today_is_allowed_and_the_future_is_not(tree):
    from django.utils import timezone

    today = timezone.localdate()
    with pytest.raises(ValidationError) as err:
        unit_rename(actor=tree.user, unit=tree.C1, name="Xã mai sau", effective_date=today + dt.timedelta(days=1),
                    decision_ref=DECISION)
    assert "tương lai" in err.value.message_dict["effective_date"][0]
    unit_rename(actor=tree.user, unit=tree.C1, name="Xã hôm nay", effective_date=today, decision_ref=DECISION)
