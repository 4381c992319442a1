"""A national-scale reporting data set for the rollup benchmark (issue 4, item 9).

Central → 34 provinces → ~3,300 communes → ~30,000 grassroots organizations → ~250,000 branches (at
``--scale 1``), one resolution at the Central unit with 30 targets (sum, weighted mean, ratio, count meeting and
one without aggregation), the 20 quarters of 2021-2025, one schedule, one accepted submission per (grassroots
organization, quarter) and a counted value for every (target, grassroots organization, quarter): about 18
million values at full scale. ``--scale`` multiplies the number of communes (and so everything below them);
the 34 provinces stay. The same seed and scale give the same rows.

Rows are written with raw bulk inserts (executemany on SQLite, COPY on PostgreSQL) into an empty, migrated
database; the secondary indexes of the big tables are dropped during the load and rebuilt after it, foreign
keys are not checked during the load (the generator makes them right), then the tables are analyzed (and
vacuumed on PostgreSQL, as autovacuum would have done: index-only scans need the visibility map). Used by
``bench/bench_rollups.py``; on its own: ``.venv/bin/python bench/national.py --scale 0.1`` (SQLite file under
/tmp unless DATABASE_URL is set).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PROVINCES = [
    ("thành phố", "Hà Nội"), ("thành phố", "Huế"), ("tỉnh", "Lai Châu"), ("tỉnh", "Điện Biên"), ("tỉnh", "Sơn La"),
    ("tỉnh", "Lạng Sơn"), ("tỉnh", "Quảng Ninh"), ("tỉnh", "Thanh Hóa"), ("tỉnh", "Nghệ An"), ("tỉnh", "Hà Tĩnh"),
    ("tỉnh", "Cao Bằng"), ("tỉnh", "Tuyên Quang"), ("tỉnh", "Lào Cai"), ("tỉnh", "Thái Nguyên"),
    ("tỉnh", "Phú Thọ"), ("tỉnh", "Bắc Ninh"), ("tỉnh", "Hưng Yên"), ("thành phố", "Hải Phòng"),
    ("tỉnh", "Ninh Bình"), ("tỉnh", "Quảng Trị"), ("thành phố", "Đà Nẵng"), ("tỉnh", "Quảng Ngãi"),
    ("tỉnh", "Gia Lai"), ("tỉnh", "Khánh Hòa"), ("tỉnh", "Lâm Đồng"), ("tỉnh", "Đắk Lắk"),
    ("thành phố", "Hồ Chí Minh"), ("tỉnh", "Đồng Nai"), ("tỉnh", "Tây Ninh"), ("thành phố", "Cần Thơ"),
    ("tỉnh", "Vĩnh Long"), ("tỉnh", "Đồng Tháp"), ("tỉnh", "Cà Mau"), ("tỉnh", "An Giang"),
]
SYLLABLES = ["An", "Bình", "Phú", "Tân", "Hòa", "Thạnh", "Đông", "Tây", "Nam", "Bắc", "Long", "Xuân", "Hưng",
             "Phước", "Thuận", "Quang", "Minh", "Trung", "Vĩnh", "Thành", "Hải", "Sơn", "Lộc", "Thịnh", "Yên",
             "Mỹ", "Hiệp", "Lợi", "Nghĩa", "Đức"]
AGENCIES = ["Ủy ban nhân dân", "Công an", "Ban Chỉ huy quân sự", "Trường Trung học cơ sở", "Trường Tiểu học",
            "Trường Mầm non", "Trạm Y tế", "Trường Trung học phổ thông", "Trung tâm Phục vụ hành chính công",
            "Hợp tác xã nông nghiệp"]
COMPANIES = ["Công ty cổ phần", "Công ty TNHH", "Tổng công ty", "Công ty"]
TRADES = ["Xây dựng", "Thương mại", "Chế biến nông sản", "May mặc", "Cấp nước", "Vận tải", "Điện lực",
          "Thủy sản", "Cơ khí", "Du lịch", "Dệt may", "Vật liệu xây dựng"]
YEARS = range(2021, 2026)
GRASSROOTS_KINDS = ["agency", "enterprise"]
N_PERIODS = 4 * len(YEARS)


@dataclass
class TargetSpec:
    number: str
    name: str
    domain: str
    measure: str
    aggregation: str
    make: Callable[..., dict[str, np.ndarray]]
    direction: str = "higher"
    threshold: float | None = None
    weight_name: str = ""
    numerator_name: str = ""
    denominator_name: str = ""


@dataclass
class National:
    """What ``generate`` made, for the benchmark script."""

    vendor: str
    scale: float
    seed: int
    units: int = 0
    grassroots: int = 0
    submissions: int = 0
    values: int = 0
    seconds: float = 0.0
    central_id: int = 0
    target_ids: list[int] = field(default_factory=list)
    period_ids: list[int] = field(default_factory=list)
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.units * 2 + self.submissions + self.values  # units + their versions


# --------------------------------------------------------------------------- targets: realistic figures


class Units:
    """Attributes of the grassroots organizations that the figures scale with."""

    def __init__(self, rng: np.random.Generator, members: np.ndarray, branches: np.ndarray, enterprise: np.ndarray):
        self.n = len(members)
        self.members = members.astype(float)
        self.branches = branches.astype(float)
        self.enterprise = enterprise
        # Workers of the agency or enterprise (members are a fraction of them), unit effect (how well it works).
        ratio = np.where(enterprise, rng.lognormal(np.log(6.0), 0.5, self.n), rng.lognormal(np.log(2.2), 0.3, self.n))
        self.staff = np.maximum(self.members, np.round(self.members * ratio))
        self.effect = rng.normal(0.0, 1.0, self.n)
        self.quarter = np.tile(np.arange(4), len(YEARS))[None, :]           # 0..3, shape (1, 20)
        self.year = np.repeat(np.arange(len(YEARS)), 4)[None, :]            # 0..4
        self.t = np.arange(4 * len(YEARS))[None, :] / 4.0                   # years since 2021

    def col(self, a: np.ndarray) -> np.ndarray:
        return a[:, None]


def _counts(rng, mean) -> np.ndarray:
    mean = np.broadcast_to(np.maximum(mean, 0.0), (np.shape(mean)[0], N_PERIODS))
    return rng.poisson(mean).astype(float)


def _money(a) -> np.ndarray:
    return np.round(np.maximum(a, 0.0), 2)


def _sum(make):
    def wrapped(rng, u: Units):
        return {"value": make(rng, u)}
    return wrapped


def _mean(make_value, make_weight):
    def wrapped(rng, u: Units):
        return {"value": make_value(rng, u), "weight": make_weight(rng, u)}
    return wrapped


def _ratio(make_parts):
    def wrapped(rng, u: Units):
        numerator, denominator = make_parts(rng, u)
        return {"numerator": numerator, "denominator": np.maximum(denominator, 1.0)}
    return wrapped


def _staff_shape(u: Units) -> np.ndarray:
    return np.repeat(u.col(u.staff), u.t.shape[1], axis=1)


def _members_shape(u: Units) -> np.ndarray:
    return np.repeat(u.col(u.members), u.t.shape[1], axis=1)


def _rate(rng, u: Units, base: float, per_year: float, spread: float, cap: float = 0.995) -> np.ndarray:
    """A share in (0, cap) that improves over the term, varies by unit and a little by quarter."""
    logit = (np.log(base / (1 - base)) + per_year * u.t + spread * u.col(u.effect)
             + rng.normal(0, 0.15, (u.n, u.t.shape[1])))
    return np.minimum(1 / (1 + np.exp(-logit)), cap)


def _score(rng, u: Units, mean: float, per_year: float) -> np.ndarray:
    return np.clip(np.round(mean + per_year * u.t + 5 * u.col(u.effect) + rng.normal(0, 3, (u.n, u.t.shape[1])),
                            1), 40, 100)


def _attendance(rng, u: Units):
    expected = _members_shape(u) * 3          # three ordinary meetings a quarter
    return np.round(expected * _rate(rng, u, 0.9, 0.15, 0.5)), expected


TARGETS: list[TargetSpec] = [
    TargetSpec("1", "Số đảng viên mới kết nạp", "party", "người", "sum",
               _sum(lambda r, u: _counts(r, u.col(u.members) * 0.012 * (1 + 0.3 * (u.quarter == 1))))),
    TargetSpec("2", "Số buổi sinh hoạt chi bộ thường kỳ đã tổ chức", "party", "buổi", "sum",
               _sum(lambda r, u: np.maximum(u.col(u.branches) * 3 - _counts(r, u.col(u.branches) * 0.05), 0))),
    TargetSpec("3", "Số lượt đảng viên học tập, quán triệt nghị quyết", "party", "lượt", "sum",
               _sum(lambda r, u: r.binomial(_members_shape(u).astype(int), 0.93).astype(float))),
    TargetSpec("4", "Số đảng viên được kiểm tra, giám sát", "party", "người", "sum",
               _sum(lambda r, u: _counts(r, u.col(u.members) * 0.06))),
    TargetSpec("5", "Đảng phí thu được", "party", "triệu đồng", "sum",
               _sum(lambda r, u: _money(u.col(u.members) * 0.21 * (1.05 ** u.t) * r.normal(1, 0.05, (u.n, 20))))),
    TargetSpec("6", "Doanh thu, giá trị sản xuất", "economy", "tỷ đồng", "sum",
               _sum(lambda r, u: _money(u.col(u.staff) * np.where(u.col(u.enterprise), 0.45, 0.02)
                                        * (1.07 ** u.t) * (0.85 + 0.1 * u.quarter)
                                        * r.lognormal(0, 0.12, (u.n, 20))))),
    TargetSpec("7", "Nộp ngân sách nhà nước", "economy", "triệu đồng", "sum",
               _sum(lambda r, u: _money(u.col(u.staff) * np.where(u.col(u.enterprise), 38.0, 1.5)
                                        * (1.06 ** u.t) * r.lognormal(0, 0.2, (u.n, 20))))),
    TargetSpec("8", "Số việc làm mới tạo ra", "society", "người", "sum",
               _sum(lambda r, u: _counts(r, u.col(u.staff) * np.where(u.col(u.enterprise), 0.03, 0.004)))),
    TargetSpec("9", "Số hộ được hỗ trợ thoát nghèo", "society", "hộ", "sum",
               _sum(lambda r, u: _counts(r, u.col(u.members) * 0.01 * (0.8 ** u.t)))),
    TargetSpec("10", "Số đảng viên được trao tặng Huy hiệu Đảng", "party", "người", "sum",
               _sum(lambda r, u: _counts(r, u.col(u.members) * np.where(u.quarter == 0, 0.02, 0.004)))),
    TargetSpec("11", "Thu nhập bình quân của người lao động", "economy", "triệu đồng/tháng", "weighted_mean",
               _mean(lambda r, u: _money(np.where(u.col(u.enterprise), 10.5, 7.8) * (1.065 ** u.t)
                                         * np.exp(0.12 * u.col(u.effect)) * r.lognormal(0, 0.03, (u.n, 20))),
                     lambda r, u: _staff_shape(u)),
               weight_name="Số người lao động"),
    TargetSpec("12", "Điểm chất lượng sinh hoạt chi bộ", "party", "điểm", "weighted_mean",
               _mean(lambda r, u: _score(r, u, 78, 1.5), lambda r, u: np.repeat(u.col(u.branches), 20, axis=1)),
               weight_name="Số chi bộ"),
    TargetSpec("13", "Tuổi bình quân của đảng viên", "party", "tuổi", "weighted_mean",
               _mean(lambda r, u: np.round(44 + 3 * u.col(u.effect) - 0.2 * u.t + r.normal(0, 0.3, (u.n, 20)), 1),
                     lambda r, u: _members_shape(u)),
               direction="lower", weight_name="Số đảng viên"),
    TargetSpec("14", "Năng suất lao động", "economy", "triệu đồng/người", "weighted_mean",
               _mean(lambda r, u: _money(np.where(u.col(u.enterprise), 140.0, 55.0) * (1.055 ** u.t)
                                         * np.exp(0.2 * u.col(u.effect)) * r.lognormal(0, 0.05, (u.n, 20))),
                     lambda r, u: _staff_shape(u)),
               weight_name="Số người lao động"),
    TargetSpec("15", "Số giờ bồi dưỡng bình quân mỗi người lao động", "society", "giờ", "weighted_mean",
               _mean(lambda r, u: np.round(np.maximum(6 + 1.5 * u.col(u.effect) + 0.4 * u.t
                                                      + r.normal(0, 1, (u.n, 20)), 0), 1),
                     lambda r, u: _staff_shape(u)),
               weight_name="Số người lao động"),
    TargetSpec("16", "Chỉ số hài lòng của người dân, doanh nghiệp", "society", "điểm", "weighted_mean",
               _mean(lambda r, u: _score(r, u, 82, 1.0),
                     lambda r, u: np.maximum(_counts(r, np.repeat(u.col(u.staff), 20, axis=1) * 0.8), 1)),
               weight_name="Số phiếu khảo sát"),
    TargetSpec("17", "Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ trở lên", "party", "%", "ratio",
               _ratio(lambda r, u: (np.round(_members_shape(u) * _rate(r, u, 0.88, 0.1, 0.4)), _members_shape(u))),
               numerator_name="Số đảng viên hoàn thành tốt nhiệm vụ trở lên", denominator_name="Số đảng viên"),
    TargetSpec("18", "Tỷ lệ đảng viên dự sinh hoạt chi bộ", "party", "%", "ratio", _ratio(_attendance),
               numerator_name="Số lượt đảng viên dự họp", denominator_name="Số lượt đảng viên phải dự"),
    TargetSpec("19", "Tỷ lệ người lao động tham gia bảo hiểm xã hội", "society", "%", "ratio",
               _ratio(lambda r, u: (np.round(_staff_shape(u) * _rate(r, u, 0.75, 0.2, 0.6)), _staff_shape(u))),
               numerator_name="Số người tham gia bảo hiểm xã hội", denominator_name="Số người lao động"),
    TargetSpec("20", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn", "society", "%", "ratio",
               _ratio(lambda r, u: (lambda den: (np.round(den * _rate(r, u, 0.95, 0.2, 0.5)), den))(
                   np.maximum(_counts(r, np.repeat(u.col(u.staff), 20, axis=1) * 1.8), 1))),
               numerator_name="Số hồ sơ giải quyết đúng hạn", denominator_name="Số hồ sơ tiếp nhận"),
    TargetSpec("21", "Tỷ lệ đảng viên trẻ (dưới 30 tuổi)", "party", "%", "ratio",
               _ratio(lambda r, u: (np.round(_members_shape(u) * _rate(r, u, 0.12, 0.05, 0.4, cap=0.6)),
                                    _members_shape(u))),
               numerator_name="Số đảng viên dưới 30 tuổi", denominator_name="Số đảng viên"),
    TargetSpec("22", "Tỷ lệ văn bản được ký số, gửi nhận điện tử", "party", "%", "ratio",
               _ratio(lambda r, u: (lambda den: (np.round(den * _rate(r, u, 0.55, 0.6, 0.7)), den))(
                   np.maximum(_counts(r, np.repeat(u.col(u.staff), 20, axis=1) * 2.5), 1))),
               numerator_name="Số văn bản ký số", denominator_name="Số văn bản phát hành"),
    TargetSpec("23", "Tỷ lệ kiến nghị được giải quyết", "society", "%", "ratio",
               _ratio(lambda r, u: (lambda den: (np.round(den * _rate(r, u, 0.8, 0.15, 0.5)), den))(
                   np.maximum(_counts(r, np.repeat(u.col(u.members), 20, axis=1) * 0.1), 1))),
               numerator_name="Số kiến nghị đã giải quyết", denominator_name="Số kiến nghị tiếp nhận"),
    TargetSpec("24", "Số đảng viên bình quân mỗi chi bộ", "party", "người/chi bộ", "ratio",
               _ratio(lambda r, u: (_members_shape(u), np.repeat(u.col(u.branches), 20, axis=1))),
               numerator_name="Số đảng viên", denominator_name="Số chi bộ"),
    TargetSpec("25", "Số tổ chức cơ sở đảng đạt từ 90 điểm trở lên", "party", "điểm", "count_meeting",
               _sum(lambda r, u: _score(r, u, 84, 1.2)), threshold=90),
    TargetSpec("26", "Số đơn vị có tỷ lệ đảng viên dự sinh hoạt từ 95% trở lên", "party", "%", "count_meeting",
               _sum(lambda r, u: (lambda a: np.round(100 * a[0] / a[1], 2))(_attendance(r, u))), threshold=95),
    TargetSpec("27", "Số đơn vị không có đảng viên vi phạm kỷ luật", "party", "vụ", "count_meeting",
               _sum(lambda r, u: _counts(r, u.col(u.members) * 0.002 * np.exp(-0.3 * u.col(u.effect)))),
               direction="lower", threshold=0),
    TargetSpec("28", "Số đơn vị hoàn thành chỉ tiêu kết nạp đảng viên", "party", "%", "count_meeting",
               _sum(lambda r, u: np.round(np.maximum(100 + 12 * u.col(u.effect) + r.normal(0, 15, (u.n, 20)), 0), 1)),
               threshold=100),
    TargetSpec("29", "Số đơn vị đạt đủ 10 tiêu chí chuyển đổi số", "party", "tiêu chí", "count_meeting",
               _sum(lambda r, u: np.clip(np.round(6 + 0.8 * u.t + u.col(u.effect) + r.normal(0, 1, (u.n, 20))),
                                         0, 10)),
               direction="exact", threshold=10),
    TargetSpec("30", "Điểm tự đánh giá chất lượng tổ chức đảng", "party", "điểm", "none",
               _sum(lambda r, u: _score(r, u, 80, 1.0))),
]


def target_figures(spec: TargetSpec, rng: np.random.Generator, units: Units) -> dict[str, np.ndarray]:
    """(value, numerator, denominator, weight) arrays of shape (units, periods); absent parts are None."""
    parts = spec.make(rng, units)
    if spec.aggregation == "ratio":
        rate = parts["numerator"] / parts["denominator"] * (100 if "%" in spec.measure else 1)
        parts["value"] = np.round(rate, 6)
    shape = (units.n, N_PERIODS)
    return {key: (None if parts.get(key) is None
                  else np.ascontiguousarray(np.broadcast_to(np.asarray(parts[key], dtype=float), shape)))
            for key in ("value", "numerator", "denominator", "weight")}


# --------------------------------------------------------------------------- bulk loading


class Loader:
    """executemany (SQLite) or COPY (PostgreSQL) through Django's connection, secondary indexes dropped meanwhile."""

    def __init__(self, connection):
        self.connection = connection
        self.vendor = connection.vendor
        self.dropped: list[str] = []

    def _cursor(self):
        return self.connection.cursor()

    def begin(self, tables: Sequence[str]) -> None:
        with self._cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA foreign_keys = OFF")
                cursor.execute("PRAGMA synchronous = OFF")
                for table in tables:
                    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                                   "AND sql IS NOT NULL", [table])
                    for name, sql in cursor.fetchall():
                        self.dropped.append(sql)
                        cursor.execute(f'DROP INDEX "{name}"')
            else:
                cursor.execute("SET session_replication_role = replica")  # no FK triggers during the load
                cursor.execute("SET maintenance_work_mem = '1GB'")
                for table in tables:
                    cursor.execute(
                        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)", [table, table])
                    for name, sql in cursor.fetchall():
                        self.dropped.append(sql)
                        cursor.execute(f'DROP INDEX "{name}"')

    def rows(self, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        """Insert tuples of Python values (None, bool, int, float, str)."""
        count = 0
        with self._cursor() as cursor:
            if self.vendor == "sqlite":
                batch: list[tuple] = []
                sql = (f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("%s" for _ in columns)})')
                for row in rows:
                    batch.append(row)
                    if len(batch) >= 50_000:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
            else:
                with cursor.cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                    lines: list[str] = []
                    for row in rows:
                        lines.append("\t".join(_pg_text(v) for v in row))
                        if len(lines) >= 50_000:
                            copy.write("\n".join(lines) + "\n")
                            count += len(lines)
                            lines = []
                    if lines:
                        copy.write("\n".join(lines) + "\n")
                        count += len(lines)
        return count

    def text(self, table: str, columns: Sequence[str], chunks: Iterable[list[str]]) -> None:
        """PostgreSQL only: COPY text lines prepared by the caller (the fast path for the values)."""
        with self._cursor() as cursor, cursor.cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
            for lines in chunks:
                copy.write("".join(lines))

    def end(self, tables: Sequence[str], sequences: Sequence[str]) -> None:
        with self._cursor() as cursor:
            for sql in self.dropped:
                cursor.execute(sql)
            self.dropped = []
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA synchronous = NORMAL")
                cursor.execute("PRAGMA foreign_keys = ON")
                cursor.execute("ANALYZE")
            else:
                cursor.execute("SET session_replication_role = DEFAULT")
                cursor.execute("RESET maintenance_work_mem")
                for table in sequences:
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                   f'(SELECT max(id) FROM "{table}"))')
                for table in tables:  # what autovacuum would have done over five years: statistics, visibility map
                    cursor.execute(f'VACUUM (ANALYZE) "{table}"')
        if self.vendor == "sqlite":
            with self._cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _pg_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")
    return str(value)


