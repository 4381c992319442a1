"""The two reminder sources written here (reports due, tasks due) and the contract's tolerance of missing or
broken sources."""

from __future__ import annotations

import datetime as dt
import logging

from nghiquyet.accounts.models import Person
from nghiquyet.notifications import reminders as contract
from nghiquyet.notifications.reminders import ReminderKind, occasion_for
from nghiquyet.programs.models import Task, TaskStatus
from nghiquyet.programs.reminders import reminders_due as task_reminders
from nghiquyet.reporting.models import Schedule, Submission, SubmissionStatus
from nghiquyet.reporting.reminders import reminders_due as report_reminders

DUE = dt.date(2026, 12, 10)


def _task(demo, **changes) -> Task:
    task = Task.objects.filter(advisor__user=demo.tinh).order_by("pk").first()
    for name, value in {"status": TaskStatus.IN_PROGRESS, "due_date": DUE, "completed_on": None, **changes}.items():
        setattr(task, name, value)
    task.save()
    return task


def _for(task, day):
    return [r for r in task_reminders(day) if r.key.startswith(f"task:{task.pk}:")]


def test_task_reminders_follow_the_occasions(demo, settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "REMINDERS": {**settings.NGHIQUYET["REMINDERS"],
                                                              "BEFORE_DAYS": [3, 0], "AFTER_DAYS": [1, 7]}}
    task = _task(demo)
    # CATCH_UP_DAYS (3): an occasion is still reminded up to 3 days after it was reached, not later.
    expected = {-4: None, -3: "before-3", -1: "before-3", 0: "before-0", 1: "after-1", 4: "after-1", 5: None,
                6: None, 7: "after-7", 10: "after-7", 11: None, 200: None}
    for offset, occasion in expected.items():
        day = DUE + dt.timedelta(days=offset)
        found = _for(task, day)
        assert occasion_for(DUE, day) == occasion
        if occasion is None:
            assert found == []
        else:
            assert {r.key for r in found} == {f"task:{task.pk}:2026-12-10:{occasion}"}
            assert demo.tinh.pk in {r.user_id for r in found}
            mine = next(r for r in found if r.user_id == demo.tinh.pk)
            assert mine.kind == ReminderKind.TASK_DUE and mine.url == f"/chuong-trinh/nhiem-vu/{task.pk}/"
            assert "10/12/2026" in mine.body and mine.due_on == DUE and mine.unit_id == task.unit_id


def test_done_and_cancelled_tasks_do_not_remind_but_a_later_completion_counts_for_the_day_before(demo):
    task = _task(demo, status=TaskStatus.DONE, completed_on=DUE - dt.timedelta(days=1))
    assert _for(task, DUE) == []
    task = _task(demo, status=TaskStatus.DONE, completed_on=DUE + dt.timedelta(days=2))
    assert [r.key for r in _for(task, DUE) if r.user_id == demo.tinh.pk] == [f"task:{task.pk}:2026-12-10:before-0"]
    task = _task(demo, status=TaskStatus.CANCELLED)
    assert _for(task, DUE) == []


def test_a_person_holding_two_roles_on_a_task_is_reminded_once(demo):
    person = Person.objects.get(user=demo.tinh)
    task = _task(demo, responsible=person, directing=None)
    found = [r for r in _for(task, DUE) if r.user_id == demo.tinh.pk]
    assert len(found) == 1
    assert "phụ trách, tham mưu" in found[0].body


def _q3(demo):
    schedule = Schedule.objects.get(unit=demo.province)  # communes report quarterly, due 10 days after
    submission = Submission.objects.get(schedule=schedule, unit=demo.commune2, period__kind="quarter",
                                        period__year=2026, period__number=3)
    return schedule, submission


def _report_keys(day, user):
    return sorted(r.key for r in report_reminders(day) if r.user_id == user.pk)


