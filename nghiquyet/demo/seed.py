"""The demo province: a believable party organization after the July 2025 reorganization.

``seed_demo()`` builds it through the services (as the system, ``actor=None``), so the
reorganization history, unit versions and audit trail are real. It is:

* deterministic: every name, number and code comes from ``build_plan()``, which draws
  from ``random.Random`` seeded per unit code (string seeds hash with SHA-512, so the
  result does not depend on ``PYTHONHASHSEED`` or the machine);
* idempotent: if the province already exists only the demo accounts are checked
  (created, password reset, role re-assigned when missing), nothing else is written;
* atomic: one transaction, so a failure leaves nothing half made.

History, in date order: the province and the district of Đông Sơn (1997), its six
communes with their branches (2008), two villages merged (2019), the sector bloc
(February 2025); on 1 July 2025 three communes merge into the new commune of Đông Sơn,
the other three move under the province, the district closes and 26 new communes and
wards are founded; on 15 August 2025 Đông Sơn merges its military and police branches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
from dataclasses import dataclass, field
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction

from nghiquyet.accounts.models import Person, RoleAssignment
from nghiquyet.accounts.roles import Role
from nghiquyet.accounts.services import person_create, role_assign
from nghiquyet.audit.models import AuditAction
from nghiquyet.audit.services import audit_record
from nghiquyet.core.text import fold
from nghiquyet.demo import data
from nghiquyet.demo.adjustments import seed_adjustments
from nghiquyet.demo.members import seed_members
from nghiquyet.demo.notifications import seed_notifications
from nghiquyet.demo.oversight import seed_oversight
from nghiquyet.demo.plans import PlansSummary, seed_plans
from nghiquyet.demo.reports import ReportsSummary, seed_reports
from nghiquyet.demo.reviews import seed_reviews
from nghiquyet.demo.study import seed_study
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.org.selectors import unit_members_total, unit_subtree_stats
from nghiquyet.org.services import NewUnit, unit_close, unit_create, unit_merge, unit_move

DEMO_PASSWORD = "nghiquyet-demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    last_name: str       # family name (họ)
    first_name: str      # middle and given names (tên đệm và tên)
    role: str
    unit_code: str
    position: str

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}"


MERGED_COMMUNE_CODE = "HT.X.DONGSON"
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("demo-tinh", "Nguyễn", "Thị Thu Hà", Role.OFFICE_STAFF, data.PROVINCE_CODE,
             "Chuyên viên Văn phòng Tỉnh ủy"),
    DemoUser("demo-xa", "Lê", "Văn Thành Trung", Role.OFFICE_STAFF, MERGED_COMMUNE_CODE,
             "Chuyên viên Văn phòng Đảng ủy"),
    DemoUser("demo-xa2", "Phạm", "Thị Thu Trang", Role.OFFICE_STAFF, "HT.X.ANLAC",
             "Chuyên viên Văn phòng Đảng ủy"),
    DemoUser("demo-chibo", "Hoàng", "Văn Bình Minh", Role.SECRETARY, "HT.X.DONGHOA.CB01", "Bí thư chi bộ"),
)

# --------------------------------------------------------------------------- the plan (pure data)


@dataclass
class PersonSpec:
    full_name: str
    position: str
    username: str = ""


@dataclass
class UnitSpec:
    code: str
    name: str
    kind: str
    valid_from: dt.date
    short_name: str = ""
    member_count: int = 0
    decision_ref: str = ""
    children: list[UnitSpec] = field(default_factory=list)
    people: list[PersonSpec] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class MergeSpec:
    """Sources (by code) merged into a new unit under ``parent_code`` on ``date``."""

    source_codes: list[str]
    new: UnitSpec
    parent_code: str
    date: dt.date
    decision_ref: str


@dataclass
class Plan:
    province: UnitSpec
    district: UnitSpec
    village_merge: MergeSpec
    bloc: UnitSpec
    commune_merge: MergeSpec
    moved_codes: list[str]
    new_communes: list[UnitSpec]
    branch_merges: list[MergeSpec]

    def specs(self) -> list[UnitSpec]:
        """Every unit of the plan, in creation order."""
        out = [self.province, *self.district.walk(), self.village_merge.new, *self.bloc.walk(),
               *self.commune_merge.new.walk()]
        for commune in self.new_communes:
            out.extend(commune.walk())
        out.extend(m.new for m in self.branch_merges)
        return out


def _rng(code: str) -> random.Random:
    return random.Random(f"{data.SEED}/{code}")


class NameGenerator:
    """Vietnamese full names (họ, tên đệm, tên), unique within one generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        self._families = [f for f, _ in data.FAMILY_NAMES]
        self._weights = [w for _, w in data.FAMILY_NAMES]

    def __call__(self, female: bool | None = None) -> str:
        rng = self.rng
        if female is None:
            female = rng.random() < 0.42
        for _ in range(100):
            family = rng.choices(self._families, weights=self._weights)[0]
            middle = rng.choice(data.FEMALE_MIDDLE_NAMES if female else data.MALE_MIDDLE_NAMES)
            given = rng.choice(data.FEMALE_GIVEN_NAMES if female else data.MALE_GIVEN_NAMES)
            if given == middle:
                continue
            name = f"{family} {middle} {given}"
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("name space exhausted")  # pragma: no cover


