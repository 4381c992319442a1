"""Busy pages and API lists on the demo province: median response time and query count per persona.

Seeds the demo province into its own SQLite file under /tmp unless DATABASE_URL is set (then that database
must be empty or already hold the demo). Run: `make bench` or `.venv/bin/python bench/bench_pages.py [--runs 15]`.
Numbers, not assertions: the query counts that must not grow are pinned in the tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        db = Path(tempfile.mkdtemp(prefix="nghiquyet-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nghiquyet.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from nghiquyet.accounts.models import RoleAssignment
    from nghiquyet.demo.seed import seed_demo
    from nghiquyet.programs.models import ActionProgram
    from nghiquyet.reporting.models import Schedule
    from nghiquyet.resolutions.models import Document

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    result = seed_demo()
    print(f"seed_demo ({connection.vendor}): {time.perf_counter() - t0:.2f} s, created={result.created}, "
          f"{result.active_units} active units, {result.members} members")

    users = get_user_model().objects
    unit = {a.user.username: a.unit for a in RoleAssignment.objects.select_related("user", "unit")}
    province_resolution = Document.objects.get(unit=unit["demo-tinh"], is_congress_resolution=True)
    commune_program = ActionProgram.objects.filter(unit=unit["demo-xa"]).order_by("pk").first()
    province_program = ActionProgram.objects.filter(unit=unit["demo-tinh"]).order_by("pk").first()
    schedule = Schedule.objects.filter(unit=unit["demo-tinh"]).order_by("pk").first()
    sum_target = schedule.targets.filter(aggregation="sum").order_by("pk").first()
    pages = [
        ("demo-tinh", "home", "/"),
        ("demo-tinh", "tree search 'dong son'", "/don-vi/?q=dong+son"),
        ("demo-tinh", "province unit page", f"/don-vi/{unit['demo-tinh'].pk}/"),
        ("demo-tinh", "documents", "/nghi-quyet/"),
        ("demo-tinh", "congress resolution (21 targets)", f"/nghi-quyet/{province_resolution.pk}/"),
        ("demo-tinh", "coverage, 30 communes x 21 targets", f"/nghi-quyet/bao-phu/{unit['demo-tinh'].pk}/"),
        ("demo-tinh", "province program", f"/chuong-trinh/{province_program.pk}/"),
        ("demo-xa", "commune unit page", f"/don-vi/{unit['demo-xa'].pk}/"),
        ("demo-xa", "documents (own + from above)", "/nghi-quyet/"),
        ("demo-xa", "commune program", f"/chuong-trinh/{commune_program.pk}/"),
        ("demo-xa", "my tasks", "/chuong-trinh/viec-cua-toi/"),
        ("demo-chibo", "my tasks", "/chuong-trinh/viec-cua-toi/"),
        ("demo-tinh", "API units", "/api/v1/units?page_size=100"),
        ("demo-tinh", "API targets", "/api/v1/targets?page_size=100"),
        ("demo-tinh", "API tasks", "/api/v1/tasks?page_size=100"),
        ("demo-tinh", "API coverage", f"/api/v1/units/{unit['demo-tinh'].pk}/coverage"),
        ("demo-tinh", "reports: to-do and waiting", f"/bao-cao/don-vi/{unit['demo-tinh'].pk}/"),
        ("demo-tinh", "dashboard, province Q3/2026",
         f"/bao-cao/bang-dieu-khien/{unit['demo-tinh'].pk}/?ky=quarter-2026-3"),
        ("demo-tinh", "target page + ranking", f"/bao-cao/bang-dieu-khien/{unit['demo-tinh'].pk}/chi-tieu/"
                                               f"{sum_target.pk}/?ky=quarter-2026-3"),
        ("demo-tinh", "completeness, province", f"/bao-cao/tien-do-nop/{unit['demo-tinh'].pk}/?ky=quarter-2026-3"),
        ("demo-xa", "dashboard, commune Q3/2026", f"/bao-cao/bang-dieu-khien/{unit['demo-xa'].pk}/?ky=quarter-2026-3"),
        ("demo-xa", "entry form Q4/2026", f"/bao-cao/don-vi/{unit['demo-xa'].pk}/nhap/{schedule.pk}/quarter-2026-4/"),
        ("demo-tinh", "API rollups", f"/api/v1/rollups?target={sum_target.pk}&unit={unit['demo-tinh'].pk}"
                                     "&period=quarter-2026-3"),
        ("demo-tinh", "API completeness", f"/api/v1/completeness?unit={unit['demo-tinh'].pk}&period=quarter-2026-3"),
        ("demo-tinh", "members, province subtree p.3", f"/dang-vien/don-vi/{unit['demo-tinh'].pk}/?subtree=1&page=3"),
        ("demo-tinh", "study figures, province", f"/hoc-tap/don-vi/{unit['demo-tinh'].pk}/"),
        ("demo-xa", "study figures, commune", f"/hoc-tap/don-vi/{unit['demo-xa'].pk}/"),
        ("demo-tinh", "inspection home, province", "/kiem-tra/"),
        ("demo-tinh", "recommendations, open", "/kiem-tra/kien-nghi/"),
        ("demo-tinh", "adjustments", "/nghi-quyet/dieu-chinh/"),
        ("demo-tinh", "briefing, province, week", f"/giao-ban/{unit['demo-tinh'].pk}/"),
        ("demo-tinh", "briefing PDF, province", f"/giao-ban/{unit['demo-tinh'].pk}/pdf/"),
        ("demo-xa", "inbox", "/thong-bao/"),
        ("demo-tinh", "API members p.1 (100)", "/api/v1/members?page_size=100"),
    ]
    print(f"\n{'persona':<11} {'page':<38} {'status':>6} {'queries':>7} {'median ms':>10} {'max ms':>8}")
    clients = {}
    for username, label, url in pages:
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            client.force_login(users.get(username=username))
        timings = []
        for _ in range(args.runs):
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
        print(f"{username:<11} {label:<38} {response.status_code:>6} {len(queries):>7} "
              f"{statistics.median(timings):>10.1f} {max(timings):>8.1f}")


if __name__ == "__main__":
    main()
