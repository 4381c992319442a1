"""Data-quality checks at submission (issue 4, item 6): each check raised and not raised, thresholds from the
settings, explanations kept across re-checks, flags gone when the value is fixed, a bounded number of
queries, and a property of the learned range. Rows are created directly (no submission service)."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from nghiquyet.audit.models import AuditEvent
from nghiquyet.org.models import Unit
from nghiquyet.reporting.models import (
    FlagKind,
    PeriodKind,
    QualityFlag,
    Schedule,
    Submission,
    SubmissionStatus,
    Value,
)
from nghiquyet.reporting.periods import period_get, previous_key
from nghiquyet.reporting.quality import (
    Thresholds,
    _subordinates,
    aggregate,
    check_range,
    flag_explain,
    flags_for_submission,
    learned_range,
    quality_check_submission,
    sums_of,
)
from nghiquyet.resolutions.models import Aggregation, Document, Target

pytestmark = pytest.mark.django_db

D = Decimal
SUBMITTED, DRAFT, ACCEPTED = SubmissionStatus.SUBMITTED, SubmissionStatus.DRAFT, SubmissionStatus.ACCEPTED
_numbers = itertools.count(1)


class Env:
    """A quarterly schedule of the demo province and helpers to report values for it."""

    def __init__(self, demo):
        self.demo = demo
        self.document = Document.objects.filter(unit=demo.province).order_by("id").first()
        self.schedule = Schedule.objects.create(
            unit=demo.province, document=self.document, name="Báo cáo quý (kiểm thử chất lượng)",
            period_kind=PeriodKind.QUARTER, reporting_kinds=[], starts_on=dt.date(2020, 1, 1),
            ends_on=dt.date(2040, 12, 31))
        self.branches = list(Unit.objects.filter(parent=demo.commune, valid_to__isnull=True).order_by("path"))

    def target(self, measure: str = "tỷ đồng", aggregation: str = Aggregation.SUM, **fields) -> Target:
        number = f"QT{next(_numbers)}"
        return Target.objects.create(
            document=self.document, unit=self.document.unit, number=number, name=f"Chỉ tiêu kiểm thử {number}",
            domain="economy", measure=measure, aggregation=aggregation, target_value=D(100), **fields)

    def report(self, unit, target, period, value=None, *, status=SUBMITTED, **fields) -> Value:
        submission, _created = Submission.objects.get_or_create(
            schedule=self.schedule, unit=unit, period=period, defaults={"status": status})
        fields = {k: None if v is None else D(str(v)) for k, v in fields.items() if k != "is_total"} | (
            {"is_total": fields["is_total"]} if "is_total" in fields else {})
        return Value.objects.create(submission=submission, target=target, unit=unit, period=period,
                                    value=None if value is None else D(str(value)), **fields)

    def history(self, unit, target, values, *, year=2030, number=1, status=SUBMITTED) -> None:
        """``values`` for the quarters just before (year, number), oldest first."""
        keys = []
        y, n = year, number
        for _ in values:
            y, n = previous_key(PeriodKind.QUARTER, y, n)
            keys.append((y, n))
        for (y, n), value in zip(reversed(keys), values, strict=True):
            fields = value if isinstance(value, dict) else {"value": value}
            self.report(unit, target, q(y, n), status=status, **fields)


def plain(detail: dict) -> dict:
    """A flag's numbers, without the message's source text kept for translation."""
    return {k: v for k, v in detail.items() if k != "text"}


def q(year: int, number: int):
    return period_get(PeriodKind.QUARTER, year, number)


NOW = (2030, 1)


@pytest.fixture
def env(demo) -> Env:
    return Env(demo)


def reporting(settings, **values) -> None:
    settings.NGHIQUYET = {**settings.NGHIQUYET, "REPORTING": {**settings.NGHIQUYET["REPORTING"], **values}}


def kinds(value: Value) -> dict[str, QualityFlag]:
    return {f.kind: f for f in QualityFlag.objects.filter(value=value)}


def check(value: Value) -> dict[str, QualityFlag]:
    quality_check_submission(value.submission)
    return kinds(value)


# --------------------------------------------------------------------------- out of range

STEADY = [100, 104, 98, 102, 97, 103, 101, 99]   # mean 100,5, sample sd √6 ≈ 2,449 → 3σ range 93,15 – 107,85


def test_a_value_outside_the_learned_range_is_flagged_with_the_range_in_vietnamese_format(env):
    target = env.target()
    env.history(env.demo.commune, target, STEADY)
    value = env.report(env.demo.commune, target, q(*NOW), "1234.5")
    flag = check(value)[FlagKind.OUT_OF_RANGE]
    assert flag.message == ("Giá trị 1.234,5 tỷ đồng nằm ngoài khoảng hợp lý 93,15 – 107,85 tỷ đồng (trung bình "
                            "100,5 tỷ đồng ± 3 độ lệch chuẩn của 8 kỳ trước).")
    assert plain(flag.detail) == {"value": "1234.5", "low": "93.151531", "high": "107.848469", "mean": "100.5",
                           "sd": "2.44949", "sigmas": "3", "periods": "8"}


def test_a_value_inside_the_learned_range_is_not_flagged(env):
    target = env.target()
    env.history(env.demo.commune, target, STEADY)
    value = env.report(env.demo.commune, target, q(*NOW), 107)
    assert FlagKind.OUT_OF_RANGE not in check(value)


def test_the_range_needs_enough_earlier_periods_of_the_same_kind_and_not_drafts(env, settings):
    target = env.target()
    env.history(env.demo.commune, target, [100, 101, 99, 100, 101])            # five quarters
    env.report(env.demo.commune, target, period_get(PeriodKind.YEAR, 2028), 100)   # another kind
    env.report(env.demo.commune2, target, q(2028, 1), 100)                     # another unit
    value = env.report(env.demo.commune, target, q(*NOW), 500)
    assert FlagKind.OUT_OF_RANGE not in check(value)
    env.report(env.demo.commune, target, q(2028, 3), 100, status=DRAFT)        # a draft does not count
    assert FlagKind.OUT_OF_RANGE not in check(value)
    env.report(env.demo.commune, target, q(2028, 2), 100, status=SubmissionStatus.RETURNED)
    assert FlagKind.OUT_OF_RANGE in check(value)


def test_later_periods_are_not_history(env):
    target = env.target()
    env.history(env.demo.commune, target, STEADY, year=2033)                    # 2031-2032: after NOW
    value = env.report(env.demo.commune, target, q(*NOW), 500)
    assert FlagKind.OUT_OF_RANGE not in check(value)


def test_history_min_periods_and_sigmas_come_from_the_settings(env, settings):
    target = env.target()
    env.history(env.demo.commune, target, [100, 110, 90, 100])
    value = env.report(env.demo.commune, target, q(*NOW), 130)   # mean 100, sd ≈ 8,16
    assert FlagKind.OUT_OF_RANGE not in check(value)
    reporting(settings, HISTORY_MIN_PERIODS=4)
    assert FlagKind.OUT_OF_RANGE in check(value)                  # 3σ range 75,51 – 124,49
    reporting(settings, HISTORY_MIN_PERIODS=4, RANGE_SIGMAS=4)
    assert FlagKind.OUT_OF_RANGE not in check(value)              # 4σ range 67,34 – 132,66


def test_a_constant_history_gets_a_small_relative_band(env):
    target = env.target()
    env.history(env.demo.commune, target, [50] * 6)
    value = env.report(env.demo.commune, target, q(*NOW), 50)
    assert FlagKind.OUT_OF_RANGE not in check(value)
    value.value = D("52")                                          # inside 50 ± 5%
    value.save()
    assert FlagKind.OUT_OF_RANGE not in check(value)
    value.value = D("60")
    value.save()
    flag = check(value)[FlagKind.OUT_OF_RANGE]
    assert "đều bằng 50" in flag.message and "47,5" in flag.message and "52,5" in flag.message


def test_ratio_targets_are_checked_on_the_rate(env):
    target = env.target(measure="%", aggregation=Aggregation.RATIO)
    env.history(env.demo.commune, target, [{"numerator": num, "denominator": den} for num, den in
                                           [(40, 100), (80, 200), (41, 100), (39, 100), (20, 50), (400, 1000)]])
    value = env.report(env.demo.commune, target, q(*NOW), numerator=82, denominator=200)     # 41%
    assert FlagKind.OUT_OF_RANGE not in check(value)
    value.numerator = D(160)                                                              # 80%
    value.save()
    flag = check(value)[FlagKind.OUT_OF_RANGE]
    assert flag.detail["value"] == "80" and flag.detail["mean"] == "40"
    assert flag.message.startswith("Giá trị 80% nằm ngoài khoảng hợp lý")


@hsettings(max_examples=200, deadline=None)
@given(history=st.lists(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False), min_size=6,
                        max_size=30),
       where=st.decimals(min_value=0, max_value=1, places=6),
       sigmas=st.sampled_from([D(1), D(2), D(3), D("2.5")]))
def test_property_a_value_inside_the_learned_range_is_never_flagged(history, where, sigmas):
    th = Thresholds(min_periods=6, sigmas=sigmas)
    learned = learned_range(history, th)
    assert learned is not None and learned.low <= learned.mean <= learned.high
    inside = learned.low + (learned.high - learned.low) * where
    inside = min(max(inside, learned.low), learned.high)
    assert check_range(inside, history, th) is None
    assert check_range(learned.mean, history, th) is None
    if sigmas >= 3 and len(history) <= 10:    # |x − mean| ≤ sd·(n−1)/√n < 3·sd for n ≤ 10
        assert all(check_range(value, history, th) is None for value in history)
    assert check_range(learned.high + 1, history, th) is not None
    assert check_range(learned.low - 1, history, th) is not None


# --------------------------------------------------------------------------- impossible values


def test_a_rate_over_100_percent_is_impossible(env):
    target = env.target(measure="%", aggregation=Aggregation.RATIO)
    value = env.report(env.demo.commune, target, q(*NOW), numerator=D(120), denominator=D(100))
    flag = check(value)[FlagKind.IMPOSSIBLE]
    assert "Tử số 120 lớn hơn mẫu số 100" in flag.message and "120%" in flag.message
    assert flag.detail["reasons"] == ["numerator_above_denominator"]
    value.numerator = D(100)
    value.save()
    assert FlagKind.IMPOSSIBLE not in check(value)


def test_a_rate_below_zero_or_a_denominator_not_above_zero_is_impossible(env):
    target = env.target(measure="%", aggregation=Aggregation.RATIO)
    value = env.report(env.demo.commune, target, q(*NOW), numerator=D(5), denominator=D(0))
    assert check(value)[FlagKind.IMPOSSIBLE].detail["reasons"] == ["denominator"]
    value.numerator, value.denominator = D(-3), D(10)
    value.save()
    flag = check(value)[FlagKind.IMPOSSIBLE]
    assert flag.detail["reasons"] == ["negative_numerator"] and "-3" in flag.message
    other = env.report(env.demo.commune2, target, q(*NOW), "101.5")     # a rate given as a value
    assert "101,5%" in check(other)[FlagKind.IMPOSSIBLE].message


def test_a_ratio_not_in_percent_may_exceed_one(env):
    target = env.target(measure="người/km²", aggregation=Aggregation.RATIO)
    value = env.report(env.demo.commune, target, q(*NOW), numerator=D(5000), denominator=D(12))
    assert FlagKind.IMPOSSIBLE not in check(value)


@pytest.mark.parametrize(("measure", "aggregation", "flagged"), [
    ("tỷ đồng", Aggregation.SUM, True),
    ("xã", Aggregation.COUNT_MEETING, True),
    ("hộ", Aggregation.NONE, True),
    ("đảng viên", Aggregation.NONE, True),
    ("Chi bộ", Aggregation.WEIGHTED_MEAN, True),
    ("vụ", Aggregation.NONE, True),
    ("số người", Aggregation.NONE, True),
    ("%", Aggregation.NONE, False),               # a growth rate may be negative
    ("%", Aggregation.WEIGHTED_MEAN, False),
    ("triệu đồng/người/năm", Aggregation.NONE, False),
    ("tỷ đồng", Aggregation.NONE, False),
])
def test_negative_values_where_they_cannot_exist(env, measure, aggregation, flagged):
    target = env.target(measure=measure, aggregation=aggregation)
    value = env.report(env.demo.commune, target, q(*NOW), -2)
    assert (FlagKind.IMPOSSIBLE in check(value)) is flagged
    value.value = D(2)
    value.save()
    assert FlagKind.IMPOSSIBLE not in check(value)


def test_more_criteria_met_than_the_set_has_is_impossible(env):
    target = env.target(measure="tiêu chí", aggregation=Aggregation.NONE, criteria_total=19)
    value = env.report(env.demo.commune, target, q(*NOW), 20)
    flag = check(value)[FlagKind.IMPOSSIBLE]
    assert flag.message == "Số tiêu chí đạt 20 vượt quá tổng số 19 tiêu chí." and flag.detail["criteria_total"] == "19"
    value.value = D(19)
    value.save()
    assert FlagKind.IMPOSSIBLE not in check(value)
    value.value = D("16.5")
    value.save()
    assert check(value)[FlagKind.IMPOSSIBLE].detail["reasons"] == ["criteria_fraction"]


def test_a_negative_weight_is_impossible(env):
    target = env.target(measure="triệu đồng/người/năm", aggregation=Aggregation.WEIGHTED_MEAN)
    value = env.report(env.demo.commune, target, q(*NOW), 60, weight=D(-1200))
    flag = check(value)[FlagKind.IMPOSSIBLE]
    assert "Trọng số -1.200" in flag.message and flag.detail["weight"] == "-1200"
    value.weight = D(1200)
    value.save()
    assert FlagKind.IMPOSSIBLE not in check(value)


# --------------------------------------------------------------------------- jump


def test_a_jump_against_the_previous_period_is_flagged(env):
    target = env.target(aggregation=Aggregation.NONE)  # not cumulative
    env.history(env.demo.commune, target, [100])
    value = env.report(env.demo.commune, target, q(*NOW), 151)
    flag = check(value)[FlagKind.JUMP]
    assert flag.message == ("Giá trị 151 tỷ đồng tăng 51% so với kỳ trước (Quý IV/2029: 100 tỷ đồng), vượt ngưỡng "
                            "thay đổi 50%.")
    assert plain(flag.detail) == {"value": "151", "previous": "100", "previous_period": "Quý IV/2029", "change": "0.51",
                           "limit": "0.5"}
    value.value = D(150)
    value.save()
    assert FlagKind.JUMP not in check(value)
    value.value = D(40)
    value.save()
    assert "giảm 60%" in check(value)[FlagKind.JUMP].message


def test_cumulative_sums_are_compared_with_the_same_period_last_year(env):
    """Sums are reported from 1 January on: Q1 after Q4 is no jump, a Q1 far from last year's Q1 is."""
    target = env.target()  # a sum
    env.report(env.demo.commune, target, q(NOW[0] - 1, NOW[1]), 100)
    env.report(env.demo.commune, target, q(*(NOW[0], NOW[1] - 1) if NOW[1] > 1 else (NOW[0] - 1, 4)), 400)
    value = env.report(env.demo.commune, target, q(*NOW), 105)
    assert FlagKind.JUMP not in [f.kind for f in quality_check_submission(value.submission)]
    Value.objects.filter(pk=value.pk).update(value=D(190))
    flags = [f for f in quality_check_submission(value.submission) if f.kind == FlagKind.JUMP]
    assert flags and "cùng kỳ năm trước" in flags[0].message


