"""The contract between the domain apps and the reminder worker.

Each domain app that has deadlines exposes a *source*: a function ``reminders_due(today) -> Iterable[Reminder]``
(in ``<app>/reminders.py``), listed in ``settings.NGHIQUYET["REMINDERS"]["SOURCES"]``. A source yields one
``Reminder`` per recipient and occasion that is due on ``today`` or was due earlier and is still relevant (so a
worker that was down catches up). The worker records each ``(kind, key, user_id)`` once: a source may yield the
same reminder on every scan, it is delivered once.

Occasions come from the settings: ``BEFORE_DAYS`` (e.g. 3 days before and on the day) and ``AFTER_DAYS`` (e.g. 1
and 7 days after, while still not done). ``occasion_for`` names the latest occasion reached on ``today`` (within
``CATCH_UP_DAYS`` of it); put it in the key so every occasion is its own reminder.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


class ReminderKind:
    REPORT_DUE = "report_due"                  # a unit's report for a period (reporting schedules)
    TASK_DUE = "task_due"                      # a task of an action program
    WRITEUP_DUE = "writeup_due"                # a member's study write-up (study)
    RECOMMENDATION_DUE = "recommendation_due"  # a recommendation of an inspection (oversight)
    ADJUSTMENT_PENDING = "adjustment_pending"  # a proposed target adjustment waiting for a decision
    BRIEFING = "briefing"                      # the weekly briefing digest to a standing committee's members

    ALL = (REPORT_DUE, TASK_DUE, WRITEUP_DUE, RECOMMENDATION_DUE, ADJUSTMENT_PENDING, BRIEFING)


@dataclass(frozen=True)
class Reminder:
    kind: str                 # one of ReminderKind
    key: str                  # stable identity of the thing and the occasion, e.g. "task:12:2026-12-10:after-1"
    user_id: int              # the recipient's account
    subject: str              # one line, in Vietnamese
    body: str                 # plain text, in Vietnamese
    url: str                  # a path in the app (reverse(...)), shown in the inbox and the e-mail
    due_on: dt.date | None = None
    unit_id: int | None = None


def reminder_settings() -> dict:
    return settings.NGHIQUYET["REMINDERS"]


def occasion_for(due_on: dt.date, today: dt.date) -> str | None:
    """The latest occasion reached on ``today`` for a deadline ``due_on``: ``"before-3"``, ``"before-0"`` (the
    day itself), ``"after-1"``, ``"after-7"``…; ``None`` before the first one, and ``None`` when the latest one was
    reached more than ``CATCH_UP_DAYS`` before ``today`` (a worker that was down a day or two still catches up, but
    a deadline of 2021 met at go-live is not reminded as "quá hạn 7 ngày"; the next occasion, if any, reminds)."""
    conf = reminder_settings()
    reached: list[tuple[dt.date, str]] = []
    for days in conf["BEFORE_DAYS"]:
        reached.append((due_on - dt.timedelta(days=days), f"before-{days}"))
    for days in conf["AFTER_DAYS"]:
        reached.append((due_on + dt.timedelta(days=days), f"after-{days}"))
    reached = [item for item in reached if item[0] <= today]
    if not reached:
        return None
    on, occasion = max(reached)
    if (today - on).days > conf.get("CATCH_UP_DAYS", 3):
        return None
    return occasion


def sources() -> list:
    """The configured source functions. A source whose module cannot be imported (an app not installed yet, a typo
    in the settings) is skipped with a logged warning: the other sources still remind."""
    from django.utils.module_loading import import_string

    found = []
    for path in reminder_settings()["SOURCES"]:
        try:
            found.append(import_string(path))
        except ImportError as exc:
            logger.warning("Reminder source %s is not available, skipped: %s", path, exc)
    return found


def reminders_due(today: dt.date) -> Iterable[Reminder]:
    """Every reminder of every source for ``today``. A source that fails is logged and skipped (one broken source
    must not stop the reminders of the others)."""
    for source in sources():
        try:
            with transaction.atomic():  # a savepoint: a failed query must not break the caller's transaction
                items = list(source(today))
        except Exception:
            logger.exception("Reminder source %s failed on %s, skipped", getattr(source, "__module__", source), today)
            continue
        yield from items


def occasion_text(occasion: str) -> str:
    """The occasion in words, for subjects and bodies: "còn 3 ngày đến hạn", "đến hạn hôm nay", "quá hạn 7 ngày"."""
    from django.utils.translation import gettext as _

    side, _sep, number = occasion.partition("-")
    days = int(number or 0)
    if side == "before":
        return _("đến hạn hôm nay") if days == 0 else _("còn %(days)s ngày đến hạn") % {"days": days}
    return _("quá hạn %(days)s ngày") % {"days": days}


def date_vn(day: dt.date | None) -> str:
    """dd/mm/yyyy, the way dates are shown everywhere."""
    return day.strftime("%d/%m/%Y") if day else ""
