"""The demo province's reporting data: two years of quarterly reports on the congress resolution's targets.

``seed_reports()`` adds, under the province built by ``seed.py`` and the plans of ``plans.py``:

* the province schedule "Báo cáo quý các chỉ tiêu Nghị quyết Đại hội" over the aggregatable targets of
  01-NQ/ĐH that every commune and ward can report (``PROVINCE_TARGETS``, 15 of 21). Left out: 1 and 15 (no
  aggregation); 3, budget revenue, and 4, the digital economy, whose provincial figures include what is
  collected or produced above the communes, so the communes' sum would never be them; 12, forest cover, and 13,
  rural households, which only mountain or rural communes adopted (a ward has no rural households). Reported
  quarterly by the communes from 1 October 2024 to the end of the term; due 10 days after the quarter, 2 days'
  grace, locked 45 days after it;
* Đông Sơn's schedule "Báo cáo quý kết quả công tác xây dựng Đảng ở chi bộ": its own targets 18, 19 and 20
  reported quarterly by its branches from 1 October 2025 (Q4/2026 open, nothing entered yet);
* the submissions Q4/2024 … Q3/2026: the six communes of the former district until Q2/2025, then the 30
  communes and wards; the three communes merged into Đông Sơn on 1 July 2025 report until Q2/2025 and
  Đông Sơn from Q3/2025, so their figures follow the reorganization in the rollups. Most are accepted; a few
  are late (``LATE``), a few never came (``MISSING``), one was returned with a comment (``RETURNED``), and the
  latest quarter is only partly decided (``WAITING``: submitted, waiting for approval).

Figures follow each commune's plan for the target (its own copy's baseline and 2026 milestone when its congress
resolution set its own numbers, else the province's; the former communes follow Đông Sơn's) and the target's
aggregation: ratio targets carry numerator and denominator, weighted means a weight (population; 1 per rural
commune, 0 for a ward), the count-meeting target the commune's own figure (criteria met; the ``MEETING`` leading
communes meet all 19), sums the year-to-date figure ("lũy kế"). Each commune drifts from its plan by its own
factor (most near it, some behind), and ``DRIFT`` moves a few targets for everyone, so statuses differ: in
Q3/2026 the province is on track on most targets, at risk on income, criteria per commune and online files,
off track on communes meeting the standard and new members, and has achieved its poverty milestone.

Nothing is created for Q4/2026 (the current quarter on ``plans.DEMO_TODAY``): demo-xa, demo-xa2 and
demo-chibo find their forms empty.

How it is written: the schedules through ``schedule_create`` (audited, as demo-tinh and demo-xa); the
submissions and values in bulk (``bulk_create``, with the dates they would have had: the former communes are
closed, so the services refuse them today), then ``rollups.rollups_rebuild()`` for the cells, then
``quality.quality_check_submission`` for the submissions meant to carry flags (``planted``), and
``quality.flag_explain`` (as demo-xa) for the one explanation:

* a jump: Đông Sơn's traffic accidents in Q3/2026 against the same quarter of 2025 (sums are compared with the
  same period last year: a road under construction), explained by demo-xa, then accepted;
* a copied value: five communes gave the province's 2026 income milestone (88) as their own in Q4/2025;
* an impossible rate: Hà Lĩnh's health-insurance card holders above its population in Q3/2026, returned.

Before writing, the figures of those submissions are simulated with the checks' own functions and every other
value of theirs nudged until only the planted flags remain (``_clean_checked``). Bulk-written submissions have
no audit rows of their own (no one typed them into this system).

Deterministic (``random.Random`` seeded per unit code; every date fixed) and idempotent (nothing is written
when the province schedule already exists).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from nghiquyet.demo import data
from nghiquyet.demo.plans import CONGRESS_SYMBOL, DEMO_TODAY, TERM
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.reporting import quality, rules
from nghiquyet.reporting.models import (
    Period,
    PeriodKind,
    QualityFlag,
    Schedule,
    Submission,
    SubmissionStatus,
    Value,
)
from nghiquyet.reporting.periods import period_get
from nghiquyet.reporting.services import ratio_value, schedule_create
from nghiquyet.resolutions.models import Aggregation, Direction, Document, Target

SCHEDULE_NAME = "Báo cáo quý các chỉ tiêu Nghị quyết Đại hội"
BRANCH_SCHEDULE_NAME = "Báo cáo quý kết quả công tác xây dựng Đảng ở chi bộ"
STARTS_ON = dt.date(2024, 10, 1)
BRANCH_STARTS_ON = dt.date(2025, 10, 1)
ENDS_ON = dt.date(TERM[1], 12, 31)
DUE_DAYS, GRACE_DAYS, LOCK_DAYS = 10, 2, 45
BRANCH_DUE_DAYS = 5
PROVINCE_TARGETS = ("2", "5", "6", "7", "8", "9", "10", "11", "14", "16", "17", "18", "19", "20", "21")
BRANCH_TARGETS = ("18", "19", "20")
QUARTERS = [(2024, 4), (2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3)]
BRANCH_QUARTERS = QUARTERS[4:]
YTD_SHARE = {1: Decimal("0.22"), 2: Decimal("0.47"), 3: Decimal("0.73"), 4: Decimal(1)}   # sums: year to date

# The province's 2026 figures against the plan (level targets: × the planned level, reached by Q3/2026;
# sums: × the year's milestone).
DRIFT = {"7": 1.08, "17": 1.2, "21": 0.9}
DEMO_DRIFT = {("Đông Sơn", "14"): 0.93, ("Đông Sơn", "21"): 0.9, ("An Lạc", "11"): 0.92, ("An Lạc", "21"): 0.9}
MEETING = {2025: 4, 2026: 6}     # rural communes meeting all 19 advanced criteria (target 5), the leading ones

# place -> (year, quarter); by place name (codes come from ``seed.commune_code``).
MISSING = {("Đông Phú", 2025, 1), ("Trường Thi", 2025, 4), ("Bình Minh", 2026, 2), ("Vạn Xuân", 2026, 3),
           ("Trung Thành", 2026, 3)}
LATE = {("Đông Minh", 2024, 4), ("Kim Tân", 2025, 3), ("Ngọc Sơn", 2026, 1), ("Yên Thọ", 2026, 2),
        ("Quảng Phú", 2026, 3)}
# Q3/2026 submitted, waiting for approval (Đông Sơn only until its flag is explained, then accepted)
WAITING = {"Đông Sơn", "An Lạc", "Quảng Phú", "Nam Giang", "Cẩm Tú", "Tân Lập", "Phú Sơn"}
RETURNED = ("Hà Lĩnh", 2026, 3)
JUMP = ("Đông Sơn", 2026, 3, "17")
COPIED_PERIOD, COPIED_TARGET, COPIED_UNITS = (2025, 4), "2", 5
RETURN_COMMENT = ("Số người có thẻ bảo hiểm y tế (tử số) lớn hơn dân số (mẫu số) nên tỷ lệ vượt 100%. Đề nghị "
                  "rà soát lại số thẻ theo địa bàn cư trú và số dân, gửi lại báo cáo.")
JUMP_NOTE = "Tăng do các vụ tai nạn trên đoạn đường tỉnh 520 đang thi công mở rộng qua thôn Hòa Phú."
JUMP_EXPLANATION = ("Trong quý III/2026 xảy ra 4 vụ tai nạn giao thông trên đoạn đường tỉnh 520 đang thi công mở rộng "
                    "qua thôn Hòa Phú. Xã đã phối hợp với đơn vị thi công lắp biển báo, đèn cảnh báo và bố trí lực "
                    "lượng hướng dẫn giao thông.")
BRANCH_MISSING = {(3, 2026, 1)}          # (index of the branch in code order, year, quarter)
BRANCH_LATE = {(5, 2026, 2)}
BRANCH_WAITING = {1, 7}                  # Q3/2026

HUNDRED = Decimal(100)
ONE = Decimal(1)


def _rng(key: str) -> random.Random:
    return random.Random(f"{data.SEED}/reports/{key}")


def _q(number: float | Decimal, places: int = 0) -> Decimal:
    return Decimal(str(number)).quantize(ONE.scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass
class ReportsSummary:
    created: bool
    seconds: float
    schedules: int
    submissions: int
    values: int
    accepted: int
    waiting: int
    returned: int
    late: int
    missing: int
    flags: int

    def line(self) -> str:
        return (f"Báo cáo số liệu: {self.schedules} lịch báo cáo, {self.submissions} báo cáo ({self.accepted} đã "
                f"duyệt, {self.waiting} chờ duyệt, {self.returned} bị trả lại; {self.late} nộp muộn, "
                f"{self.missing} chưa nộp), {self.values} số liệu, {self.flags} cảnh báo chất lượng"
                + (f"; tạo trong {self.seconds:.1f} giây".replace(".", ",") if self.created else ""))


# --------------------------------------------------------------------------- figures (pure, in memory)


@dataclass
class Fig:
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    weight: Decimal | None = None
    note: str = ""


@dataclass
class Profile:
    """A commune's sizes, drawn once from its code (Đông Sơn: the sum of the three communes it took over)."""

    code: str
    place: str
    ward: bool
    mountain: bool
    population: int
    households: int
    labour: int
    schools: int
    villages: int            # branches of villages and residential groups (thôn, bản, khu phố, tổ dân phố)
    branches: int
    members: int
    income: float            # × the province's per-capita figure (communes without their own plan)
    documents: float         # × a commune's usual number of party committee files in a quarter
    criteria: dict[int, int] = field(default_factory=dict)   # year -> advanced rural criteria met (no own plan)


