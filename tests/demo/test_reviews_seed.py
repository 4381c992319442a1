"""The demo mid-term review (nghiquyet/demo/reviews.py): the campaign, the communes' reports by state, the one
returned, the drafts the demo accounts finish in the browser, the register's numbers, the province's consolidated
draft with its proposals annex, the story's dates, and a second seed that writes nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from nghiquyet.audit.models import AuditEvent
from nghiquyet.core.numbers import format_vn_decimal
from nghiquyet.demo import data, reviews
from nghiquyet.demo.plans import CONGRESS_SYMBOL, DEMO_TODAY, DEMO_XA2_PLACE, DEMO_XA_PLACE
from nghiquyet.demo.seed import MERGED_COMMUNE_CODE, seed_demo
from nghiquyet.documents.models import IssuedDocument, NumberCounter
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.reporting.models import SubmissionStatus, Value
from nghiquyet.reviews.models import Campaign, ReviewKind, ReviewReport, ReviewSection, SectionKey

pytestmark = pytest.mark.django_db

S = SubmissionStatus


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _place(unit: Unit) -> str:
    return unit.name.removeprefix("Đảng bộ xã ").removeprefix("Đảng bộ phường ")


def _counts() -> tuple[int, ...]:
    return (Campaign.objects.count(), ReviewReport.objects.count(), ReviewSection.objects.count(),
            IssuedDocument.objects.count(), NumberCounter.objects.count(), AuditEvent.objects.count())


def test_the_campaign_as_of_demo_today_and_a_second_seed_writes_nothing():
    seed_demo()
    province = Unit.objects.get(code=data.PROVINCE_CODE)
    campaign = Campaign.objects.get(unit=province)
    assert campaign.kind == ReviewKind.MIDTERM and not campaign.is_closed
    assert campaign.resolution.symbol == CONGRESS_SYMBOL and campaign.resolution.is_congress_resolution
    assert campaign.title == ("Sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XXI, nhiệm kỳ "
                              "2025-2030")
    assert campaign.period_start == dt.date(2025, 10, 14) and campaign.period_end == dt.date(2026, 9, 30)
    assert campaign.deadlines == {UnitKind.COMMUNE: "2026-11-20"}     # branches are not a reporting level
    assert (campaign.own_deadline, campaign.conference_date) == (dt.date(2026, 12, 10), dt.date(2026, 12, 15))

    communes = Unit.objects.filter(path__under=province.path, kind=UnitKind.COMMUNE, valid_to__isnull=True)
    assert communes.count() == 30
    rows = list(ReviewReport.objects.filter(campaign=campaign).exclude(unit=province).select_related("unit", "issued"))
    by_place = {_place(r.unit): r for r in rows}
    assert all(r.unit in communes for r in rows)
    # 9 accepted + 10 waiting + 1 returned = 20 submitted of 30, 3 drafts, 7 not started
    assert Counter(r.status for r in rows) == {S.ACCEPTED: 9, S.SUBMITTED: 10, S.RETURNED: 1, S.DRAFT: 3}
    assert communes.count() - len(rows) == 7
    submitted = [r for r in rows if r.status != S.DRAFT]
    assert len(submitted) == 20

    # exactly one returned, with its comment; neither demo account's commune
    (returned,) = [r for r in rows if r.status == S.RETURNED]
    assert _place(returned.unit) == reviews.RETURNED and returned.comment == reviews.RETURN_COMMENT
    assert _place(returned.unit) not in (DEMO_XA_PLACE, DEMO_XA2_PLACE)

    # demo-xa's Đông Sơn: a draft with three sections written, the rest for the browser test; An Lạc not started
    dong_son = by_place[DEMO_XA_PLACE]
    assert dong_son.unit.code == MERGED_COMMUNE_CODE and dong_son.status == S.DRAFT and dong_son.issued is None
    written = dict(ReviewSection.objects.filter(report=dong_son).exclude(text="").values_list("key", "text"))
    assert set(written) == {SectionKey.RESULTS, SectionKey.LIMITATIONS, SectionKey.CAUSES_SUBJECTIVE}
    # written from the commune's own data: its latest reported income per head (Q3/2026)
    income = (Value.objects.filter(unit=dong_son.unit, target__number="2", target__document__unit=province,
                                   period__end__lte=reviews.PERIOD_END).order_by("-period__end").first())
    assert f"{format_vn_decimal(income.value, 1)} triệu đồng/người/năm" in written[SectionKey.RESULTS]
    assert DEMO_XA2_PLACE not in by_place

    # every submitted report: all seven sections, figures frozen, proposals of its own
    sections = {(s.report_id, s.key): s.text for s in ReviewSection.objects.filter(report__in=submitted)}
    for report in submitted:
        for key in SectionKey.values:
            assert len(sections.get((report.pk, key), "")) > 40, (report.unit.name, key)
        assert report.figures, report.unit.name
        assert "<" not in "".join(sections[(report.pk, k)] for k in SectionKey.values)
    proposals = [sections[(r.pk, SectionKey.PROPOSALS)] for r in submitted]
    assert len(set(proposals)) == len(proposals)
    assert len({sections[(r.pk, SectionKey.RESULTS)] for r in submitted}) == len(submitted)

    # the story's dates: on time by 20/11, four late on 21-24/11, decisions after submission and before today
    deadline = dt.date(2026, 11, 20)
    today_start = timezone.make_aware(dt.datetime.combine(DEMO_TODAY, dt.time()))
    late = {_place(r.unit): timezone.localdate(r.submitted_at) for r in submitted if r.is_late}
    assert late == reviews.LATE
    for report in submitted:
        day = timezone.localdate(report.submitted_at)
        assert report.is_late == (day > deadline) and dt.date(2026, 11, 1) <= day < DEMO_TODAY
        assert report.submitted_by is None            # the communes' staff have no account in the demo
        if report.status in (S.ACCEPTED, S.RETURNED):
            assert report.submitted_at < report.decided_at < today_start
            assert report.decided_by.username == "demo-tinh"
        else:
            assert report.decided_at is None
    assert {_place(r.unit) for r in rows if r.status == S.ACCEPTED} == set(reviews.ACCEPTED)

    # numbers: each commune's first report of the term is 01-BC/ĐU, issued on the day it was sent
    for report in submitted:
        issued = report.issued
        assert (issued.unit_id, issued.type_code, issued.number, issued.symbol) == (report.unit_id, "BC", 1,
                                                                                    "01-BC/ĐU")
        assert (issued.term_start, issued.term_end) == (2025, 2030)
        assert issued.issued_on == timezone.localdate(report.submitted_at)
        assert (issued.source_kind, issued.source_id) == ("review_report", report.pk)
    keys = list(IssuedDocument.objects.values_list("unit_id", "type_code", "term_start", "number"))
    assert len(keys) == len(set(keys)) == 20
    assert sorted(NumberCounter.objects.filter(type_code="BC").values_list("last_number", flat=True)) == [1] * 20

    # the audit trail follows the story: nothing of the campaign dated after this morning
    report_ids = [str(r.pk) for r in rows]
    stamps = AuditEvent.objects.filter(object_repr__startswith=campaign.title).values_list("at", flat=True)
    assert stamps and max(stamps) <= timezone.make_aware(dt.datetime.combine(DEMO_TODAY, dt.time(9)))
    status_rows = AuditEvent.objects.filter(object_id__in=report_ids, object_repr__startswith=campaign.title,
                                            changes__has_key="status")
    by_actor = Counter((e.changes["status"][1], e.actor.username if e.actor else "") for e in status_rows)
    # the communes' staff (no account in the demo) opened and sent them, demo-xa opened Đông Sơn's; the province
    # office decided
    assert by_actor == {(S.DRAFT, ""): 22, (S.DRAFT, "demo-xa"): 1, (S.SUBMITTED, ""): 20,
                        (S.ACCEPTED, "demo-tinh"): 9, (S.RETURNED, "demo-tinh"): 1}

    # the province's consolidated report: a draft with its own narrative, the communes' proposals in its annex
    own = ReviewReport.objects.get(campaign=campaign, unit=province)
    assert own.status == S.DRAFT and own.issued is None
    own_sections = dict(ReviewSection.objects.filter(report=own).values_list("key", "text"))
    assert set(own_sections) == set(SectionKey.values) and all(len(t) > 100 for t in own_sections.values())
    from nghiquyet.reviews.figures import consolidation

    tinh = get_user_model().objects.get(username="demo-tinh")
    summary = consolidation(own, user=tinh, today=DEMO_TODAY)
    assert summary.expected == 30
    assert summary.counts == {"accepted": 9, "on_time": 7, "late": 3, "returned": 1, "missing": 10}
    annex = list(summary.proposals())
    sent = [r for r in submitted if r.status in (S.SUBMITTED, S.ACCEPTED)]
    assert sorted(p.unit_id for p in annex) == sorted(r.unit_id for r in sent)       # one entry per unit
    assert {p.unit_id: p.text for p in annex} == {r.unit_id: sections[(r.pk, SectionKey.PROPOSALS)] for r in sent}
    assert all(p.unit_name.startswith("Đảng bộ ") and "Đề nghị" in p.text for p in annex)

    # idempotent: a second seed finds the campaign and writes nothing
    before = _counts()
    second = seed_demo()
    assert before == _counts()
    assert not reviews.seed_reviews(province).created and second is not None


def test_commune_texts_are_plain_and_complete():
    facts = reviews.Facts(place="Yên Thọ", level="xã", ward=False, mountain=False, figures={}, milestones={},
                          rng=reviews._rng("x"))
    texts = reviews.commune_texts(facts)
    assert list(texts) == SectionKey.values and all(texts.values())
    assert "Yên Thọ" in texts[SectionKey.PROPOSALS]
    keys = (SectionKey.RESULTS,)
    assert list(reviews.commune_texts(facts, keys=keys)) == [SectionKey.RESULTS]
