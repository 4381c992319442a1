"""Plans of our own on top of the demo province: terms, one resolution per level, a few targets.

Built as the system (``actor=None``) so the tests can then try the services as the demo users.
Numbers and symbols are unusual ("9xx") so they never clash with the demo's own plans.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from nghiquyet.accounts.models import Person
from nghiquyet.audit.models import AuditEvent
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.resolutions.models import Aggregation, Direction, Document, Domain, Target, Term
from nghiquyet.resolutions.services import document_create, target_create, term_create

ISSUED = dt.date(2025, 10, 20)
D = Decimal


def term_for(unit: Unit, start: int = 2025, end: int = 2030) -> Term:
    term = Term.objects.filter(unit=unit, start_year__lt=end, end_year__gt=start).first()
    return term or term_create(actor=None, unit=unit, start_year=start, end_year=end)


def next_symbol(unit: Unit, type_code: str = "NQ", issuer: str = "ĐU") -> str:
    taken = set(Document.objects.filter(unit=unit).values_list("number", flat=True))
    number = next(n for n in range(901, 99999) if n not in taken)
    return f"{number}-{type_code}/{issuer}"


def resolution(unit: Unit, *, term: Term | None = None, issuer: str = "ĐU", implements=(), title: str = "") -> Document:
    return document_create(actor=None, unit=unit, symbol=next_symbol(unit, "NQ", issuer), issued_on=ISSUED,
                           title=title or f"Nghị quyết thử nghiệm của {unit.name}", term=term or term_for(unit),
                           implements=list(implements))


def target_values(**overrides) -> dict:
    values = {
        "number": "1", "name": "Thu nhập bình quân đầu người", "domain": Domain.ECONOMY, "measure": "triệu đồng",
        "baseline_year": 2025, "baseline_value": D("60"), "target_value": D("100"),
        "direction": Direction.HIGHER, "aggregation": Aggregation.WEIGHTED_MEAN, "weight_name": "dân số",
    }
    values.update(overrides)
    return values


def target(document: Document, *, milestones=None, **overrides) -> Target:
    return target_create(actor=None, document=document, milestones=milestones, **target_values(**overrides))


def people(unit: Unit, n: int = 3) -> list[Person]:
    """``n`` people of the unit, padded with people of its parent (a branch has one or two)."""
    found = list(Person.objects.filter(unit=unit).order_by("id")[:n])
    if len(found) < n and unit.parent_id:
        found += list(Person.objects.filter(unit_id=unit.parent_id).order_by("id")[:n - len(found)])
    assert len(found) >= n, f"the demo unit {unit} has fewer than {n} people"
    return found


def body_of(unit: Unit) -> Unit:
    return Unit.objects.filter(parent=unit, kind__in=UnitKind.implementing_kinds()).order_by("id").first()


def events_for(obj) -> list[AuditEvent]:
    from django.contrib.contenttypes.models import ContentType

    return list(AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(obj.__class__),
                                          object_id=str(obj.pk)).order_by("id"))


@dataclass
class Plans:
    """Province resolution with two targets; resolutions of the two demo communes implementing it."""

    province_doc: Document
    commune_doc: Document
    commune2_doc: Document
    income: Target        # higher is better, milestones 2026..2030
    poverty: Target       # lower is better, sum


def build_plans(demo) -> Plans:
    province_doc = resolution(demo.province, issuer="TU", title="Nghị quyết Đại hội thử nghiệm tỉnh")
    income = target(province_doc, number="1", milestones={2026: D("70"), 2028: D("85"), 2030: D("100")})
    poverty = target(province_doc, number="2", name="Tỷ lệ hộ nghèo", domain=Domain.SOCIETY, measure="%",
                     baseline_value=D("3,2".replace(",", ".")), target_value=D("0.55"), direction=Direction.LOWER,
                     aggregation=Aggregation.RATIO, weight_name="", numerator_name="số hộ nghèo",
                     denominator_name="tổng số hộ")
    commune_doc = resolution(demo.commune, implements=[province_doc])
    commune2_doc = resolution(demo.commune2, implements=[province_doc])
    return Plans(province_doc, commune_doc, commune2_doc, income, poverty)