def _draw_profile(unit: Unit, place: str, ward: bool, mountain: bool, villages: int, branches: int, members: int,
                  former: bool) -> Profile:
    rng = _rng(unit.code)
    if ward:
        population = rng.randint(16000, 34000)
    elif mountain:
        population = rng.randint(7000, 12000)
    elif former:
        population = rng.randint(6000, 9500)
    else:
        population = rng.randint(11000, 24000)
    base = 0 if ward else rng.randint(11, 14) if mountain else rng.randint(13, 18)
    criteria = {2024: base}
    for year in (2025, 2026):
        criteria[year] = 0 if ward else min(18, criteria[year - 1] + (1 if rng.random() < 0.45 else 0))
    return Profile(
        code=unit.code, place=place, ward=ward, mountain=mountain, population=population,
        households=int(population / rng.uniform(3.4, 3.9)), labour=int(population * rng.uniform(0.56, 0.62)),
        schools=rng.randint(7, 13) if ward else rng.randint(3, 5) if former else rng.randint(5, 11),
        villages=villages, branches=branches, members=members,
        income=rng.uniform(1.1, 1.35) if ward else rng.uniform(0.6, 0.75) if mountain else rng.uniform(0.75, 1.0),
        documents=rng.uniform(0.8, 1.3) * (1.2 if ward else 1.0), criteria=criteria,
    )


def _combine(code: str, place: str, parts: list[Profile], villages: int, branches: int, members: int) -> Profile:
    """Đông Sơn: its three former communes added up."""
    pop = sum(p.population for p in parts)
    return Profile(
        code=code, place=place, ward=False, mountain=False, population=pop,
        households=sum(p.households for p in parts), labour=sum(p.labour for p in parts),
        schools=sum(p.schools for p in parts), villages=villages, branches=branches, members=members,
        income=sum(p.income * p.population for p in parts) / pop, documents=sum(p.documents for p in parts) / 2,
        criteria={year: max(p.criteria[year] for p in parts) for year in parts[0].criteria},
    )


