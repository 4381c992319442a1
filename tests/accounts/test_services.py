"""People and role assignments: permission, validation, audit; and the closed-unit rule of ``can``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from nghiquyet.accounts.models import Person, RoleAssignment
from nghiquyet.accounts.roles import Perm, Role
from nghiquyet.accounts.scope import can, units_changeable
from nghiquyet.accounts.services import person_create, role_assign, role_revoke
from nghiquyet.audit.models import AuditEvent
from nghiquyet.org.models import Unit

pytestmark = pytest.mark.django_db


def _closed_unit_in(commune: Unit) -> Unit:
    return Unit.objects.filter(path__under=commune.path, valid_to__isnull=False).first() or \
        Unit.objects.filter(successor_links__successor=commune).first()


# ------------------------------------------------------------------ person_create


def test_person_create_records_audit(demo):
    person = person_create(actor=demo.xa, unit=demo.branch, full_name="  Nguyễn   Văn An ", position=" Bí thư ",
                           email=" an@example.vn ", phone=" 0912 345 678 ")
    assert (person.full_name, person.position, person.email) == ("Nguyễn Văn An", "Bí thư", "an@example.vn")
    event = AuditEvent.objects.get(content_type__model="person", object_id=str(person.pk))
    assert event.action == "create" and event.actor == demo.xa and event.actor_name == "demo-xa"
    assert event.unit == demo.branch and event.at is not None
    assert event.changes["full_name"] == [None, "Nguyễn Văn An"]
    assert event.changes["unit"] == [None, {"id": demo.branch.pk, "repr": demo.branch.name}]


@pytest.mark.parametrize("position", ["Phó Bí thư", " Phó Bí thư", "Phó Bí thư  ", "Phó  Bí thư"])
def test_person_duplicate_is_a_validation_error_not_integrity_error(demo, position):
    person_create(actor=demo.xa, unit=demo.branch, full_name="Lê Thị Bình", position="Phó Bí thư")
    before = Person.objects.count()
    with pytest.raises(ValidationError) as exc:
        person_create(actor=demo.xa, unit=demo.branch, full_name=" Lê Thị Bình ", position=position)
    assert "full_name" in exc.value.message_dict
    assert Person.objects.count() == before


def test_same_name_other_position_is_allowed(demo):
    person_create(actor=demo.xa, unit=demo.branch, full_name="Lê Thị Bình", position="Phó Bí thư")
    person_create(actor=demo.xa, unit=demo.branch, full_name="Lê Thị Bình", position="Chi ủy viên")


@pytest.mark.parametrize("fields,error_field", [
    ({"full_name": "   "}, "full_name"),
    ({"full_name": ""}, "full_name"),
    ({"full_name": "A" * 121}, "full_name"),
    ({"full_name": "An", "position": "x" * 161}, "position"),
    ({"full_name": "An", "email": "khong-phai-email"}, "email"),
    ({"full_name": "An", "phone": "0" * 21}, "phone"),
])
def test_person_create_validation(demo, fields, error_field):
    before = (Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        person_create(actor=demo.xa, unit=demo.branch, **fields)
    assert error_field in exc.value.message_dict
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_person_user_already_linked(demo, django_user_model):
    user = django_user_model.objects.create_user(username="nguoi-moi", password=None)
    person_create(actor=demo.xa, unit=demo.branch, full_name="Người Mới", user=user)
    with pytest.raises(ValidationError) as exc:
        person_create(actor=demo.xa, unit=demo.branch, full_name="Người Khác", user=user)
    assert "user" in exc.value.message_dict


def test_person_create_needs_permission_in_scope(demo):
    with pytest.raises(PermissionDenied):
        person_create(actor=demo.xa, unit=demo.commune2, full_name="Ngoài phạm vi")
    with pytest.raises(PermissionDenied):
        person_create(actor=demo.xa, unit=demo.province, full_name="Cấp trên")
    person_create(actor=demo.tinh, unit=demo.commune2, full_name="Cấp tỉnh tạo được")
    assert not Person.objects.filter(full_name__in=["Ngoài phạm vi", "Cấp trên"]).exists()


def test_person_create_needs_person_change(demo, django_user_model):
    viewer = django_user_model.objects.create_user(username="xem", password=None)
    role_assign(actor=None, user=viewer, unit=demo.commune, role=Role.VIEWER)
    with pytest.raises(PermissionDenied):
        person_create(actor=viewer, unit=demo.branch, full_name="Không được")


def test_person_create_at_closed_unit_is_refused(demo):
    closed = _closed_unit_in(demo.commune)
    with pytest.raises(ValidationError) as exc:
        person_create(actor=demo.tinh, unit=closed, full_name="Ở đơn vị cũ")
    assert "unit" in exc.value.message_dict


def test_person_create_is_atomic_when_audit_fails(demo, monkeypatch):
    import nghiquyet.accounts.services as services

    def boom(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_create", boom)
    before = Person.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        person_create(actor=demo.xa, unit=demo.branch, full_name="Không lưu")
    assert Person.objects.count() == before


# ------------------------------------------------------------------ roles


def test_role_assign_and_revoke_are_audited_and_change_scope(demo, django_user_model):
    user = django_user_model.objects.create_user(username="can-bo-moi", password=None)
    assert not can(user, Perm.TASK_PROGRESS, demo.branch)
    assignment = role_assign(actor=demo.xa, user=user, unit=demo.branch, role=Role.ADVISOR)
    assert can(user, Perm.TASK_PROGRESS, demo.branch)
    assert not can(user, Perm.UNIT_CHANGE, demo.branch)
    created = AuditEvent.objects.get(content_type__model="roleassignment", object_id=str(assignment.pk))
    assert created.action == "create" and created.changes["role"] == [None, "advisor"]
    # Assigning again is idempotent (no second row, no second event).
    assert role_assign(actor=demo.xa, user=user, unit=demo.branch, role=Role.ADVISOR) == assignment
    assert RoleAssignment.objects.filter(user=user).count() == 1
    assignment_id = assignment.pk
    role_revoke(actor=demo.xa, assignment=assignment)
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert not can(user, Perm.TASK_PROGRESS, demo.branch)
    deleted = AuditEvent.objects.get(content_type__model="roleassignment", object_id=str(assignment_id),
                                     action="delete")
    assert deleted.changes["role"] == ["advisor", None] and deleted.actor == demo.xa


def test_role_assign_validation(demo, django_user_model):
    user = django_user_model.objects.create_user(username="u1", password=None)
    with pytest.raises(ValidationError) as exc:
        role_assign(actor=demo.xa, user=user, unit=demo.branch, role="king")
    assert "role" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        role_assign(actor=demo.tinh, user=user, unit=_closed_unit_in(demo.commune), role=Role.VIEWER)
    assert "unit" in exc.value.message_dict
    user.is_active = False
    user.save()
    with pytest.raises(ValidationError) as exc:
        role_assign(actor=demo.xa, user=user, unit=demo.branch, role=Role.VIEWER)
    assert "user" in exc.value.message_dict
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_role_assign_permission(demo, django_user_model):
    user = django_user_model.objects.create_user(username="u2", password=None)
    with pytest.raises(PermissionDenied):
        role_assign(actor=demo.xa, user=user, unit=demo.commune2, role=Role.VIEWER)
    with pytest.raises(PermissionDenied):  # no escalation to the level above
        role_assign(actor=demo.xa, user=user, unit=demo.province, role=Role.SECRETARY)
    with pytest.raises(PermissionDenied):  # a viewer cannot grant
        viewer = django_user_model.objects.create_user(username="u3", password=None)
        role_assign(actor=None, user=viewer, unit=demo.commune, role=Role.VIEWER)
        role_assign(actor=viewer, user=user, unit=demo.branch, role=Role.VIEWER)
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_role_revoke_permission_and_at_closed_units(demo, django_user_model):
    assignment = RoleAssignment.objects.get(user=demo.xa2)
    with pytest.raises(PermissionDenied):
        role_revoke(actor=demo.xa, assignment=assignment)
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    # A stale assignment at a unit that has since closed can still be cleaned up from above.
    user = django_user_model.objects.create_user(username="u4", password=None)
    closed = _closed_unit_in(demo.commune)
    stale = RoleAssignment.objects.create(user=user, unit=closed, role=Role.VIEWER)
    role_revoke(actor=demo.tinh, assignment=stale)
    assert not RoleAssignment.objects.filter(pk=stale.pk).exists()


# ------------------------------------------------------------------ can() and closed units


def test_closed_units_are_never_writable(demo):
    closed = _closed_unit_in(demo.commune)
    assert closed.valid_to is not None
    for perm in set(Perm.ALL) - {Perm.AUDIT_READ}:
        assert not can(demo.tinh, perm, closed), perm
        assert closed not in units_changeable(demo.tinh, perm)
    assert can(demo.tinh, Perm.AUDIT_READ, closed)


def test_closed_in_memory_copy_counts_too(demo):
    unit = Unit.objects.get(pk=demo.branch.pk)
    assert can(demo.xa, Perm.UNIT_CHANGE, unit)
    unit.valid_to = dt.date(2025, 7, 1)
    assert not can(demo.xa, Perm.UNIT_CHANGE, unit)


def test_demo_personas_scope(demo):
    assert can(demo.xa, Perm.UNIT_CHANGE, demo.branch)
    assert not can(demo.xa, Perm.UNIT_CHANGE, demo.commune2)
    assert not can(demo.xa, Perm.UNIT_CHANGE, demo.province)
    assert can(demo.tinh, Perm.UNIT_REORGANIZE, demo.commune2)
    assert can(demo.chibo, Perm.PERSON_CHANGE, demo.branch)
    assert not can(demo.chibo, Perm.PERSON_CHANGE, demo.commune)
