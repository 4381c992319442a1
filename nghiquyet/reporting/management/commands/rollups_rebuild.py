"""``nghiquyet rollups_rebuild [--target ID ...] [--period ID ...]``: recompute rollup cells from the counted values."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from nghiquyet.reporting.models import Value
from nghiquyet.reporting.rollups import rollups_rebuild


class Command(BaseCommand):
    help = "Tính lại toàn bộ số liệu tổng hợp (rollup) từ các số liệu đã được tính."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--target", type=int, action="append", dest="targets", metavar="ID",
                            help="Chỉ tính lại chỉ tiêu này (có thể lặp lại).")
        parser.add_argument("--period", type=int, action="append", dest="periods", metavar="ID",
                            help="Chỉ tính lại kỳ báo cáo này (có thể lặp lại).")

    def handle(self, *args, targets=None, periods=None, **options) -> None:
        values = Value.objects.filter(counted=True, is_total=False)
        if targets:
            values = values.filter(target_id__in=targets)
        if periods:
            values = values.filter(period_id__in=periods)
        count = values.count()
        started = time.perf_counter()
        cells = rollups_rebuild(target_ids=targets, period_ids=periods)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Đã tính lại {cells} ô tổng hợp từ {count} số liệu trong {seconds:.2f} giây."
        )