def _years_from_2025(year: int, quarter: int) -> float:
    """Years from the end of 2025 (the baseline) to the end of the quarter: Q4/2024 → -1, Q3/2026 → 0.75."""
    return (year - 2025) + quarter / 4 - 1


class Line:
    """A planned level over time: linear from the 2025 baseline (end of 2025) to the 2026 milestone, extended
    backwards before 2026; ``drift`` is how far the actual strays from it by Q3/2026 (× the level), growing
    through 2026. For a sum, the level is the year's total."""

    def __init__(self, baseline: float, m2026: float, drift: float = 1.0):
        self.baseline, self.m2026, self.drift = baseline, m2026, drift

    @classmethod
    def of(cls, target: Target, drift: float = 1.0) -> Line:
        milestones = {m.year: float(m.value) for m in target.milestones.all()}
        return cls(float(target.baseline_value), milestones.get(2026, float(target.target_value)), drift)

    def scaled(self, factor: float, drift: float | None = None) -> Line:
        return Line(self.baseline * factor, self.m2026 * factor, self.drift if drift is None else drift)

    def level(self, year: int, quarter: int) -> float:
        x = _years_from_2025(year, quarter)
        planned = self.baseline + (self.m2026 - self.baseline) * x
        return planned * (1 + (self.drift - 1) * min(1.0, max(0.0, x / 0.75)))

    def year_total(self, year: int) -> float:
        if year <= 2024:
            return self.baseline * 0.95
        if year == 2025:
            return self.baseline
        return self.m2026 * self.drift


def _drift(code: str, place: str, number: str, direction: str) -> float:
    """A commune's own drift from its plan: most near it, some behind, a few well behind (lower is better:
    the inverse). The demo accounts' communes are near their plans but for ``DEMO_DRIFT``."""
    rng = _rng(f"{code}/drift/{number}")
    roll = rng.random()
    drift = rng.uniform(0.98, 1.04) if roll < 0.7 else rng.uniform(0.9, 0.95) if roll < 0.9 else rng.uniform(0.8, 0.86)
    if place in {p for p, _n in DEMO_DRIFT}:
        drift = DEMO_DRIFT.get((place, number), rng.uniform(0.98, 1.03))
    drift *= DRIFT.get(number, 1.0)
    return 1 / drift if direction == Direction.LOWER else drift


class Generator:
    """Every figure of every (unit, quarter) of the province schedule.

    Each commune follows its own plan where its congress resolution set its own numbers for the target (the
    copy's baseline and 2026 milestone), else the province's (rates) or its share of the province's (sums);
    the three former communes follow Đông Sơn's plan (their share of it for sums)."""

    def __init__(self, targets: dict[str, Target], profiles: dict[int, Profile], copies: dict[tuple[int, str], Target],
                 formers: dict[int, int], active_ids: list[int]):
        self.targets = targets
        self.profiles = profiles
        self.copies = copies            # (unit id, number) -> the commune's copy of the target
        self.formers = formers          # former commune id -> Đông Sơn's id
        actives = [profiles[u] for u in active_ids]
        self.total_pop = sum(p.population for p in actives)
        self.total_members = sum(p.members for p in actives)
        self._lines: dict[tuple[int, str], Line] = {}

    def line(self, unit_id: int, number: str) -> Line:
        key = (unit_id, number)
        if key in self._lines:
            return self._lines[key]
        p, target = self.profiles[unit_id], self.targets[number]
        drift = _drift(p.code, p.place, number, target.direction)
        if unit_id in self.formers:
            successor = self.formers[unit_id]
            base = self.line(successor, number)
            share = p.population / self.profiles[successor].population
            line = base.scaled(share if number in ("17", "18") else 1.0, drift=base.drift)
        elif (unit_id, number) in self.copies:
            line = Line.of(self.copies[(unit_id, number)], drift)
        elif number == "17":
            line = Line.of(target).scaled(p.population / self.total_pop, drift)
        elif number == "18":
            line = Line.of(target).scaled(0.8 * p.members / self.total_members, drift)
        elif number == "2":
            line = Line.of(target).scaled(p.income * 0.85, drift)
        else:
            line = Line.of(target, drift)
        self._lines[key] = line
        return line

    def _noise(self, code: str, key: str, spread: float) -> float:
        return 1 + _rng(f"{code}/{key}").uniform(-spread, spread)

    def criteria(self, unit_id: int, year: int) -> int:
        """Advanced rural criteria met in ``year``; 0 for a ward. The ``MEETING`` leading communes meet all 19."""
        if not hasattr(self, "_leading"):
            ranked = sorted((u for u in self.profiles if u not in self.formers and not self.profiles[u].ward),
                            key=lambda u: (-self._criteria(u, 2026), self.profiles[u].code))
            self._leading = {year: set(ranked[:n]) for year, n in MEETING.items()}
        if unit_id in self._leading.get(min(year, 2026), ()):
            return 19
        return min(18, self._criteria(unit_id, year))

    def _criteria(self, unit_id: int, year: int) -> int:
        p = self.profiles[unit_id]
        if p.ward:
            return 0
        if (unit_id, "6") not in self.copies and unit_id not in self.formers:
            return p.criteria[min(year, 2026)]
        line = self.line(unit_id, "6")
        bonus = 1 if _rng(f"{p.code}/criteria").random() < 0.35 else 0
        return max(0, min(19, round(line.baseline + (line.m2026 - line.baseline) * (year - 2026)) + bonus))

    def figures(self, unit_id: int, qi: int) -> dict[str, Fig]:
        p = self.profiles[unit_id]
        year, quarter = QUARTERS[qi]
        first = QUARTERS.index((year, 1)) if (year, 1) in QUARTERS else 0   # yearly figures change in Q1
        growth = 1 + 0.0025 * (qi - 4)
        out: dict[str, Fig] = {}
        pop = Decimal(int(p.population * growth))
        # 2: income per head, weighted by population
        income = self.line(unit_id, "2").level(year, quarter) * self._noise(p.code, f"2/{qi}", 0.006)
        out["2"] = Fig(value=_q(income, 1), weight=pop)
        # 5 and 6: advanced rural criteria met (a ward has none: weight 0)
        criteria = Decimal(self.criteria(unit_id, year))
        note = "Phường không xét tiêu chí nông thôn mới." if p.ward else ""
        out["5"] = Fig(value=criteria, note=note)
        out["6"] = Fig(value=criteria, weight=Decimal(0 if p.ward else 1), note=note)
        # rates of large counts and amounts
        dens = {
            "7": Decimal(int(p.households * growth)),
            "8": Decimal(int(p.labour * growth)),
            "9": pop,
            "14": _q(p.population * 0.75 * 91 / 1000 * self._noise(p.code, f"w{qi}", 0.03), 1),
            "20": Decimal(p.members),
            "21": Decimal(int(220 * p.documents * self._noise(p.code, f"d{qi}", 0.1))),
            "10": Decimal(p.schools),
            "11": Decimal(p.villages),
            "16": Decimal(p.villages),
            "19": Decimal(p.branches),
        }
        for number in ("7", "8", "9", "14", "21"):
            places = 1 if number == "14" else 0
            rate = self.line(unit_id, number).level(year, quarter) * self._noise(
                p.code, f"{number}/{qi}", 0.02 if number == "7" else 0.004)
            out[number] = Fig(numerator=_q(float(dens[number]) * min(rate, 99.6) / 100, places),
                              denominator=dens[number])
        # rates of small counts and of ratings: they change once a year
        for number in ("10", "11", "16", "19", "20"):
            first_year, first_quarter = QUARTERS[first]
            rate = self.line(unit_id, number).level(first_year, first_quarter)
            if number == "20":
                rate = min(rate, 97.0)
            out[number] = Fig(numerator=min(dens[number], _q(float(dens[number]) * rate / 100)),
                              denominator=dens[number])
        # sums, year to date
        for number in ("17", "18"):
            total = self.line(unit_id, number).year_total(year)
            flows = Decimal(0)
            for q in range(1, quarter + 1):
                share = YTD_SHARE[q] - (YTD_SHARE[q - 1] if q > 1 else 0)
                flows += share * Decimal(total * self._noise(p.code, f"{number}/{year}/{q}", 0.15))
            out[number] = Fig(value=_q(flows, 0))
        for number, fig in out.items():
            if fig.numerator is not None and number in self.targets:
                fig.value = ratio_value(self.targets[number], fig.numerator, fig.denominator)
        return {n: f for n, f in out.items() if n in self.targets}


