"""Shared fixtures of the reviews tests: a fixed day and a mid-term campaign of the demo province (built here, not
the demo's own campaign)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nghiquyet.demo.plans import CONGRESS_SYMBOL
from nghiquyet.resolutions.models import Document
from nghiquyet.reviews import services
from nghiquyet.reviews.models import ReviewKind

TODAY = dt.date(2026, 11, 25)
COMMUNE_DEADLINE = dt.date(2026, 12, 10)
OWN_DEADLINE = dt.date(2026, 12, 20)


@pytest.fixture
def frozen(monkeypatch):
    """Run on a fixed day (late marking depends on it); call the returned function to move to another day."""
    def freeze(day: dt.date = TODAY):
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
        monkeypatch.setattr(timezone, "now", lambda: moment)
    freeze()
    return freeze


def province_resolution(demo) -> Document:
    return Document.objects.get(unit=demo.province, symbol=CONGRESS_SYMBOL)


def make_campaign(demo, **overrides):
    values = {
        "actor": demo.tinh, "unit": demo.province, "resolution": province_resolution(demo),
        "kind": ReviewKind.MIDTERM, "title": "Sơ kết giữa nhiệm kỳ Nghị quyết Đại hội XXI (thử nghiệm)",
        "period_start": dt.date(2025, 10, 1), "period_end": dt.date(2026, 9, 30),
        "deadlines": {"commune": COMMUNE_DEADLINE}, "own_deadline": OWN_DEADLINE,
        "conference_date": dt.date(2027, 1, 5),
    }
    values.update(overrides)
    return services.campaign_create(**values)


@pytest.fixture
def campaign(demo, frozen):
    return make_campaign(demo)


def write(report, user, **texts):
    """Save sections (results by default) at the report's current version."""
    report.refresh_from_db()
    texts = {"results": "Kết quả đạt được trên các lĩnh vực.", **texts}
    return services.review_report_save(actor=user, report=report, version=report.version, texts=texts)
