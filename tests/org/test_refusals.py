"""Bad reorganizations are refused with a Vietnamese reason on the right field, and nothing is half saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nghiquyet.org.models import UnitKind
from nghiquyet.org.services import (
    NewUnit,
    unit_close,
    unit_create,
    unit_merge,
    unit_move,
    unit_rename,
    unit_split,
    unit_update,
)
from tests.org.helpers import DAY, DECISION, check_tree_invariants, db_state, make

pytestmark = pytest.mark.django_db
LATER = dt.date(2024, 1, 1)


def refused(call, field: str, *fragments: str) -> str:
    """Run ``call``: it must raise a ValidationError on ``field`` and leave the database as it was."""
    state = db_state()
    with pytest.raises(ValidationError) as err:
        call()
    messages = err.value.message_dict
    assert field in messages, messages
    message = " ".join(messages[field])
    for fragment in fragments:
        assert fragment in message, message
    assert db_state() == state
    return message


def ok(**kw):
    return {"effective_date": DAY, "decision_ref": DECISION, **kw}


def test_cycles_and_self_merges(tree):
    u = tree.user
    refused(lambda: unit_move(actor=u, unit=tree.C1, new_parent=tree.C1, **ok()), "new_parent", "vòng lặp")
    refused(lambda: unit_move(actor=u, unit=tree.D1, new_parent=tree.C1, **ok()), "new_parent", "vòng lặp")
    # The root: only a superuser (or the system) reorganizes it, and not into its own subtree either.
    refused(lambda: unit_move(actor=None, unit=tree.P, new_parent=tree.C3, **ok()), "new_parent", "vòng lặp")
    # Into its own descendant, existing or as the parent of a new unit.
    refused(lambda: unit_merge(actor=u, sources=[tree.D1], target=tree.C1, **ok()), "target", "trực thuộc")
    refused(lambda: unit_merge(actor=u, sources=[tree.D1, tree.D2], new_parent=tree.C1,
                               new_unit=NewUnit(code="T.N", name="Mới", kind=UnitKind.DISTRICT), **ok()),
            "target", "trực thuộc")
    # With itself.
    refused(lambda: unit_merge(actor=u, sources=[tree.C1], target=tree.C1, **ok()), "sources", "chính nó")
    refused(lambda: unit_merge(actor=u, sources=[tree.C1, tree.C1], target=tree.C3, **ok()), "sources", "chính nó")
    refused(lambda: unit_merge(actor=u, sources=[tree.C1, tree.C1], new_parent=tree.D1,
                               new_unit=NewUnit(code="T.N", name="Mới", kind=UnitKind.COMMUNE), **ok()),
            "sources", "chính nó")
    # A parent with its own child.
    refused(lambda: unit_merge(actor=u, sources=[tree.C1, tree.B11], target=tree.C3, **ok()), "sources")
    refused(lambda: unit_split(actor=u, unit=tree.D1, new_parent=tree.C1, parts=[
        NewUnit(code="T.S1", name="1", kind=UnitKind.DISTRICT, children=[tree.C1]),
        NewUnit(code="T.S2", name="2", kind=UnitKind.DISTRICT, children=[tree.C2])], **ok()), "new_parent")
    check_tree_invariants(tree.P)


def test_leaf_units_take_no_children(tree):
    u = tree.user
    refused(lambda: unit_move(actor=u, unit=tree.C1, new_parent=tree.B31, **ok()), "new_parent")
    refused(lambda: unit_merge(actor=u, sources=[tree.C1], target=tree.B31, **ok()), "target", "trực thuộc")
    refused(lambda: unit_split(actor=u, unit=tree.C1, parts=[
        NewUnit(code="T.S1", name="1", kind=UnitKind.BRANCH, member_count=5, children=[tree.B11]),
        NewUnit(code="T.S2", name="2", kind=UnitKind.COMMUNE, children=[tree.B12])], **ok()), "parts")


@pytest.mark.parametrize("decision", ["", "   ", None, "Quyết định", "x" * 201 + " 1-QĐ"])
def test_decision_reference_is_required(tree, decision):
    refused(lambda: unit_move(actor=tree.user, unit=tree.C1, new_parent=tree.D2, effective_date=DAY,
                              decision_ref=decision), "decision_ref", "Quyết định 321-QĐ/TW")


def test_effective_dates(tree):
    u = tree.user
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    refused(lambda: unit_move(actor=u, unit=tree.C1, new_parent=tree.D2, **ok(effective_date=tomorrow)),
            "effective_date", "tương lai")
    refused(lambda: unit_move(actor=u, unit=tree.C1, new_parent=tree.D2, **ok(effective_date=None)),
            "effective_date")
    # Not before (or on the day) the unit's current version began.
    refused(lambda: unit_rename(actor=u, unit=tree.C1, name="Khác", **ok(effective_date=tree.C1.valid_from)),
            "effective_date", "01/01/2000")
    unit_move(actor=u, unit=tree.C1, new_parent=tree.D2, **ok())
    for day in (DAY, DAY - dt.timedelta(days=1)):
        refused(lambda day=day: unit_rename(actor=u, unit=tree.C1, name="Khác", **ok(effective_date=day)),
                "effective_date", "01/07/2025")
        refused(lambda day=day: unit_merge(actor=u, sources=[tree.C1, tree.C2], target=tree.C3,
                                           **ok(effective_date=day)), "effective_date")


def test_new_parent_must_exist_on_the_effective_date(tree):
    u = tree.user
    founded = dt.date(2020, 1, 1)
    d3 = make(tree.P, UnitKind.DISTRICT, "T.D3", "Đảng bộ huyện Ba", day=founded)
    early = founded - dt.timedelta(days=1)
    refused(lambda: unit_move(actor=u, unit=tree.C1, new_parent=d3, **ok(effective_date=early)),
            "effective_date", "trước ngày thành lập", "Đảng bộ huyện Ba", "01/01/2020")
    refused(lambda: unit_merge(actor=u, sources=[tree.C1, tree.C2], new_parent=d3, effective_date=early,
                               new_unit=NewUnit(code="T.N", name="Xã mới", kind=UnitKind.COMMUNE),
                               decision_ref=DECISION),
            "effective_date", "trước ngày thành lập", "Đảng bộ huyện Ba")
    c9 = make(d3, UnitKind.COMMUNE, "T.C9", "Xã 9", day=founded)
    refused(lambda: unit_merge(actor=u, sources=[tree.C1, tree.C2], target=c9, effective_date=early,
                               decision_ref=DECISION),
            "effective_date", "trước ngày thành lập")
    refused(lambda: unit_split(actor=u, unit=tree.C1, new_parent=d3, effective_date=early, decision_ref=DECISION,
                               parts=[NewUnit(code="T.S1", name="1", kind=UnitKind.COMMUNE, member_count=5,
                                              children=[tree.B11, tree.B12]),
                                      NewUnit(code="T.S2", name="2", kind=UnitKind.COMMUNE)]),
            "effective_date", "trước ngày thành lập")
    # From the founding day on it is fine.
    unit_move(actor=u, unit=tree.C1, new_parent=d3, **ok(effective_date=founded))
    check_tree_invariants(tree.P)


def test_history_never_gets_a_cycle_or_an_orphan(tree):
    u = tree.user
    # C2 lived under C1 in 2023 and left in 2024.
    unit_move(actor=u, unit=tree.C2, new_parent=tree.C1, **ok(effective_date=dt.date(2023, 1, 1)))
    unit_move(actor=u, unit=tree.C2, new_parent=tree.D2, **ok(effective_date=LATER))
    # C1 under C2 from mid 2023 would make C1 → C2 → C1 until 2024.
    refused(lambda: unit_move(actor=u, unit=tree.C1, new_parent=tree.C2, **ok(effective_date=dt.date(2023, 6, 1))),
            "effective_date", "Đảng bộ xã Tây Hòa", "01/01/2024")
    # C1 closing in mid 2023 would leave C2 under a closed unit until 2024.
    unit_update(actor=u, unit=tree.C1, member_count=0)
    unit_move(actor=u, unit=tree.B11, new_parent=tree.C3, **ok(effective_date=dt.date(2022, 1, 1)))
    unit_move(actor=u, unit=tree.B12, new_parent=tree.C3, **ok(effective_date=dt.date(2022, 1, 1)))
    refused(lambda: unit_close(actor=u, unit=tree.C1, **ok(effective_date=dt.date(2023, 6, 1))),
            "effective_date", "Đảng bộ xã Tây Hòa", "01/01/2024")
    refused(lambda: unit_merge(actor=u, sources=[tree.C1], target=tree.C3, **ok(effective_date=dt.date(2023, 6, 1))),
            "effective_date", "01/01/2024")
    # A child that joined after the date cannot be moved away on it.
    refused(lambda: unit_merge(actor=u, sources=[tree.C3], target=tree.D1,
                               **ok(effective_date=dt.date(2021, 6, 1))),
            "effective_date", "01/01/2022")
    unit_close(actor=u, unit=tree.C1, **ok(effective_date=LATER))
    check_tree_invariants(tree.P)


def test_closed_units_are_never_written(tree):
    u = tree.user
    unit_merge(actor=u, sources=[tree.C1], target=tree.C2, **ok(effective_date=LATER))
    c1 = tree.get("C1")
    for actor in (None, u):
        state = db_state()
        with pytest.raises((ValidationError, PermissionDenied)):
            unit_update(actor=actor, unit=c1, member_count=9)
        with pytest.raises((ValidationError, PermissionDenied)):
            unit_rename(actor=actor, unit=c1, name="Khác", **ok())
        with pytest.raises((ValidationError, PermissionDenied)):
            unit_move(actor=actor, unit=c1, new_parent=tree.D2, **ok())
        with pytest.raises((ValidationError, PermissionDenied)):
            unit_move(actor=actor, unit=tree.C3, new_parent=c1, **ok())
        with pytest.raises((ValidationError, PermissionDenied)):
            unit_merge(actor=actor, sources=[tree.C3], target=c1, **ok())
        with pytest.raises((ValidationError, PermissionDenied)):
            unit_close(actor=actor, unit=c1, **ok())
        with pytest.raises((ValidationError, PermissionDenied)):
            unit_create(actor=actor, parent=c1, kind=UnitKind.BRANCH, code="T.X", name="Chi bộ X",
                        valid_from=DAY)
        assert db_state() == state
    # A stale in-memory copy that still looks open is re-read, not trusted.
    refused(lambda: unit_rename(actor=None, unit=tree.C1, name="Khác", **ok()), "unit", "kết thúc hoạt động")


def test_unit_create_checks(tree):
    def create(**kw):
        args = {"actor": None, "parent": tree.C1, "kind": UnitKind.BRANCH, "code": "T.NEW", "name": "Chi bộ mới",
                "valid_from": DAY, **kw}
        return lambda: unit_create(**args)

    refused(create(valid_from=None), "valid_from", "Nhập ngày thành lập")
    refused(create(valid_from=dt.date(1999, 1, 1)), "valid_from", "đơn vị cấp trên")
    refused(create(valid_from=timezone.localdate() + dt.timedelta(days=1)), "valid_from", "tương lai")
    refused(create(code="T.B11"), "code", "đã được dùng")
    refused(create(code="có dấu"), "code")
    refused(create(name="  "), "name")
    refused(create(parent=tree.B11), "parent")
    refused(create(member_count=-1), "member_count")
    unit = create()()
    assert unit.path == f"{tree.C1.path}{unit.pk}/" and unit.versions.count() == 1
