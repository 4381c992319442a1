"""``nghiquyet documents_fill_files [--dry-run]``: render and store the missing files of the register's entries made
in the app (e.g. review reports issued while no worker ran), as the system."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from nghiquyet.documents.services import issued_files_fill


class Command(BaseCommand):
    help = "Tạo và lưu tệp còn thiếu của các văn bản trong sổ được lập trong ứng dụng (báo cáo sơ kết, tổng kết...)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", dest="dry_run",
                            help="Chỉ đếm các văn bản còn thiếu tệp, không tạo tệp.")

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        started = time.perf_counter()
        result = issued_files_fill(dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"Còn {result.missing} văn bản thiếu tệp (chạy thử, chưa tạo tệp nào).")
            return
        seconds = time.perf_counter() - started
        self.stdout.write(f"Văn bản thiếu tệp: {result.missing}; đã tạo tệp: {result.filled}; "
                          f"không tạo được: {result.failed} ({seconds:.1f} giây).")