def test_no_jump_without_a_previous_value_or_when_it_is_zero(env):
    target = env.target(aggregation=Aggregation.NONE)  # not cumulative
    env.report(env.demo.commune, target, q(2029, 3), 100)                      # two periods back
    value = env.report(env.demo.commune, target, q(*NOW), 1000)
    assert FlagKind.JUMP not in check(value)
    env.report(env.demo.commune, target, q(2029, 4), 0)
    assert FlagKind.JUMP not in check(value)


def test_a_draft_previous_value_is_ignored_and_the_ratio_is_a_setting(env, settings):
    target = env.target(aggregation=Aggregation.NONE)  # not cumulative
    env.history(env.demo.commune, target, [100], status=DRAFT)
    value = env.report(env.demo.commune, target, q(*NOW), 200)
    assert FlagKind.JUMP not in check(value)
    Submission.objects.filter(unit=env.demo.commune, period=q(2029, 4)).update(status=ACCEPTED)
    assert FlagKind.JUMP in check(value)
    value.value = D(130)
    value.save()
    assert FlagKind.JUMP not in check(value)
    reporting(settings, JUMP_RATIO="0.2")
    assert "vượt ngưỡng thay đổi 20%" in check(value)[FlagKind.JUMP].message


# --------------------------------------------------------------------------- self-reported totals


