"""``nghiquyet remind``: one reminder scan in this process, then the e-mails due (for a cron job where no worker
runs, or to catch up by hand after an outage).

* ``--date YYYY-MM-DD`` scans as of that day instead of today. A past day records (and e-mails) what was due then
  and not recorded yet; a future day is refused unless ``--force``: it would send tomorrow's reminders today, and
  once recorded they are never sent again on their real day.
* ``--dry-run`` lists what the scan would record (the recipient, the kind, the key, the subject, and whether it is
  recorded already) and writes nothing, sends nothing: to look at what a day would produce, any day.
* ``--no-email`` records the reminders in the inboxes with the e-mail marked not needed.

Safe beside running workers: recording is idempotent and each e-mail is claimed by one process only."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from nghiquyet.notifications import services
from nghiquyet.notifications.models import Delivery, EmailStatus
from nghiquyet.notifications.reminders import date_vn, reminder_settings, reminders_due
from nghiquyet.notifications.tasks import scan, worker_name


class Command(BaseCommand):
    help = "Quét nhắc việc một lần (và gửi thư đến hạn), không cần tiến trình nền."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="Quét như vào ngày này (YYYY-MM-DD); mặc định: hôm nay. Ngày tương lai "
                                           "chỉ được dùng với --dry-run hoặc --force.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Chỉ liệt kê các nhắc việc sẽ được ghi, không ghi gì và không gửi thư.")
        parser.add_argument("--force", action="store_true",
                            help="Cho phép ghi (và gửi) nhắc việc của một ngày trong tương lai.")
        parser.add_argument("--no-email", action="store_true",
                            help="Ghi vào hộp thông báo, không gửi thư (thư được đánh dấu không cần gửi).")

    def handle(self, *args, date: str | None = None, dry_run: bool = False, force: bool = False,
               no_email: bool = False, **options) -> None:
        try:
            day = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date={date!r}: cần dạng YYYY-MM-DD") from None
        today = timezone.localdate()
        if dry_run:
            self._list(day or today)
            return
        if day is not None and day > today and not force:
            raise CommandError(
                f"--date={day.isoformat()} là ngày trong tương lai (hôm nay {date_vn(today)}): nhắc việc của ngày đó "
                "sẽ được ghi và gửi ngay bây giờ, và không được gửi lại vào đúng ngày. Dùng --dry-run để xem trước, "
                "hoặc thêm --force nếu thật sự muốn ghi.")
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

    def _list(self, day: dt.date) -> None:
        """What a scan of ``day`` would record; nothing is written."""
        unique = {}
        for reminder in reminders_due(day):
            unique.setdefault((reminder.kind, reminder.key, reminder.user_id), reminder)
        keys = sorted({key for _kind, key, _user in unique})
        recorded: set[tuple[str, str, int]] = set()
        for i in range(0, len(keys), services.CHUNK):
            recorded.update(Delivery.objects.filter(key__in=keys[i:i + services.CHUNK])
                            .values_list("kind", "key", "user_id"))
        names = dict(get_user_model().objects.filter(pk__in={u for _k, _key, u in unique})
                     .values_list("pk", "username"))
        new = 0
        for (kind, key, user_id), reminder in sorted(unique.items(), key=lambda item: (item[0][2], item[0][1])):
            done = (kind, key, user_id) in recorded
            new += not done
            self.stdout.write(f"{'  đã ghi' if done else '+ mới   '}  {names.get(user_id, user_id)}  {kind}  {key}  "
                              f"{reminder.subject}")
        self.stdout.write(f"Ngày {day.isoformat()} (chạy thử, không ghi gì): {len(unique)} nhắc việc đến hạn, "
                          f"{new} mới.")
