"""A hand-built committee for the briefing tests: a new commune under the demo province with two branches, its
people, an action program (and a branch's) with tasks in every state, a quarterly report schedule for the
branches (one missing, one late) and three rate targets (off track, at risk, achieved). Other schedules are
switched off, so every number of the digest is known."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from nghiquyet.accounts.models import Person
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.org.services import unit_create
from nghiquyet.programs.models import ActionProgram, Task, TaskStatus
from nghiquyet.reporting.models import PeriodKind, Schedule
from nghiquyet.reporting.periods import period_get
from nghiquyet.reporting.services import Entry, schedule_create, submission_open, submission_save
from nghiquyet.resolutions.models import Aggregation, Document, Target
from nghiquyet.resolutions.services import target_create

TODAY = dt.date(2026, 11, 25)   # a Wednesday, week 48 of 2026 (23/11 - 29/11)


def freeze_at(monkeypatch, day: dt.date) -> None:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


@dataclass
class World:
    demo: object
    commune: Unit
    branch_a: Unit
    branch_b: Unit
    secretary: Person
    deputy: Person
    member: Person
    member2: Person
    tasks: dict[str, Task]
    schedule: Schedule
    targets: dict[str, Target]


def _task(program: ActionProgram, title: str, *, due: dt.date | None, status=TaskStatus.IN_PROGRESS, percent=0,
          responsible=None, directing=None, completed_on=None) -> Task:
    return Task.objects.create(program=program, unit=program.unit, title=title, due_date=due, status=status,
                               percent=percent, responsible=responsible, directing=directing,
                               completed_on=completed_on)


@pytest.fixture
def world(demo, monkeypatch) -> World:
    province = demo.province
    commune = unit_create(actor=None, parent=province, kind=UnitKind.COMMUNE, code="HT.X.GIAOBAN",
                          name="Đảng bộ xã Giao Bàn", valid_from=dt.date(2025, 7, 1))
    branch_a = unit_create(actor=None, parent=commune, kind=UnitKind.BRANCH, code="HT.X.GIAOBAN.A",
                           name="Chi bộ thôn Đông Hạ", valid_from=dt.date(2025, 7, 1))
    branch_b = unit_create(actor=None, parent=commune, kind=UnitKind.BRANCH, code="HT.X.GIAOBAN.B",
                           name="Chi bộ thôn Tây Thượng", valid_from=dt.date(2025, 7, 1))
    secretary = Person.objects.create(unit=commune, full_name="Trần Văn Hùng", position="Bí thư Đảng ủy")
    deputy = Person.objects.create(unit=commune, full_name="Lê Thị Ngọc Ánh", position="Phó Bí thư Đảng ủy")
    member = Person.objects.create(unit=commune, full_name="Phạm Đức Mạnh", position="Đảng ủy viên")
    member2 = Person.objects.create(unit=branch_a, full_name="Võ Thị Hường", position="Bí thư chi bộ")

    resolution = Document.objects.get(unit=province, is_congress_resolution=True)
    program = ActionProgram.objects.create(unit=commune, resolution=resolution, title="Chương trình hành động số 01",
                                           issued_on=dt.date(2025, 10, 1))
    branch_program = ActionProgram.objects.create(unit=branch_a, resolution=resolution,
                                                  title="Kế hoạch của chi bộ", issued_on=dt.date(2025, 11, 1))
    day = TODAY
    tasks = {
        # overdue: past due and open on TODAY
        "late_road": _task(program, "Nâng cấp đường trục xã", due=day - dt.timedelta(days=20), percent=40,
                           responsible=member, directing=secretary),
        "late_school": _task(program, "Xây trường mầm non đạt chuẩn", due=day - dt.timedelta(days=3), percent=90,
                             responsible=member, directing=deputy, status=TaskStatus.NOT_STARTED),
        "done_after": _task(program, "Hoàn thành đề án chợ nông thôn", due=day - dt.timedelta(days=10), percent=100,
                            responsible=deputy, directing=secretary, status=TaskStatus.DONE,
                            completed_on=day + dt.timedelta(days=2)),
        "branch_late": _task(branch_program, "Kết nạp đảng viên mới ở thôn", due=day - dt.timedelta(days=1),
                             percent=10, responsible=member2, directing=deputy),
        "nobody": _task(program, "Rà soát quy hoạch cán bộ", due=day - dt.timedelta(days=5), percent=0),
        # at risk: due within 14 days, below 70 %
        "risk_water": _task(program, "Cấp nước sạch cho 200 hộ", due=day + dt.timedelta(days=6), percent=30,
                            responsible=member, directing=secretary),
        "risk_today": _task(program, "Báo cáo sơ kết quý", due=day, percent=0, responsible=deputy,
                            directing=secretary),
        # not in the digest
        "done": _task(program, "Đã xong", due=day - dt.timedelta(days=30), status=TaskStatus.DONE, percent=100,
                      responsible=member, completed_on=day - dt.timedelta(days=31)),
        "done_no_date": _task(program, "Đã xong không ghi ngày", due=day - dt.timedelta(days=30),
                              status=TaskStatus.DONE, percent=100, responsible=member),
        "cancelled": _task(program, "Đã hủy", due=day - dt.timedelta(days=30), status=TaskStatus.CANCELLED,
                           responsible=member),
        "nearly_done": _task(program, "Sắp xong", due=day + dt.timedelta(days=6), percent=80, responsible=member),
        "far": _task(program, "Còn xa", due=day + dt.timedelta(days=40), percent=0, responsible=member),
        "no_due": _task(program, "Không có hạn", due=None, responsible=member),
    }
    # A task of another commune never shows.
    other = ActionProgram.objects.create(unit=demo.commune2, resolution=resolution, title="Xã khác",
                                         issued_on=dt.date(2025, 10, 1))
    _task(other, "Nhiệm vụ xã khác", due=day - dt.timedelta(days=9), responsible=member)

    common = {"domain": "economy", "baseline_year": 2025, "direction": "higher", "aggregation": Aggregation.RATIO,
              "numerator_name": "Số đạt", "denominator_name": "Tổng số", "measure": "%"}
    targets = {
        "off": target_create(actor=None, document=resolution, number="GB1", name="Tỷ lệ hộ dùng nước sạch",
                             baseline_value=Decimal(40), target_value=Decimal(95), milestones={2026: Decimal(80)},
                             **common),
        "risk": target_create(actor=None, document=resolution, number="GB2", name="Tỷ lệ lao động qua đào tạo",
                              baseline_value=Decimal(40), target_value=Decimal(60), milestones={2026: Decimal(50)},
                              **common),
        "ok": target_create(actor=None, document=resolution, number="GB3", name="Tỷ lệ thôn văn hóa",
                            baseline_value=Decimal(30), target_value=Decimal(50), milestones={2026: Decimal(40)},
                            **common),
    }
    Schedule.objects.update(is_active=False)
    schedule = schedule_create(
        actor=demo.tinh, unit=commune, document=resolution, name="Báo cáo quý của các chi bộ (giao ban)",
        targets=list(targets.values()), period_kind=PeriodKind.QUARTER, reporting_kinds=[UnitKind.BRANCH],
        starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2030, 12, 31), due_days=10, lock_days=45)
    q3 = period_get(PeriodKind.QUARTER, 2026, 3)
    freeze_at(monkeypatch, dt.date(2026, 10, 20))   # after the deadline of 10/10: late
    submission = submission_open(actor=demo.tinh, schedule=schedule, unit=branch_b, period=q3)
    submission_save(actor=demo.tinh, submission=submission, version=submission.version, submit=True, entries={
        targets["off"].pk: Entry(numerator=Decimal(50), denominator=Decimal(100)),
        targets["risk"].pk: Entry(numerator=Decimal(44), denominator=Decimal(100)),
        targets["ok"].pk: Entry(numerator=Decimal(60), denominator=Decimal(100)),
    })
    freeze_at(monkeypatch, TODAY)
    return World(demo=demo, commune=commune, branch_a=branch_a, branch_b=branch_b, secretary=secretary,
                 deputy=deputy, member=member, member2=member2, tasks=tasks, schedule=schedule, targets=targets)
