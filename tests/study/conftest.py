"""Shared fixtures of the study tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nghiquyet.demo.plans import DEMO_TODAY


@pytest.fixture
def frozen(monkeypatch):
    """Run on the demo's day (25/11/2026): sessions and write-ups are dated against it."""
    def freeze(day: dt.date = DEMO_TODAY):
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
        monkeypatch.setattr(timezone, "now", lambda: moment)
    freeze()
    return freeze
