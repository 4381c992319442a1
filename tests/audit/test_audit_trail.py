"""The audit trail: every write records who, when, what, old and new values; superiors browse their subtree."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from nghiquyet.accounts.roles import Role
from nghiquyet.accounts.services import role_assign, role_revoke
from nghiquyet.audit.models import AuditEvent
from nghiquyet.audit.selectors import audit_events_visible
from nghiquyet.audit.services import audit_record, diff, snapshot
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.org.services import unit_create, unit_rename, unit_update

pytestmark = pytest.mark.django_db


def _events_for(obj):
    return AuditEvent.objects.filter(content_type__model=obj._meta.model_name, object_id=str(obj.pk)).order_by("id")


def _new_branch(demo, actor=None, code="HT.TEST.1"):
    return unit_create(actor=actor or demo.xa, parent=demo.commune, kind=UnitKind.BRANCH, code=code,
                       name="Chi bộ thôn Thử Nghiệm", member_count=12, valid_from=dt.date(2025, 8, 1))


def test_create_update_rename_are_recorded(demo):
    unit = _new_branch(demo)
    created = _events_for(unit).get()
    assert (created.action, created.actor, created.actor_name, created.unit) == ("create", demo.xa, "demo-xa", unit)
    assert created.changes["name"] == [None, "Chi bộ thôn Thử Nghiệm"]
    assert created.changes["parent"] == [None, {"id": demo.commune.pk, "repr": demo.commune.name}]
    assert created.reorganization is not None and created.at is not None

    unit_update(actor=demo.xa, unit=unit, member_count=15, short_name="Thử")
    updated = _events_for(unit).filter(action="update").get()
    assert updated.changes == {"member_count": [12, 15], "short_name": ["", "Thử"]}

    # Nothing changed: no event.
    unit_update(actor=demo.xa, unit=Unit.objects.get(pk=unit.pk), member_count=15)
    assert _events_for(unit).filter(action="update").count() == 1

    unit_rename(actor=demo.xa, unit=Unit.objects.get(pk=unit.pk), name="Chi bộ thôn Mới",
                effective_date=dt.date(2025, 9, 1), decision_ref="Quyết định 12-QĐ/ĐU")
    renamed = _events_for(unit).filter(action="update").last()
    assert renamed.changes["name"] == ["Chi bộ thôn Thử Nghiệm", "Chi bộ thôn Mới"]
    assert renamed.reorganization.decision_ref == "Quyết định 12-QĐ/ĐU"
    reorganize = AuditEvent.objects.filter(action="reorganize", reorganization=renamed.reorganization).get()
    assert reorganize.actor == demo.xa and reorganize.unit == unit
    assert reorganize.changes["summary"][1]["renamed"][0]["to"] == "Chi bộ thôn Mới"


def test_delete_is_recorded(demo, django_user_model):
    user = django_user_model.objects.create_user(username="xoa-vai-tro", password=None)
    assignment = role_assign(actor=demo.xa, user=user, unit=demo.branch, role=Role.VIEWER)
    pk = assignment.pk
    role_revoke(actor=demo.xa, assignment=assignment)
    event = AuditEvent.objects.get(content_type__model="roleassignment", object_id=str(pk), action="delete")
    assert event.changes["role"] == ["viewer", None] and event.unit == demo.branch


def test_failed_write_records_nothing(demo):
    before = AuditEvent.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - any refusal
        unit_update(actor=demo.xa, unit=demo.commune2, member_count=1)
    with pytest.raises(Exception):  # noqa: B017
        unit_update(actor=demo.xa, unit=demo.branch, member_count=-5)
    assert AuditEvent.objects.count() == before


def test_system_actor_name(demo):
    event = audit_record(actor=None, action="update", obj=demo.branch, unit=demo.branch)
    assert event.actor is None and event.actor_name == "" and event.actor_display == "hệ thống"


def test_snapshot_and_diff():
    unit = Unit(name="A", member_count=3, valid_from=dt.date(2025, 1, 2), kind="branch", code="X")
    before = snapshot(unit, ["name", "member_count", "valid_from", "parent"])
    assert before == {"name": "A", "member_count": 3, "valid_from": "2025-01-02", "parent": None}
    unit.member_count = 4
    assert diff(before, snapshot(unit, ["name", "member_count", "valid_from", "parent"])) == {"member_count": [3, 4]}


# ------------------------------------------------------------------ browsing


def test_selector_scoping(demo):
    unit2 = Unit.objects.filter(path__under=demo.commune2.path).exclude(pk=demo.commune2.pk).first()
    mine = audit_record(actor=demo.xa, action="update", obj=demo.branch, unit=demo.branch)
    theirs = audit_record(actor=demo.xa2, action="update", obj=unit2, unit=unit2)
    top = audit_record(actor=demo.tinh, action="update", obj=demo.province, unit=demo.province)
    xa = set(audit_events_visible(demo.xa).values_list("pk", flat=True))
    assert mine.pk in xa and theirs.pk not in xa and top.pk not in xa
    tinh = set(audit_events_visible(demo.tinh).values_list("pk", flat=True))
    assert {mine.pk, theirs.pk, top.pk} <= tinh
    chibo = set(audit_events_visible(demo.chibo).values_list("pk", flat=True))
    assert mine.pk in chibo and theirs.pk not in chibo
    only_branch = audit_events_visible(demo.tinh, unit=demo.branch)
    assert mine in only_branch and theirs not in only_branch


def test_audit_page_scoped(client, demo):
    unit2 = Unit.objects.filter(path__under=demo.commune2.path).exclude(pk=demo.commune2.pk).first()
    audit_record(actor=demo.xa, action="update", obj=demo.branch, unit=demo.branch, changes={"name": ["Cũ", "Mới"]})
    audit_record(actor=demo.xa2, action="update", obj=unit2, unit=unit2, changes={"name": ["Xa2 cũ", "Xa2 mới"]})
    client.force_login(demo.tinh)
    text = client.get("/nhat-ky/").content.decode()
    assert "Xa2 mới" in text and "Mới" in text and "Nhật ký thay đổi" in text
    client.force_login(demo.xa)
    text = client.get("/nhat-ky/").content.decode()
    assert "Xa2 mới" not in text and "Cũ" in text
    assert client.get(f"/nhat-ky/?unit={demo.commune2.pk}").status_code == 404
    assert client.get(f"/nhat-ky/?unit={unit2.pk}").status_code == 404
    assert client.get("/nhat-ky/?unit=abc").status_code == 404
    assert client.get(f"/nhat-ky/?unit={demo.branch.pk}").status_code == 200


def test_audit_page_filters_by_action(client, demo):
    audit_record(actor=demo.xa, action="delete", obj=demo.branch, unit=demo.branch, changes={"x": ["XOA-1", None]})
    audit_record(actor=demo.xa, action="update", obj=demo.branch, unit=demo.branch, changes={"x": ["SUA-1", "SUA-2"]})
    client.force_login(demo.xa)
    text = client.get(f"/nhat-ky/?unit={demo.branch.pk}&action=delete").content.decode()
    assert "XOA-1" in text and "SUA-1" not in text
    # An unknown action is ignored, not an error.
    assert client.get("/nhat-ky/?action=bogus").status_code == 200


def test_audit_page_requires_login(client):
    assert client.get("/nhat-ky/").status_code == 302


def test_audit_page_paginated_with_constant_queries(client, demo, settings, django_assert_num_queries):
    for i in range(settings.NGHIQUYET["PAGE_SIZE"] + 3):
        audit_record(actor=demo.xa, action="update", obj=demo.branch, unit=demo.branch,
                     changes={"member_count": [i, i + 1]})
    client.force_login(demo.xa)
    client.get("/nhat-ky/")  # warm the content-type cache and session
    with django_assert_num_queries(6):
        first = client.get("/nhat-ky/")
    rows = re.findall(r"<tr>\s*<td><time", first.content.decode())
    assert len(rows) == settings.NGHIQUYET["PAGE_SIZE"]
    assert "?page=2" in first.content.decode() or "page=2" in first.content.decode()
    with django_assert_num_queries(6):
        second = client.get("/nhat-ky/?page=2")
    assert second.status_code == 200
    # Malformed and out-of-range pages give the nearest page, never an error.
    assert client.get("/nhat-ky/?page=abc").status_code == 200
    assert client.get("/nhat-ky/?page=99999").status_code == 200


def test_home_shows_recent_events_in_scope(client, demo):
    unit2 = Unit.objects.filter(path__under=demo.commune2.path).exclude(pk=demo.commune2.pk).first()
    audit_record(actor=demo.xa2, action="update", obj=unit2, unit=unit2, note="x")
    client.force_login(demo.xa)
    assert unit2.name not in client.get("/").content.decode()
