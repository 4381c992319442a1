"""Data-quality checks run at submission (issue 4, item 6), before the superior sees the figures.

``quality_check_submission`` runs every check on a submission's values and replaces the submission's
``QualityFlag`` rows: a flag whose condition no longer holds goes, a new one is created, and a flag raised
again for the same (value, kind) keeps its row and the submitter's ``explanation`` (its message and detail
are refreshed). The number of queries does not depend on the number of values: the values, their history,
the subordinates' sums for self-reported totals (added up by the database), the siblings' values, then the
flags (read, delete, create, update) — eight at most for a submission (one unit).

The checks (thresholds in ``settings.NGHIQUYET["REPORTING"]``):

- OUT_OF_RANGE: with at least ``HISTORY_MIN_PERIODS`` earlier values of the same target and unit for
  periods of the same kind (not drafts), the value lies outside mean ± ``RANGE_SIGMAS`` × the *sample*
  standard deviation (n − 1: with six periods of history the population figure would make the range too
  narrow). When every earlier value is the same (sd = 0) the range is mean ± ``RANGE_FLAT_BAND`` × |mean|
  (default 0.05; the key is optional).
- IMPOSSIBLE: a rate outside 0-100% (ratio targets measured in "%"), numerator above denominator on such a
  target, a denominator ≤ 0 or a negative numerator on any ratio target, a negative value where negatives
  cannot exist (sum or count-meeting targets, targets whose measure is a count of people, households,
  branches, …), more criteria met than the criteria set has, a negative weight. A growth rate in "%"
  (weighted mean or no aggregation) may be negative and is not flagged.
- JUMP: |value − previous period's value| / |previous| > ``JUMP_RATIO`` (no flag when there is no previous
  value or it is 0).
- TOTAL_MISMATCH: a unit's self-reported total (``is_total``) differs by more than ``TOTAL_TOLERANCE``
  (relative) from the aggregate of the non-total, non-draft values of the units in its subtree (sum, ratio of
  sums, weighted mean by the target's aggregation).
- COPIED: the same non-zero figure for the same target and period at ``COPIED_MIN_UNITS`` or more units with
  the same parent (this one included, drafts left out). Ratio targets compare the (numerator, denominator)
  pair; a figure at its natural maximum (100 for a "%" measure, all criteria of a criteria set) is common and
  never flagged.

For ratio targets the figure checked for range and jump is the rate computed from numerator and
denominator (× 100 when the measure contains "%"), the way the rollups compute it.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, F, Q, Sum
from django.utils.translation import gettext

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can
from nghiquyet.audit.models import AuditAction
from nghiquyet.audit.services import audit_record, diff, snapshot
from nghiquyet.core.numbers import format_vn_decimal
from nghiquyet.core.text import fold
from nghiquyet.reporting.models import SUMS, FlagKind, PeriodKind, QualityFlag, Submission, SubmissionStatus, Value
from nghiquyet.reporting.periods import period_label, previous_key
from nghiquyet.reporting.rollups import is_percent, rate
from nghiquyet.resolutions.models import Aggregation, Target


class _Text(str):
    """A message that keeps its source text and values (in ``QualityFlag.detail["text"]``), so a flag is shown in
    the reader's language, not in the language of whoever submitted. Used as ``_`` in this module, so the
    messages stay in the catalogue."""

    template: str
    args: dict[str, Any] | None

    def __new__(cls, template: str, args: dict[str, Any] | None = None) -> _Text:
        text = super().__new__(cls, gettext(template) % args if args is not None else gettext(template))
        text.template, text.args = template, args
        return text

    def __mod__(self, args: dict[str, Any]) -> _Text:  # type: ignore[override]
        return _Text(self.template, args)

    def spec(self) -> dict[str, Any]:
        return {"template": self.template,
                "args": {k: v if isinstance(v, int | str) else str(v) for k, v in (self.args or {}).items()}}


_ = _Text


EXPLANATION_MAX = 2000
MESSAGE_MAX = QualityFlag._meta.get_field("message").max_length
HUNDRED = Decimal(100)

# Measures that count things (compared folded, without diacritics, before any "/"): never negative.
COUNT_MEASURES = frozenset(fold(m) for m in (
    "đảng viên", "chi bộ", "đảng bộ", "tổ chức", "tổ chức cơ sở đảng", "tổ chức đảng", "người", "lượt người",
    "lượt", "hộ", "hộ gia đình", "xã", "phường", "xã, phường", "thôn", "tổ dân phố", "thôn, tổ dân phố", "làng",
    "bản", "vụ", "tiêu chí", "đơn vị", "cơ sở", "trường", "lớp", "học sinh", "lao động", "việc làm", "cán bộ",
    "doanh nghiệp", "hợp tác xã", "dự án", "công trình", "hồ sơ", "văn bản", "cuộc", "buổi", "hội nghị",
    "nhiệm vụ", "chỉ tiêu", "sản phẩm", "căn", "căn nhà", "nhà", "ngôi nhà", "cái", "chiếc", "con",
))

_TOTAL_AGGREGATIONS = (Aggregation.SUM, Aggregation.RATIO, Aggregation.WEIGHTED_MEAN)


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Thresholds:
    min_periods: int = 6
    sigmas: Decimal = Decimal(3)
    flat_band: Decimal = Decimal("0.05")
    jump_ratio: Decimal = Decimal("0.5")
    total_tolerance: Decimal = Decimal("0.005")
    copied_min_units: int = 5


def thresholds() -> Thresholds:
    """The thresholds from ``settings.NGHIQUYET["REPORTING"]``; a missing or empty key keeps the default."""
    conf = (getattr(settings, "NGHIQUYET", None) or {}).get("REPORTING") or {}
    base = Thresholds()

    def dec(key: str, default: Decimal) -> Decimal:
        raw = conf.get(key)
        try:
            return Decimal(str(raw)) if raw not in (None, "") else default
        except InvalidOperation:
            return default

    return Thresholds(
        min_periods=max(2, int(dec("HISTORY_MIN_PERIODS", Decimal(base.min_periods)))),
        sigmas=dec("RANGE_SIGMAS", base.sigmas),
        flat_band=dec("RANGE_FLAT_BAND", base.flat_band),
        jump_ratio=dec("JUMP_RATIO", base.jump_ratio),
        total_tolerance=dec("TOTAL_TOLERANCE", base.total_tolerance),
        copied_min_units=max(2, int(dec("COPIED_MIN_UNITS", Decimal(base.copied_min_units)))),
    )


# --------------------------------------------------------------------------- numbers


def is_count_measure(measure: str) -> bool:
    """"đảng viên", "Hộ", "số chi bộ" count things; "triệu đồng/người" or "%" do not."""
    if not measure or "/" in measure:
        return False
    text = fold(measure)
    if text.startswith("so "):
        text = text[3:]
    return text in COUNT_MEASURES


def figure(target: Target, value: Decimal | None, numerator: Decimal | None,
           denominator: Decimal | None) -> Decimal | None:
    """The figure a value stands for: the rate for a ratio target (× 100 for "%"), the value otherwise."""
    if target.aggregation == Aggregation.RATIO and numerator is not None and denominator:
        return rate(target, numerator, denominator)
    return value


def _fmt(number: Decimal | int) -> str:
    """Vietnamese format for a message: integers as is, else 2 decimals (4 below 1), trailing zeros dropped."""
    number = Decimal(number)
    try:
        if number != number.to_integral_value():
            number = number.quantize(Decimal("0.01") if abs(number) >= 1 else Decimal("0.0001"))
        return format_vn_decimal(number)
    except (InvalidOperation, ValueError):
        return format_vn_decimal(number)


def _m(number: Decimal | int, measure: str = "") -> str:
    """A number with its measure for a message: "1.234,5 tỷ đồng", "41,5%"."""
    text = _fmt(number)
    measure = (measure or "").strip()
    if not measure:
        return text
    return text + measure if measure.startswith("%") else f"{text} {measure}"


def _pct(ratio: Decimal) -> str:
    """0.5 -> "50", 0.005 -> "0,5" (a ratio shown as a percentage)."""
    return _fmt(ratio * HUNDRED)


def _s(number: Decimal | int | None) -> str | None:
    """A number for ``detail``: a plain decimal string, at most 6 decimals, no exponent."""
    if number is None:
        return None
    number = Decimal(number)
    with contextlib.suppress(InvalidOperation):
        number = number.quantize(Decimal("0.000001"))
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass
class Raised:
    """A condition found on a value; becomes (or refreshes) a ``QualityFlag``."""

    kind: str
    message: str
    detail: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- the checks (pure)


@dataclass(frozen=True)
class LearnedRange:
    low: Decimal
    high: Decimal
    mean: Decimal
    sd: Decimal
    periods: int


def learned_range(history: Sequence[Decimal], th: Thresholds) -> LearnedRange | None:
    """mean ± sigmas × sample sd of the earlier figures, or None with too little history."""
    numbers = [Decimal(x) for x in history if x is not None]
    n = len(numbers)
    if n < th.min_periods or n < 2:
        return None
    with localcontext() as ctx:
        ctx.prec = 60
        mean = sum(numbers, Decimal(0)) / n
        variance = sum(((x - mean) ** 2 for x in numbers), Decimal(0)) / (n - 1)
        sd = variance.sqrt()
        half = th.sigmas * sd if sd else th.flat_band * abs(mean)
        return LearnedRange(low=mean - half, high=mean + half, mean=mean, sd=sd, periods=n)


def check_range(value: Decimal | None, history: Sequence[Decimal], th: Thresholds, measure: str = "") -> Raised | None:
    if value is None:
        return None
    learned = learned_range(history, th)
    if learned is None or learned.low <= value <= learned.high:
        return None
    if learned.sd:
        message = _("Giá trị %(value)s nằm ngoài khoảng hợp lý %(low)s – %(high)s (trung bình %(mean)s ± "
                    "%(sigmas)s độ lệch chuẩn của %(n)s kỳ trước).")
    else:
        message = _("Giá trị %(value)s nằm ngoài khoảng hợp lý %(low)s – %(high)s (%(n)s kỳ trước đều bằng "
                    "%(mean)s).")
    return Raised(FlagKind.OUT_OF_RANGE, message % {
        "value": _m(value, measure), "low": _fmt(learned.low), "high": _m(learned.high, measure),
        "mean": _m(learned.mean, measure), "sigmas": _fmt(th.sigmas), "n": learned.periods,
    }, {"value": _s(value), "low": _s(learned.low), "high": _s(learned.high), "mean": _s(learned.mean),
        "sd": _s(learned.sd), "sigmas": _s(th.sigmas), "periods": str(learned.periods)})


def check_impossible(target: Target, value: Decimal | None, numerator: Decimal | None = None,
                     denominator: Decimal | None = None, weight: Decimal | None = None) -> Raised | None:
    """Values that cannot exist. The message names the first problem; ``detail["reasons"]`` lists them all."""
    found: list[tuple[str, str]] = []
    percent = is_percent(target)
    if target.aggregation == Aggregation.RATIO:
        if denominator is not None and denominator <= 0:
            found.append(("denominator", _("Mẫu số %(den)s không hợp lệ: mẫu số phải lớn hơn 0.")
                          % {"den": _fmt(denominator)}))
        if numerator is not None and numerator < 0:
            found.append(("negative_numerator", _("Tử số %(num)s là số âm, trong khi tử số không thể nhỏ hơn 0.")
                          % {"num": _fmt(numerator)}))
        if percent and numerator is not None and denominator is not None and 0 < denominator < numerator:
            found.append(("numerator_above_denominator", _(
                "Tử số %(num)s lớn hơn mẫu số %(den)s nên tỷ lệ %(rate)s%% vượt quá 100%%.")
                % {"num": _fmt(numerator), "den": _fmt(denominator),
                   "rate": _fmt(rate(target, numerator, denominator))}))
        shown = figure(target, value, numerator, denominator)
        if percent and shown is not None and not found and not 0 <= shown <= HUNDRED:
            found.append(("rate", _("Tỷ lệ %(rate)s%% nằm ngoài khoảng từ 0 đến 100%%.") % {"rate": _fmt(shown)}))
    elif value is not None and value < 0:
        if target.aggregation in (Aggregation.SUM, Aggregation.COUNT_MEETING):
            found.append(("negative", _("Giá trị %(value)s là số âm, trong khi chỉ tiêu được cộng dồn hoặc đếm "
                                        "không thể nhỏ hơn 0.") % {"value": _fmt(value)}))
        elif is_count_measure(target.measure) or target.is_criteria_set:
            found.append(("negative", _("Giá trị %(value)s là số âm, trong khi số %(measure)s không thể nhỏ "
                                        "hơn 0.") % {"value": _fmt(value), "measure": target.measure}))
    if target.is_criteria_set and value is not None:
        if value > target.criteria_total:
            found.append(("criteria", _("Số tiêu chí đạt %(value)s vượt quá tổng số %(total)s tiêu chí.")
                          % {"value": _fmt(value), "total": target.criteria_total}))
        elif value != value.to_integral_value():
            found.append(("criteria_fraction", _("Số tiêu chí đạt %(value)s phải là số nguyên.")
                          % {"value": _fmt(value)}))
    if weight is not None and weight < 0:
        found.append(("negative_weight", _("Trọng số %(weight)s là số âm, trong khi trọng số không thể nhỏ "
                                           "hơn 0.") % {"weight": _fmt(weight)}))
    if not found:
        return None
    detail = {"reasons": [code for code, _text in found], "value": _s(value), "numerator": _s(numerator),
              "denominator": _s(denominator), "weight": _s(weight)}
    if target.is_criteria_set:
        detail["criteria_total"] = str(target.criteria_total)
    return Raised(FlagKind.IMPOSSIBLE, found[0][1], {k: v for k, v in detail.items() if v is not None})


def check_jump(value: Decimal | None, previous: Decimal | None, previous_period: str, th: Thresholds,
               measure: str = "", *, same_period: bool = False) -> Raised | None:
    """``same_period``: ``previous`` is the same period last year (cumulative figures), not the period before."""
    if value is None or previous is None or previous == 0:
        return None
    change = abs(value - previous) / abs(previous)
    if change <= th.jump_ratio:
        return None
    if same_period:
        message = (_("Giá trị %(value)s tăng %(change)s%% so với cùng kỳ năm trước (%(period)s: %(previous)s), "
                     "vượt ngưỡng thay đổi %(limit)s%%.") if value > previous else
                   _("Giá trị %(value)s giảm %(change)s%% so với cùng kỳ năm trước (%(period)s: %(previous)s), "
                     "vượt ngưỡng thay đổi %(limit)s%%."))
    else:
        message = (_("Giá trị %(value)s tăng %(change)s%% so với kỳ trước (%(period)s: %(previous)s), vượt ngưỡng "
                     "thay đổi %(limit)s%%.") if value > previous else
                   _("Giá trị %(value)s giảm %(change)s%% so với kỳ trước (%(period)s: %(previous)s), vượt "
                     "ngưỡng thay đổi %(limit)s%%."))
    return Raised(FlagKind.JUMP, message % {
        "value": _m(value, measure), "change": _pct(change), "period": previous_period,
        "previous": _m(previous, measure),
        "limit": _pct(th.jump_ratio),
    }, {"value": _s(value), "previous": _s(previous), "previous_period": previous_period, "change": _s(change),
        "limit": _s(th.jump_ratio)})


@dataclass(frozen=True)
class Sums:
    """What the subordinates' values add up to, for each aggregation (``*_n``: how many values went in)."""

    value: Decimal = Decimal(0)           # sum: Σ value
    value_n: int = 0
    numerator: Decimal = Decimal(0)       # ratio: Σ numerator / Σ denominator
    denominator: Decimal = Decimal(0)
    ratio_n: int = 0
    weighted: Decimal = Decimal(0)        # weighted mean: Σ value × weight / Σ weight
    weight: Decimal = Decimal(0)
    weighted_n: int = 0


