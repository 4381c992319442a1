"""Rendering a synthetic 1,000-unit consolidation (the size of a province's grassroots organizations): seconds and
peak memory per format (DOCX, PDF, XLSX). Each format runs in its own process so the peaks do not add up; no
database is needed. Run: `.venv/bin/python bench/bench_documents.py [--units 1000]`.
Numbers, not assertions: the tests check that 1,000 units render in every format.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def document(units: int):
    from nghiquyet.documents.layout import Heading, Letterhead, Paragraph, PartyDocument, Table

    def blocks():
        yield Heading("I. Kết quả thực hiện các chỉ tiêu")
        yield Table(
            title="Bảng 1. Kết quả thực hiện chỉ tiêu của các đảng bộ trực thuộc",
            columns=["TT", "Đơn vị", "Đảng viên", "Chỉ tiêu đạt", "Tỷ lệ (%)", "Nhiệm vụ quá hạn", "Tình trạng"],
            rows=[[i, f"Đảng bộ xã Đông Sơn {i}", 120 + i % 300, 12 + i % 4, Decimal("87.5") + i % 12, i % 3,
                   "Đạt" if i % 5 else "Có nguy cơ"] for i in range(1, units + 1)],
            numeric=[True, False, True, True, True, True, False], widths=[1, 5, 2, 2, 2, 2, 2])
        yield Heading("II. Kiến nghị, đề xuất của các đơn vị")
        for i in range(1, units + 1):
            yield Paragraph(f"{i}. Đảng bộ xã Đông Sơn {i}: đề nghị Ban Thường vụ Tỉnh ủy quan tâm hỗ trợ kinh phí "
                            "chuyển đổi số trong công tác đảng.")

    return PartyDocument(
        letterhead=Letterhead(superior="", issuer="TỈNH ỦY HÀ THANH", symbol="Số 01-BC/TU", place="Hà Thanh",
                              date=dt.date(2026, 4, 20)),
        type_label="BÁO CÁO", subject="sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ tỉnh",
        blocks=blocks(), signature=signature(), recipients=["- Ban Bí thư (để báo cáo),", "- Lưu Văn phòng Tỉnh ủy."],
        block_count=units + 3)


def signature():
    from nghiquyet.documents.layout import Signature

    return Signature(on_behalf="T/M BAN THƯỜNG VỤ", title="BÍ THƯ", name="Nguyễn Văn An")


def run_one(fmt: str, units: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nghiquyet.settings")
    import django

    django.setup()
    from nghiquyet.documents.layout import Table
    from nghiquyet.documents.render_docx import render_docx
    from nghiquyet.documents.render_pdf import render_pdf
    from nghiquyet.documents.render_xlsx import render_xlsx

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out_path = Path(f"/tmp/bench-documents.{fmt}")
    started = time.perf_counter()
    with out_path.open("wb") as out:
        doc = document(units)
        if fmt == "docx":
            render_docx(doc, out)
        elif fmt == "pdf":
            render_pdf(doc, out)
        else:
            render_xlsx([b for b in doc.blocks if isinstance(b, Table)], out)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"fmt": fmt, "seconds": round(seconds, 2), "peak_mb": round(peak / 1024, 1),
            "added_mb": round((peak - base) / 1024, 1), "size_kb": round(out_path.stat().st_size / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--one", choices=["docx", "pdf", "xlsx"])
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.units)))
        return
    print(f"Synthetic consolidation of {args.units} units (a table row and a proposal paragraph per unit)")
    for fmt in ("docx", "pdf", "xlsx"):
        result = subprocess.run([sys.executable, __file__, "--one", fmt, "--units", str(args.units)],
                                capture_output=True, text=True, check=True, cwd=ROOT)
        row = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"{fmt:5} {row['seconds']:7.2f} s   peak RSS {row['peak_mb']:7.1f} MB "
              f"(+{row['added_mb']:.1f} MB while rendering)   file {row['size_kb']:.0f} KB")


if __name__ == "__main__":
    main()