def _is_ytd(target: Target) -> bool:
    return target.aggregation == Aggregation.SUM


# --------------------------------------------------------------------------- cleaning the checked submissions


@dataclass
class Cell:
    """A planned submission: its unit, quarter index, status and figures by target number."""

    unit: Unit
    qi: int
    status: str
    figs: dict[str, Fig]
    late: bool = False
    checked: bool = False
    planted: dict[str, str] = field(default_factory=dict)    # target number -> flag kind meant to be raised


def _simulate(cell: Cell, number: str, target: Target, cells: dict[tuple[int, int], Cell],
              siblings: dict[int, list[Cell]], periods: list[Period], th: quality.Thresholds) -> set[str]:
    """The flag kinds ``quality`` would raise on one value: its own checks, run on the figures in memory."""
    fig = cell.figs[number]
    period = periods[cell.qi]
    value = Value(target=target, unit=cell.unit, period=period, value=fig.value, numerator=fig.numerator,
                  denominator=fig.denominator, weight=fig.weight, is_total=False)
    history = []
    for qi in range(cell.qi):
        earlier = cells.get((cell.unit.pk, qi))
        if earlier is not None and number in earlier.figs:
            f = earlier.figs[number]
            history.append((periods[qi].end, periods[qi].year, periods[qi].number,
                            quality.figure(target, f.value, f.numerator, f.denominator)))
    same: dict[tuple, set[int]] = defaultdict(set)
    for other in siblings[cell.qi]:
        if other.unit.parent_id == cell.unit.parent_id and number in other.figs:
            f = other.figs[number]
            key = quality.copy_key(target, f.value, f.numerator, f.denominator)
            if key is not None:
                same[(target.pk, period.pk, cell.unit.parent_id, key)].add(other.unit.pk)
    return {r.kind for r in quality._checks(value, history, None, same, th)}


def _nudged(fig: Fig, target: Target, step: int, floor: Decimal | None) -> Fig | None:
    """The figure moved by ``step`` units of its last decimal place (ratios: the numerator)."""
    if target.aggregation == Aggregation.RATIO:
        unit = ONE if fig.numerator == fig.numerator.to_integral_value() else Decimal("0.1")
        numerator = fig.numerator + step * unit
        if numerator < 0 or numerator > fig.denominator:
            return None
        return Fig(value=ratio_value(target, numerator, fig.denominator), numerator=numerator,
                   denominator=fig.denominator, weight=fig.weight, note=fig.note)
    unit = ONE if fig.value == fig.value.to_integral_value() else Decimal("0.1")
    value = fig.value + step * unit
    if value < 0 or (floor is not None and value < floor):
        return None
    return Fig(value=value, numerator=None, denominator=None, weight=fig.weight, note=fig.note)


