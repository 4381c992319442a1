"""Helpers for the member register tests: members made through the services, JSON calls to the API."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
from django.utils import timezone

from nghiquyet.members.models import Member
from nghiquyet.members.services import member_create
from nghiquyet.org.models import Unit, UnitKind

API = "/api/v1"
_cards = itertools.count(1)


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def new_card() -> str:
    """A card number the demo does not use (its cards are 39000001...)."""
    return f"77{next(_cards):06d}"


def make_member(unit: Unit, *, actor=None, full_name: str = "Trần Thị Thử", **values) -> Member:
    values.setdefault("card_number", new_card())
    values.setdefault("joined_unit_on", days_ago(400))
    return member_create(actor=actor, unit=unit, full_name=full_name, **values)


def current_count(unit: Unit) -> int:
    return Member.objects.filter(unit=unit, left_unit_on__isnull=True).count()


def other_branch(demo) -> Unit:
    """Another active branch of demo-xa's commune (not demo-chibo's)."""
    return (Unit.objects.filter(path__under=demo.commune.path, kind=UnitKind.BRANCH, valid_to__isnull=True)
            .exclude(pk=demo.branch.pk).order_by("code").first())


class Api:
    """JSON calls against /api/v1 as one logged-in user (session auth)."""

    def __init__(self, client, user):
        self.client = client
        client.force_login(user)

    def get(self, path: str, **params):
        return self.client.get(API + path, params)

    def post(self, path: str, data):
        return self.client.post(API + path, json.dumps(data), content_type="application/json")

    def patch(self, path: str, data):
        return self.client.patch(API + path, json.dumps(data), content_type="application/json")


@pytest.fixture
def as_user(client):
    def make(user) -> Api:
        client.logout()
        return Api(client, user)
    return make


def field_errors(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"]
    return {e["field"]: e["message"] for e in body["errors"]}
