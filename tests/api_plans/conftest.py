"""Plan data for the API tests, created through the services (as the demo users would)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

import pytest

from nghiquyet.accounts.models import Person
from nghiquyet.org.models import UnitKind
from nghiquyet.programs.services import program_create, task_create
from nghiquyet.resolutions.models import Term
from nghiquyet.resolutions.services import document_create, item_create, target_create, term_create

API = "/api/v1"


def term_for(actor, unit) -> Term:
    """The unit's 2025-2030 term (the demo seed may already have it)."""
    term = Term.objects.filter(unit=unit, start_year__lte=2026, end_year__gte=2026).first()
    return term or term_create(actor=actor, unit=unit, start_year=2025, end_year=2030)


def people_of(unit, count: int = 3) -> list[Person]:
    return list(Person.objects.filter(unit=unit).order_by("id")[:count])


def clears(unit) -> dict:
    directing, responsible, advisor = people_of(unit)
    return {"directing": directing, "responsible": responsible, "advisor": advisor,
            "start_date": dt.date(2026, 1, 1), "due_date": dt.date(2026, 12, 31),
            "deliverable": "Báo cáo kết quả", "authority": "Ban Thường vụ"}


@dataclass
class Plan:
    province_term: Term
    commune_term: Term
    province_doc: object
    province_item: object
    province_target: object
    province_target2: object
    province_program: object
    province_task: object
    commune_doc: object
    commune_target: object
    commune_program: object
    commune_task: object


@pytest.fixture
def plan(demo) -> Plan:
    tinh, xa = demo.tinh, demo.xa
    province_term = term_for(tinh, demo.province)
    commune_term = term_for(xa, demo.commune)
    province_doc = document_create(actor=tinh, unit=demo.province, symbol="901-NQ/TU", issued_on=dt.date(2025, 10, 15),
                                   title="Nghị quyết thử nghiệm API về phát triển kinh tế", term=province_term)
    province_item = item_create(actor=tinh, document=province_doc, kind="breakthrough", number="1",
                                title="Đột phá về hạ tầng giao thông")
    province_target = target_create(
        actor=tinh, document=province_doc, number="1", name="Tốc độ tăng trưởng kinh tế bình quân",
        domain="economy", measure="%", baseline_year=2025, baseline_value=Decimal("7.5"),
        target_value=Decimal("9.5"), direction="higher", aggregation="none",
        milestones={2026: Decimal("8"), 2027: Decimal("8.5")})
    province_target2 = target_create(
        actor=tinh, document=province_doc, number="2", name="Tỷ lệ hộ nghèo", domain="society", measure="%",
        baseline_year=2025, baseline_value=Decimal("3.2"), target_value=Decimal("1.5"), direction="lower")
    province_program = program_create(actor=tinh, unit=demo.province, resolution=province_doc,
                                      title="Chương trình hành động của Tỉnh ủy (API)", issued_on=dt.date(2025, 11, 1))
    province_task = task_create(actor=tinh, program=province_program, title="Nhiệm vụ của Tỉnh ủy",
                                **clears(demo.province))
    commune_doc = document_create(actor=xa, unit=demo.commune, symbol="902-NQ/ĐU", issued_on=dt.date(2025, 10, 20),
                                  title="Nghị quyết thử nghiệm API của Đảng ủy xã", term=commune_term,
                                  implements=[province_doc])
    commune_target = target_create(
        actor=xa, document=commune_doc, number="1", name="Tăng trưởng kinh tế của xã", domain="economy",
        measure="%", target_value=Decimal("10"), milestones={2026: Decimal("8.5")})
    commune_program = program_create(actor=xa, unit=demo.commune, resolution=commune_doc,
                                     title="Chương trình hành động của Đảng ủy xã (API)",
                                     issued_on=dt.date(2025, 11, 5))
    commune_task = task_create(actor=xa, program=commune_program, title="Xây dựng kế hoạch phát triển giao thông",
                               **clears(demo.commune))
    return Plan(province_term, commune_term, province_doc, province_item, province_target, province_target2,
                province_program, province_task, commune_doc, commune_target, commune_program, commune_task)


@pytest.fixture
def bodies(demo):
    return list(demo.commune.children.filter(kind__in=UnitKind.implementing_kinds()).order_by("id"))


class Api:
    """JSON calls against /api/v1 as one logged-in user (session auth)."""

    def __init__(self, client, user=None, headers: dict | None = None):
        self.client = client
        self.headers = headers or {}
        if user is not None:
            client.force_login(user)

    def get(self, path: str, **params):
        return self.client.get(API + path, params, **self.headers)

    def post(self, path: str, data):
        return self.client.post(API + path, json.dumps(data), content_type="application/json", **self.headers)

    def patch(self, path: str, data):
        return self.client.patch(API + path, json.dumps(data), content_type="application/json", **self.headers)


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
