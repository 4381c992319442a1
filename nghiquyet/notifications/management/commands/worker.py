"""``nghiquyet worker``: the django-tasks database worker plus the reminder clock.

django-tasks has no scheduler, so this command runs ``db_worker``'s loop (same options) and, beside it, a small
clock thread that queues ``reminders_scan`` every ``NGHIQUYET_REMINDER_SCAN_SECONDS`` (at start too), unless a
scan is already waiting in the queue. Any number of these may run: scans are idempotent, each e-mail is claimed by
one worker only (see notifications/services.py). ``--scan-every 0`` turns the clock off (a plain db_worker).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

logger = logging.getLogger("nghiquyet.notifications.worker")


def _tick() -> None:
    from nghiquyet.notifications.tasks import enqueue_unless_waiting, reminders_scan

    close_old_connections()
    try:
        if enqueue_unless_waiting(reminders_scan):
            logger.debug("reminders_scan queued")
        prune_results()
    except Exception:  # a locked or unreachable database: try again on the next tick
        logger.exception("Could not queue the reminder scan")
    finally:
        connections.close_all()


def prune_results() -> int:
    """The clock's own task results pile up (two a minute): keep a day of successful ones, every failed one."""
    from django_tasks_db.models import DBTaskResult

    from nghiquyet.notifications.tasks import reminders_scan, reminders_send

    cutoff = timezone.now() - dt.timedelta(days=1)
    deleted, _by_model = DBTaskResult.objects.successful().filter(
        task_path__in=[reminders_scan.module_path, reminders_send.module_path], finished_at__lt=cutoff).delete()
    return deleted


def start_clock(every: float) -> threading.Event:
    stop = threading.Event()

    def loop() -> None:
        _tick()
        while not stop.wait(every):
            _tick()

    threading.Thread(target=loop, name="reminder-clock", daemon=True).start()
    return stop


class Command(DbWorkerCommand):
    help = "Chạy tiến trình nền: hàng đợi tác vụ (db_worker) và đồng hồ quét nhắc việc."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--scan-every", type=float, default=None,
            help="Seconds between reminder scans (default: NGHIQUYET_REMINDER_SCAN_SECONDS); 0 = no clock.")
        # The autoreloader would run the clock in its watcher process too; a worker restarts by its supervisor.
        parser.set_defaults(reload=False)

    def handle(self, *args, scan_every: float | None = None, **options) -> None:
        every = settings.NGHIQUYET["REMINDERS"]["SCAN_SECONDS"] if scan_every is None else scan_every
        if every and every > 0:
            start_clock(float(every))
            logger.info("Reminder clock: a scan every %s s", every)
        super().handle(*args, **options)
