"""Targets: direction, milestones inside the term, aggregation rules, criteria sets, exact Decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nghiquyet.audit.models import AuditAction
from nghiquyet.resolutions.models import Aggregation, Direction, Domain, Milestone, Target
from nghiquyet.resolutions.services import target_create, target_update
from tests.resolutions.helpers import D, events_for, target_values

pytestmark = pytest.mark.django_db


def refused(document, *, milestones=None, **overrides) -> dict:
    before = (Target.objects.count(), Milestone.objects.count())
    with pytest.raises(ValidationError) as info:
        target_create(actor=None, document=document, milestones=milestones, **target_values(**overrides))
    assert (Target.objects.count(), Milestone.objects.count()) == before, "nothing half saved"
    messages = info.value.message_dict
    assert all(m for ms in messages.values() for m in ms)
    return messages


def test_a_good_target_is_stored_exactly_and_audited(plans):
    target = target_create(actor=None, document=plans.commune_doc, milestones={2026: "70,5", 2030: D("100")},
                           **target_values(target_value="100", baseline_value="1.234,5".replace("1.234,5", "60")))
    target.refresh_from_db()
    assert target.target_value == Decimal("100") and target.baseline_value == Decimal("60")
    assert {m.year: m.value for m in target.milestones.all()} == {2026: Decimal("70.5"), 2030: Decimal("100")}
    event = events_for(target)[0]
    assert event.action == AuditAction.CREATE
    assert event.changes["milestones"] == [None, {"2026": "70.5", "2030": "100"}]


def test_vietnamese_text_numbers_are_accepted(plans):
    target = target_create(actor=None, document=plans.commune_doc,
                           **target_values(baseline_value="9.689", target_value="10.500,25"))
    assert target.target_value == Decimal("10500.25") and target.baseline_value == Decimal("9689")


@pytest.mark.parametrize(("overrides", "field"), [
    ({"name": "  "}, "name"),
    ({"measure": ""}, "measure"),
    ({"number": ""}, "number"),
    ({"number": "12345678901"}, "number"),
    ({"name": "x" * 301}, "name"),
    ({"domain": "sport"}, "domain"),
    ({"direction": "up"}, "direction"),
    ({"aggregation": "max"}, "aggregation"),
    ({"target_value": None}, "target_value"),
    ({"target_value": "1.5"}, "target_value"),
    ({"target_value": Decimal("NaN")}, "target_value"),
    ({"target_value": Decimal("1E+30")}, "target_value"),
    ({"target_value": Decimal("0.1234567")}, "target_value"),
    ({"target_value": "mười"}, "target_value"),
    ({"baseline_value": D("60"), "baseline_year": None}, "baseline_year"),
    ({"baseline_value": None, "baseline_year": 2025}, "baseline_value"),
    ({"baseline_year": 2027}, "baseline_year"),            # after the term's first year
    ({"baseline_year": "năm ngoái"}, "baseline_year"),
])
def test_bad_fields(plans, overrides, field):
    assert field in refused(plans.commune_doc, **overrides)


class TestDirection:
    def test_higher_is_better_target_below_baseline(self, plans):
        errors = refused(plans.commune_doc, baseline_value=D("60"), target_value=D("59.9"))
        assert "càng cao càng tốt" in errors["target_value"][0]

    def test_lower_is_better_target_above_baseline(self, plans):
        errors = refused(plans.commune_doc, direction=Direction.LOWER, baseline_value=D("3.2"),
                         target_value=D("4"))
        assert "càng thấp càng tốt" in errors["target_value"][0]

    def test_exact_and_equal_are_fine(self, plans):
        target_create(actor=None, document=plans.commune_doc, **target_values(
            number="a", direction=Direction.EXACT, baseline_value=D("60"), target_value=D("10")))
        target_create(actor=None, document=plans.commune_doc, **target_values(
            number="b", baseline_value=D("60"), target_value=D("60")))

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(baseline=st.integers(0, 1000), target=st.integers(0, 1000),
           direction=st.sampled_from([Direction.HIGHER, Direction.LOWER]))
    def test_contradiction_is_always_refused(self, plans, baseline, target, direction):
        contradicts = target < baseline if direction == Direction.HIGHER else target > baseline
        values = target_values(number="p", direction=direction, baseline_value=D(baseline), target_value=D(target))
        if contradicts:
            with pytest.raises(ValidationError) as info:
                target_create(actor=None, document=plans.commune_doc, **values)
            assert "target_value" in info.value.message_dict
        else:
            made = target_create(actor=None, document=plans.commune_doc, **values)
            made.milestones.all().delete()
            made.delete()


class TestMilestones:
    def test_outside_the_term(self, plans):
        errors = refused(plans.commune_doc, milestones={2024: D("61"), 2031: D("100")})
        assert "2024, 2031" in errors["milestones"][0] and "2025 - 2030" in errors["milestones"][0]

    def test_against_the_direction(self, plans):
        errors = refused(plans.commune_doc, milestones={2026: D("80"), 2027: D("75")})
        assert "ngược chiều" in errors["milestones"][0]
        # below the baseline at the first milestone, or above the term target before the end
        assert "milestones" in refused(plans.commune_doc, milestones={2026: D("50")})
        assert "milestones" in refused(plans.commune_doc, milestones={2028: D("120")})
        assert "milestones" in refused(plans.commune_doc, direction=Direction.LOWER, baseline_value=D("5"),
                                       target_value=D("1"), milestones={2026: D("2"), 2027: D("3")})

    def test_last_year_equals_the_term_target(self, plans):
        errors = refused(plans.commune_doc, milestones={2030: D("99")})
        assert "cuối nhiệm kỳ" in errors["milestones"][0]

    def test_without_a_term_there_are_no_milestones(self, demo):
        from nghiquyet.resolutions.services import document_create
        from tests.resolutions.helpers import ISSUED, next_symbol

        document = document_create(actor=None, unit=demo.commune, symbol=next_symbol(demo.commune, "KL"),
                                   issued_on=ISSUED, title="Kết luận")
        assert "milestones" in refused(document, baseline_year=None, baseline_value=None,
                                       milestones={2026: D("70")})

    @pytest.mark.parametrize("milestones", [{"hai": D("70")}, {2026: "bảy mươi"}, {2026: None}, [2026]])
    def test_garbage(self, plans, milestones):
        assert "milestones" in refused(plans.commune_doc, milestones=milestones)


class TestAggregation:
    def test_weighted_mean_needs_a_weight(self, plans):
        assert "weight_name" in refused(plans.commune_doc, aggregation=Aggregation.WEIGHTED_MEAN, weight_name=" ")

    def test_ratio_needs_numerator_and_denominator(self, plans):
        errors = refused(plans.commune_doc, aggregation=Aggregation.RATIO, numerator_name="số hộ nghèo",
                         denominator_name="")
        assert set(errors) == {"denominator_name"}
        errors = refused(plans.commune_doc, aggregation=Aggregation.RATIO)
        assert {"numerator_name", "denominator_name"} <= set(errors)

    def test_threshold_count_needs_a_threshold(self, plans):
        assert "threshold" in refused(plans.commune_doc, aggregation=Aggregation.COUNT_MEETING)
        target_create(actor=None, document=plans.commune_doc, **target_values(
            aggregation=Aggregation.COUNT_MEETING, threshold="19", weight_name=""))


class TestCriteriaSet:
    def test_met_count_at_most_the_total(self, plans):
        common = {"name": "Tiêu chí nông thôn mới nâng cao", "measure": "tiêu chí", "aggregation": Aggregation.NONE,
                  "criteria_total": 19, "baseline_value": D("16"), "weight_name": ""}
        assert "target_value" in refused(plans.commune_doc, target_value=D("20"), **common)
        assert "target_value" in refused(plans.commune_doc, target_value=D("18.5"), **common)
        assert "baseline_value" in refused(plans.commune_doc, target_value=D("19"),
                                           **{**common, "baseline_value": D("25")})
        assert "milestones" in refused(plans.commune_doc, target_value=D("19"), milestones={2027: D("21")},
                                       **common)
        assert "criteria_total" in refused(plans.commune_doc, target_value=D("19"), **{**common, "criteria_total": 0})
        target = target_create(actor=None, document=plans.commune_doc, milestones={2027: D("17"), 2030: D("19")},
                               **target_values(target_value=D("19"), **common))
        assert target.is_criteria_set


class TestUpdate:
    def test_adjust_and_audit(self, plans, demo):
        target = plans.income
        target_update(actor=demo.tinh, target=target, target_value=D("110"),
                      milestones={2026: D("70"), 2028: D("90"), 2030: D("110")})
        target.refresh_from_db()
        assert target.target_value == D("110")
        event = events_for(target)[-1]
        assert event.action == AuditAction.UPDATE
        assert event.changes["target_value"] == ["100.000000", "110"] or event.changes["target_value"][1] == "110"
        assert "milestones" in event.changes

    def test_bad_update_saves_nothing(self, plans, demo):
        target = plans.income
        before = (Target.objects.values().get(pk=target.pk), list(target.milestones.values("year", "value")))
        for values in ({"target_value": D("50")},                 # below baseline
                       {"target_value": D("120")},                # end-of-term milestone stays 100
                       {"direction": Direction.LOWER},            # milestones go up
                       {"aggregation": Aggregation.RATIO},
                       {"domain": "x"}, {"name": ""}):
            with pytest.raises(ValidationError):
                target_update(actor=demo.tinh, target=target, **values)
        with pytest.raises(ValidationError):
            target_update(actor=demo.tinh, target=target, milestones={2035: D("1")})
        assert (Target.objects.values().get(pk=target.pk), list(target.milestones.values("year", "value"))) == before

    def test_number_clash(self, plans, demo):
        with pytest.raises(ValidationError) as info:
            target_update(actor=demo.tinh, target=plans.poverty, number=plans.income.number)
        assert "number" in info.value.message_dict

    def test_permissions(self, plans, demo):
        for user in (demo.xa, demo.xa2, demo.chibo):
            with pytest.raises(PermissionDenied):
                target_update(actor=user, target=plans.income, name="Sửa của cấp trên")
            with pytest.raises(PermissionDenied):
                target_create(actor=user, document=plans.province_doc, **target_values(number="77"))
        with pytest.raises(PermissionDenied):
            target_create(actor=demo.xa2, document=plans.commune_doc, **target_values(number="77"))
        target_create(actor=demo.xa, document=plans.commune_doc, **target_values(number="77", domain=Domain.PARTY))
        target_create(actor=demo.tinh, document=plans.commune_doc, **target_values(number="78"))  # from above
