"""Background tasks (django-tasks, database backend; run by ``nghiquyet worker`` or ``nghiquyet db_worker``).

``reminders_scan`` collects what every source says is due today and records it (idempotent), then queues
``reminders_send``, which sends the e-mails due now. ``nghiquyet worker`` queues the scan every
``SCAN_SECONDS``; the scan also picks up e-mails waiting for a retry, so a server that was down is retried on the
next scan after its back-off.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from nghiquyet.notifications import services
from nghiquyet.notifications.models import EmailStatus
from nghiquyet.notifications.reminders import reminder_settings, reminders_due

logger = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def scan(today: dt.date | None = None, *, email: bool = True) -> dict:
    """Run the scan now, in this process (also used by the demo and the tests)."""
    today = today or timezone.localdate()
    started = time.perf_counter()
    result = services.reminders_record(reminders=reminders_due(today), email=email)
    seconds = round(time.perf_counter() - started, 3)
    logger.info("Reminder scan for %s: %s due, %s new, %s to e-mail (%.3f s)", today, result.due, result.created,
                result.to_email, seconds)
    return {"today": today.isoformat(), "due": result.due, "created": result.created, "to_email": result.to_email,
            "seconds": seconds}


def enqueue_unless_waiting(the_task) -> bool:
    """Queue ``the_task`` unless a run of it is already waiting in the database queue (two workers ticking, or a
    slow scan, must not pile up copies: one waiting run does the same work). Returns whether it queued one."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = the_task.get_backend()
    if isinstance(backend, DatabaseBackend):
        waiting = DBTaskResult.objects.ready().filter(task_path=the_task.module_path, backend_name=backend.alias)
        if waiting.exists():
            return False
    the_task.enqueue()
    return True


@task()
def reminders_scan(today: str | None = None) -> dict:
    summary = scan(dt.date.fromisoformat(today) if today else None)
    transaction.on_commit(lambda: enqueue_unless_waiting(reminders_send))
    return summary


@task()
def reminders_send() -> dict:
    """Send one batch (``SEND_BATCH``) of the e-mails due now; a full batch queues the next one, so a long queue
    goes out in turns that leave room for other tasks and for a graceful stop between them."""
    counts = services.deliveries_send(worker=worker_name())
    if any(counts.values()):
        logger.info("Reminder e-mails: %s", counts)
    if counts[EmailStatus.SENT] + counts["skipped"] >= reminder_settings()["SEND_BATCH"]:
        enqueue_unless_waiting(reminders_send)
    return {str(k): v for k, v in counts.items()}