def sums_of(parts: Iterable[tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]]) -> Sums:
    """``Sums`` of (value, numerator, denominator, weight) rows, the way the database query adds them."""
    out = {"value": Decimal(0), "value_n": 0, "numerator": Decimal(0), "denominator": Decimal(0), "ratio_n": 0,
           "weighted": Decimal(0), "weight": Decimal(0), "weighted_n": 0}
    for value, num, den, weight in parts:
        if value is not None:
            out["value"] += value
            out["value_n"] += 1
        if num is not None and den is not None:
            out["numerator"] += num
            out["denominator"] += den
            out["ratio_n"] += 1
        if value is not None and weight is not None:
            out["weighted"] += value * weight
            out["weight"] += weight
            out["weighted_n"] += 1
    return Sums(**out)


def aggregate(target: Target, sums: Sums) -> tuple[Decimal | None, int]:
    """The subordinates' aggregate by the target's rule and the number of values in it (None: nothing to
    compare with)."""
    if target.aggregation == Aggregation.SUM and sums.value_n:
        return sums.value, sums.value_n
    if target.aggregation == Aggregation.RATIO and sums.ratio_n and sums.denominator:
        return rate(target, sums.numerator, sums.denominator), sums.ratio_n
    if target.aggregation == Aggregation.WEIGHTED_MEAN and sums.weighted_n and sums.weight:
        return sums.weighted / sums.weight, sums.weighted_n
    return None, 0


