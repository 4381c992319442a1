"""Consolidation: the aggregated targets equal the rollups, the units by state, the proposals annex with its source
units in tree order; 1,000 subordinate reports render without holding everything in memory."""

from __future__ import annotations

import datetime as dt
import io
import time
import tracemalloc

import pytest
from django.utils import timezone

from nghiquyet.documents.layout import Heading, Paragraph, Table
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.reporting.models import Period, SubmissionStatus
from nghiquyet.reporting.rollups import rollup_get
from nghiquyet.resolutions.models import Target
from nghiquyet.reviews import selectors, services
from nghiquyet.reviews.documents import report_document
from nghiquyet.reviews.figures import rounded
from nghiquyet.reviews.models import ReviewReport, ReviewSection, SectionKey
from nghiquyet.reviews.selectors import State
from tests.reviews.conftest import COMMUNE_DEADLINE, TODAY, write

pytestmark = pytest.mark.django_db

PEAK_BOUND_MB = 150


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))
    except (OSError, StopIteration, ValueError):
        return None


def _reset_peak_rss() -> int | None:
    """Reset the process's resident peak (Linux) and return the resident size now, in kB; None elsewhere.
    tracemalloc does not see lxml's C allocations (python-docx), the resident peak does."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return None
    return _status_kb("VmRSS")


def _submit(user, campaign, unit, **texts):
    report = services.review_report_open(actor=user, campaign=campaign, unit=unit)
    write(report, user, **texts)
    return services.review_report_submit(actor=user, report=report)


def test_consolidated_targets_equal_the_rollups(demo, campaign):
    report = services.review_report_open(actor=demo.tinh, campaign=campaign, unit=demo.province)
    cons = selectors.consolidation(report, user=demo.tinh)
    period = Period.objects.get(pk=cons.figures.period_id)
    with_figures = [row for row in cons.targets if row.actual is not None]
    assert len(with_figures) >= 10
    targets = Target.objects.in_bulk([row.target_id for row in cons.targets])
    for row in cons.targets:
        cell = rollup_get(target=targets[row.target_id], unit=demo.province, period=period)
        assert row.actual == (rounded(cell.actual) if cell else None), row.name
        assert row.contributors == (cell.contributors if cell else 0)


def test_units_by_state_and_the_proposals_annex(demo, campaign):
    _submit(demo.xa2, campaign, demo.commune2, proposals="An Lạc đề nghị hỗ trợ giống cây trồng.")
    _submit(demo.xa, campaign, demo.commune, proposals="Đông Sơn đề nghị đầu tư đường liên xã.\n\nVà trạm y tế.")
    draft = services.review_report_open(actor=demo.tinh, campaign=campaign, unit=Unit.objects.filter(
        parent=demo.province, kind=UnitKind.COMMUNE, valid_to__isnull=True).exclude(
        pk__in=[demo.commune.pk, demo.commune2.pk]).order_by("path").first())
    write(draft, demo.tinh, proposals="Bản nháp: không được đưa vào phụ lục.")
    report = services.review_report_open(actor=demo.tinh, campaign=campaign, unit=demo.province)

    cons = selectors.consolidation(report, user=demo.tinh, today=TODAY)
    assert cons.has_subordinates and cons.expected == len(selectors.campaign_units(campaign)) - 1
    assert cons.counts[State.ON_TIME] == 2 and cons.counts[State.DRAFT] == 1
    rows = list(cons.status_rows())
    assert [r.path for r in rows] == sorted(r.path for r in rows)
    by_unit = {r.unit_id: r for r in rows}
    assert by_unit[demo.commune.pk].state == State.ON_TIME and by_unit[demo.commune.pk].symbol.endswith("-BC/ĐU")
    assert by_unit[demo.commune.pk].submitted_on == TODAY and by_unit[demo.commune.pk].due == COMMUNE_DEADLINE
    proposals = list(cons.proposals())
    assert [p.unit_id for p in proposals] == sorted([demo.commune.pk, demo.commune2.pk],
                                                    key=lambda pk: Unit.objects.get(pk=pk).path)
    assert {p.unit_name for p in proposals} == {demo.commune.name, demo.commune2.name}
    assert not any("Bản nháp" in p.text for p in proposals)

    # the document: counts in the body, annex 1 (states) and annex 2 (proposals with their units)
    document = report_document(report, user=demo.tinh)
    blocks = list(document.blocks)
    annexes = list(document.annexes)        # after the signature block
    assert not [b for b in blocks if isinstance(b, Heading) and b.text.startswith("Phụ lục")]
    blocks += annexes
    texts = [b.text for b in blocks if isinstance(b, Heading | Paragraph)]
    annex = texts.index("Phụ lục 2: Đề xuất, kiến nghị của các đơn vị")
    assert demo.commune.name in " ".join(texts[annex:]) and "Và trạm y tế." in texts[annex:]
    status = next(b for b in blocks if isinstance(b, Table) and b.title == "Tình hình gửi báo cáo của các đơn vị")
    assert len(status.rows) == cons.expected

    # frozen with the province's own report: later changes below do not move it
    write(report, demo.tinh)
    report = services.review_report_submit(actor=demo.tinh, report=report)
    frozen = selectors.consolidation(report, user=demo.tinh)
    services.review_report_return(actor=demo.tinh, report=ReviewReport.objects.get(campaign=campaign,
                                                                                   unit=demo.commune2),
                                  comment="Bổ sung.")
    again = selectors.consolidation(report, user=demo.tinh)
    assert again.counts == frozen.counts and again.counts[State.ON_TIME] == 2
    assert [r.state for r in again.status_rows()] == [r.state for r in frozen.status_rows()]


def test_the_issued_proposals_annex_is_frozen(demo, campaign):
    """A commune returned (or reopened) after the province issued its report, then corrected and resubmitted, does
    not change the annex of the issued report: its source (unit, section) and text are kept as they were."""
    _submit(demo.xa2, campaign, demo.commune2, proposals="An Lạc đề nghị hỗ trợ giống cây trồng.")
    dong_son = _submit(demo.xa, campaign, demo.commune, proposals="Đông Sơn đề nghị đầu tư đường liên xã.")
    report = services.review_report_open(actor=demo.tinh, campaign=campaign, unit=demo.province)
    write(report, demo.tinh)
    report = services.review_report_submit(actor=demo.tinh, report=report)
    stored = report.figures["consolidation"]["proposals"]
    section = ReviewSection.objects.get(report=dong_son, key=SectionKey.PROPOSALS)
    assert {"unit_id": demo.commune.pk, "unit_name": demo.commune.name, "section_id": section.pk,
            "text": "Đông Sơn đề nghị đầu tư đường liên xã."} in stored

    def annex_texts() -> list[str]:
        document = report_document(ReviewReport.objects.get(pk=report.pk), user=demo.tinh)
        return [b.text for b in document.annexes if isinstance(b, Heading | Paragraph)]

    issued = annex_texts()
    services.review_report_return(actor=demo.tinh, report=dong_son, comment="Sửa đề xuất.")
    assert annex_texts() == issued                                   # returned: still in the issued annex
    write(ReviewReport.objects.get(pk=dong_son.pk), demo.xa, proposals="Đề xuất đã sửa sau khi ban hành.")
    services.review_report_submit(actor=demo.xa, report=ReviewReport.objects.get(pk=dong_son.pk))
    after = annex_texts()
    assert after == issued and "Đông Sơn đề nghị đầu tư đường liên xã." in after
    assert "Đề xuất đã sửa sau khi ban hành." not in after
    # a draft consolidation of the same campaign reads the live texts
    report.status = SubmissionStatus.DRAFT
    live = [p.text for p in selectors.consolidation(report, user=demo.tinh).proposals()]
    assert "Đề xuất đã sửa sau khi ban hành." in live


def _thousand_communes(demo, campaign, n: int = 1000) -> list[int]:
    """``n`` communes under the province, each with a submitted report carrying a proposal (bulk)."""
    province = demo.province
    units = Unit.objects.bulk_create([
        Unit(kind=UnitKind.COMMUNE, code=f"TEST.BULK.{i:04d}", name=f"Đảng bộ xã Thử Nghiệm {i:04d}", parent=province,
             path=f"{province.path}t{i:04d}/", depth=province.depth + 1, valid_from=dt.date(2025, 7, 1))
        for i in range(n)])
    if units[0].pk is None:   # backends that do not return ids
        units = list(Unit.objects.filter(code__startswith="TEST.BULK.").order_by("code"))
    for unit in units:
        unit.path = f"{province.path}{unit.pk}/"
    Unit.objects.bulk_update(units, ["path"], batch_size=500)
    now = timezone.now()
    reports = ReviewReport.objects.bulk_create([
        ReviewReport(campaign=campaign, unit=unit, subject="Báo cáo sơ kết", submitted_at=now, is_late=i % 7 == 0,
                     status=SubmissionStatus.ACCEPTED if i % 3 == 0 else SubmissionStatus.SUBMITTED)
        for i, unit in enumerate(units)], batch_size=500)
    if reports[0].pk is None:
        reports = list(ReviewReport.objects.filter(campaign=campaign, unit__code__startswith="TEST.BULK."))
    text = ("Đề nghị Ban Thường vụ Tỉnh ủy quan tâm hỗ trợ nguồn lực đầu tư hạ tầng giao thông nông thôn, "
            "trường học và trạm y tế; sớm ban hành hướng dẫn chuyển đổi số trong hệ thống chính trị. ") * 10
    ReviewSection.objects.bulk_create([ReviewSection(report=r, key=SectionKey.PROPOSALS, text=text) for r in reports],
                                      batch_size=500)
    return [u.pk for u in units]


def test_a_thousand_subordinate_reports_render_within_a_memory_bound(demo, campaign):
    from nghiquyet.documents.render_docx import render_docx

    ids = _thousand_communes(demo, campaign)
    report = services.review_report_open(actor=demo.tinh, campaign=campaign, unit=demo.province)
    cons = selectors.consolidation(report, user=demo.tinh, today=TODAY)
    assert cons.expected >= 1000
    assert cons.counts[State.ACCEPTED] == 334

    rss_before = _reset_peak_rss()
    tracemalloc.start()
    started = time.monotonic()
    try:
        document = report_document(report, user=demo.tinh)
        out = io.BytesIO()
        steps = []
        render_docx(document, out, progress=lambda done, total: steps.append(done))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.monotonic() - started
    rss_peak = _status_kb("VmHWM") if rss_before is not None else None
    rss_growth = (rss_peak - rss_before) / 1024 if rss_peak else None
    print(f"\n1,000-report consolidation: DOCX {len(out.getvalue()) / 1e6:.2f} MB, traced peak {peak / 1e6:.1f} MB, "
          f"resident peak growth {rss_growth if rss_growth is None else round(rss_growth, 1)} MB, "
          f"{elapsed:.1f} s, {len(steps)} blocks")
    assert peak < PEAK_BOUND_MB * 1024 * 1024
    if rss_growth is not None:
        assert rss_growth < PEAK_BOUND_MB

    from docx import Document as Docx

    word = Docx(io.BytesIO(out.getvalue()))
    texts = [p.text for p in word.paragraphs]
    annex = texts.index("PHỤ LỤC 2: ĐỀ XUẤT, KIẾN NGHỊ CỦA CÁC ĐƠN VỊ")
    names = [t for t in texts[annex:] if t.split(". ", 1)[-1].startswith("Đảng bộ xã Thử Nghiệm")]
    assert len(names) == len(ids)
    first = Unit.objects.filter(path__under=demo.province.path, kind=UnitKind.COMMUNE, valid_to__isnull=True) \
        .order_by("path").values_list("pk", flat=True)
    in_order = [pk for pk in first if pk in set(ids)]
    assert names[0].endswith(Unit.objects.get(pk=in_order[0]).name)
    assert names[-1].endswith(Unit.objects.get(pk=in_order[-1]).name)
    status_table = next(t for t in word.tables if [c.text for c in t.rows[0].cells][2:3] == ["Hạn gửi"])
    assert len(status_table.rows) == cons.expected + 1
