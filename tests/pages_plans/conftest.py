"""Plan data for the page tests, made through the services (the demo plan data is written elsewhere)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from nghiquyet.accounts.models import Person
from nghiquyet.org.models import Unit
from nghiquyet.programs.models import ActionProgram, Task
from nghiquyet.programs.services import program_create, task_create
from nghiquyet.resolutions.models import Document, Target, Term
from nghiquyet.resolutions.services import document_create, target_create, term_create

TODAY = dt.date.today()


def term_for(unit: Unit, start: int = 2025) -> Term:
    return Term.objects.filter(unit=unit, start_year=start).first() or term_create(
        actor=None, unit=unit, start_year=start, end_year=start + 5)


def target_values(number: str, name: str, **extra) -> dict:
    values = {"number": number, "name": name, "domain": "economy", "measure": "triệu đồng/người/năm",
              "baseline_year": 2025, "baseline_value": Decimal("36.9"), "target_value": Decimal("1234.5"),
              "direction": "higher"}
    values.update(extra)
    return values


def commune_people(unit: Unit) -> dict[str, Person]:
    people = list(Person.objects.filter(unit=unit).order_by("id"))
    standing = next(p for p in people if "Thường vụ" in p.position)
    committee = next(p for p in people if p.position.startswith("Đảng ủy viên"))
    advisor = next(p for p in people if p.user_id is not None)  # the demo office account's own Person row
    return {"directing": standing, "responsible": committee, "advisor": advisor}


@dataclass
class Plans:
    province_doc: Document
    province_target: Target
    commune_doc: Document
    commune_target: Target
    program: ActionProgram
    task: Task
    province_program: ActionProgram
    province_task: Task
    people: dict


@pytest.fixture
def plans(demo) -> Plans:
    province_term = term_for(demo.province)
    province_doc = document_create(
        actor=None, unit=demo.province, symbol="97-NQ/TU", issued_on=dt.date(2025, 10, 20),
        title="Nghị quyết thử nghiệm về phát triển kinh tế - xã hội", term=province_term)
    province_target = target_create(actor=None, document=province_doc, milestones={2026: Decimal("40.5"),
                                                                                  2027: Decimal("1000")},
                                    **target_values("T1", "Thu nhập bình quân đầu người"))
    commune_doc = document_create(
        actor=None, unit=demo.commune, symbol="95-NQ/ĐU", issued_on=dt.date(2025, 11, 2),
        title="Nghị quyết thử nghiệm của Đảng bộ xã", term=term_for(demo.commune), implements=[province_doc])
    commune_target = target_create(actor=None, document=commune_doc,
                                   **target_values("X1", "Tỷ lệ hộ nghèo", measure="%", direction="lower",
                                                   baseline_value=Decimal("2.5"), target_value=Decimal("0.55")))
    program = program_create(actor=None, unit=demo.commune, resolution=commune_doc,
                             title="Chương trình hành động thử nghiệm", issued_on=dt.date(2025, 11, 20))
    people = commune_people(demo.commune)
    task = task_create(actor=None, program=program, title="Tổ chức học tập, quán triệt nghị quyết",
                       start_date=dt.date(2025, 12, 1), due_date=dt.date(2030, 12, 31),
                       deliverable="Báo cáo kết quả", authority="Ban Thường vụ Đảng ủy", **people)
    province_people = list(Person.objects.filter(unit=demo.province).order_by("id"))
    province_program = program_create(actor=None, unit=demo.province, resolution=province_doc,
                                      title="Chương trình hành động của Tỉnh ủy", issued_on=dt.date(2025, 11, 1))
    province_task = task_create(actor=None, program=province_program, title="Nhiệm vụ của tỉnh",
                                directing=province_people[0], responsible=province_people[1],
                                advisor=province_people[-1], start_date=dt.date(2025, 12, 1),
                                due_date=dt.date(2026, 12, 31), deliverable="Đề án", authority="Tỉnh ủy")
    return Plans(province_doc, province_target, commune_doc, commune_target, program, task, province_program,
                 province_task, people)
