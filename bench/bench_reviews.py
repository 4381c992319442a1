"""Review reports at scale: time and memory of drafting and rendering consolidated reports.

1. The demo province's consolidated mid-term report (30 communes, 20 submitted): its drafted figures, the
   consolidation (statuses, proposals annex), the whole ``PartyDocument``, then DOCX, PDF and XLSX.
2. A synthetic consolidation with ``--units`` (1,000) subordinate reports: a sector bloc under the demo province
   with 1,000 grassroots committees (agency kind, so the province's own campaign, which asks the communes, does
   not count them), each with a submitted or accepted report (seven narrative sections, frozen figures copied from
   a demo report), in the bloc's campaign on 01-NQ/ĐH, and the bloc's own draft; the same steps.

Every step runs in a forked child so that its numbers are its own: seconds, the child's peak RSS (``wait4``; it
starts from the parent's RSS at the fork, printed as "RSS at start") and, in a second child, the peak of Python
allocations traced by ``tracemalloc`` (tracing slows the code down, so it is not timed).

Uses its own SQLite file under /tmp unless DATABASE_URL is set (then that database must be empty or already hold
the demo; the synthetic bloc is written into it). Run: `make bench` or
`.venv/bin/python bench/bench_reviews.py [--units 1000] [--no-trace]`. Numbers, not assertions.
``bench_documents.py`` measures the renderers alone on a synthetic ``PartyDocument`` (no database); this one the
whole path from the database (figures, consolidation, document, renderers) through the registry's builder.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGE = os.sysconf("SC_PAGE_SIZE")
BENCH_CODE = "HT.BENCH"


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def pdf_pages(content: bytes) -> int | str:
    """The page count (poppler's pdfinfo), "?" when pdfinfo is missing."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(content)
        pdf.flush()
        try:
            info = subprocess.run(["pdfinfo", pdf.name], capture_output=True, text=True, check=False).stdout
        except OSError:
            return "?"
    found = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(found.group(1)) if found else "?"


def in_child(fn, *, trace: bool) -> dict:
    """Run ``fn`` in a forked child; its result dict, seconds, RSS at start and peak RSS (MB), traced peak (MB)."""
    from django.db import connections

    connections.close_all()   # the child opens its own connection
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        try:
            start_rss = rss_mb()
            if trace:
                tracemalloc.start()
            started = time.perf_counter()
            extra = fn() or {}
            result = {"seconds": time.perf_counter() - started, "start_rss": start_rss, **extra}
            if trace:
                result["traced_peak"] = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()
        except BaseException as exc:   # noqa: BLE001 - reported by the parent
            result = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        with os.fdopen(write, "w") as out:
            out.write(json.dumps(result))
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        payload = pipe.read()
    _pid, _status, usage = os.wait4(pid, 0)
    result = json.loads(payload or '{"error": "the child died"}')
    result["peak_rss"] = usage.ru_maxrss / 1024
    return result


def measure(label: str, fn, *, trace: bool) -> None:
    timed = in_child(fn, trace=False)
    if "error" in timed:
        print(f"  {label:<44} ERROR {timed['error']}")
        return
    traced = in_child(fn, trace=True) if trace else {}
    extra = "  ".join(f"{k} {v}" for k, v in timed.items()
                      if k not in {"seconds", "start_rss", "peak_rss", "traced_peak"})
    traced_text = f"{traced['traced_peak']:8.1f}" if "traced_peak" in traced else "       -"
    print(f"  {label:<44} {timed['seconds']:8.2f} {timed['start_rss']:8.0f} {timed['peak_rss']:8.0f} "
          f"{traced_text}   {extra}")


def steps(report_id: int, username: str) -> list[tuple[str, object]]:
    """The steps measured for one report: each loads what it needs afresh (in its child)."""
    from django.contrib.auth import get_user_model

    from nghiquyet.documents.registry import builder_for
    from nghiquyet.reviews.models import ReviewReport
    from nghiquyet.reviews.selectors import consolidation, report_figures

    def load():
        user = get_user_model().objects.get(username=username)
        report = ReviewReport.objects.select_related("campaign__unit", "campaign__resolution", "unit",
                                                     "issued").get(pk=report_id)
        return user, report

    def figures():
        user, report = load()
        return {"targets": len(report_figures(report, user=user).targets)}

    def consolidate():
        user, report = load()
        summary = consolidation(report, user=user)
        rows = sum(1 for _ in summary.status_rows())
        proposals = sum(len(p.text) for p in summary.proposals())
        return {"units": rows, "proposal_chars": proposals}

    def document():
        user, _report = load()
        built = builder_for("review_report")(report_id, user=user)
        blocks = sum(1 for _ in built.document.blocks)
        return {"blocks": blocks, "tables": len(built.tables)}

    def render(fmt: str):
        def run():
            from nghiquyet.documents.render_docx import render_docx
            from nghiquyet.documents.render_pdf import render_pdf
            from nghiquyet.documents.render_xlsx import render_xlsx

            user, _report = load()
            built = builder_for("review_report")(report_id, user=user)
            out = io.BytesIO()
            if fmt == "docx":
                render_docx(built.document, out)
            elif fmt == "pdf":
                render_pdf(built.document, out)
            else:
                render_xlsx(built.tables, out, title=built.document.subject)
            info = {"KB": round(out.tell() / 1024)}
            if fmt == "pdf":
                info["pages"] = pdf_pages(out.getvalue())
            return info
        return run

    return [("drafted figures", figures), ("consolidation (statuses, proposals)", consolidate),
            ("whole document (PartyDocument)", document), ("render DOCX", render("docx")),
            ("render PDF", render("pdf")), ("render XLSX", render("xlsx"))]


def synthetic(units: int) -> int:
    """The bloc with ``units`` grassroots committees and their reports; the bloc's own draft report's id (made
    once)."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from nghiquyet.demo import reviews as demo
    from nghiquyet.org.models import Unit, UnitKind, UnitVersion
    from nghiquyet.org.services import unit_create
    from nghiquyet.reporting.models import SubmissionStatus
    from nghiquyet.reviews import services
    from nghiquyet.reviews.models import Campaign, ReviewKind, ReviewReport, ReviewSection

    tinh = get_user_model().objects.get(username="demo-tinh")
    bloc = Unit.objects.filter(code=BENCH_CODE).first()
    if bloc is not None:
        return ReviewReport.objects.get(unit=bloc).pk
    province = Unit.objects.get(code="HT")
    template = ReviewReport.objects.filter(campaign__unit=province, status=SubmissionStatus.ACCEPTED).order_by(
        "unit__code").first()
    started = time.perf_counter()
    with transaction.atomic():
        bloc = unit_create(actor=None, parent=province, kind=UnitKind.SECTOR_BLOC, code=BENCH_CODE,
                           name=f"Đảng bộ Khối thử tải ({units} đảng bộ cơ sở)", valid_from=dt.date(2025, 7, 1))
        next_id = (Unit.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        rows, versions = [], []
        for i in range(units):
            pk = next_id + i
            name = f"Đảng bộ Cơ quan Thử Tải {i + 1:04d}"
            rows.append(Unit(pk=pk, kind=UnitKind.AGENCY, code=f"{BENCH_CODE}.CQ{i + 1:04d}", name=name,
                             parent=bloc, path=f"{bloc.path}{pk}/", depth=bloc.depth + 1,
                             valid_from=dt.date(2025, 7, 1), member_count=300, search_text=name.lower()))
            versions.append(UnitVersion(unit_id=pk, parent=bloc, name=name, valid_from=dt.date(2025, 7, 1)))
        Unit.objects.bulk_create(rows, batch_size=1000)
        UnitVersion.objects.bulk_create(versions, batch_size=1000)
        campaign = services.campaign_create(
            actor=tinh, unit=bloc, resolution=template.campaign.resolution, kind=ReviewKind.MIDTERM,
            title="Sơ kết giữa nhiệm kỳ (thử tải)", period_start=template.campaign.period_start,
            period_end=template.campaign.period_end, deadlines={UnitKind.AGENCY.value: dt.date(2026, 11, 20)},
            own_deadline=dt.date(2026, 12, 10))
        at = timezone.make_aware(dt.datetime(2026, 11, 15, 9))
        reports = [ReviewReport(campaign=campaign, unit=u, subject=template.subject, figures=template.figures,
                                status=SubmissionStatus.ACCEPTED if i % 3 else SubmissionStatus.SUBMITTED,
                                submitted_at=at, decided_at=at if i % 3 else None, is_late=i % 10 == 0, version=3)
                   for i, u in enumerate(rows)]
        ReviewReport.objects.bulk_create(reports, batch_size=1000)
        sections = []
        for report, unit in zip(reports, rows, strict=True):
            facts = demo.Facts(place=unit.name.removeprefix("Đảng bộ Cơ quan "), level="xã", ward=False, mountain=False,
                               figures={}, milestones={}, rng=demo._rng(unit.code))
            sections += [ReviewSection(report=report, key=k, text=t) for k, t in demo.commune_texts(facts).items()]
        ReviewSection.objects.bulk_create(sections, batch_size=2000)
        own = services.review_report_open(actor=tinh, campaign=campaign, unit=bloc)
        services.review_report_save(actor=tinh, report=own, version=own.version, texts=dict(demo.PROVINCE_TEXTS))
    assert Campaign.objects.filter(unit=bloc).count() == 1
    print(f"synthetic bloc: {units} grassroots committees, {len(reports)} reports, {len(sections)} sections in "
          f"{time.perf_counter() - started:.1f} s")
    return own.pk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc runs")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        db = Path(tempfile.mkdtemp(prefix="nghiquyet-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nghiquyet.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from nghiquyet.demo.seed import seed_demo
    from nghiquyet.org.models import Unit
    from nghiquyet.reviews.models import ReviewReport

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    result = seed_demo()
    print(f"seed_demo ({connection.vendor}): {time.perf_counter() - t0:.2f} s, created={result.created}")
    province = Unit.objects.get(code="HT")
    own = ReviewReport.objects.get(campaign__unit=province, unit=province)
    bloc_report = synthetic(args.units)

    header = (f"  {'step':<44} {'seconds':>8} {'RSS0 MB':>8} {'peak MB':>8} {'traced':>8}   details\n"
              f"  {'':<44} {'':>8} {'(start)':>8} {'(RSS)':>8} {'MB':>8}")
    print("\nThe demo province's consolidated report (30 communes, 20 submitted)")
    print(header)
    for label, fn in steps(own.pk, "demo-tinh"):
        measure(label, fn, trace=not args.no_trace)
    print(f"\nSynthetic consolidation: {args.units} subordinate reports")
    print(header)
    for label, fn in steps(bloc_report, "demo-tinh"):
        measure(label, fn, trace=not args.no_trace)


if __name__ == "__main__":
    main()