def check_total(target: Target, own: Decimal | None, sums: Sums | None, th: Thresholds) -> Raised | None:
    if own is None or sums is None or target.aggregation not in _TOTAL_AGGREGATIONS:
        return None
    total, units = aggregate(target, sums)
    if total is None:
        return None
    gap = abs(own - total)
    if gap <= th.total_tolerance * abs(total):
        return None
    detail = {"value": _s(own), "aggregate": _s(total), "units": str(units), "tolerance": _s(th.total_tolerance),
              "aggregation": target.aggregation}
    params = {"value": _m(own, target.measure), "aggregate": _m(total, target.measure), "n": units,
              "limit": _pct(th.total_tolerance)}
    if total:
        detail["difference"] = _s(gap / abs(total))
        params["difference"] = _pct(gap / abs(total))
        message = _("Tổng tự báo cáo %(value)s lệch %(difference)s%% so với tổng hợp từ %(n)s đơn vị cấp dưới "
                    "(%(aggregate)s), vượt mức sai lệch cho phép %(limit)s%%.")
    else:
        message = _("Tổng tự báo cáo %(value)s khác tổng hợp từ %(n)s đơn vị cấp dưới (%(aggregate)s).")
    return Raised(FlagKind.TOTAL_MISMATCH, message % params, detail)