def test_a_total_that_disagrees_with_the_subordinates_is_flagged(env, settings):
    target = env.target()
    b1, b2, b3 = env.branches[:3]
    env.report(b1, target, q(*NOW), 60)
    env.report(b2, target, q(*NOW), 30)
    env.report(b3, target, q(*NOW), 500, status=DRAFT)                         # drafts are left out
    env.report(env.demo.commune2, target, q(*NOW), 10)                         # not in the subtree
    total = env.report(env.demo.commune, target, q(*NOW), 100, is_total=True)
    flag = check(total)[FlagKind.TOTAL_MISMATCH]
    assert flag.message == ("Tổng tự báo cáo 100 tỷ đồng lệch 11,11% so với tổng hợp từ 2 đơn vị cấp dưới (90 tỷ "
                            "đồng), vượt mức sai lệch cho phép 0,5%.")
    assert flag.detail["aggregate"] == "90" and flag.detail["units"] == "2"
    reporting(settings, TOTAL_TOLERANCE="0.2")
    assert FlagKind.TOTAL_MISMATCH not in check(total)


def test_a_total_within_the_tolerance_or_not_marked_as_total_is_not_flagged(env):
    target = env.target()
    b1, b2 = env.branches[:2]
    env.report(b1, target, q(*NOW), "60.2")
    env.report(b2, target, q(*NOW), 40)
    total = env.report(env.demo.commune, target, q(*NOW), 100, is_total=True)   # 0,2% off
    assert FlagKind.TOTAL_MISMATCH not in check(total)
    own = env.report(env.demo.commune, env.target(), q(*NOW), 500)              # an own figure, not a total
    assert FlagKind.TOTAL_MISMATCH not in check(own)


