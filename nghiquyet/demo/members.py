"""The demo province's member register: one row per member of every current branch.

Each branch gets exactly ``Unit.member_count`` members (names from the same generator as the officials,
seeded per branch code, so the register is the same on every machine), with a gender, a birth date, the day
they joined the Party and a card number. Members joined their branch on the later of the day they joined the
Party and the day the branch was founded. Written with ``bulk_create`` (no one typed them into this system,
so no audit rows); idempotent: nothing is written when the province already has members.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from nghiquyet.accounts.models import Person
from nghiquyet.demo import data
from nghiquyet.members.models import Gender, Member
from nghiquyet.org.models import Unit, UnitKind


@dataclass
class MembersSummary:
    members: int = 0
    branches: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        return (f"Danh sách đảng viên: {self.members:,} đảng viên ở {self.branches} chi bộ; "
                f"tạo trong {self.seconds:.1f} giây".replace(",", ".").replace(" 0.", " 0,"))


def seed_members(province: Unit, say) -> MembersSummary:
    from nghiquyet.core.text import fold
    from nghiquyet.demo.plans import DEMO_TODAY
    from nghiquyet.demo.seed import NameGenerator, _rng

    started = time.perf_counter()
    summary = MembersSummary()
    if Member.objects.filter(unit__path__under=province.path).exists():
        return summary
    branches = list(Unit.objects.filter(path__under=province.path, kind=UnitKind.BRANCH, valid_to__isnull=True)
                    .order_by("code"))
    secretaries = {p.unit_id: p for p in Person.objects.filter(unit__in=branches, position=data.BRANCH_SECRETARY)}
    rows: list[Member] = []
    card = 0
    for branch in branches:
        rng = _rng(f"{branch.code}/members")
        names = NameGenerator(rng)
        secretary = secretaries.get(branch.pk)
        if secretary is not None:
            names.used.add(secretary.full_name)
        for i in range(branch.member_count):
            card += 1
            female = rng.random() < 0.38
            person = secretary if (i == 0 and secretary is not None) else None
            full_name = person.full_name if person is not None else names(female)
            age = rng.choice([25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75]) + rng.randint(0, 4)
            born = dt.date(DEMO_TODAY.year - age, rng.randint(1, 12), rng.randint(1, 28))
            joined_party = dt.date(min(born.year + rng.randint(20, 40), DEMO_TODAY.year - 1),
                                   rng.choice([2, 3, 5, 9, 12]), rng.choice([3, 19, 26, 2]))
            card_number = f"{39000000 + card:08d}"
            rows.append(Member(
                unit=branch, full_name=full_name, gender=Gender.FEMALE if female else Gender.MALE,
                birth_date=born, joined_party_on=joined_party, card_number=card_number,
                joined_unit_on=max(joined_party, branch.valid_from), person=person,
                search_text=fold(f"{full_name} {card_number}")[:300],
            ))
        summary.branches += 1
    Member.objects.bulk_create(rows, batch_size=2000)
    summary.members = len(rows)
    summary.seconds = time.perf_counter() - started
    say(f"  {summary.line()}")
    return summary