def copy_key(target: Target, value: Decimal | None, numerator: Decimal | None,
             denominator: Decimal | None) -> tuple | None:
    """What must be identical for a copy: (numerator, denominator) of a ratio, the value otherwise. None for
    figures that are often the same by nature: zero, 100 on a "%" measure, every criterion of a criteria set."""
    if target.aggregation == Aggregation.RATIO:
        if numerator is None or denominator is None or not numerator or not denominator:
            return None
        if is_percent(target) and numerator == denominator:
            return None
        return ("ratio", numerator, denominator)
    if value is None or value == 0:
        return None
    if is_percent(target) and value == HUNDRED:
        return None
    if target.is_criteria_set and value == target.criteria_total:
        return None
    return ("value", value)


def check_copied(key: tuple | None, units: int, parent_name: str, th: Thresholds, measure: str = "") -> Raised | None:
    if key is None or units < th.copied_min_units:
        return None
    detail = {"units": str(units), "min_units": str(th.copied_min_units), "parent": parent_name}
    if key[0] == "ratio":
        detail.update(numerator=_s(key[1]), denominator=_s(key[2]))
        message = _("Tử số %(num)s và mẫu số %(den)s giống hệt ở %(n)s đơn vị cùng trực thuộc “%(parent)s” trong "
                    "kỳ này; đề nghị kiểm tra lại có phải số liệu bị sao chép không.") % {
            "num": _fmt(key[1]), "den": _fmt(key[2]), "n": units, "parent": parent_name}
    else:
        detail["value"] = _s(key[1])
        message = _("Giá trị %(value)s giống hệt ở %(n)s đơn vị cùng trực thuộc “%(parent)s” trong kỳ này; đề "
                    "nghị kiểm tra lại có phải số liệu bị sao chép không.") % {
            "value": _m(key[1], measure), "n": units, "parent": parent_name}
    return Raised(FlagKind.COPIED, message, detail)


