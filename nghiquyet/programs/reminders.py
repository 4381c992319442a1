"""Reminder source for the tasks of action programs (``ReminderKind.TASK_DUE``).

A task that is neither done (by ``today``) nor cancelled and has a due date reminds, on each occasion of the
REMINDERS settings (days before, on the day, days after), the accounts of its directing standing member, its
responsible committee member and its advisor (each person once, even when they hold two of the roles). The key
holds the due date: a deadline moved later reminds again on the occasions of the new date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from nghiquyet.notifications.reminders import (
    Reminder,
    ReminderKind,
    date_vn,
    occasion_for,
    occasion_text,
    reminder_settings,
)
from nghiquyet.programs.models import Task, TaskStatus


def reminders_due(today: dt.date) -> Iterator[Reminder]:
    conf = reminder_settings()
    first = max(conf["BEFORE_DAYS"] or [0])
    # Open tasks, and tasks completed after ``today`` (they were open on that day: a scan for a past day, by a
    # worker catching up or for the demo's history, sees them as they were).
    still_open = ~Q(status__in=[TaskStatus.DONE, TaskStatus.CANCELLED]) | Q(status=TaskStatus.DONE,
                                                                             completed_on__gt=today)
    tasks = (Task.objects.filter(still_open, due_date__isnull=False, due_date__lte=today + dt.timedelta(days=first))
             .select_related("program", "unit", "directing__user", "responsible__user", "advisor__user")
             .order_by("due_date", "id"))
    for task in tasks.iterator(chunk_size=500):
        occasion = occasion_for(task.due_date, today)
        if occasion is None:
            continue
        roles = [(task.directing, _("chỉ đạo")), (task.responsible, _("phụ trách")), (task.advisor, _("tham mưu"))]
        by_user: dict[int, list[str]] = {}
        for person, role in roles:
            user = getattr(person, "user", None) if person is not None else None
            if user is not None and user.is_active:
                by_user.setdefault(user.pk, []).append(role)
        if not by_user:
            continue
        when = occasion_text(occasion)
        subject = _("Nhiệm vụ %(when)s: %(title)s") % {"when": when, "title": task.title}
        url = reverse("task_detail", args=[task.pk])
        for user_id, user_roles in by_user.items():
            body = "\n".join([
                _("Nhiệm vụ: %(title)s") % {"title": task.title},
                _("Chương trình: %(program)s") % {"program": task.program},
                _("Đơn vị: %(unit)s") % {"unit": task.unit},
                _("Thời hạn hoàn thành: %(due)s (%(when)s)") % {"due": date_vn(task.due_date), "when": when},
                _("Tiến độ: %(percent)s%%, trạng thái: %(status)s") % {
                    "percent": task.percent, "status": TaskStatus(task.status).label},
                _("Đồng chí là người %(roles)s nhiệm vụ này.") % {"roles": ", ".join(user_roles)},
            ])
            yield Reminder(kind=ReminderKind.TASK_DUE, key=f"task:{task.pk}:{task.due_date.isoformat()}:{occasion}",
                           user_id=user_id, subject=subject[:300], body=body, url=url, due_on=task.due_date,
                           unit_id=task.unit_id)
