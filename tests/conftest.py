"""Shared test set-up: the demo province is seeded once per test database, personas are the demo accounts."""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO

import pytest
from django.contrib.auth import get_user_model

from nghiquyet.org.models import Unit

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed the demo province once per (xdist worker) test database; tests run in rolled-back transactions."""
    from django.test import override_settings

    from nghiquyet.demo.seed import seed_demo

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        seed_demo(stdout=StringIO())


@dataclass
class Demo:
    """The demo personas and their units (see nghiquyet.demo.seed)."""

    tinh: object
    xa: object
    xa2: object
    chibo: object
    province: Unit
    commune: Unit       # demo-xa's commune (Đông Sơn, the merged one)
    commune2: Unit      # demo-xa2's commune
    branch: Unit        # demo-chibo's branch, inside ``commune``

    def user(self, username: str):
        return get_user_model().objects.get(username=username)


@pytest.fixture
def demo(db) -> Demo:
    """The demo accounts. Re-seeds when a transactional (browser) test has flushed the database."""
    from nghiquyet.accounts.models import RoleAssignment
    from nghiquyet.demo.seed import seed_demo

    users = get_user_model().objects
    if not users.filter(username="demo-xa").exists():
        seed_demo(stdout=StringIO())

    def unit_of(username: str) -> Unit:
        return RoleAssignment.objects.select_related("unit").filter(user__username=username).first().unit

    return Demo(
        tinh=users.get(username="demo-tinh"), xa=users.get(username="demo-xa"),
        xa2=users.get(username="demo-xa2"), chibo=users.get(username="demo-chibo"),
        province=unit_of("demo-tinh"), commune=unit_of("demo-xa"), commune2=unit_of("demo-xa2"),
        branch=unit_of("demo-chibo"),
    )
