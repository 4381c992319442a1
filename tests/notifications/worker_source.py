"""A reminder source for the worker tests (set through NGHIQUYET_REMINDER_SOURCES in the worker's environment):
one task reminder for every active account whose username starts with ``wt-``, and a report reminder too for the
even ids, so a person can have several reminders in one scan. Keys carry no date: a reminder is the same on every
scan, whatever the day."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from nghiquyet.notifications.reminders import Reminder, ReminderKind


def reminders_due(today):
    for user in get_user_model().objects.filter(username__startswith="wt-", is_active=True).order_by("pk"):
        yield Reminder(kind=ReminderKind.TASK_DUE, key=f"wt-task:{user.pk}", user_id=user.pk,
                       subject=f"Nhiệm vụ đến hạn hôm nay ({user.username})", body="Nội dung nhắc việc.",
                       url="/chuong-trinh/viec-cua-toi/", due_on=today)
        if user.pk % 2 == 0:
            yield Reminder(kind=ReminderKind.REPORT_DUE, key=f"wt-report:{user.pk}", user_id=user.pk,
                           subject=f"Báo cáo quý còn 3 ngày đến hạn ({user.username})", body="Nhập số liệu.",
                           url="/bao-cao/", due_on=today)
