"""Shared fixtures of the reporting tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def frozen(monkeypatch, request):
    """Run on a fixed day (deadlines and lock dates depend on it): the test module's ``TODAY`` at 9:00, or the
    day passed to the returned function."""
    def freeze(day: dt.date = request.module.TODAY):
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
        monkeypatch.setattr(timezone, "now", lambda: moment)
    freeze()
    return freeze