def test_report_reminders_go_to_the_unit_that_has_not_submitted(demo):
    schedule, submission = _q3(demo)
    prefix = f"report:{schedule.pk}:{demo.commune2.pk}:quarter-2026-3"
    # An Lạc sent its Q3/2026 report on 11/10/2026 (local time): reminded before, not after.
    assert submission.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED)
    assert _report_keys(dt.date(2026, 10, 6), demo.xa2) == []
    assert _report_keys(dt.date(2026, 10, 7), demo.xa2) == [f"{prefix}:before-3"]
    assert _report_keys(dt.date(2026, 10, 10), demo.xa2) == [f"{prefix}:before-0"]
    assert _report_keys(dt.date(2026, 10, 12), demo.xa2) == []
    reminder = next(r for r in report_reminders(dt.date(2026, 10, 10)) if r.user_id == demo.xa2.pk)
    assert reminder.url == f"/bao-cao/don-vi/{demo.commune2.pk}/nhap/{schedule.pk}/quarter-2026-3/"
    assert reminder.due_on == dt.date(2026, 10, 10) and reminder.unit_id == demo.commune2.pk
    # A draft or a returned report is not sent: the reminders go on after the deadline, until the lock.
    Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.RETURNED)
    assert _report_keys(dt.date(2026, 10, 12), demo.xa2) == [f"{prefix}:after-1"]
    assert _report_keys(dt.date(2026, 10, 17), demo.xa2) == [f"{prefix}:after-7"]
    assert _report_keys(dt.date(2026, 10, 20), demo.xa2) == [f"{prefix}:after-7"]  # caught up within 3 days
    assert _report_keys(dt.date(2026, 10, 21), demo.xa2) == []  # not reminded again as "quá hạn 7 ngày"
    locks = dt.date(2026, 9, 30) + dt.timedelta(days=schedule.lock_days)
    assert _report_keys(locks, demo.xa2) == []


def test_report_reminders_reach_only_submitters_at_the_unit_itself(demo):
    day = dt.date(2026, 10, 7)
    users = {r.user_id for r in report_reminders(day)}
    assert demo.tinh.pk not in users  # the province does not report in these schedules
    for r in report_reminders(day):
        assert r.kind == ReminderKind.REPORT_DUE
        assert r.unit_id in {demo.commune.pk, demo.commune2.pk, demo.branch.pk}  # the only units with accounts


def test_a_missing_source_is_a_warning_and_a_broken_one_is_skipped(demo, settings, caplog):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "REMINDERS": {
        **settings.NGHIQUYET["REMINDERS"],
        "SOURCES": ["nghiquyet.nowhere.reminders.reminders_due", "tests.notifications.test_sources.broken_source",
                    "nghiquyet.programs.reminders.reminders_due"]}}
    task = _task(demo)
    with caplog.at_level(logging.WARNING, logger="nghiquyet.notifications.reminders"):
        found = list(contract.reminders_due(DUE))
    assert f"task:{task.pk}:2026-12-10:before-0" in {r.key for r in found}
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "nghiquyet.nowhere.reminders.reminders_due is not available" in messages
    assert "failed" in messages


def broken_source(today):
    raise RuntimeError("broken on purpose")
    yield  # pragma: no cover


def test_a_moved_deadline_reminds_again_on_the_new_dates(demo):
    from nghiquyet.notifications.services import reminders_record

    task = _task(demo)
    first = _for(task, DUE + dt.timedelta(days=1))
    assert {r.key for r in first} == {f"task:{task.pk}:2026-12-10:after-1"}
    reminders_record(reminders=first, email=False)
    # The deadline is moved to 20/12: its "3 days before", "on the day" and "overdue" are new reminders.
    task = _task(demo, due_date=dt.date(2026, 12, 20))
    for day, occasion in ((dt.date(2026, 12, 17), "before-3"), (dt.date(2026, 12, 20), "before-0"),
                          (dt.date(2026, 12, 21), "after-1")):
        found = _for(task, day)
        assert {r.key for r in found} == {f"task:{task.pk}:2026-12-20:{occasion}"}
        assert reminders_record(reminders=found, email=False).created == len(found) >= 1


def test_a_deadline_long_past_is_not_reminded_at_go_live(demo, settings):
    """A task overdue since 2021 met by the first scan: no "quá hạn 7 ngày" reminder (CATCH_UP_DAYS, default 3);
    the bound is a setting."""
    task = _task(demo, start_date=dt.date(2021, 1, 1), due_date=dt.date(2021, 6, 30))
    assert occasion_for(dt.date(2021, 6, 30), dt.date(2026, 11, 25)) is None
    assert _for(task, dt.date(2026, 11, 25)) == []
    assert contract.reminder_settings()["CATCH_UP_DAYS"] == 3
    settings.NGHIQUYET = {**settings.NGHIQUYET, "REMINDERS": {**settings.NGHIQUYET["REMINDERS"], "CATCH_UP_DAYS": 0}}
    assert occasion_for(DUE, DUE + dt.timedelta(days=7)) == "after-7"
    assert occasion_for(DUE, DUE + dt.timedelta(days=8)) is None
    assert occasion_for(DUE, DUE - dt.timedelta(days=2)) is None  # "before-3" was yesterday