def test_a_ratio_total_is_compared_with_the_ratio_of_the_sums(env):
    target = env.target(measure="%", aggregation=Aggregation.RATIO)
    b1, b2 = env.branches[:2]
    env.report(b1, target, q(*NOW), numerator=D(9), denominator=D(10))         # 90%
    env.report(b2, target, q(*NOW), numerator=D(10), denominator=D(90))        # 11%
    # the mean of the rates would be 50,56%; the ratio of the sums is 19/100 = 19%
    total = env.report(env.demo.commune, target, q(*NOW), numerator=D(19), denominator=D(100), is_total=True)
    assert FlagKind.TOTAL_MISMATCH not in check(total)
    total.numerator, total.denominator = D("50.56"), D(100)
    total.save()
    flag = check(total)[FlagKind.TOTAL_MISMATCH]
    assert flag.detail["aggregate"] == "19" and "(19%)" in flag.message


def test_a_weighted_mean_total_is_compared_with_the_weighted_mean(env):
    target = env.target(measure="triệu đồng/người/năm", aggregation=Aggregation.WEIGHTED_MEAN)
    b1, b2 = env.branches[:2]
    env.report(b1, target, q(*NOW), 50, weight=D(300))
    env.report(b2, target, q(*NOW), 70, weight=D(100))                          # (15000 + 7000) / 400 = 55
    total = env.report(env.demo.commune, target, q(*NOW), 55, is_total=True, weight=D(400))
    assert FlagKind.TOTAL_MISMATCH not in check(total)
    total.value = D(60)                                                         # the plain mean
    total.save()
    assert check(total)[FlagKind.TOTAL_MISMATCH].detail["aggregate"] == "55"


