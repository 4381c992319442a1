"""``nghiquyet seed_demo``: the demo province (idempotent, deterministic)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from nghiquyet.demo.seed import login_lines, seed_demo, summary_lines


class Command(BaseCommand):
    help = (
        "Tạo tỉnh minh họa (Đảng bộ tỉnh Hà Thanh) với lịch sử sắp xếp tổ chức năm 2025 và các tài khoản "
        "minh họa. Chạy lại không thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Chỉ in bảng tài khoản minh họa.")

    def handle(self, *args, quiet: bool = False, **options):
        verbose = not quiet and options.get("verbosity", 1) >= 1
        result = seed_demo(stdout=self.stdout if verbose else None)
        if verbose:
            for line in summary_lines(result):
                self.stdout.write(line)
            self.stdout.write("")
        for line in login_lines(result):
            self.stdout.write(line)