def _numbers(array: np.ndarray | None, size: int) -> list:
    """Decimal-ready Python values: floats with their shortest repr (whole numbers as int)."""
    if array is None:
        return [None] * size
    flat = array.ravel()
    if np.all(flat == np.round(flat)):
        return flat.astype(np.int64).tolist()
    return flat.tolist()


# --------------------------------------------------------------------------- the generator


def generate(*, scale: float = 0.1, seed: int = 2025, echo: Callable[[str], None] = print) -> National:
    """Fill the empty, migrated default database; returns the counts and ids the benchmark needs."""
    from django.db import connection, transaction

    from nghiquyet.core.text import fold
    from nghiquyet.org.models import Unit
    from nghiquyet.reporting.models import Schedule
    from nghiquyet.reporting.periods import period_get
    from nghiquyet.resolutions.models import Document, Target, Term

    if Unit.objects.exists():
        raise SystemExit("generate: the database already holds units; use a fresh database")
    result = National(vendor=connection.vendor, scale=scale, seed=seed)
    rng = np.random.default_rng(seed)
    t_start = time.perf_counter()
    tz = "" if connection.vendor == "sqlite" else "+00"
    created = f"2020-12-01 08:00:00{tz}"

    # ---- the tree, breadth first: ids by level, so the path of a unit is its ancestors' ids.
    n_communes = max(len(PROVINCES), round(3321 * scale))
    share = rng.gamma(4.0, 1.0, len(PROVINCES))
    per_province = 1 + rng.multinomial(n_communes - len(PROVINCES), share / share.sum())
    grassroots_per_commune = 1 + rng.poisson(8.03, n_communes)
    branches_per_grassroots = 1 + rng.poisson(7.33, int(grassroots_per_commune.sum()))
    members_per_branch = 5 + rng.poisson(17.0, int(branches_per_grassroots.sum()))

    unit_rows: list[tuple] = []
    version_rows: list[tuple] = []
    next_id = 1

    def add(kind: str, name: str, short: str, parent_id: int | None, parent_path: str, members: int) -> tuple:
        nonlocal next_id
        pk = next_id
        next_id += 1
        path = f"{parent_path}{pk}/"
        code = f"BN{pk:07d}"
        unit_rows.append((pk, kind, code, name, short, members, path, path.count("/") - 2, "2020-01-01", None,
                          fold(f"{name} {short} {code}")[:600], created, parent_id))
        version_rows.append((pk, parent_id, name, short, "2020-01-01", None, None))
        return pk, path

    # member totals bottom-up first (cheap: the counts are arrays)
    branch_of_grassroots = np.repeat(np.arange(len(branches_per_grassroots)), branches_per_grassroots)
    grassroots_members = np.bincount(branch_of_grassroots, weights=members_per_branch).astype(int)
    grassroots_of_commune = np.repeat(np.arange(n_communes), grassroots_per_commune)
    commune_members = np.bincount(grassroots_of_commune, weights=grassroots_members).astype(int)
    commune_of_province = np.repeat(np.arange(len(PROVINCES)), per_province)
    province_members = np.bincount(commune_of_province, weights=commune_members).astype(int)

    central_id, central_path = add("central", "Ban Chấp hành Trung ương Đảng", "Trung ương", None, "/",
                                   int(province_members.sum()))
    province_refs = [add("province", f"Đảng bộ {kind} {name}", name, central_id, central_path, int(members))
                     for (kind, name), members in zip(PROVINCES, province_members, strict=True)]
    commune_refs = []
    for c in range(n_communes):
        word = "phường" if rng.random() < 0.23 else "xã"
        name = f"{SYLLABLES[int(rng.integers(30))]} {SYLLABLES[int(rng.integers(30))]}"
        pid, ppath = province_refs[commune_of_province[c]]
        commune_refs.append(add("commune", f"Đảng bộ {word} {name}", name, pid, ppath, int(commune_members[c])))
    enterprise = rng.random(len(grassroots_members)) < 0.4
    grassroots_refs = []
    for g in range(len(grassroots_members)):
        cid, cpath = commune_refs[grassroots_of_commune[g]]
        if enterprise[g]:
            short = f"{COMPANIES[int(rng.integers(4))]} {TRADES[int(rng.integers(12))]} {g + 1}"
        else:
            short = f"{AGENCIES[int(rng.integers(10))]} {g + 1}"
        grassroots_refs.append(add("enterprise" if enterprise[g] else "agency", f"Đảng bộ {short}", short,
                                   cid, cpath, int(grassroots_members[g])))
    for b in range(len(members_per_branch)):
        gid, gpath = grassroots_refs[branch_of_grassroots[b]]
        add("branch", f"Chi bộ số {b + 1}", "", gid, gpath, int(members_per_branch[b]))

    loader = Loader(connection)
    big = ["org_unit", "org_unitversion", "reporting_submission", "reporting_value"]
    loader.begin(big)
    t = time.perf_counter()
    with transaction.atomic():
        loader.rows("org_unit", ["id", "kind", "code", "name", "short_name", "member_count", "path", "depth",
                                 "valid_from", "valid_to", "search_text", "created_at", "parent_id"], unit_rows)
        loader.rows("org_unitversion", ["unit_id", "parent_id", "name", "short_name", "valid_from", "valid_to",
                                        "reorganization_id"], version_rows)
    result.units = len(unit_rows)
    result.grassroots = len(grassroots_refs)
    result.central_id = central_id
    result.steps["units"] = time.perf_counter() - t
    echo(f"  units: {result.units:,} (34 provinces, {n_communes:,} communes, {result.grassroots:,} grassroots, "
         f"{len(members_per_branch):,} branches) in {result.steps['units']:.1f} s")
    unit_rows.clear()
    version_rows.clear()

    # ---- resolution, targets, periods, schedule (a few rows: the ORM).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the ORM rows below need the unit id sequence past the bulk ids
            cursor.execute("SELECT setval(pg_get_serial_sequence('org_unit', 'id'), %s)", [next_id - 1])
    central = Unit.objects.get(pk=central_id)
    term = Term.objects.create(unit=central, start_year=2020, end_year=2025)
    document = Document.objects.create(
        unit=central, term=term, number=1, type_code="NQ", issuer_code="TW", symbol="1-NQ/TW",
        issued_on=dt.date(2021, 1, 15), is_congress_resolution=False,
        title="Nghị quyết về nâng cao năng lực lãnh đạo, sức chiến đấu của tổ chức cơ sở đảng (dữ liệu đo hiệu năng)",
        search_text="nghi quyet do hieu nang")
    targets = []
    for spec in TARGETS:
        targets.append(Target.objects.create(
            document=document, unit=central, number=spec.number, name=spec.name, domain=spec.domain,
            measure=spec.measure, target_value=100, direction=spec.direction, aggregation=spec.aggregation,
            threshold=spec.threshold, weight_name=spec.weight_name, numerator_name=spec.numerator_name,
            denominator_name=spec.denominator_name, search_text=fold(spec.name)))
    periods = [period_get("quarter", year, quarter) for year in YEARS for quarter in range(1, 5)]
    schedule = Schedule.objects.create(
        unit=central, document=document, name="Báo cáo quý các chỉ tiêu xây dựng tổ chức cơ sở đảng",
        period_kind="quarter", reporting_kinds=GRASSROOTS_KINDS, starts_on=dt.date(2021, 1, 1),
        ends_on=dt.date(2025, 12, 31), due_days=10, due_days_by_kind={"agency": 10, "enterprise": 10})
    schedule.targets.set(targets)
    result.target_ids = [t.pk for t in targets]
    result.period_ids = [p.pk for p in periods]

    # ---- submissions: one per (grassroots, quarter), accepted; submission id = base + g * periods + p.
    t = time.perf_counter()
    n_g, n_p = len(grassroots_refs), len(periods)
    grassroots_ids = np.array([pk for pk, _path in grassroots_refs], dtype=np.int64)
    delay = rng.integers(1, 16, (n_g, n_p)) - (rng.random((n_g, n_p)) < 0.7) * rng.integers(0, 6, (n_g, n_p))
    delay = np.maximum(delay, 1)
    decided = delay + rng.integers(1, 6, (n_g, n_p))

    def submissions():
        for g in range(n_g):
            uid = int(grassroots_ids[g])
            for p, period in enumerate(periods):
                end = period.end
                sent = end + dt.timedelta(days=int(delay[g, p]))
                ok = end + dt.timedelta(days=int(decided[g, p]))
                yield (g * n_p + p + 1, "accepted", 2, f"{sent} 09:30:00{tz}", bool(delay[g, p] > 10),
                       f"{ok} 15:00:00{tz}", "", f"{ok} 15:00:00{tz}", f"{sent} 08:00:00{tz}", None, period.pk,
                       schedule.pk, None, uid)

    with transaction.atomic():
        result.submissions = loader.rows(
            "reporting_submission", ["id", "status", "version", "submitted_at", "is_late", "decided_at", "comment",
                                     "updated_at", "created_at", "decided_by_id", "period_id", "schedule_id",
                                     "submitted_by_id", "unit_id"], submissions())
    result.steps["submissions"] = time.perf_counter() - t
    echo(f"  submissions: {result.submissions:,} in {result.steps['submissions']:.1f} s")

    # ---- values: target by target (the unique index's order), every grassroots organization and quarter.
    t = time.perf_counter()
    units = Units(rng, grassroots_members, branches_per_grassroots.astype(float), enterprise)
    submission_ids = (np.arange(n_g * n_p) + 1).tolist()
    unit_col = np.repeat(grassroots_ids, n_p).tolist()
    period_col = np.tile(np.array(result.period_ids, dtype=np.int64), n_g).tolist()
    size = n_g * n_p
    columns = ["id", "value", "numerator", "denominator", "weight", "note", "is_total", "counted", "updated_at",
               "period_id", "submission_id", "target_id", "unit_id"]
    stamp = f"2026-01-20 10:00:00{tz}"
    next_value = 1
    for spec, target in zip(TARGETS, targets, strict=True):
        figures = target_figures(spec, np.random.default_rng([seed, int(spec.number)]), units)
        cols = [_numbers(figures[key], size) for key in ("value", "numerator", "denominator", "weight")]
        ids = range(next_value, next_value + size)
        next_value += size
        with transaction.atomic():
            if connection.vendor == "sqlite":
                loader.rows("reporting_value", columns, zip(
                    ids, *cols, [""] * size, [False] * size, [True] * size, [stamp] * size, period_col,
                    submission_ids, [target.pk] * size, unit_col, strict=True))
            else:
                value, num, den, weight = ([("\\N" if x is None else str(x)) for x in col] for col in cols)
                tail = f"\t{stamp}\t"
                lines = [f"{i}\t{v}\t{n}\t{d}\t{w}\t\tf\tt{tail}{p}\t{s}\t{target.pk}\t{u}\n" for i, v, n, d, w, p, s, u
                         in zip(ids, value, num, den, weight, period_col, submission_ids, unit_col, strict=True)]
                loader.text("reporting_value", columns, [lines])
        result.values += size
    result.steps["values"] = time.perf_counter() - t
    echo(f"  values: {result.values:,} in {result.steps['values']:.1f} s")

    t = time.perf_counter()
    loader.end(big, sequences=["org_unit", "org_unitversion", "reporting_submission", "reporting_value"])
    result.steps["indexes"] = time.perf_counter() - t
    echo(f"  indexes rebuilt, tables analyzed in {result.steps['indexes']:.1f} s")
    result.seconds = time.perf_counter() - t_start
    return result


def setup_django(database_url: str | None = None) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    if "DATABASE_URL" not in os.environ:
        db = Path(tempfile.mkdtemp(prefix="nghiquyet-bench-")) / "national.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nghiquyet.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log: the benchmark runs millions of rows and thousands of queries
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.1, help="fraction of the national size (1.0 = full)")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    result = generate(scale=args.scale, seed=args.seed)
    print(f"rows: {result.rows:,} in {result.seconds:.1f} s")


if __name__ == "__main__":
    main()