def _slug(place: str) -> str:
    return "".join(ch for ch in fold(place).upper() if ch.isalnum())


def commune_code(level: str, place: str) -> str:
    return f"{data.PROVINCE_CODE}.{'P' if level == 'phường' else 'X'}.{_slug(place)}"


def _people(rng: random.Random, positions: list[str], **fmt) -> list[PersonSpec]:
    names = NameGenerator(rng)
    return [PersonSpec(names(), p.format(**fmt)) for p in positions]


def _branch(code: str, name: str, members: int, valid_from: dt.date, number: int, rng: random.Random) -> UnitSpec:
    return UnitSpec(
        code=code, name=name, kind=UnitKind.BRANCH, valid_from=valid_from, member_count=members,
        decision_ref=f"Quyết định {number}-QĐ/ĐU",
        people=[PersonSpec(NameGenerator(rng)(), data.BRANCH_SECRETARY)],
    )


def _village_names(rng: random.Random, level: str, count: int, mountainous: bool) -> list[str]:
    """Branch names for the villages (thôn, bản) or residential groups (khu phố, tổ dân phố)."""
    if level == "phường":
        word = rng.choice(["khu phố", "tổ dân phố"])
        return [f"Chi bộ {word} {i}" for i in range(1, count + 1)]
    if mountainous:
        highland = rng.sample(data.HIGHLAND_VILLAGE_NAMES, count // 2 + count % 2)
        lowland = rng.sample(data.VILLAGE_NAMES, count // 2)
        return [f"Chi bộ bản {v}" for v in highland] + [f"Chi bộ thôn {v}" for v in lowland]
    if rng.random() < 0.35:
        return [f"Chi bộ thôn {i}" for i in range(1, count + 1)]
    return [f"Chi bộ thôn {v}" for v in rng.sample(data.VILLAGE_NAMES, count)]


def _implementing(code: str, level: str, place: str, valid_from: dt.date) -> list[UnitSpec]:
    return [
        UnitSpec(code=f"{code}.{suffix}", name=pattern.format(level=level, name=place), kind=kind,
                 valid_from=valid_from)
        for suffix, kind, pattern in data.IMPLEMENTING_BODIES
    ]


def _commune(level: str, place: str, mountainous: bool, valid_from: dt.date, decision_ref: str) -> UnitSpec:
    """A commune or ward with 8-15 branches, its implementing bodies and its leaders."""
    code = commune_code(level, place)
    rng = _rng(code)
    total = rng.randint(8, 15)
    specials = data.SPECIAL_BRANCHES[:2] + [s for s in data.SPECIAL_BRANCHES[2:] if rng.random() < 0.4][:2]
    villages = _village_names(rng, level, total - len(specials), mountainous)
    low, high = (20, 60) if level == "phường" else (12, 60)
    branches = []
    for number, name in enumerate(villages, 1):
        branches.append(_branch(f"{code}.CB{number:02d}", name, rng.randint(low, high), valid_from, number, rng))
    for offset, (suffix, pattern, lo, hi) in enumerate(specials, len(villages) + 1):
        branches.append(_branch(f"{code}.{suffix}", pattern.format(level=level, name=place), rng.randint(lo, hi),
                                valid_from, offset, rng))
    return UnitSpec(
        code=code, name=f"Đảng bộ {level} {place}", kind=UnitKind.COMMUNE, valid_from=valid_from,
        short_name=f"{level.capitalize()} {place}",
        decision_ref=decision_ref,
        children=branches + _implementing(code, level, place, valid_from),
        people=_people(rng, data.COMMUNE_POSITIONS, level=level),
    )


def _old_commune(place: str, villages: list[str]) -> UnitSpec:
    """A commune of the former district that merges in 2025: village, military and police branches."""
    code = commune_code("xã", place)
    rng = _rng(code)
    day = data.OLD_COMMUNES_FOUNDED
    branches = [
        _branch(f"{code}.CB{n:02d}", f"Chi bộ thôn {v}", rng.randint(15, 60), day, n, rng)
        for n, v in enumerate(villages, 1)
    ]
    for suffix, pattern, lo, hi in data.SPECIAL_BRANCHES[:2]:
        branches.append(_branch(f"{code}.{suffix}", pattern.format(level="xã", name=place), rng.randint(lo, hi),
                                day, len(branches) + 1, rng))
    return UnitSpec(
        code=code, name=f"Đảng bộ xã {place}", kind=UnitKind.COMMUNE, valid_from=day, short_name=f"Xã {place}",
        children=branches,
    )


def _merge(sources: list[UnitSpec], new: UnitSpec, parent_code: str, date: dt.date, decision_ref: str) -> MergeSpec:
    new.member_count = sum(s.member_count for s in sources)  # the sources' own members (0 for committees)
    for source in sources:
        source.people = []  # closed units keep no current office holders
    return MergeSpec([s.code for s in sources], new, parent_code, date, decision_ref)


def _bloc() -> UnitSpec:
    rng = _rng(data.BLOC_CODE)
    day = data.BLOC_FOUNDED
    committees = []
    for kind, suffix, name, branch_names in data.BLOC_COMMITTEES:
        code = f"{data.BLOC_CODE}.{suffix}"
        sub = _rng(code)
        branches = [
            _branch(f"{code}.CB{n:02d}", b, sub.randint(8, 40), day, n, sub) for n, b in enumerate(branch_names, 1)
        ]
        committees.append(UnitSpec(
            code=code, name=name, kind=kind, valid_from=day,
            decision_ref=data.BLOC_DECISION, children=branches, people=_people(sub, data.GRASSROOTS_POSITIONS),
        ))
    return UnitSpec(
        code=data.BLOC_CODE, name=data.BLOC_NAME, kind=UnitKind.SECTOR_BLOC, valid_from=day,
        short_name=data.BLOC_SHORT_NAME,
        decision_ref=data.BLOC_DECISION, children=committees, people=_people(rng, data.BLOC_POSITIONS),
    )


def build_plan() -> Plan:
    """The whole demo province as data, the same on every machine."""
    province = UnitSpec(
        code=data.PROVINCE_CODE, name=data.PROVINCE_NAME, kind=UnitKind.PROVINCE, valid_from=data.PROVINCE_FOUNDED,
        short_name=data.PROVINCE_SHORT_NAME, people=_people(_rng(data.PROVINCE_CODE), data.PROVINCE_POSITIONS),
    )

    # The former district: three communes that merge and three that move in 2025.
    merging = [_old_commune(place, villages) for place, villages in data.MERGED_SOURCES]
    moved = [
        _commune("xã", place, False, data.OLD_COMMUNES_FOUNDED, f"Quyết định {101 + i}-QĐ/HU")
        for i, place in enumerate(data.MOVED_COMMUNES)
    ]
    district = UnitSpec(
        code=data.DISTRICT_CODE, name=data.DISTRICT_NAME, kind=UnitKind.DISTRICT, valid_from=data.DISTRICT_FOUNDED,
        short_name=data.DISTRICT_SHORT_NAME,
        children=merging + moved,
    )

    # 2019: two villages of Đông Tiến become one, and so do their branches.
    place, village_names, new_village = data.VILLAGE_MERGE
    commune = next(c for c in merging if c.name.endswith(place))
    village_sources = [b for b in commune.children if any(b.name == f"Chi bộ thôn {v}" for v in village_names)]
    number = len(commune.children) + 1
    village_merge = _merge(
        village_sources,
        _branch(f"{commune.code}.CB{number:02d}", f"Chi bộ thôn {new_village}", 0, data.VILLAGE_MERGE_DATE, number,
                _rng(f"{commune.code}.CB{number:02d}")),
        commune.code, data.VILLAGE_MERGE_DATE, data.VILLAGE_MERGE_DECISION,
    )

    # 1 July 2025: the new commune of Đông Sơn, directly under the province.
    level, place = "xã", data.MERGED_COMMUNE
    code = commune_code(level, place)
    assert code == MERGED_COMMUNE_CODE
    day = data.REORGANIZATION_DATE
    merged = UnitSpec(
        code=code, name=f"Đảng bộ {level} {place}", kind=UnitKind.COMMUNE, valid_from=day,
        short_name=f"Xã {place}", children=_implementing(code, level, place, day),
        people=_people(_rng(code), data.COMMUNE_POSITIONS, level=level),
    )
    commune_merge = _merge(merging, merged, data.PROVINCE_CODE, day, data.REORGANIZATION_DECISION)

    new_communes = [
        _commune(lvl, name, mountainous, day, f"Quyết định {1688 + i}-QĐ/TU")
        for i, (lvl, name, mountainous) in enumerate(data.NEW_COMMUNES)
    ]

    # 15 August 2025: Đông Sơn merges the military and police branches of its three former communes.
    branch_merges = []
    for number, (suffix, pattern, _lo, _hi) in enumerate(data.SPECIAL_BRANCHES[:2], 1):
        sources = [b for c in merging for b in c.children if b.code.endswith(f".{suffix}")]
        new = _branch(f"{code}.{suffix}", pattern.format(level=level, name=place), 0,
                      data.BRANCH_REORGANIZATION_DATE, number, _rng(f"{code}.{suffix}"))
        branch_merges.append(_merge(sources, new, code, data.BRANCH_REORGANIZATION_DATE, data.BRANCH_MERGE_DECISION))

    bloc = _bloc()
    # The bloc's secretary sits on the provincial standing committee: the same person.
    bloc_secretary = next(p for p in province.people if "Bí thư Đảng ủy Khối" in p.position)
    bloc.people.insert(0, PersonSpec(bloc_secretary.full_name, "Bí thư Đảng ủy Khối"))

    plan = Plan(
        province=province, district=district, village_merge=village_merge, bloc=bloc, commune_merge=commune_merge,
        moved_codes=[c.code for c in moved], new_communes=new_communes, branch_merges=branch_merges,
    )
    _place_demo_users(plan)
    return plan


def _place_demo_users(plan: Plan) -> None:
    """Each demo user takes the first slot with their position at their unit."""
    by_code = {s.code: s for s in plan.specs()}
    for demo in DEMO_USERS:
        spec = by_code[demo.unit_code]
        slot = next(p for p in spec.people if p.position == demo.position and not p.username)
        slot.full_name, slot.username = demo.full_name, demo.username


def plan_fingerprint(plan: Plan | None = None) -> str:
    """SHA-256 over every unit and person of the plan (to compare machines and runs)."""
    plan = plan or build_plan()
    digest = hashlib.sha256()
    for spec in plan.specs():
        digest.update(f"{spec.code}|{spec.name}|{spec.kind}|{spec.member_count}|{spec.valid_from}\n".encode())
        for person in spec.people:
            digest.update(f"  {person.full_name}|{person.position}|{person.username}\n".encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------- carrying it out


@dataclass
class DemoLogin:
    username: str
    password: str
    role: str
    unit: str


@dataclass
class SeedResult:
    created: bool
    seconds: float
    province: Unit
    units_by_kind: dict[str, int]
    closed_units: int
    members: int
    people: int
    logins: list[DemoLogin]
    plans: PlansSummary | None = None
    reports: ReportsSummary | None = None

    @property
    def active_units(self) -> int:
        return sum(self.units_by_kind.values())


def seed_demo(stdout: TextIO | None = None) -> SeedResult:
    """Build the demo province, or only check the demo accounts if it already exists."""
    started = time.perf_counter()

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    with transaction.atomic():
        province = Unit.objects.filter(code=data.PROVINCE_CODE).first()
        created = province is None
        if created:
            say(f"Đang tạo {data.PROVINCE_NAME}…")
            plan = build_plan()
            province = _build(plan, say)
            units = Unit.objects.in_bulk([d.unit_code for d in DEMO_USERS], field_name="code")
            _ensure_demo_accounts(units)
            _create_people(plan, say)
        else:
            say(f"{province.name} đã có sẵn: chỉ kiểm tra các tài khoản minh họa.")
            units = Unit.objects.in_bulk([d.unit_code for d in DEMO_USERS], field_name="code")
            missing = [d.unit_code for d in DEMO_USERS if d.unit_code not in units]
            if missing:
                raise RuntimeError(f"Dữ liệu minh họa không đầy đủ, thiếu đơn vị: {', '.join(missing)}")
            _ensure_demo_accounts(units)
        seed_members(province, say)
        plans = seed_plans(province, say)
        reports = seed_reports(province, say)
        say(seed_oversight(province, say).line())
        say(seed_study(province, say).line())
        say(seed_adjustments(province, say).line())
        say(seed_reviews(province, say).line())
        say(seed_notifications(province, say).line())  # last: the scan reads what every step above made
        result = _summarize(province, created, units)
        result.plans = plans
        result.reports = reports
    result.seconds = time.perf_counter() - started
    return result


def _create_tree(spec: UnitSpec, parent: Unit | None) -> Unit:
    unit = unit_create(
        actor=None, parent=parent, kind=spec.kind, code=spec.code, name=spec.name, short_name=spec.short_name,
        member_count=spec.member_count, valid_from=spec.valid_from, decision_ref=spec.decision_ref,
    )
    for child in spec.children:
        _create_tree(child, unit)
    return unit


def _merge_into_new(merge: MergeSpec, parent: Unit) -> Unit:
    sources = list(Unit.objects.filter(code__in=merge.source_codes).order_by("code"))
    new = merge.new
    result = unit_merge(
        actor=None, sources=sources, new_parent=parent,
        new_unit=NewUnit(code=new.code, name=new.name, kind=new.kind, short_name=new.short_name),
        effective_date=merge.date, decision_ref=merge.decision_ref,
    )
    unit = Unit.objects.get(pk=result.created[0]["id"])
    assert unit.member_count == new.member_count, (unit.code, unit.member_count, new.member_count)
    return unit


def _build(plan: Plan, say) -> Unit:
    """Every unit and reorganization, in date order."""
    province = _create_tree(plan.province, None)
    say("  1997–2008: huyện Đông Sơn và các xã")
    district = _create_tree(plan.district, province)
    say("  2019: sáp nhập thôn")
    _merge_into_new(plan.village_merge, Unit.objects.get(code=plan.village_merge.parent_code))
    say("  02/2025: Đảng bộ Khối")
    _create_tree(plan.bloc, province)

    say("  01/07/2025: hợp nhất xã, điều chuyển xã, kết thúc hoạt động cấp huyện")
    day, decision = data.REORGANIZATION_DATE, data.REORGANIZATION_DECISION
    merged = _merge_into_new(plan.commune_merge, province)
    for child in plan.commune_merge.new.children:
        _create_tree(child, merged)
    for unit in Unit.objects.filter(code__in=plan.moved_codes).order_by("code"):
        unit_move(actor=None, unit=unit, new_parent=province, effective_date=day, decision_ref=decision)
    unit_close(actor=None, unit=district, effective_date=day, decision_ref=data.DISTRICT_CLOSE_DECISION,
               note="Kết thúc hoạt động của cấp huyện theo mô hình chính quyền địa phương hai cấp.")
    say("  01/07/2025: thành lập các xã, phường mới")
    for commune in plan.new_communes:
        _create_tree(commune, province)

    say("  15/08/2025: hợp nhất chi bộ quân sự, công an xã Đông Sơn")
    for merge in plan.branch_merges:
        _merge_into_new(merge, merged)
    province.refresh_from_db()
    return province


def _create_people(plan: Plan, say) -> None:
    specs = [s for s in plan.specs() if s.people]
    units = Unit.objects.in_bulk([s.code for s in specs], field_name="code")
    count = 0
    for spec in specs:
        unit = units[spec.code]
        for person in spec.people:
            if person.username:
                continue  # the demo accounts' people are made by _ensure_demo_accounts
            person_create(actor=None, unit=unit, full_name=person.full_name, position=person.position)
            count += 1
    say(f"  {count} cán bộ")


def _ensure_demo_accounts(units: dict[str, Unit]) -> None:
    """Demo users exist, are active, have the demo password, a person and their role."""
    User = get_user_model()
    for demo in DEMO_USERS:
        unit = units[demo.unit_code]
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            user = User(username=demo.username, first_name=demo.first_name, last_name=demo.last_name)
            user.set_password(DEMO_PASSWORD)
            user.save()
        else:
            changed = []
            for attr, value in (("first_name", demo.first_name), ("last_name", demo.last_name), ("is_active", True)):
                if getattr(user, attr) != value:
                    setattr(user, attr, value)
                    changed.append(attr)
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                changed.append("password")
            if changed:
                user.save(update_fields=changed)

        if not Person.objects.filter(user=user).exists():
            person = Person.objects.filter(unit=unit, full_name=demo.full_name, position=demo.position,
                                           user__isnull=True).first()
            if person is None:
                person_create(actor=None, unit=unit, full_name=demo.full_name, position=demo.position, user=user)
            else:
                person.user = user
                person.save(update_fields=["user"])
                audit_record(actor=None, action=AuditAction.UPDATE, obj=person, unit=unit,
                             changes={"user": [None, {"id": user.pk, "repr": str(user)}]})
        if not RoleAssignment.objects.filter(user=user, unit=unit, role=demo.role).exists():
            role_assign(actor=None, user=user, unit=unit, role=demo.role)


def _summarize(province: Unit, created: bool, units: dict[str, Unit]) -> SeedResult:
    subtree = Unit.objects.filter(path__under=province.path)
    by_kind = unit_subtree_stats(province)
    order = {kind: i for i, kind in enumerate(UnitKind.values)}
    return SeedResult(
        created=created,
        seconds=0.0,
        province=province,
        units_by_kind=dict(sorted(by_kind.items(), key=lambda item: order.get(item[0], 99))),
        closed_units=subtree.filter(valid_to__isnull=False).count(),
        members=unit_members_total(province),
        people=Person.objects.filter(unit__path__under=province.path).count(),
        logins=[
            DemoLogin(d.username, DEMO_PASSWORD, str(Role(d.role).label), units[d.unit_code].name) for d in DEMO_USERS
        ],
    )


def summary_lines(result: SeedResult) -> list[str]:
    lines = [
        f"{'Đã tạo' if result.created else 'Đã có sẵn'}: {result.province.name} ({result.seconds:.1f} giây)",
        f"Đơn vị đang hoạt động: {result.active_units} (đã kết thúc hoạt động: {result.closed_units})",
    ]
    for kind, n in result.units_by_kind.items():
        lines.append(f"  {UnitKind(kind).label}: {n}")
    lines.append(f"Đảng viên: {result.members:,}".replace(",", "."))
    lines.append(f"Cán bộ: {result.people}")
    if result.plans is not None:
        lines.append(result.plans.line())
    if result.reports is not None:
        lines.append(result.reports.line())
    return lines


def login_lines(result: SeedResult) -> list[str]:
    rows = [("Tên đăng nhập", "Mật khẩu", "Vai trò", "Đơn vị")]
    rows += [(x.username, x.password, x.role, x.unit) for x in result.logins]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
        if index == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * len(row[3]))
    return lines
