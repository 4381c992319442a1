"""Shared helpers of the adjustment tests: propose and approve in one step, on a chosen day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from nghiquyet.resolutions.models import AdjustmentField, Target, TargetAdjustment
from nghiquyet.resolutions.services import adjustment_approve, adjustment_propose

TODAY = dt.date(2026, 11, 25)


def approved(target: Target, *, year: int | None, value, effective: dt.date, proposed: dt.date,
             decided: dt.date | None = None, actor=None, number: str = "77-QĐ/TU") -> TargetAdjustment:
    """An approved adjustment of ``target``'s ``year`` milestone (``year=None``: its term target)."""
    field = AdjustmentField.MILESTONE if year is not None else AdjustmentField.TERM_TARGET
    proposal = adjustment_propose(actor=actor, target=target, unit=target.unit, field=field, year=year,
                                  new_value=Decimal(str(value)), reason="Thiên tai", proposed_on=proposed,
                                  today=proposed)
    return adjustment_approve(actor=actor, adjustment=proposal, decision_number=number,
                              decision_date=decided or proposed, effective_from=effective,
                              today=decided or proposed)


@pytest.fixture
def today(monkeypatch):
    """Pages and services run on the demo's day."""
    from django.utils import timezone

    def at(day: dt.date = TODAY):
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
        monkeypatch.setattr(timezone, "now", lambda: moment)
    at()
    return at
