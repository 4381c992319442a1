"""The reporting rules every part shares: who is expected to report, by when, and which values count above.

Pure functions over models already loaded (no queries), so services, selectors, the API and the tests agree.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from nghiquyet.org.models import Unit
from nghiquyet.reporting.models import Period, Schedule, SubmissionStatus


def visible_statuses() -> tuple[str, ...]:
    """Statuses whose values count in the levels above (rollups, dashboards), by the VISIBLE_ABOVE setting."""
    if settings.NGHIQUYET["REPORTING"].get("VISIBLE_ABOVE", "submitted") == "accepted":
        return (SubmissionStatus.ACCEPTED,)
    return (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED)


def is_counted(status: str, *, is_total: bool = False) -> bool:
    return not is_total and status in visible_statuses()


def unit_valid_during(unit: Unit, period: Period) -> bool:
    """A unit closed or merged during a period is expected only if it existed for part of it."""
    return unit.valid_from <= period.end and (unit.valid_to is None or unit.valid_to > period.start)


def schedule_covers_period(schedule: Schedule, period: Period) -> bool:
    return (schedule.is_active and period.kind == schedule.period_kind
            and schedule.starts_on <= period.end <= schedule.ends_on)


def schedule_expects(schedule: Schedule, unit: Unit, period: Period) -> bool:
    """Is ``unit`` expected to report ``schedule`` for ``period``? (Its kind reports, it lies in the owner's
    subtree, it existed during the period, and the period is one of the schedule's.)"""
    return (schedule_covers_period(schedule, period) and unit.kind in (schedule.reporting_kinds or [])
            and unit.path.startswith(schedule.unit.path) and unit_valid_during(unit, period))


def due_on(schedule: Schedule, unit_kind: str, period: Period) -> dt.date:
    """The deadline: days after the period ends, per level when set (grassroots first, then the level above)."""
    days = (schedule.due_days_by_kind or {}).get(unit_kind, schedule.due_days)
    return period.end + dt.timedelta(days=int(days))


def on_time_until(schedule: Schedule, unit_kind: str, period: Period) -> dt.date:
    """The last day a submission still counts as on time (the deadline plus the grace days)."""
    return due_on(schedule, unit_kind, period) + dt.timedelta(days=schedule.grace_days)


def may_decide(user, unit: Unit) -> bool:
    """Is ``user`` a superior of the reporting ``unit`` (approve permission reaching its parent)?"""
    from nghiquyet.accounts.roles import Perm
    from nghiquyet.accounts.scope import covers

    parent = unit.parent if unit.parent_id else None
    return parent is not None and covers(user, Perm.REPORT_APPROVE, parent)


def locks_on(schedule: Schedule, period: Period) -> dt.date:
    """From this day the period's figures are locked: no more entry or submission."""
    return period.end + dt.timedelta(days=schedule.lock_days)
