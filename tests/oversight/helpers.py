from __future__ import annotations

import datetime as dt

from nghiquyet.accounts.models import Person
from nghiquyet.oversight import services
from nghiquyet.oversight.models import Inspection, InspectionKind, Recommendation


def person_at(unit, position_part: str = "") -> Person:
    return Person.objects.filter(unit=unit, position__contains=position_part).order_by("id").first()


def inspection_of(actor, unit, subject, **overrides) -> Inspection:
    values = {"kind": InspectionKind.INSPECTION, "title": "Kiểm tra việc thực hiện nghị quyết",
              "starts_on": dt.date(2026, 3, 2), "subject_unit": subject}
    values.update(overrides)
    return services.inspection_create(actor=actor, unit=unit, **values)


def recommendation_of(actor, inspection, owner_unit, due_on=dt.date(2026, 6, 30), **overrides) -> Recommendation:
    return services.recommendation_add(actor=actor, inspection=inspection, owner_unit=owner_unit, due_on=due_on,
                                       text=overrides.pop("text", "Khắc phục hạn chế đã nêu"), **overrides)