def test_grandchildren_count_and_totals_below_do_not(env):
    target = env.target()
    commune = env.demo.commune
    env.report(env.branches[0], target, q(*NOW), 40)
    env.report(commune, target, q(*NOW), 40, is_total=True)        # the commune's own total: not added again
    env.report(env.demo.commune2, target, q(*NOW), 60)
    total = env.report(env.demo.province, target, q(*NOW), 100, is_total=True)
    assert FlagKind.TOTAL_MISMATCH not in check(total)
    assert FlagKind.TOTAL_MISMATCH not in check(Value.objects.get(unit=commune, target=target))


@pytest.mark.parametrize("seed", range(4))
def test_the_subordinates_are_added_up_like_a_brute_force_sum(env, seed):
    rng = random.Random(seed)
    commune = env.demo.commune
    below = list(Unit.objects.filter(path__under=commune.path).exclude(pk=commune.pk).order_by("path"))
    outside = [env.demo.commune2, *Unit.objects.filter(parent=env.demo.commune2)[:3]]
    targets = {agg: env.target(measure="%" if agg == Aggregation.RATIO else "tỷ đồng", aggregation=agg)
               for agg in (Aggregation.SUM, Aggregation.RATIO, Aggregation.WEIGHTED_MEAN)}
    rows = {agg: [] for agg in targets}

    def amount():
        return None if rng.random() < 0.15 else D(rng.randint(0, 10**6)) / 100

    for unit in rng.sample(below, min(12, len(below))) + outside:
        status = rng.choice([SUBMITTED, SUBMITTED, ACCEPTED, DRAFT, SubmissionStatus.RETURNED])
        is_total = rng.random() < 0.2
        for agg, target in targets.items():
            fields = {"value": amount(), "numerator": amount(), "denominator": amount(), "weight": amount()}
            env.report(unit, target, q(*NOW), status=status, is_total=is_total, **fields)
            if unit in below and status != DRAFT and not is_total:
                rows[agg].append((fields["value"], fields["numerator"], fields["denominator"], fields["weight"]))
    totals = [env.report(commune, target, q(*NOW), 1, numerator=1, denominator=1, weight=1, is_total=True)
              for target in targets.values()]
    found = _subordinates(Value.objects.filter(pk__in=[t.pk for t in totals])
                          .select_related("target", "unit", "period").order_by("pk"))
    for total in totals:
        expected = aggregate(total.target, sums_of(rows[total.target.aggregation]))
        got = aggregate(total.target, found.get((total.target_id, total.period_id, commune.pk), sums_of([])))
        assert got[1] == expected[1]
        if expected[0] is None:
            assert got[0] is None
        else:
            assert abs(got[0] - expected[0]) <= abs(expected[0]) * D("1e-9") + D("1e-6")


