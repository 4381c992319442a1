"""Reminder source for review reports (``ReminderKind.REPORT_DUE``, keys ``review:…``).

For each open campaign, every unit owing a report (``selectors.campaign_units``: the opener and the current units
of the levels in ``deadlines``) whose deadline has an occasion reached today (days before, on the day, days after,
see the REMINDERS settings) and that has not submitted by the end of ``today`` (no report, a draft or a returned
one) reminds the accounts holding ``REPORT_SUBMIT`` at that unit itself. To be listed in
``settings.NGHIQUYET["REMINDERS"]["SOURCES"]`` as ``nghiquyet.reviews.reminders.reminders_due``.
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
from nghiquyet.reporting.models import SubmissionStatus
from nghiquyet.reviews import selectors
from nghiquyet.reviews.models import Campaign, ReviewReport


def reminders_due(today: dt.date) -> Iterator[Reminder]:
    conf = reminder_settings()
    first_before = max(conf["BEFORE_DAYS"] or [0])
    end_of_today = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min))
    pending = []
    for campaign in Campaign.objects.filter(is_closed=False).select_related("unit", "resolution").order_by("id"):
        dates = [campaign.own_deadline, *selectors.deadline_dates(campaign).values()]
        if min(dates) - dt.timedelta(days=first_before) > today:
            continue   # no deadline has reached its first occasion yet
        done = set(ReviewReport.objects.filter(
            Q(submitted_at__isnull=True) | Q(submitted_at__lt=end_of_today), campaign=campaign,
            status__in=(SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED)).values_list("unit_id", flat=True))
        for unit in selectors.campaign_units_qs(campaign).only("id", "name", "kind", "path"):
            if unit.pk in done:
                continue
            due = selectors.deadline_for(campaign, unit)
            occasion = occasion_for(due, today)
            if occasion is not None:
                pending.append((campaign, unit, due, occasion))
    if not pending:
        return
    recipients = permission_holders([Perm.REPORT_SUBMIT], {unit.pk for _c, unit, _d, _o in pending})
    for campaign, unit, due, occasion in pending:
        users = recipients.get(unit.pk)
        if not users:
            continue
        when = occasion_text(occasion)
        subject = _("Báo cáo %(campaign)s %(when)s: %(unit)s") % {"campaign": campaign.title, "when": when,
                                                                  "unit": unit.name}
        body = "\n".join([
            _("Đơn vị: %(unit)s") % {"unit": unit.name},
            _("Đợt: %(campaign)s (%(opener)s)") % {"campaign": campaign.title, "opener": campaign.unit.name},
            _("Hạn gửi báo cáo: %(due)s (%(when)s)") % {"due": date_vn(due), "when": when},
            _("Đơn vị chưa gửi báo cáo; đồng chí vui lòng hoàn thiện các phần của báo cáo và gửi lên cấp trên."),
        ])
        url = reverse("review_unit_report", args=[campaign.pk, unit.pk])
        for user_id in sorted(users):
            yield Reminder(kind=ReminderKind.REPORT_DUE, key=f"review:{campaign.pk}:{unit.pk}:{due}:{occasion}",
                           user_id=user_id, subject=subject[:300], body=body, url=url, due_on=due, unit_id=unit.pk)