def _raise_year(cells: dict[tuple[int, int], Cell], unit_id: int, qi: int, number: str, lowest: Decimal) -> None:
    """Raise a year-to-date figure to at least ``lowest``, and the later quarters of its year with it."""
    year = QUARTERS[qi][0]
    for later in range(qi, len(QUARTERS)):
        cell = cells.get((unit_id, later))
        if QUARTERS[later][0] != year:
            return
        if cell is not None and number in cell.figs and cell.figs[number].value < lowest:
            cell.figs[number] = Fig(value=lowest.to_integral_value(rounding="ROUND_CEILING"),
                                    note=cell.figs[number].note)


def _clean_checked(cells: dict[tuple[int, int], Cell], targets: dict[str, Target], periods: list[Period]) -> None:
    """Nudge the values of the checked submissions until the checks find only the planted problems."""
    th = quality.thresholds()
    siblings: dict[int, list[Cell]] = defaultdict(list)
    for cell in cells.values():
        siblings[cell.qi].append(cell)
    checked = sorted((c for c in cells.values() if c.checked), key=lambda c: (c.qi, c.unit.code))
    for _round in range(10):
        changed = False
        for cell in checked:
            for number, target in targets.items():
                if number not in cell.figs:
                    continue
                wanted = {cell.planted[number]} if number in cell.planted else set()
                if _simulate(cell, number, target, cells, siblings, periods, th) <= wanted:
                    continue
                if number in cell.planted:
                    raise RuntimeError(f"planted value raises more than meant: {cell.unit.code} {number}")
                changed = True
                quarter = QUARTERS[cell.qi][1]
                before = cells.get((cell.unit.pk, cell.qi - 1)) if quarter > 1 else None
                ytd = _is_ytd(target)
                floor = before.figs[number].value if before and ytd and number in before.figs else None
                original = cell.figs[number]
                for step in (1, -1, 2, -2, 3, -3, 4, -4, 5, -5):
                    candidate = _nudged(original, target, step, floor)
                    if candidate is None:
                        continue
                    cell.figs[number] = candidate
                    if _simulate(cell, number, target, cells, siblings, periods, th) <= wanted:
                        break
                    cell.figs[number] = original
                else:
                    # a small year-to-date count: raise it, and the same quarter last year so that it is no jump
                    if not ytd:
                        raise RuntimeError(f"cannot clean {cell.unit.code} {number}")  # pragma: no cover
                    for step in range(1, 12):
                        cell.figs[number] = _nudged(original, target, step, floor)
                        if (cell.unit.pk, cell.qi - 4) in cells:
                            _raise_year(cells, cell.unit.pk, cell.qi - 4, number,
                                        cell.figs[number].value / (1 + th.jump_ratio))
                        if _simulate(cell, number, target, cells, siblings, periods, th) <= wanted:
                            break
                    else:
                        raise RuntimeError(f"cannot clean {cell.unit.code} {number}")  # pragma: no cover
        if not changed:
            return


# --------------------------------------------------------------------------- the database


def _place(unit: Unit) -> str:
    for prefix in ("Đảng bộ phường ", "Đảng bộ xã "):
        if unit.name.startswith(prefix):
            return unit.name.removeprefix(prefix)
    return unit.name


def _branches_of(unit: Unit, branches: list[Unit], villages: bool = False) -> int:
    """Branches of a commune, open at the time (``villages``: only the CBnn ones, of villages and residential
    groups)."""
    if unit.valid_to is None:
        found = [b for b in branches if b.path.startswith(unit.path) and b.valid_to is None]
    else:
        found = [b for b in branches if b.code.startswith(f"{unit.code}.")
                 and (b.valid_to is None or b.valid_to >= unit.valid_to)]
    return len([b for b in found if ".CB" in b.code] if villages else found)


def _members(unit: Unit, branches: list[Unit]) -> int:
    if unit.valid_to is None:
        return sum(b.member_count for b in branches if b.path.startswith(unit.path) and b.valid_to is None)
    return sum(b.member_count for b in branches if b.code.startswith(f"{unit.code}."))


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_default_timezone())


def summary(province: Unit, created: bool, seconds: float = 0.0) -> ReportsSummary:
    schedules = Schedule.objects.filter(unit__path__under=province.path)
    submissions = Submission.objects.filter(schedule__in=schedules)
    expected_missing = 0
    for schedule in schedules:
        periods = list(Period.objects.filter(kind=schedule.period_kind, end__gte=schedule.starts_on,
                                             end__lte=min(schedule.ends_on, DEMO_TODAY)))
        units = list(Unit.objects.filter(path__under=schedule.unit.path, kind__in=schedule.reporting_kinds))
        have = set(submissions.filter(schedule=schedule).exclude(status=SubmissionStatus.DRAFT)
                   .values_list("unit_id", "period_id"))
        for period in periods:
            if period.end + dt.timedelta(days=schedule.due_days) >= DEMO_TODAY:
                continue
            expected_missing += sum(1 for u in units if rules.schedule_expects(schedule, u, period)
                                    and (u.pk, period.pk) not in have)
    return ReportsSummary(
        created=created, seconds=seconds, schedules=schedules.count(), submissions=submissions.count(),
        values=Value.objects.filter(submission__in=submissions).count(),
        accepted=submissions.filter(status=SubmissionStatus.ACCEPTED).count(),
        waiting=submissions.filter(status=SubmissionStatus.SUBMITTED).count(),
        returned=submissions.filter(status=SubmissionStatus.RETURNED).count(),
        late=submissions.filter(is_late=True).count(), missing=expected_missing,
        flags=QualityFlag.objects.filter(value__submission__in=submissions).count(),
    )