# --------------------------------------------------------------------------- batched look-ups


def _not_draft():
    return Value.objects.exclude(submission__status=SubmissionStatus.DRAFT)


def _history(values: list[Value]) -> dict[tuple[int, int, str], list[tuple]]:
    """(target, unit, period kind) -> [(period end, year, number, figure)] of earlier periods, oldest first
    (not drafts). One query for all values."""
    if not values:
        return {}
    kinds = {v.period.kind for v in values}
    latest = max(v.period.end for v in values)
    rows = (_not_draft()
            .filter(target_id__in={v.target_id for v in values}, unit_id__in={v.unit_id for v in values},
                    period__kind__in=kinds, period__end__lt=latest)
            .exclude(pk__in=[v.pk for v in values])
            .order_by("period__end")
            .values_list("target_id", "unit_id", "period__kind", "period__end", "period__year", "period__number",
                         "value", "numerator", "denominator"))
    targets = {v.target_id: v.target for v in values}
    out: dict[tuple[int, int, str], list[tuple]] = defaultdict(list)
    for target_id, unit_id, kind, end, year, number, value, num, den in rows:
        out[(target_id, unit_id, kind)].append((end, year, number, figure(targets[target_id], value, num, den)))
    return out


def _subordinates(values: list[Value]) -> dict[tuple[int, int, int], Sums]:
    """(target, period, total's unit) -> ``Sums`` of the non-total, non-draft values of the units below, added
    up by the database. One query per unit with totals (a submission has one unit)."""
    totals = [v for v in values if v.is_total and v.target.aggregation in _TOTAL_AGGREGATIONS]
    by_unit: dict[int, list[Value]] = defaultdict(list)
    for v in totals:
        by_unit[v.unit_id].append(v)
    amount = DecimalField(max_digits=SUMS["max_digits"], decimal_places=SUMS["decimal_places"])
    both = Q(numerator__isnull=False, denominator__isnull=False)
    weighted = Q(value__isnull=False, weight__isnull=False)
    out: dict[tuple[int, int, int], Sums] = {}
    for unit_id, group in by_unit.items():
        rows = (_not_draft()
                .filter(unit__path__under=group[0].unit.path, is_total=False,
                        target_id__in={v.target_id for v in group}, period_id__in={v.period_id for v in group})
                .exclude(unit_id=unit_id)
                .order_by().values("target_id", "period_id")
                .annotate(s_value=Sum("value"), n_value=Count("id", filter=Q(value__isnull=False)),
                          s_num=Sum("numerator", filter=both), s_den=Sum("denominator", filter=both),
                          n_ratio=Count("id", filter=both),
                          s_weighted=Sum(F("value") * F("weight"), filter=weighted, output_field=amount),
                          s_weight=Sum("weight", filter=weighted), n_weighted=Count("id", filter=weighted)))
        for row in rows:
            out[(row["target_id"], row["period_id"], unit_id)] = Sums(
                value=row["s_value"] or Decimal(0), value_n=row["n_value"],
                numerator=row["s_num"] or Decimal(0), denominator=row["s_den"] or Decimal(0),
                ratio_n=row["n_ratio"], weighted=Decimal(row["s_weighted"] or 0), weight=row["s_weight"] or Decimal(0),
                weighted_n=row["n_weighted"])
    return out


