"""The demo inboxes: produced by the scan as of DEMO_TODAY (plus the history of the reporting and task sources),
no e-mail, some read and some unread for each demo account."""

from __future__ import annotations

import time

from nghiquyet.demo.notifications import DEMO_USERNAMES, seed_notifications
from nghiquyet.demo.plans import DEMO_TODAY
from nghiquyet.notifications.models import Delivery, EmailStatus, Notification
from nghiquyet.notifications.reminders import ReminderKind
from nghiquyet.notifications.tasks import scan


def test_every_demo_account_has_read_and_unread_items(demo):
    for username in DEMO_USERNAMES:
        items = Notification.objects.filter(user__username=username)
        assert items.filter(read_at__isnull=True).exists(), username
        assert items.exists(), username
    assert Notification.objects.filter(user__username__in=DEMO_USERNAMES, read_at__isnull=False).exists()
    assert not Delivery.objects.filter(user__username__in=DEMO_USERNAMES).exclude(
        email_status=EmailStatus.NOT_NEEDED).exists()
    # the Q3/2026 report reminders of An Lạc (demo-xa2), dated on their day, and an overdue task for demo-tinh
    xa2 = Notification.objects.filter(user=demo.xa2, kind=ReminderKind.REPORT_DUE).order_by("created_at")
    assert [n.created_at.date().isoformat() for n in xa2][:2] == ["2026-10-07", "2026-10-10"]
    # the task reminders of October and November (history), each dated on its occasion; demo-tinh's task overdue
    # since 30/06/2026 is not reminded as "quá hạn 7 ngày" on 25/11 (CATCH_UP_DAYS)
    tasks = Notification.objects.filter(kind=ReminderKind.TASK_DUE, user__username__in=DEMO_USERNAMES)
    assert tasks.filter(user=demo.xa).exists() and tasks.filter(user=demo.chibo).exists()
    assert not tasks.filter(user=demo.tinh).exists()
    for item in tasks:
        assert -3 <= (item.created_at.date() - item.due_on).days <= 7 + 3, (item.subject, item.created_at)
    assert not Notification.objects.filter(created_at__date__gt=DEMO_TODAY).exists()


def test_the_demo_seed_and_the_scan_are_idempotent(demo):
    before = Notification.objects.count()
    summary = seed_notifications(demo.province)
    assert summary.created is False and Notification.objects.count() == before
    started = time.perf_counter()
    result = scan(DEMO_TODAY, email=False)
    seconds = time.perf_counter() - started
    assert result["created"] == 0 and result["due"] > 0 and Notification.objects.count() == before
    print(f"\nscan over the demo as of {DEMO_TODAY}: {result['due']} reminders due, {seconds:.3f} s")
