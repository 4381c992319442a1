"""Who a program's tasks may name: one rule for the service, the forms and the API (through
``program_people``/``program_bodies``): people of the program's unit, of the units directly under it and of
its ancestors (current units only), plus the people the task being edited already names; bodies directly
under the unit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from nghiquyet.accounts.models import Person
from nghiquyet.org.models import Unit
from nghiquyet.programs.models import Task
from nghiquyet.programs.selectors import (
    bodies_assignable,
    body_assignable,
    people_assignable,
    person_assignable,
    program_bodies,
    program_people,
)
from nghiquyet.programs.services import task_create, task_update
from tests.programs.helpers import clears_of, program_of, task_of

pytestmark = pytest.mark.django_db


def _units(demo) -> list[Unit]:
    return [demo.province, demo.commune, demo.commune2, demo.branch,
            *Unit.objects.filter(valid_to__isnull=True).order_by("?")[:6]]


def test_the_query_and_the_service_check_agree_on_every_person_and_body(demo):
    people = list(Person.objects.select_related("unit"))
    bodies = list(Unit.objects.all())
    for unit in _units(demo):
        offered = set(people_assignable(unit).values_list("pk", flat=True))
        assert offered == {p.pk for p in people if person_assignable(unit, p)}, unit
        offered_bodies = set(bodies_assignable(unit).values_list("pk", flat=True))
        assert offered_bodies == {b.pk for b in bodies if body_assignable(unit, b)}, unit


def test_the_rule_is_the_unit_the_level_below_and_the_ancestors(demo):
    people = list(Person.objects.select_related("unit"))
    commune = demo.commune
    for person in people:
        unit = person.unit
        expected = unit.valid_to is None and (
            unit.pk == commune.pk or unit.parent_id == commune.pk or unit.pk in commune.ancestor_ids)
        assert person_assignable(commune, person) == expected, person
    # two levels down is not offered: a province program does not list every branch secretary
    chibo = Person.objects.get(user=demo.chibo)
    assert not person_assignable(demo.province, chibo)
    assert person_assignable(demo.commune, chibo) and person_assignable(demo.branch, chibo)
    # siblings never
    assert not Person.objects.filter(unit=demo.commune2).filter(
        pk__in=program_people(demo.xa, program_of(demo.commune, _doc(demo))).values("pk")).exists()


def _doc(demo):
    from tests.resolutions.helpers import resolution

    return resolution(demo.commune)


def test_a_branch_task_may_be_directed_from_the_commune_and_the_branch_secretary_sees_those_people(demo):
    from tests.resolutions.helpers import resolution

    program = program_of(demo.branch, resolution(demo.branch, issuer="CB"))
    commune_standing = Person.objects.filter(unit=demo.commune, position__contains="Thường vụ").first()
    chibo = Person.objects.get(user=demo.chibo)
    task = task_of(program, directing=commune_standing, responsible=chibo, advisor=Person.objects.get(user=demo.xa))
    offered = set(program_people(demo.chibo, program).values_list("pk", flat=True))
    assert {commune_standing.pk, chibo.pk, task.advisor_id} <= offered
    province_person = Person.objects.filter(unit=demo.province).first()
    assert province_person.pk in offered  # ancestors, all the way up
    task_update(actor=demo.chibo, task=task, title="Sửa bởi bí thư chi bộ")


def test_the_people_a_task_already_names_stay_offered_and_accepted(demo):
    program = program_of(demo.commune, _doc(demo))
    task = task_of(program)
    outsider = Person.objects.filter(unit=demo.commune2).first()
    with pytest.raises(ValidationError) as exc:
        task_update(actor=None, task=task, advisor=outsider)
    assert "advisor" in exc.value.message_dict
    assert outsider.pk not in set(program_people(demo.xa, program).values_list("pk", flat=True))
    # A person who was assigned and then moved away (an older rule, a reorganization) stays on the task.
    Task.objects.filter(pk=task.pk).update(advisor=outsider)
    task.refresh_from_db()
    assert outsider.pk in set(program_people(demo.xa, program, task=task).values_list("pk", flat=True))
    assert outsider.pk not in set(program_people(demo.xa, program).values_list("pk", flat=True))
    task_update(actor=None, task=task, title="Giữ nguyên người tham mưu")
    task_update(actor=None, task=task, advisor=outsider, deliverable="Báo cáo")
    # ... but cannot be put on another task
    with pytest.raises(ValidationError):
        task_create(actor=None, program=program, **{**clears_of(demo.commune), "advisor": outsider})


def test_bodies_are_those_directly_under_the_unit(demo):
    program = program_of(demo.commune, _doc(demo))
    offered = list(program_bodies(demo.xa, program))
    assert offered and all(b.parent_id == demo.commune.pk and b.valid_to is None for b in offered)
    assert demo.branch in offered  # a branch may coordinate a commune task (the demo does)
    deeper = Unit.objects.filter(path__startswith=demo.branch.path).exclude(pk=demo.branch.pk).first()
    if deeper is not None:
        assert deeper not in offered
        with pytest.raises(ValidationError):
            task_of(program, coordinating=[deeper])
    task = task_of(program, coordinating=[demo.branch])
    assert list(task.coordinating.all()) == [demo.branch]
    other = Unit.objects.filter(parent=demo.commune2).first()
    with pytest.raises(ValidationError) as exc:
        task_update(actor=None, task=task, coordinating=[other])
    assert "coordinating" in exc.value.message_dict