# --------------------------------------------------------------------------- copied values


def test_the_same_value_at_many_sibling_units_is_flagged(env, settings):
    target = env.target(measure="hộ", aggregation=Aggregation.SUM)
    for branch in env.branches[1:4]:
        env.report(branch, target, q(*NOW), 37)
    env.report(env.branches[4], target, q(*NOW), 37, status=DRAFT)            # a draft is not counted
    env.report(env.branches[5], target, q(*NOW), 38)
    value = env.report(env.branches[0], target, q(*NOW), 37, status=DRAFT)    # this one counts even in draft
    assert FlagKind.COPIED not in check(value)                                 # 4 units
    Submission.objects.filter(unit=env.branches[4], period=q(*NOW)).update(status=SUBMITTED)
    flag = check(value)[FlagKind.COPIED]
    assert flag.message == (f"Giá trị 37 hộ giống hệt ở 5 đơn vị cùng trực thuộc “{env.demo.commune.name}” trong kỳ "
                            "này; đề nghị kiểm tra lại có phải số liệu bị sao chép không.")
    assert flag.detail["units"] == "5" and flag.detail["value"] == "37"
    reporting(settings, COPIED_MIN_UNITS=6)
    assert FlagKind.COPIED not in check(value)


def test_zero_another_period_or_another_parent_is_not_a_copy(env, settings):
    reporting(settings, COPIED_MIN_UNITS=2)
    target = env.target()
    env.report(env.branches[1], target, q(*NOW), 0)
    env.report(env.branches[2], target, q(2029, 4), 5)
    env.report(env.demo.commune2, target, q(*NOW), 5)
    value = env.report(env.branches[0], target, q(*NOW), 0)
    assert FlagKind.COPIED not in check(value)
    value.value = D(5)
    value.save()
    assert FlagKind.COPIED not in check(value)
    env.report(env.branches[3], target, q(*NOW), "5.000")
    assert FlagKind.COPIED in check(value)