def seed_reports(province: Unit, say=lambda message: None) -> ReportsSummary:
    """Build the reporting data unless the province schedule exists. Call inside a transaction, after the plans."""
    started = time.perf_counter()
    if Schedule.objects.filter(unit=province, name=SCHEDULE_NAME).exists():
        return summary(province, created=False)
    document = Document.objects.filter(unit=province, symbol=CONGRESS_SYMBOL, is_congress_resolution=True).first()
    if document is None:
        return summary(province, created=False)
    say("  Báo cáo số liệu hằng quý: Quý IV/2024 – Quý III/2026")
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["demo-tinh", "demo-xa",
                                                                                    "demo-xa2"])}
    _Builder(province, document, users).build()
    return summary(province, created=True, seconds=time.perf_counter() - started)


class _Builder:
    def __init__(self, province: Unit, document: Document, users: dict):
        self.province = province
        self.document = document
        self.users = users
        self.periods = [period_get(PeriodKind.QUARTER, y, q) for y, q in QUARTERS]
        self.rng = _rng("timeline")

    # ---------------------------------------------------------------- the province schedule
    def build(self) -> None:
        targets = {t.number: t for t in Target.objects.filter(document=self.document, number__in=PROVINCE_TARGETS)
                   .select_related("unit").prefetch_related("milestones")}
        targets = {n: targets[n] for n in PROVINCE_TARGETS if n in targets}
        schedule = schedule_create(
            actor=self.users["demo-tinh"], unit=self.province, document=self.document, name=SCHEDULE_NAME,
            targets=list(targets.values()), period_kind=PeriodKind.QUARTER, reporting_kinds=[UnitKind.COMMUNE],
            starts_on=STARTS_ON, ends_on=ENDS_ON, due_days=DUE_DAYS, grace_days=GRACE_DAYS, lock_days=LOCK_DAYS)
        communes = list(Unit.objects.filter(path__under=self.province.path, kind=UnitKind.COMMUNE)
                        .select_related("parent").order_by("code"))
        branches = list(Unit.objects.filter(path__under=self.province.path, kind=UnitKind.BRANCH)
                        .order_by("code"))
        mountainous = {place for _level, place, flag in data.NEW_COMMUNES if flag}
        former_places = [place for place, _villages in data.MERGED_SOURCES]
        profiles: dict[int, Profile] = {}
        formers = []
        for unit in communes:
            place = _place(unit)
            if place == data.MERGED_COMMUNE:
                continue
            former = place in former_places
            profiles[unit.pk] = _draw_profile(unit, place, unit.name.startswith("Đảng bộ phường"),
                                              place in mountainous, _branches_of(unit, branches, villages=True),
                                              _branches_of(unit, branches), _members(unit, branches), former)
            if former:
                formers.append(profiles[unit.pk])
        dong_son = next(u for u in communes if _place(u) == data.MERGED_COMMUNE)
        profiles[dong_son.pk] = _combine(dong_son.code, data.MERGED_COMMUNE, formers,
                                         _branches_of(dong_son, branches, villages=True),
                                         _branches_of(dong_son, branches), _members(dong_son, branches))
        reporters = {qi: [u.pk for u in communes if rules.schedule_expects(schedule, u, period)]
                     for qi, period in enumerate(self.periods)}
        active = [u.pk for u in communes if u.valid_to is None]
        copies: dict[tuple[int, str], Target] = {}
        by_pk = {t.pk: n for n, t in targets.items()}
        for copy in (Target.objects.filter(copied_from__in=list(targets.values()), unit__in=communes)
                     .prefetch_related("milestones").order_by("id")):
            copies.setdefault((copy.unit_id, by_pk[copy.copied_from_id]), copy)
        former_ids = {u.pk: dong_son.pk for u in communes if _place(u) in former_places}
        generator = Generator(targets, profiles, copies, former_ids, active)
        by_id = {u.pk: u for u in communes}

        cells: dict[tuple[int, int], Cell] = {}
        for qi, (year, quarter) in enumerate(QUARTERS):
            for unit_id in reporters[qi]:
                unit = by_id[unit_id]
                place = _place(unit)
                if (place, year, quarter) in MISSING:
                    continue
                status = SubmissionStatus.ACCEPTED
                if (year, quarter) == QUARTERS[-1] and place in WAITING:
                    status = SubmissionStatus.SUBMITTED
                cells[(unit_id, qi)] = Cell(unit, qi, status, generator.figures(unit_id, qi),
                                            late=(place, year, quarter) in LATE)
        self._plant(cells, targets, by_id)
        self._branch_figures_into_dong_son(cells, dong_son, targets)
        _clean_checked(cells, targets, self.periods)
        created = self._write(schedule, cells, targets)
        self._flags(created, cells, targets)
        self._branch_schedule()
        from nghiquyet.reporting.rollups import rollups_rebuild

        rollups_rebuild()

    def _plant(self, cells: dict[tuple[int, int], Cell], targets: dict[str, Target], by_id: dict[int, Unit]) -> None:
        def cell_of(place: str, year: int, quarter: int) -> Cell:
            qi = QUARTERS.index((year, quarter))
            return next(c for (u, i), c in cells.items() if i == qi and _place(c.unit) == place)

        # a jump: Đông Sơn's budget revenue in Q3/2026, a one-off land auction (explained in ``_flags``)
        place, year, quarter, number = JUMP
        cell = cell_of(place, year, quarter)
        last_year = cell_of(place, year - 1, quarter).figs[number].value
        before = cell_of(place, year, quarter - 1).figs[number].value
        cell.figs[number] = Fig(value=max(before + 4, _q(last_year * Decimal("1.8"))), note=JUMP_NOTE)
        cell.checked, cell.planted = True, {number: "jump"}
        # an impossible rate: more health-insurance cards than people, returned with a comment
        place, year, quarter = RETURNED
        cell = cell_of(place, year, quarter)
        fig = cell.figs["9"]
        numerator = fig.denominator + _q(fig.denominator * Decimal("0.023"))
        cell.figs["9"] = Fig(value=ratio_value(targets["9"], numerator, fig.denominator), numerator=numerator,
                             denominator=fig.denominator)
        cell.status, cell.checked, cell.planted = SubmissionStatus.RETURNED, True, {"9": "impossible"}
        # a copied value: five new communes gave the province's 2026 milestone as their own income per head
        qi = QUARTERS.index(COPIED_PERIOD)
        milestone = _q(Line.of(targets[COPIED_TARGET]).m2026, 1)
        skip = {data.MERGED_COMMUNE, "An Lạc", RETURNED[0]} | {p for p, _y, _q in MISSING | LATE}
        chosen = [c for (u, i), c in sorted(cells.items(), key=lambda item: item[1].unit.code)
                  if i == qi and c.unit.valid_from == data.REORGANIZATION_DATE and _place(c.unit) not in skip
                  and c.unit.name.startswith("Đảng bộ xã")
                  and cells.get((u, qi - 1)) is not None
                  and cells[(u, qi - 1)].figs[COPIED_TARGET].value * Decimal("1.45") >= milestone][:COPIED_UNITS]
        for cell in chosen:
            cell.figs[COPIED_TARGET] = Fig(value=milestone, weight=cell.figs[COPIED_TARGET].weight)
            cell.checked, cell.planted = True, {COPIED_TARGET: "copied"}

    def _branch_figures_into_dong_son(self, cells, dong_son: Unit, targets) -> None:
        """Đông Sơn's new members and members rated good are the sums of its branches' reports."""
        self.branch_figs = _branch_figures(dong_son)
        for qi in range(len(QUARTERS)):
            cell = cells.get((dong_son.pk, qi))
            if cell is None or qi < QUARTERS.index(BRANCH_QUARTERS[0]):
                continue
            rows = [figs for (_b, i), figs in self.branch_figs.items() if i == qi]
            cell.figs["18"] = Fig(value=sum((f["18"].value for f in rows), Decimal(0)))
            for number in ("19", "20"):
                num = sum((f[number].numerator for f in rows), Decimal(0))
                den = sum((f[number].denominator for f in rows), Decimal(0))
                cell.figs[number] = Fig(value=ratio_value(targets[number], num, den), numerator=num,
                                        denominator=den)

    def _dates(self, cell: Cell, due: dt.date, cutoff: dt.date) -> tuple[dt.datetime, dt.datetime | None]:
        rng = _rng(f"{cell.unit.code}/dates/{cell.qi}")
        end = due - dt.timedelta(days=DUE_DAYS)
        if cell.late:
            day = cutoff + dt.timedelta(days=rng.randint(2, 12))
        else:
            day = end + dt.timedelta(days=rng.randint(3, (cutoff - end).days))
        submitted = _at(day, rng.randint(7, 16), rng.randint(0, 59))
        decided = None
        if cell.status != SubmissionStatus.SUBMITTED:
            decided = submitted + dt.timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 3))
        return submitted, decided

    def _write(self, schedule: Schedule, cells: dict[tuple[int, int], Cell], targets: dict[str, Target]):
        submitter = {"Đông Sơn": self.users.get("demo-xa"), "An Lạc": self.users.get("demo-xa2")}
        approver = self.users.get("demo-tinh")
        ordered = sorted(cells.values(), key=lambda c: (c.qi, c.unit.code))
        rows = []
        for cell in ordered:
            period = self.periods[cell.qi]
            cutoff = rules.on_time_until(schedule, cell.unit.kind, period)
            submitted, decided = self._dates(cell, rules.due_on(schedule, cell.unit.kind, period), cutoff)
            rows.append(Submission(
                schedule=schedule, unit=cell.unit, period=period, status=cell.status,
                version={SubmissionStatus.SUBMITTED: 2}.get(cell.status, 3),
                submitted_at=submitted, submitted_by=submitter.get(_place(cell.unit)),
                is_late=timezone.localdate(submitted) > cutoff, decided_at=decided,
                decided_by=approver if decided else None,
                comment=RETURN_COMMENT if cell.status == SubmissionStatus.RETURNED else ""))
        Submission.objects.bulk_create(rows)
        values = []
        for cell, submission in zip(ordered, rows, strict=True):
            counted = rules.is_counted(cell.status)
            for number, fig in cell.figs.items():
                values.append(Value(submission=submission, target=targets[number], unit=cell.unit,
                                    period=submission.period, value=fig.value, numerator=fig.numerator,
                                    denominator=fig.denominator, weight=fig.weight, note=fig.note, counted=counted))
        Value.objects.bulk_create(values, batch_size=1000)
        return {(c.unit.pk, c.qi): s for c, s in zip(ordered, rows, strict=True)}

    def _flags(self, created: dict, cells: dict[tuple[int, int], Cell], targets) -> None:
        from nghiquyet.reporting.quality import flag_explain, quality_check_submission

        for key, cell in sorted(cells.items(), key=lambda item: (item[1].qi, item[1].unit.code)):
            if cell.checked:
                quality_check_submission(created[key])
        place, year, quarter, number = JUMP
        flag = QualityFlag.objects.filter(value__submission__unit__name__endswith=place, value__target=targets[number],
                                          value__period=self.periods[QUARTERS.index((year, quarter))],
                                          kind="jump").first()
        if flag is not None and self.users.get("demo-xa") is not None:
            flag_explain(actor=self.users["demo-xa"], flag=flag, explanation=JUMP_EXPLANATION)
        # then the province read the explanation and accepted the report (so that demo-tinh's list of reports
        # waiting for approval holds at most one of Đông Sơn's: the one demo-xa sends for Q4/2026)
        submission = created[(flag.value.unit_id, QUARTERS.index((year, quarter)))] if flag else None
        if submission is not None:
            submission.status = SubmissionStatus.ACCEPTED
            submission.version += 1
            submission.decided_at = submission.submitted_at + dt.timedelta(days=3, hours=2)
            submission.decided_by = self.users.get("demo-tinh")
            submission.save(update_fields=["status", "version", "decided_at", "decided_by", "updated_at"])
            submission.values.update(counted=rules.is_counted(SubmissionStatus.ACCEPTED))

    # ---------------------------------------------------------------- Đông Sơn's branches
    def _branch_schedule(self) -> None:
        dong_son = Unit.objects.get(code=_dong_son_code())
        document = Document.objects.filter(unit=dong_son, is_congress_resolution=True).first()
        actor = self.users.get("demo-xa")
        if document is None or actor is None:
            return
        targets = {t.number: t for t in Target.objects.filter(document=document, number__in=BRANCH_TARGETS)}
        if set(targets) != set(BRANCH_TARGETS):
            return
        schedule = schedule_create(
            actor=actor, unit=dong_son, document=document, name=BRANCH_SCHEDULE_NAME,
            targets=[targets[n] for n in BRANCH_TARGETS], period_kind=PeriodKind.QUARTER,
            reporting_kinds=[UnitKind.BRANCH], starts_on=BRANCH_STARTS_ON, ends_on=ENDS_ON,
            due_days=BRANCH_DUE_DAYS, grace_days=GRACE_DAYS, lock_days=LOCK_DAYS)
        branches = {b.pk: b for b in _dong_son_branches(dong_son)}
        order = sorted({branches[b] for b, _qi in self.branch_figs}, key=lambda b: b.code)
        rows, plans = [], []
        for (branch_id, qi), figs in sorted(self.branch_figs.items(), key=lambda item: (item[0][1],
                                                                                       branches[item[0][0]].code)):
            branch = branches[branch_id]
            index = order.index(branch)
            year, quarter = QUARTERS[qi]
            if (index, year, quarter) in BRANCH_MISSING:
                continue
            period = self.periods[qi]
            status = SubmissionStatus.ACCEPTED
            if (year, quarter) == QUARTERS[-1] and index in BRANCH_WAITING:
                status = SubmissionStatus.SUBMITTED
            cell = Cell(branch, qi, status, figs, late=(index, year, quarter) in BRANCH_LATE)
            cutoff = rules.on_time_until(schedule, branch.kind, period)
            rng = _rng(f"{branch.code}/dates/{qi}")
            day = cutoff + dt.timedelta(days=rng.randint(2, 8)) if cell.late else \
                period.end + dt.timedelta(days=rng.randint(1, (cutoff - period.end).days))
            submitted = _at(day, rng.randint(7, 20), rng.randint(0, 59))
            decided = None if status == SubmissionStatus.SUBMITTED else submitted + dt.timedelta(
                days=rng.randint(1, 3))
            rows.append(Submission(schedule=schedule, unit=branch, period=period, status=status,
                                   version=2 if status == SubmissionStatus.SUBMITTED else 3, submitted_at=submitted,
                                   is_late=timezone.localdate(submitted) > cutoff, decided_at=decided,
                                   decided_by=actor if decided else None))
            plans.append(cell)
        Submission.objects.bulk_create(rows)
        values = []
        for cell, submission in zip(plans, rows, strict=True):
            counted = rules.is_counted(cell.status)
            for number, fig in cell.figs.items():
                values.append(Value(submission=submission, target=targets[number], unit=cell.unit,
                                    period=submission.period, value=ratio_value(targets[number], fig.numerator,
                                                                                 fig.denominator)
                                    if fig.numerator is not None else fig.value,
                                    numerator=fig.numerator, denominator=fig.denominator, counted=counted))
        Value.objects.bulk_create(values, batch_size=1000)