def _siblings(values: list[Value]) -> dict[tuple[int, int, int, tuple], set[int]]:
    """(target, period, parent, copy key) -> units with that figure among the parent's children (not drafts).
    One query."""
    wanted = [v for v in values if v.unit.parent_id is not None
              and copy_key(v.target, v.value, v.numerator, v.denominator) is not None]
    if not wanted:
        return {}
    rows = (_not_draft()
            .filter(target_id__in={v.target_id for v in wanted}, period_id__in={v.period_id for v in wanted},
                    unit__parent_id__in={v.unit.parent_id for v in wanted})
            .values_list("target_id", "period_id", "unit__parent_id", "unit_id", "value", "numerator",
                         "denominator"))
    targets = {v.target_id: v.target for v in wanted}
    out: dict[tuple[int, int, int, tuple], set[int]] = defaultdict(set)
    for target_id, period_id, parent_id, unit_id, value, num, den in rows:
        key = copy_key(targets[target_id], value, num, den)
        if key is not None:
            out[(target_id, period_id, parent_id, key)].add(unit_id)
    for v in wanted:  # this value counts whatever its submission's status
        key = copy_key(v.target, v.value, v.numerator, v.denominator)
        out[(v.target_id, v.period_id, v.unit.parent_id, key)].add(v.unit_id)
    return out


