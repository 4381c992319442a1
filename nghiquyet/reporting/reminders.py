"""Reminder source for progress reports (``ReminderKind.REPORT_DUE``).

For each active schedule and each of its periods whose deadline has an occasion reached today (days before, on the
day, days after, see the REMINDERS settings) and whose figures are not locked yet, every unit the schedule expects
(``rules.schedule_expects``: its kind reports, in the owner's subtree, existing during the period) that has not
submitted by the end of ``today`` (no report, a draft or a returned one) reminds the accounts holding
``REPORT_SUBMIT`` at that unit itself (not the levels above: they see it in completeness). A unit closed since
(merged away) is not reminded: nobody can submit for it any more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.selectors import permission_holders
from nghiquyet.notifications.reminders import (
    Reminder,
    ReminderKind,
    date_vn,
    occasion_for,
    occasion_text,
    reminder_settings,
)
from nghiquyet.org.models import Unit
from nghiquyet.reporting import rules
from nghiquyet.reporting.models import Period, Schedule, Submission, SubmissionStatus
from nghiquyet.reporting.periods import period_bounds, period_keys, period_label

SUBMITTED = (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED)


def _relevant_periods(schedule: Schedule, today: dt.date, first_before: int) -> list[Period]:
    """Unsaved ``Period`` values of the schedule whose earliest deadline is close enough and that are not locked."""
    longest = max([schedule.due_days, *[int(d) for d in (schedule.due_days_by_kind or {}).values()]])
    periods = []
    for year, number in period_keys(schedule.period_kind, schedule.starts_on, schedule.ends_on):
        start, end = period_bounds(schedule.period_kind, year, number)
        period = Period(kind=schedule.period_kind, year=year, number=number, start=start, end=end)
        if today >= rules.locks_on(schedule, period):
            continue  # locked: nothing can be submitted any more
        if end + dt.timedelta(days=longest) - dt.timedelta(days=first_before) > today:
            continue  # no deadline of this period has reached its first occasion
        if not rules.schedule_covers_period(schedule, period):
            continue
        periods.append(period)
    return periods


def reminders_due(today: dt.date) -> Iterator[Reminder]:
    conf = reminder_settings()
    first_before = max(conf["BEFORE_DAYS"] or [0])
    # A report sent after ``today`` was not sent on ``today``: the answer depends on the day asked only, so a scan
    # for a past day (a worker catching up, the demo's history) sees what was missing then.
    end_of_today = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min))

    # (schedule, period, unit, due, occasion) of every expected report not submitted yet.
    pending: list[tuple[Schedule, Period, Unit, dt.date, str]] = []
    for schedule in Schedule.objects.filter(is_active=True).select_related("unit").order_by("id"):
        periods = _relevant_periods(schedule, today, first_before)
        if not periods or not schedule.reporting_kinds:
            continue
        units = list(Unit.objects.filter(path__under=schedule.unit.path, kind__in=schedule.reporting_kinds)
                     .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today)).order_by("path"))
        if not units:
            continue
        done = set(Submission.objects.filter(
            Q(submitted_at__isnull=True) | Q(submitted_at__lt=end_of_today),
            schedule=schedule, status__in=SUBMITTED,
            period__kind=schedule.period_kind, period__year__in={p.year for p in periods},
        ).values_list("unit_id", "period__year", "period__number"))
        for period in periods:
            for unit in units:
                if (unit.pk, period.year, period.number) in done or not rules.schedule_expects(schedule, unit, period):
                    continue
                due = rules.due_on(schedule, unit.kind, period)
                occasion = occasion_for(due, today)
                if occasion is not None:
                    pending.append((schedule, period, unit, due, occasion))
    if not pending:
        return

    recipients = permission_holders([Perm.REPORT_SUBMIT], {unit.pk for _s, _p, unit, _d, _o in pending})

    for schedule, period, unit, due, occasion in pending:
        users = recipients.get(unit.pk)
        if not users:
            continue
        key_period = f"{period.kind}-{period.year}-{period.number}"
        label = period_label(period.kind, period.year, period.number)
        when = occasion_text(occasion)
        subject = _("Báo cáo %(period)s %(when)s: %(unit)s") % {"period": label, "when": when, "unit": unit.name}
        body = "\n".join([
            _("Đơn vị: %(unit)s") % {"unit": unit.name},
            _("Lịch báo cáo: %(schedule)s (%(owner)s)") % {"schedule": schedule.name, "owner": schedule.unit.name},
            _("Kỳ báo cáo: %(period)s") % {"period": label},
            _("Hạn nộp: %(due)s (%(when)s)") % {"due": date_vn(due), "when": when},
            _("Số liệu bị khóa từ ngày %(locks)s.") % {"locks": date_vn(rules.locks_on(schedule, period))},
            _("Đơn vị chưa gửi báo cáo kỳ này; đồng chí vui lòng nhập số liệu và gửi báo cáo."),
        ])
        url = reverse("report_entry", args=[unit.pk, schedule.pk, key_period])
        for user_id in sorted(users):
            yield Reminder(kind=ReminderKind.REPORT_DUE, key=f"report:{schedule.pk}:{unit.pk}:{key_period}:{occasion}",
                           user_id=user_id, subject=subject[:300], body=body, url=url, due_on=due, unit_id=unit.pk)