def _dong_son_code() -> str:
    from nghiquyet.demo.seed import MERGED_COMMUNE_CODE

    return MERGED_COMMUNE_CODE


def _dong_son_branches(dong_son: Unit) -> list[Unit]:
    return list(Unit.objects.filter(path__under=dong_son.path, kind=UnitKind.BRANCH).order_by("code"))


def _branch_figures(dong_son: Unit) -> dict[tuple[int, int], dict[str, Fig]]:
    """(branch id, quarter index) -> figures for the branch quarters the branch existed in: new members this
    year (year to date), its own rating (1 of 1 or 0 of 1), members rated good."""
    out: dict[tuple[int, int], dict[str, Fig]] = {}
    for branch in _dong_son_branches(dong_son):
        rng = _rng(branch.code)
        rated = {year: rng.random() < 0.88 for year in (2024, 2025)}
        good = {year: min(0.97, rng.uniform(0.84, 0.95)) for year in (2024, 2025)}
        admitted: dict[int, list[int]] = {}
        for year in (2025, 2026):
            per_year = max(0, round(branch.member_count * 0.035 * rng.uniform(0.3, 1.6)))
            quarters = sorted(rng.randint(1, 4) for _ in range(per_year))
            admitted[year] = [sum(1 for q in quarters if q <= n) for n in range(1, 5)]
        for year, quarter in BRANCH_QUARTERS:
            qi = QUARTERS.index((year, quarter))
            period_start, period_end = dt.date(year, 3 * quarter - 2, 1), dt.date(year, 3 * quarter, 28)
            if branch.valid_from > period_end or (branch.valid_to is not None and branch.valid_to <= period_start):
                continue
            members = Decimal(branch.member_count)
            out[(branch.pk, qi)] = {
                "18": Fig(value=Decimal(admitted[year][quarter - 1])),
                "19": Fig(numerator=Decimal(1 if rated[year - 1] else 0), denominator=ONE),
                "20": Fig(numerator=min(members, _q(float(members) * good[year - 1])), denominator=members),
            }
    return out
