"""Reminders of study write-ups (kind ``WRITEUP_DUE``), per the contract of ``notifications/reminders.py``.

A write-up not yet received is reminded on each occasion of the settings (``occasion_for``: days before its due
date, the day itself, days after it) while it stays unreceived, for ``LOOKBACK_DAYS`` after the due date:

* to the member's own account (``member.person.user``) when there is one: one reminder per write-up;
* otherwise to the users who keep the study records of the member's unit: those holding ``Perm.STUDY_CHANGE`` at
  the nearest unit on the member's path where anyone holds it (the branch secretary, else the commune office,
  else the province office), one reminder per plan and due date for all the write-ups they keep, naming the
  branches and how many are due in each (an office is not sent one reminder per branch).

Keys carry the occasion, so each occasion is delivered once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.selectors import permission_holders
from nghiquyet.core.fields import path_ids
from nghiquyet.notifications.reminders import Reminder, ReminderKind, occasion_for, reminder_settings
from nghiquyet.study.models import WriteUp
from nghiquyet.study.selectors import writeup_dropped_q

LOOKBACK_DAYS = 60   # an unreceived write-up is no longer reminded this long after its due date


def _window(today: dt.date) -> tuple[dt.date, dt.date]:
    conf = reminder_settings()
    ahead = max(conf["BEFORE_DAYS"] or [0])
    return today - dt.timedelta(days=LOOKBACK_DAYS), today + dt.timedelta(days=ahead)


def _keepers() -> dict[int, list[int]]:
    """``{unit_id: [user ids holding STUDY_CHANGE there]}`` (active users, open units)."""
    return permission_holders([Perm.STUDY_CHANGE])


def _nearest(keepers: dict[int, list[int]], path: str) -> tuple[int | None, list[int]]:
    """The nearest unit on ``path`` (the unit itself first) where someone keeps the study records, and who."""
    for unit_id in reversed(path_ids(path)):
        if keepers.get(unit_id):
            return unit_id, keepers[unit_id]
    return None, []


def reminders_due(today: dt.date) -> Iterator[Reminder]:
    first, last = _window(today)
    writeups = (WriteUp.objects.filter(received_on__isnull=True, due_on__gte=first, due_on__lte=last)
                .exclude(writeup_dropped_q(today))
                .select_related("member__person", "plan__resolution", "unit").order_by("due_on", "unit__path", "id"))
    keepers: dict[int, list[int]] | None = None
    groups: dict[tuple[int, int, dt.date], list[WriteUp]] = defaultdict(list)
    for writeup in writeups:
        occasion = occasion_for(writeup.due_on, today)
        if occasion is None:
            continue
        person = writeup.member.person
        user_id = person.user_id if person is not None else None
        if user_id is not None:
            yield Reminder(
                kind=ReminderKind.WRITEUP_DUE, key=f"writeup:{writeup.pk}:{occasion}", user_id=user_id,
                subject=_("%(kind)s về %(symbol)s: hạn nộp %(d)s") % {
                    "kind": writeup.get_kind_display(), "symbol": writeup.plan.resolution.symbol,
                    "d": writeup.due_on.strftime("%d/%m/%Y")},
                body=_("Đồng chí chưa nộp %(kind)s sau khi học tập, quán triệt %(symbol)s (%(plan)s). Hạn nộp: "
                       "%(d)s.") % {"kind": writeup.get_kind_display().lower(),
                                    "symbol": writeup.plan.resolution.symbol, "plan": writeup.plan.title,
                                    "d": writeup.due_on.strftime("%d/%m/%Y")},
                url=reverse("study_writeup", args=[writeup.pk]), due_on=writeup.due_on, unit_id=writeup.unit_id)
            continue
        if keepers is None:
            keepers = _keepers()
        keeper_unit, _users = _nearest(keepers, writeup.unit.path)
        if keeper_unit is not None:
            groups[(writeup.plan_id, keeper_unit, writeup.due_on)].append(writeup)
    for (plan_id, keeper_unit, due_on), items in groups.items():
        occasion = occasion_for(due_on, today)
        sample = items[0]
        count = len(items)
        by_unit: dict[str, int] = defaultdict(int)
        for w in items:
            by_unit[w.unit.name] += 1
        units = "; ".join(f"{name} ({n})" for name, n in list(by_unit.items())[:8]) + (
            "…" if len(by_unit) > 8 else "")
        subject = ngettext("%(n)d bài thu hoạch chưa nộp, hạn %(d)s (%(symbol)s)",
                           "%(n)d bài thu hoạch chưa nộp, hạn %(d)s (%(symbol)s)", count) % {
            "n": count, "d": due_on.strftime("%d/%m/%Y"), "symbol": sample.plan.resolution.symbol}
        body = _("%(plan)s: %(kind)s hạn nộp %(d)s chưa nhận được của %(n)d đảng viên: %(units)s.") % {
            "plan": sample.plan.symbol or sample.plan.title, "kind": sample.get_kind_display().lower(),
            "d": due_on.strftime("%d/%m/%Y"), "n": count, "units": units}
        url = reverse("study_plan", args=[plan_id]) + "?bai=waiting#bai-thu-hoach"
        for user_id in keepers[keeper_unit]:
            yield Reminder(kind=ReminderKind.WRITEUP_DUE,
                           key=f"writeups:{plan_id}:{keeper_unit}:{due_on.isoformat()}:{occasion}", user_id=user_id,
                           subject=subject, body=body, url=url, due_on=due_on, unit_id=keeper_unit)
