import datetime as dt

import pytest

from nghiquyet.demo.plans import DEMO_TODAY

TODAY = DEMO_TODAY


@pytest.fixture
def frozen(monkeypatch):
    """``timezone.localdate()`` is DEMO_TODAY, whatever the machine's clock says."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def passwords(demo):
    """The seeded hashes use the default hasher; tests run with the fast one, so set them again."""
    for user in (demo.tinh, demo.xa, demo.xa2, demo.chibo):
        user.set_password("nghiquyet-demo")
        user.save(update_fields=["password"])
    return demo


def day(month: int, d: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, d)
