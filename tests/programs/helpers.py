from __future__ import annotations

import datetime as dt

from nghiquyet.programs.services import program_create, task_create
from tests.resolutions.helpers import people

START, DUE = dt.date(2026, 1, 5), dt.date(2026, 12, 31)


def program_of(unit, resolution, title="Chương trình hành động thực hiện Nghị quyết"):
    return program_create(actor=None, unit=unit, resolution=resolution, title=title, issued_on=dt.date(2025, 11, 1))


def clears_of(unit) -> dict:
    directing, responsible, advisor = people(unit)
    return {"title": "Xây dựng đề án chuyển đổi số", "directing": directing, "responsible": responsible,
            "advisor": advisor, "start_date": START, "due_date": DUE, "deliverable": "Đề án được phê duyệt",
            "authority": "Ban Thường vụ Đảng ủy"}


def task_of(program, **overrides):
    values = clears_of(program.unit)
    values.update(overrides)
    return task_create(actor=None, program=program, **values)
