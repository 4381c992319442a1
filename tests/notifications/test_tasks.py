"""The queue side: the clock never piles up waiting scans, and its old results are pruned."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from nghiquyet.notifications.management.commands.worker import prune_results
from nghiquyet.notifications.tasks import enqueue_unless_waiting, reminders_scan, reminders_send


def test_a_waiting_scan_is_not_queued_twice(db):
    assert enqueue_unless_waiting(reminders_scan) is True
    assert enqueue_unless_waiting(reminders_scan) is False  # two workers ticking: still one waiting scan
    assert enqueue_unless_waiting(reminders_send) is True
    paths = [reminders_scan.module_path, reminders_send.module_path]
    waiting = DBTaskResult.objects.ready().filter(task_path__in=paths)  # the demo seed queues other work too
    assert sorted(waiting.values_list("task_path", flat=True)) == [reminders_scan.module_path,
                                                                     reminders_send.module_path]


def test_old_successful_clock_results_are_pruned(db):
    enqueue_unless_waiting(reminders_scan)
    result = DBTaskResult.objects.get(task_path=reminders_scan.module_path)
    result.claim("test")
    result.set_successful({"due": 0})
    assert prune_results() == 0  # a fresh one stays
    DBTaskResult.objects.filter(pk=result.pk).update(finished_at=timezone.now() - dt.timedelta(days=2))
    assert prune_results() == 1
    assert not DBTaskResult.objects.filter(pk=result.pk).exists()