# --------------------------------------------------------------------------- running the checks


def _checks(v: Value, history: list[tuple], sums: Sums | None, siblings: dict, th: Thresholds) -> list[Raised]:
    target = v.target
    current = figure(target, v.value, v.numerator, v.denominator)
    earlier = [row for row in history if row[0] < v.period.end]
    raised = [
        check_range(current, [row[3] for row in earlier], th, target.measure),
        check_impossible(target, v.value, v.numerator, v.denominator, v.weight),
    ]
    # Sums are reported cumulatively from 1 January ("lũy kế"), so within a year they grow by design: compare
    # them with the same period last year; other figures with the period before.
    cumulative = target.aggregation == Aggregation.SUM and v.period.kind != PeriodKind.YEAR
    if cumulative:
        prev_year, prev_number = v.period.year - 1, v.period.number
    else:
        prev_year, prev_number = previous_key(v.period.kind, v.period.year, v.period.number)
    previous = next((row[3] for row in earlier if (row[1], row[2]) == (prev_year, prev_number)), None)
    raised.append(check_jump(current, previous, period_label(v.period.kind, prev_year, prev_number), th,
                             target.measure, same_period=cumulative))
    if v.is_total:
        raised.append(check_total(target, current, sums, th))
    key = copy_key(target, v.value, v.numerator, v.denominator)
    if key is not None and v.unit.parent_id is not None:
        units = siblings.get((v.target_id, v.period_id, v.unit.parent_id, key), set())
        raised.append(check_copied(key, len(units), v.unit.parent.name, th, target.measure))
    return [r for r in raised if r is not None]