def test_ratio_copies_compare_numerator_and_denominator(env, settings):
    reporting(settings, COPIED_MIN_UNITS=3)
    target = env.target(measure="%", aggregation=Aggregation.RATIO)
    env.report(env.branches[1], target, q(*NOW), numerator=D(8), denominator=D(10))
    env.report(env.branches[2], target, q(*NOW), numerator=D(16), denominator=D(20))   # same rate, not a copy
    value = env.report(env.branches[0], target, q(*NOW), numerator=D(8), denominator=D(10))
    assert FlagKind.COPIED not in check(value)
    env.report(env.branches[3], target, q(*NOW), numerator=D(8), denominator=D(10))
    assert "Tử số 8 và mẫu số 10 giống hệt ở 3 đơn vị" in check(value)[FlagKind.COPIED].message
    full = env.target(measure="%", aggregation=Aggregation.RATIO)                   # 100% is common: never a copy
    for branch in env.branches[:4]:
        last = env.report(branch, full, q(*NOW), numerator=D(12), denominator=D(12))
    assert FlagKind.COPIED not in check(last)


# --------------------------------------------------------------------------- replacing flags


def test_an_explanation_is_kept_when_the_flag_is_raised_again_and_the_flag_goes_when_fixed(env):
    target = env.target(aggregation=Aggregation.NONE)  # not cumulative
    env.history(env.demo.commune, target, [100])
    value = env.report(env.demo.commune, target, q(*NOW), 200)
    flag = check(value)[FlagKind.JUMP]
    flag_explain(actor=env.demo.xa, flag=flag, explanation="  Thu thêm từ đấu giá quyền sử dụng đất.  ")
    value.value = D(300)
    value.save()
    again = check(value)[FlagKind.JUMP]
    assert again.pk == flag.pk and again.explanation == "Thu thêm từ đấu giá quyền sử dụng đất."
    assert "Giá trị 300 tỷ đồng tăng 200%" in again.message and again.detail["value"] == "300"
    value.value = D(120)
    value.save()
    flags = quality_check_submission(value.submission)
    assert flags == [] and not QualityFlag.objects.filter(pk=flag.pk).exists()


def test_the_check_returns_the_current_flags_and_the_selector_lists_them(env, django_assert_num_queries):
    target = env.target(measure="hộ", aggregation=Aggregation.NONE)
    env.history(env.demo.commune, target, [100])
    value = env.report(env.demo.commune, target, q(*NOW), -400)
    flags = quality_check_submission(value.submission)
    assert [f.kind for f in flags] == [FlagKind.IMPOSSIBLE, FlagKind.JUMP]
    assert all(f.pk and f.value == value for f in flags)
    with django_assert_num_queries(1):
        listed = flags_for_submission(value.submission)
        assert [(f.kind, f.value.target.number) for f in listed] == [(f.kind, target.number) for f in flags]


