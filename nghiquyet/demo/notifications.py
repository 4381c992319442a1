"""Demo inbox: the reminders the worker would have produced for the demo accounts up to ``DEMO_TODAY``.

The scan runs synchronously, in this process, with e-mail marked not needed (the demo has no SMTP server):

* history: the reporting and task sources for each day of the eight weeks before ``DEMO_TODAY`` on which one of
  their deadlines reaches an occasion (both answer for a past day as it was: a report sent or a task completed
  later still counted as missing on that day), so the inbox holds the Q3/2026 report reminders and the task
  reminders of October and November, each dated on its day;
* then the full scan (every configured source) as of ``DEMO_TODAY``.

Items older than ``READ_AFTER_DAYS`` are marked read (the day after they arrived), the recent ones and each
account's newest item stay unread.
Idempotent: nothing is written when a demo account already has an inbox item.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from nghiquyet.demo.plans import DEMO_TODAY
from nghiquyet.notifications.models import Notification
from nghiquyet.notifications.reminders import reminder_settings
from nghiquyet.notifications.services import reminders_record
from nghiquyet.notifications.tasks import scan
from nghiquyet.org.models import Unit

DEMO_USERNAMES = ("demo-tinh", "demo-xa", "demo-xa2", "demo-chibo")
HISTORY_DAYS = 56
READ_AFTER_DAYS = 14


@dataclass
class NotificationsSummary:
    created: bool
    seconds: float
    items: int
    unread: int
    by_user: dict[str, int]

    def line(self) -> str:
        people = ", ".join(f"{name} {count}" for name, count in self.by_user.items())
        return (f"Thông báo nhắc việc: {self.items} mục ({self.unread} chưa đọc; {people})"
                + (f"; tạo trong {self.seconds:.1f} giây".replace(".", ",") if self.created else ""))


def _at(day: dt.date, hour: int = 7) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _summary(created: bool, seconds: float) -> NotificationsSummary:
    items = Notification.objects.filter(user__username__in=DEMO_USERNAMES)
    by_user = dict.fromkeys(DEMO_USERNAMES, 0)
    for name in items.values_list("user__username", flat=True):
        by_user[name] += 1
    return NotificationsSummary(created=created, seconds=seconds, items=items.count(),
                                unread=items.filter(read_at__isnull=True).count(), by_user=by_user)


def _occasion_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """The days in [start, end) on which a report or task deadline reaches an occasion (a reminder can only be new
    on such a day): asking the sources on these days gives the same inbox as asking them every day, faster."""
    from nghiquyet.programs.models import Task
    from nghiquyet.reporting import rules
    from nghiquyet.reporting.models import Period, Schedule
    from nghiquyet.reporting.periods import period_bounds, period_keys

    conf = reminder_settings()
    offsets = [-days for days in conf["BEFORE_DAYS"]] + list(conf["AFTER_DAYS"])
    early, late = start - dt.timedelta(days=max(offsets)), end + dt.timedelta(days=-min(offsets))
    deadlines = set(Task.objects.filter(due_date__gte=early, due_date__lte=late).values_list("due_date", flat=True))
    for schedule in Schedule.objects.filter(is_active=True):
        for year, number in period_keys(schedule.period_kind, max(schedule.starts_on, early - dt.timedelta(days=400)),
                                        min(schedule.ends_on, late)):
            first, last = period_bounds(schedule.period_kind, year, number)
            period = Period(kind=schedule.period_kind, year=year, number=number, start=first, end=last)
            deadlines.update(rules.due_on(schedule, kind, period) for kind in schedule.reporting_kinds or [])
    return sorted({due + dt.timedelta(days=offset) for due in deadlines for offset in offsets
                   if start <= due + dt.timedelta(days=offset) < end})


def seed_notifications(province: Unit, say=lambda message: None) -> NotificationsSummary:
    """Fill the demo accounts' inboxes unless one already has an item. Call last in ``seed_demo``."""
    from nghiquyet.programs.reminders import reminders_due as task_reminders
    from nghiquyet.reporting.reminders import reminders_due as report_reminders

    started = time.perf_counter()
    users = get_user_model().objects.filter(username__in=DEMO_USERNAMES)
    if Notification.objects.filter(user__in=users).exists():
        return _summary(created=False, seconds=0.0)
    say("  Thông báo nhắc việc của các tài khoản minh họa (quét đến ngày "
        f"{DEMO_TODAY.strftime('%d/%m/%Y')}, không gửi thư)")
    for day in _occasion_days(DEMO_TODAY - dt.timedelta(days=HISTORY_DAYS), DEMO_TODAY):
        reminders = [*report_reminders(day), *task_reminders(day)]
        if not reminders:
            continue
        last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        reminders_record(reminders=reminders, email=False, now=_at(day))
        Notification.objects.filter(pk__gt=last).update(created_at=_at(day))
    last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    scan(DEMO_TODAY, email=False)
    Notification.objects.filter(pk__gt=last).update(created_at=_at(DEMO_TODAY))
    newest = [Notification.objects.filter(user=user).order_by("-created_at", "-pk").values_list("pk", flat=True)
              .first() for user in users]
    Notification.objects.filter(created_at__lt=_at(DEMO_TODAY - dt.timedelta(days=READ_AFTER_DAYS)),
                                read_at__isnull=True).exclude(pk__in=[pk for pk in newest if pk]) \
        .update(read_at=F("created_at") + dt.timedelta(days=1))
    return _summary(created=True, seconds=time.perf_counter() - started)