def quality_check_submission(submission: Submission) -> list[QualityFlag]:
    """Run every check on the submission's values and replace its flags; returns the current flags.

    Called by the submit service inside its transaction. Explanations survive a re-check when the same kind
    of problem is found again on the same value."""
    th = thresholds()
    with transaction.atomic():
        values = list(Value.objects.filter(submission=submission)
                      .select_related("target", "period", "unit__parent").order_by("target_id", "pk"))
        history = _history(values)
        subordinates = _subordinates(values)
        siblings = _siblings(values)
        wanted: dict[tuple[int, str], tuple[Value, Raised]] = {}
        for v in values:
            for raised in _checks(v, history.get((v.target_id, v.unit_id, v.period.kind), []),
                                  subordinates.get((v.target_id, v.period_id, v.unit_id)), siblings, th):
                wanted[(v.pk, raised.kind)] = (v, raised)
        return _replace_flags(submission, values, wanted)


def _replace_flags(submission: Submission, values: list[Value],
                   wanted: dict[tuple[int, str], tuple[Value, Raised]]) -> list[QualityFlag]:
    by_id = {v.pk: v for v in values}
    existing = {(f.value_id, f.kind): f for f in QualityFlag.objects.filter(value__submission=submission)}
    stale = [f.pk for key, f in existing.items() if key not in wanted]
    if stale:
        QualityFlag.objects.filter(pk__in=stale).delete()
    changed, created, current = [], [], []
    for key, (value, raised) in wanted.items():
        message = str(raised.message)[:MESSAGE_MAX]
        if isinstance(raised.message, _Text):
            raised = Raised(raised.kind, raised.message, {**raised.detail, "text": raised.message.spec()})
        flag = existing.get(key)
        if flag is None:
            flag = QualityFlag(value=value, kind=raised.kind, message=message, detail=raised.detail)
            created.append(flag)
        elif flag.message != message or flag.detail != raised.detail:
            flag.message, flag.detail = message, raised.detail
            changed.append(flag)
        current.append(flag)
    if created:
        QualityFlag.objects.bulk_create(created)
    if changed:
        QualityFlag.objects.bulk_update(changed, ["message", "detail"])
    for flag in current:
        flag.value = by_id[flag.value_id]
    current.sort(key=lambda f: (f.value_id, f.kind))
    return current


# --------------------------------------------------------------------------- explanation and selector


def flag_explain(*, actor, flag: QualityFlag, explanation: str) -> QualityFlag:
    """The submitter explains a flag (e.g. "đã sáp nhập thêm 2 thôn"); the approver reads it beside the flag."""
    with transaction.atomic():
        locked = (QualityFlag.objects.select_for_update(of=("self",))
                  .select_related("value__unit", "value__submission").get(pk=flag.pk))
        unit = locked.value.unit
        if not can(actor, Perm.REPORT_SUBMIT, unit):
            raise PermissionDenied(_("Bạn không có quyền giải trình số liệu của “%(unit)s”.") % {"unit": unit.name})
        if locked.value.submission.status == SubmissionStatus.ACCEPTED:
            raise ValidationError({"explanation": _(
                "Báo cáo đã được duyệt nên không thể giải trình thêm; đề nghị cấp trên mở lại báo cáo nếu cần.")})
        if not isinstance(explanation, str):
            raise ValidationError({"explanation": _("Nội dung giải trình phải là văn bản.")})
        text = explanation.strip()
        if not text:
            raise ValidationError({"explanation": _("Nhập nội dung giải trình.")})
        if len(text) > EXPLANATION_MAX:
            raise ValidationError({"explanation": _(
                "Nội dung giải trình tối đa %(max)d ký tự (hiện có %(count)d ký tự).")
                % {"max": EXPLANATION_MAX, "count": len(text)}})
        before = snapshot(locked, ["explanation"])
        if text != locked.explanation:
            locked.explanation = text
            locked.save(update_fields=["explanation"])
            audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, unit=unit,
                         changes=diff(before, snapshot(locked, ["explanation"])))
    return locked


def flags_for_submission(submission: Submission) -> list[QualityFlag]:
    """The submission's flags with their value and target (one query). The caller has already scoped the
    submission (a selector that returned it, or the service that holds it)."""
    return list(QualityFlag.objects.filter(value__submission=submission).select_related("value__target")
                .order_by("value__target_id", "value_id", "kind"))