def test_the_number_of_queries_does_not_grow_with_the_values(env, django_assert_max_num_queries):
    targets = [env.target(measure="hộ") for _ in range(20)]
    branch, *siblings = env.branches[:6]
    for i, target in enumerate(targets):
        env.history(branch, target, [100 + i, 102 + i, 98 + i, 101 + i, 99 + i, 100 + i, 100])
        for sibling in siblings:
            env.report(sibling, target, q(*NOW), 7)
    submission = env.report(branch, targets[0], q(*NOW), 7).submission
    for i, target in enumerate(targets[1:], 1):
        env.report(branch, target, q(*NOW), -1 if i % 3 == 0 else 7, is_total=i % 2 == 0)
    with django_assert_max_num_queries(10):
        flags = quality_check_submission(submission)
    assert {f.kind for f in flags} >= {FlagKind.OUT_OF_RANGE, FlagKind.IMPOSSIBLE, FlagKind.JUMP, FlagKind.COPIED}
    assert len(flags) >= 60
    Value.objects.filter(submission=submission).update(value=D(100))
    with django_assert_max_num_queries(10):
        assert quality_check_submission(submission) == []


# --------------------------------------------------------------------------- explanations


@pytest.fixture
def flagged(env) -> QualityFlag:
    target = env.target(measure="hộ")
    value = env.report(env.demo.commune, target, q(*NOW), -1)
    return check(value)[FlagKind.IMPOSSIBLE]


def test_the_submitter_explains_a_flag_and_it_is_audited(env, flagged):
    flag = flag_explain(actor=env.demo.xa, flag=flagged, explanation="\n Nhập nhầm dấu, sẽ sửa lại. ")
    assert flag.explanation == "Nhập nhầm dấu, sẽ sửa lại."
    flagged.refresh_from_db()
    assert flagged.explanation == "Nhập nhầm dấu, sẽ sửa lại."
    event = AuditEvent.objects.filter(object_id=str(flag.pk), action="update").latest("pk")
    assert event.actor == env.demo.xa and event.unit_id == env.demo.commune.pk
    assert event.changes == {"explanation": ["", "Nhập nhầm dấu, sẽ sửa lại."]}


def test_only_someone_who_may_submit_for_the_unit_explains(env, flagged):
    for actor in (env.demo.xa2, env.demo.chibo):       # another commune; a branch below
        with pytest.raises(PermissionDenied):
            flag_explain(actor=actor, flag=flagged, explanation="Giải trình")
    flagged.refresh_from_db()
    assert flagged.explanation == ""


@pytest.mark.parametrize(("text", "fragment"), [
    ("", "Nhập nội dung giải trình."),
    ("   \n ", "Nhập nội dung giải trình."),
    ("x" * 2001, "tối đa 2000 ký tự"),
])
def test_an_explanation_must_be_given_and_not_too_long(env, flagged, text, fragment):
    with pytest.raises(ValidationError) as error:
        flag_explain(actor=env.demo.xa, flag=flagged, explanation=text)
    assert fragment in error.value.message_dict["explanation"][0]
    flag_explain(actor=env.demo.xa, flag=flagged, explanation="x" * 2000 + "   ")


def test_an_accepted_submission_cannot_be_explained(env, flagged):
    Submission.objects.filter(pk=flagged.value.submission_id).update(status=ACCEPTED)
    with pytest.raises(ValidationError) as error:
        flag_explain(actor=env.demo.xa, flag=flagged, explanation="Muộn")
    assert "đã được duyệt" in error.value.message_dict["explanation"][0]


def test_a_flag_is_shown_in_the_reader_s_language(env):
    """The sentence is kept with its source text and values, so an English reader gets it in English."""
    from django.utils import translation

    target = env.target(measure="tiêu chí", aggregation=Aggregation.NONE, criteria_total=19)
    value = env.report(env.demo.commune, target, q(*NOW), 20)
    flag = next(f for f in quality_check_submission(value.submission) if f.kind == FlagKind.IMPOSSIBLE)
    flag = QualityFlag.objects.get(pk=flag.pk)
    assert flag.text == flag.message == "Số tiêu chí đạt 20 vượt quá tổng số 19 tiêu chí."
    with translation.override("en"):
        assert flag.text != flag.message and "20" in flag.text and "19" in flag.text
