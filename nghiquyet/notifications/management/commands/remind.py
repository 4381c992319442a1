"""``nghiquyet remind``: one reminder scan now, in this process, then the e-mails due (for a cron job where no
worker runs, or to look at what a day would produce). Safe beside running workers: recording is idempotent and each
e-mail is claimed by one process only."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from nghiquyet.notifications import services
from nghiquyet.notifications.models import EmailStatus
from nghiquyet.notifications.reminders import reminder_settings
from nghiquyet.notifications.tasks import scan, worker_name


class Command(BaseCommand):
    help = "Quét nhắc việc một lần (và gửi thư đến hạn), không cần tiến trình nền."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="Quét như vào ngày này (YYYY-MM-DD); mặc định: hôm nay.")
        parser.add_argument("--no-email", action="store_true",
                            help="Ghi vào hộp thông báo, không gửi thư (thư được đánh dấu không cần gửi).")

    def handle(self, *args, date: str | None = None, no_email: bool = False, **options) -> None:
        try:
            day = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date={date!r}: cần dạng YYYY-MM-DD") from None
        summary = scan(day, email=not no_email)
        self.stdout.write(f"Ngày {summary['today']}: {summary['due']} nhắc việc đến hạn, {summary['created']} mới, "
                          f"{summary['to_email']} chờ gửi thư ({summary['seconds']:.3f} giây).")
        if not no_email:
            batch = reminder_settings()["SEND_BATCH"]
            total: Counter = Counter()
            while True:
                counts = services.deliveries_send(worker=worker_name())
                total.update({str(k): v for k, v in counts.items()})
                if not counts[EmailStatus.SENT] or counts[EmailStatus.SENT] + counts["skipped"] < batch:
                    break
            self.stdout.write(f"Thư: {total['sent']} đã gửi, {total['pending']} chờ gửi lại, "
                              f"{total['failed']} lỗi vĩnh viễn.")
