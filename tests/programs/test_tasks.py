"""Action programs and tasks: the clears (a setting), dates, people, progress, status moves, permissions, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from nghiquyet.accounts.models import Person
from nghiquyet.audit.models import AuditAction
from nghiquyet.programs.models import ActionProgram, Task, TaskStatus, TaskUpdate
from nghiquyet.programs.selectors import my_tasks
from nghiquyet.programs.services import (
    program_create,
    program_update,
    task_create,
    task_progress_add,
    task_update,
)
from tests.programs.helpers import DUE, START, clears_of, program_of, task_of
from tests.resolutions.helpers import body_of, events_for, people

pytestmark = pytest.mark.django_db

CLEAR_FIELDS = {
    "person": (["responsible"], "rõ người"),
    "task": (["title"], "rõ việc"),
    "time": (["start_date", "due_date"], "rõ thời gian"),
    "responsibility": (["directing", "advisor"], "rõ trách nhiệm"),
    "deliverable": (["deliverable"], "rõ sản phẩm"),
    "authority": (["authority"], "rõ thẩm quyền"),
}


@pytest.fixture
def program(plans, demo):
    return program_of(demo.commune, plans.commune_doc)


def refused(program, **values) -> dict:
    before = Task.objects.count()
    with pytest.raises(ValidationError) as info:
        task_create(actor=None, program=program, **values)
    assert Task.objects.count() == before
    return info.value.message_dict


class TestClears:
    def test_all_clears_saved_and_audited(self, program):
        task = task_of(program)
        assert task.unit == program.unit and task.number == "1"
        assert events_for(task)[0].action == AuditAction.CREATE

    @pytest.mark.parametrize("clear", list(CLEAR_FIELDS))
    @pytest.mark.parametrize("blank", [None, "", "   "])
    def test_each_missing_clear_is_named(self, program, clear, blank):
        fields, words = CLEAR_FIELDS[clear]
        for field in fields:
            values = clears_of(program.unit)
            values[field] = blank if field in ("title", "deliverable", "authority") else None
            errors = refused(program, **values)
            assert list(errors) == [field]
            assert f"Thiếu “{words}”" in errors[field][0]

    def test_everything_missing_names_every_clear(self, program):
        errors = refused(program, title="")
        messages = " ".join(m for ms in errors.values() for m in ms)
        for _fields, words in CLEAR_FIELDS.values():
            assert words in messages

    def test_the_setting_changes_the_required_set(self, program, settings):
        settings.NGHIQUYET = {**settings.NGHIQUYET, "TASK_REQUIRED_CLEARS": ["person", "deliverable"]}
        _directing, responsible, _advisor = people(program.unit)
        errors = refused(program, title="Họp giao ban", responsible=responsible)
        assert list(errors) == ["deliverable"] and "rõ sản phẩm" in errors["deliverable"][0]
        task = task_create(actor=None, program=program, title="Họp giao ban", responsible=responsible,
                           deliverable="Thông báo kết luận")
        assert task.pk and task.start_date is None and task.directing is None
        settings.NGHIQUYET = {**settings.NGHIQUYET, "TASK_REQUIRED_CLEARS": ["authority", "no-such-clear"]}
        assert list(refused(program, title="X")) == ["authority"]
        settings.NGHIQUYET = {**settings.NGHIQUYET, "TASK_REQUIRED_CLEARS": []}
        assert task_create(actor=None, program=program, title="Chỉ có nội dung").pk
        assert "title" in refused(program, title=" ")  # a task always has content

    def test_update_cannot_drop_a_clear(self, program, demo):
        task = task_of(program)
        with pytest.raises(ValidationError) as info:
            task_update(actor=demo.xa, task=task, responsible=None)
        assert "rõ người" in info.value.message_dict["responsible"][0]
        task.refresh_from_db()
        assert task.responsible is not None


class TestBadInput:
    def test_due_before_start(self, program):
        errors = refused(program, **{**clears_of(program.unit), "start_date": DUE, "due_date": START})
        assert "trước ngày bắt đầu" in errors["due_date"][0]

    def test_due_before_start_is_also_a_database_rule(self, program):
        task = task_of(program)
        with pytest.raises(IntegrityError), transaction.atomic():
            Task.objects.filter(pk=task.pk).update(due_date=START - dt.timedelta(days=1))

    def test_people_of_another_unit(self, program, demo):
        stranger = Person.objects.filter(unit=demo.commune2).first()
        errors = refused(program, **{**clears_of(program.unit), "responsible": stranger})
        assert "không thuộc đơn vị" in errors["responsible"][0]
        below = Person.objects.filter(unit=demo.branch).first()
        assert task_of(program, responsible=below).responsible == below  # the commune's own branch: fine

    def test_coordinating_bodies(self, program, demo):
        errors = refused(program, coordinating=[body_of(demo.commune2)], **clears_of(program.unit))
        assert "coordinating" in errors
        errors = refused(program, coordinating=[demo.commune], **clears_of(program.unit))
        assert "coordinating" in errors
        task = task_of(program, coordinating=[body_of(demo.commune)])
        assert list(task.coordinating.all()) == [body_of(demo.commune)]

    def test_overlong_text(self, program):
        assert "deliverable" in refused(program, **{**clears_of(program.unit), "deliverable": "x" * 301})
        assert "number" in refused(program, number="12345678901", **clears_of(program.unit))

    @pytest.mark.parametrize("percent", [-1, 101, "abc", None, 50.5, True])
    def test_percent_0_to_100(self, program, demo, percent):
        task = task_of(program)
        with pytest.raises(ValidationError) as info:
            task_update(actor=demo.xa, task=task, percent=percent)
        assert "percent" in info.value.message_dict
        with pytest.raises(ValidationError) as info:
            task_progress_add(actor=demo.xa, task=task, on=dt.date(2026, 3, 1), note="Đã làm", percent=percent)
        assert "percent" in info.value.message_dict
        assert not TaskUpdate.objects.filter(task=task).exists()


class TestStatus:
    def test_done_means_100_percent(self, program, demo):
        task = task_update(actor=demo.xa, task=task_of(program), status=TaskStatus.DONE)
        assert (task.percent, task.completed_on) == (100, dt.date.today())
        with pytest.raises(ValidationError) as info:
            task_update(actor=demo.xa, task=task_of(program), status=TaskStatus.DONE, percent=50)
        assert "percent" in info.value.message_dict

    def test_100_percent_means_done_and_reopening(self, program, demo):
        task = task_update(actor=demo.xa, task=task_of(program), percent=100)
        assert task.status == TaskStatus.DONE
        with pytest.raises(ValidationError) as info:
            task_update(actor=demo.xa, task=task, status=TaskStatus.IN_PROGRESS)
        assert "percent" in info.value.message_dict
        task = task_update(actor=demo.xa, task=task, status=TaskStatus.IN_PROGRESS, percent=80)
        assert (task.status, task.completed_on) == (TaskStatus.IN_PROGRESS, None)
        task = task_update(actor=demo.xa, task=task, percent=0)
        assert task.status == TaskStatus.IN_PROGRESS

    @pytest.mark.parametrize(("first", "then"), [
        (TaskStatus.DONE, TaskStatus.CANCELLED),
        (TaskStatus.DONE, TaskStatus.NOT_STARTED),
        (TaskStatus.CANCELLED, TaskStatus.DONE),
    ])
    def test_refused_transitions(self, program, demo, first, then):
        task = task_update(actor=demo.xa, task=task_of(program), status=first)
        with pytest.raises(ValidationError) as info:
            task_update(actor=demo.xa, task=task, status=then)
        assert "Không chuyển được" in info.value.message_dict["status"][0]
        task.refresh_from_db()
        assert task.status == first

    @pytest.mark.parametrize("status", [TaskStatus.OVERDUE, "finished"])
    def test_not_chosen(self, program, demo, status):
        with pytest.raises(ValidationError) as info:
            task_update(actor=demo.xa, task=task_of(program), status=status)
        assert "status" in info.value.message_dict

    def test_not_started_with_progress(self, program, demo):
        task = task_update(actor=demo.xa, task=task_of(program), percent=30)
        assert task.status == TaskStatus.IN_PROGRESS
        with pytest.raises(ValidationError):
            task_update(actor=demo.xa, task=task, status=TaskStatus.NOT_STARTED)
        assert task_update(actor=demo.xa, task=task, status=TaskStatus.NOT_STARTED, percent=0).percent == 0

    def test_cancel_and_restore(self, program, demo):
        task = task_update(actor=demo.xa, task=task_of(program), status=TaskStatus.CANCELLED)
        with pytest.raises(ValidationError):
            task_progress_add(actor=demo.xa, task=task, on=dt.date(2026, 3, 1), note="x", percent=10)
        task = task_update(actor=demo.xa, task=task, status=TaskStatus.NOT_STARTED)
        assert task.status == TaskStatus.NOT_STARTED

    def test_update_audit(self, program, demo):
        task = task_update(actor=demo.xa, task=task_of(program), deliverable="Nghị quyết chuyên đề",
                           coordinating=[body_of(demo.commune)])
        event = events_for(task)[-1]
        assert event.action == AuditAction.UPDATE and event.actor == demo.xa
        assert event.changes["deliverable"] == ["Đề án được phê duyệt", "Nghị quyết chuyên đề"]
        assert event.changes["coordinating"] == [[], [str(body_of(demo.commune))]]


class TestProgress:
    def test_reports_move_the_task(self, program, demo):
        task = task_of(program)
        task_progress_add(actor=demo.xa, task=task, on=dt.date(2026, 3, 1), note="Đã khảo sát", percent=40)
        task.refresh_from_db()
        assert (task.status, task.percent) == (TaskStatus.IN_PROGRESS, 40)
        task_progress_add(actor=demo.xa, task=task, on=dt.date(2026, 6, 1), note="Đã trình", percent=100)
        task.refresh_from_db()
        assert (task.status, task.completed_on) == (TaskStatus.DONE, dt.date(2026, 6, 1))
        task_progress_add(actor=demo.xa, task=task, on=dt.date(2026, 7, 1), note="Phải sửa lại", percent=90)
        task.refresh_from_db()
        assert (task.status, task.completed_on, task.percent) == (TaskStatus.IN_PROGRESS, None, 90)
        progress_events = [e for e in events_for(task) if "progress" in e.changes]
        assert len(progress_events) == 3

    def test_bad_reports(self, program, demo):
        task = task_of(program)
        future = dt.date.today() + dt.timedelta(days=1)
        for kwargs, field in (({"on": future}, "on"), ({"on": None}, "on"), ({"note": "  "}, "note")):
            values = {"on": dt.date(2026, 3, 1), "note": "Đã làm", "percent": 10, **kwargs}
            with pytest.raises(ValidationError) as info:
                task_progress_add(actor=demo.xa, task=task, **values)
            assert field in info.value.message_dict
        assert not TaskUpdate.objects.filter(task=task).exists()

    def test_who_may_report(self, program, demo):
        chibo_person = Person.objects.get(user=demo.chibo)
        task = task_of(program, responsible=chibo_person)
        other = task_of(program)
        # the branch secretary owns the first task (as the responsible person) but has no role at the commune
        task_progress_add(actor=demo.chibo, task=task, on=dt.date(2026, 3, 1), note="Đã triển khai", percent=20)
        with pytest.raises(PermissionDenied):
            task_progress_add(actor=demo.chibo, task=other, on=dt.date(2026, 3, 1), note="x", percent=20)
        with pytest.raises(PermissionDenied):
            task_progress_add(actor=demo.xa2, task=other, on=dt.date(2026, 3, 1), note="x", percent=20)
        assert task in my_tasks(demo.chibo) and other not in my_tasks(demo.chibo)


class TestPermissions:
    def test_subordinates_cannot_change_ancestors_programs_or_tasks(self, plans, demo):
        province_program = program_of(demo.province, plans.province_doc)
        province_task = task_of(province_program)
        for user in (demo.xa, demo.xa2, demo.chibo):
            with pytest.raises(PermissionDenied):
                task_create(actor=user, program=province_program, **clears_of(demo.province))
            with pytest.raises(PermissionDenied):
                task_update(actor=user, task=province_task, title="Sửa của cấp trên")
            with pytest.raises(PermissionDenied):
                program_update(actor=user, program=province_program, title="Sửa của cấp trên")
            with pytest.raises(PermissionDenied):
                program_create(actor=user, unit=demo.province, resolution=plans.province_doc, title="X",
                               issued_on=dt.date(2025, 11, 1))

    def test_siblings_cannot_change_each_other(self, program, demo):
        task = task_of(program)
        with pytest.raises(PermissionDenied):
            task_update(actor=demo.xa2, task=task, title="Sửa của xã bạn")
        with pytest.raises(PermissionDenied):
            task_create(actor=demo.xa2, program=program, **clears_of(program.unit))

    def test_the_level_above_may(self, program, demo):
        task = task_create(actor=demo.tinh, program=program, **clears_of(program.unit))
        task_update(actor=demo.tinh, task=task, status=TaskStatus.IN_PROGRESS)


class TestPrograms:
    def test_bad_programs_are_refused(self, plans, demo):
        before = ActionProgram.objects.count()
        cases = [
            ({"resolution": plans.commune2_doc}, "resolution"),                  # a sibling's resolution
            ({"resolution": None}, "resolution"),
            ({"title": "  "}, "title"),
            ({"symbol": "05-NQ/ĐU"}, "symbol"),                                  # a program is CTr or KH
            ({"symbol": "05:CTr"}, "symbol"),
            ({"issued_on": dt.date(2025, 1, 1)}, "issued_on"),                   # before the resolution
            ({"issued_on": dt.date.today() + dt.timedelta(days=5)}, "issued_on"),
            ({"issued_on": None}, "issued_on"),
        ]
        for overrides, field in cases:
            values = {"unit": demo.commune, "resolution": plans.commune_doc, "title": "Chương trình",
                      "issued_on": dt.date(2025, 11, 1), "symbol": "05-CTr/ĐU", **overrides}
            with pytest.raises(ValidationError) as info:
                program_create(actor=demo.xa, **values)
            assert field in info.value.message_dict, (overrides, info.value.message_dict)
        assert ActionProgram.objects.count() == before

    def test_program_of_a_resolution_from_above(self, plans, demo):
        program = program_create(actor=demo.xa, unit=demo.commune, resolution=plans.province_doc,
                                 title="Kế hoạch thực hiện", issued_on=dt.date(2025, 11, 2), symbol="7-kh/đu")
        assert program.symbol == "07-KH/ĐU"
        assert events_for(program)[0].action == AuditAction.CREATE
        program = program_update(actor=demo.xa, program=program, title="Kế hoạch thực hiện (sửa)")
        assert events_for(program)[-1].changes["title"] == ["Kế hoạch thực hiện", "Kế hoạch thực hiện (sửa)"]
        with pytest.raises(ValidationError):
            program_update(actor=demo.xa, program=program, symbol="rác")
        program.refresh_from_db()
        assert program.symbol == "07-KH/ĐU"


def test_my_tasks_lists_what_a_person_directs_owns_or_advises(program, demo):
    me = Person.objects.get(user=demo.xa)
    directing, responsible, advisor = people(program.unit)
    as_directing = task_of(program, directing=me)
    as_advisor = task_of(program, advisor=me)
    not_mine = task_of(program, directing=directing, responsible=responsible, advisor=advisor) \
        if me not in (directing, responsible, advisor) else None
    mine = set(my_tasks(demo.xa))
    assert {as_directing, as_advisor} <= mine
    if not_mine is not None:
        assert not_mine not in mine
